using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Spark.Core.Imports;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data;

namespace Spark.Bench;

/// <summary>
/// The benchmark's data, deterministic for its seed: 500 securities with daily bars over 10 years (the 129 seeded
/// instruments plus generated ones) and one investor with 300 holdings and 20,000 transactions over the same years.
/// </summary>
internal sealed class HeavyInvestor(string ownerConnectionString, DateOnly today)
{
    public const int Securities = 500;
    public const int Holdings = 300;
    public const int Transactions = 20_000;
    public const int Years = 10;

    private readonly Random _random = new(20261126);
    private readonly PriceSimulator _market = new(SimulatedMarket.DefaultSeed, SimulatedMarket.AnchorDate);

    public DateOnly From => today.AddYears(-Years);

    /// <summary>Adds generated securities up to <see cref="Securities"/>; returns every security with its anchor price.</summary>
    public async Task<List<(Security Security, decimal Anchor)>> SecuritiesAsync()
    {
        await using var context = Owner();
        var existing = await context.Securities.AsNoTracking().OrderBy(s => s.Symbol).ToListAsync();
        var types = new[] { SecurityType.Stock, SecurityType.Stock, SecurityType.Stock, SecurityType.Etf, SecurityType.MutualFund };
        for (var i = existing.Count; i < Securities; i++)
        {
            var type = types[i % types.Length];
            context.Securities.Add(new Security
            {
                Symbol = string.Create(CultureInfo.InvariantCulture, $"BENCH{i:0000}"), Name = string.Create(CultureInfo.InvariantCulture, $"Benchmark {type} {i}"),
                Type = type, Exchange = "NSE", Sector = $"Sector {i % 11}", Industry = "Benchmark",
                Metadata = System.Text.Json.JsonSerializer.SerializeToDocument(new { referencePrice = Math.Round(50m + (decimal)_random.NextDouble() * 4950m, 1) }),
            });
        }

        await context.SaveChangesAsync();
        return [.. (await context.Securities.AsNoTracking().OrderBy(s => s.Symbol).ToListAsync())
            .Select(s => (s, SimulatedMarket.AnchorPrice(s) ?? 100m))];
    }

    /// <summary>Writes the daily bars of every security by binary COPY; returns the number of rows.</summary>
    public async Task<int> BarsAsync(IReadOnlyList<(Security Security, decimal Anchor)> securities)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY market_data_daily (security_id, trade_date, open, high, low, close, volume, created_at) FROM STDIN (FORMAT BINARY)");
        var rows = 0;
        var now = DateTimeOffset.UtcNow;
        foreach (var (security, anchor) in securities)
        {
            foreach (var bar in _market.DailyBars(security.Symbol, security.Type, anchor, From, today.AddDays(-1)))
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(security.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(bar.TradeDate, NpgsqlDbType.Date);
                await writer.WriteAsync(bar.Open, NpgsqlDbType.Numeric);
                await writer.WriteAsync(bar.High, NpgsqlDbType.Numeric);
                await writer.WriteAsync(bar.Low, NpgsqlDbType.Numeric);
                await writer.WriteAsync(bar.Close, NpgsqlDbType.Numeric);
                await writer.WriteAsync(bar.Volume, NpgsqlDbType.Bigint);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                rows++;
            }
        }

        await writer.CompleteAsync();
        return rows;
    }

    /// <summary>
    /// 20,000 transactions over 300 holdings: buys, sells that never exceed what is held, dividends, monthly SIPs
    /// for funds and a few splits, priced at the simulated close of their day.
    /// </summary>
    public List<TransactionRow> Ledger(IReadOnlyList<(Security Security, decimal Anchor)> securities)
    {
        var chosen = securities.Where(s => s.Security.Type is SecurityType.Stock or SecurityType.Etf or SecurityType.MutualFund)
            .OrderBy(_ => _random.Next()).Take(Holdings).ToList();
        var rows = new List<TransactionRow>(Transactions);
        var perHolding = Transactions / chosen.Count;
        for (var h = 0; h < chosen.Count; h++)
        {
            var (security, anchor) = chosen[h];
            var count = h < Transactions % chosen.Count ? perHolding + 1 : perHolding;
            var closes = _market.DailyBars(security.Symbol, security.Type, anchor, From, today.AddDays(-1)).ToList();
            var fund = security.Type == SecurityType.MutualFund;
            var platform = fund ? "groww" : "zerodha";
            var start = _random.Next(0, closes.Count / 3);
            var step = Math.Max(1, (closes.Count - start - 1) / count);
            var held = 0m;
            for (var i = 0; i < count; i++)
            {
                var bar = closes[Math.Min(closes.Count - 1, start + (i * step))];
                var roll = _random.NextDouble();
                TransactionType type;
                decimal quantity;
                if (i == 0 || held == 0m || roll < 0.6)
                {
                    type = fund ? TransactionType.Sip : TransactionType.Buy;
                    quantity = fund ? Math.Round(5000m / bar.Close, 3) : _random.Next(1, 40);
                    held += quantity;
                }
                else if (roll < 0.85)
                {
                    type = TransactionType.Sell;
                    quantity = fund ? Math.Round(held * 0.3m, 3) : Math.Max(1, Math.Floor(held * 0.3m));
                    quantity = Math.Min(quantity, held);
                    if (quantity <= 0m) { type = TransactionType.Buy; quantity = 1; held += 1; }
                    else held -= quantity;
                }
                else if (roll < 0.995 || fund)
                {
                    rows.Add(Row(rows.Count, security, TransactionType.Dividend, null, null, Math.Round(held * 2.5m, 2), bar.TradeDate, platform));
                    continue;
                }
                else
                {
                    rows.Add(Row(rows.Count, security, TransactionType.Split, null, null, null, bar.TradeDate, platform) with { RatioNew = 2, RatioOld = 1 });
                    held *= 2;
                    continue;
                }

                var amount = Math.Round(quantity * bar.Close, 2);
                rows.Add(Row(rows.Count, security, type, quantity, bar.Close, amount, bar.TradeDate, platform) with
                {
                    Fees = Math.Round(amount * 0.0003m, 2), Tax = type == TransactionType.Sell ? Math.Round(amount * 0.001m, 2) : 0m,
                });
            }
        }

        return rows;
    }

    private static TransactionRow Row(int n, Security s, TransactionType type, decimal? quantity, decimal? price, decimal? amount, DateOnly date,
        string platform) => new()
        {
            RowNumber = n + 2, Symbol = s.Symbol, Type = type, Quantity = quantity, Price = price, Amount = amount, TransactionDate = date,
            Platform = platform, ExternalId = string.Create(CultureInfo.InvariantCulture, $"bench-{n}"),
        };

    private SparkDbContext Owner() => new((DbContextOptions<SparkDbContext>)new DbContextOptionsBuilder<SparkDbContext>().UseSpark(ownerConnectionString).Options)
    {
        Scope = DataScope.System("benchmark generator"),
    };
}
