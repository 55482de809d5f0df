using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Data.Conversions;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.Portfolio;

/// <summary>A holding's identity beside its numbers.</summary>
public sealed record HoldingInfo(Guid InvestmentId, Guid SecurityId, string Symbol, string Name, SecurityType Type, string Platform,
    string? Sector, InvestmentStatus Status);

/// <summary>An investor's ledger as the engine reads it, with the holdings it belongs to.</summary>
public sealed record LoadedLedger(IReadOnlyList<HoldingInfo> Holdings, IReadOnlyList<HoldingLedger> Ledgers, int TransactionCount, DateTimeOffset LoadedAt)
{
    /// <summary>The price-independent analysis of this ledger, with what it was computed for.</summary>
    internal (PortfolioAnalysis Analysis, long HistoryVersion)? Analysis { get; set; }
}

/// <summary>One holding valued: identity, FIFO position and returns.</summary>
public sealed record HoldingView(HoldingInfo Info, HoldingResult Result);

/// <summary>An investor's portfolio valued at the live prices.</summary>
public sealed record PortfolioView(PortfolioResult Result, IReadOnlyList<HoldingView> Holdings, DateOnly ValuationDate)
{
    public bool IsEmpty => Holdings.Count == 0;
}

/// <summary>
/// Each investor's ledger, kept in memory between requests (a heavy investor has tens of thousands of rows,
/// and prices move every second while the ledger does not). Writes on this instance drop the entry at once; an
/// entry also expires after <see cref="Lifetime"/>, which bounds how stale a write on another instance can be.
/// </summary>
public sealed class PortfolioCache
{
    public const string CacheName = "portfolio";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, LoadedLedger> _ledgers = new();
    private readonly TimeProvider clock;
    private readonly Services.Cluster.CacheInvalidation? invalidation;

    /// <param name="invalidation">Across instances (decision 0057): a write elsewhere drops the entry here at once and
    /// tells this instance's open screens, instead of waiting out <see cref="Lifetime"/>.</param>
    public PortfolioCache(TimeProvider clock, Services.Cluster.CacheInvalidation? invalidation = null)
    {
        this.clock = clock;
        this.invalidation = invalidation;
        invalidation?.OnRemote(CacheName, key =>
        {
            if (Guid.TryParse(key, out var userId)) Drop(userId);
        });
    }

    public event Action<Guid>? Changed;

    public LoadedLedger? Get(Guid userId) =>
        _ledgers.TryGetValue(userId, out var ledger) && clock.GetUtcNow() - ledger.LoadedAt < Lifetime ? ledger : null;

    public void Set(Guid userId, LoadedLedger ledger) => _ledgers[userId] = ledger;

    public void Invalidate(Guid userId)
    {
        Drop(userId);
        invalidation?.Announce(CacheName, userId.ToString());
    }

    private void Drop(Guid userId)
    {
        _ledgers.TryRemove(userId, out _);
        Changed?.Invoke(userId);
    }
}

/// <summary>The portfolio figures of api.md (FIFO, XIRR, TWR, day change) for one investor, at live prices.</summary>
public sealed class PortfolioService(SparkDb db, PriceBook prices, PriceHistory history, PortfolioCache cache, TimeProvider clock)
{
    /// <summary>
    /// The portfolio at live prices. The ledger and its analysis (FIFO, flows, daily values at stored closes) are
    /// cached until the ledger, the stored closes or the date change; each call only applies the live quotes.
    /// </summary>
    /// <param name="withSeries">True for the daily value series and the TWR (charts, performance); false for totals only.</param>
    public async Task<PortfolioView> GetAsync(Guid userId, bool withSeries, CancellationToken cancellationToken = default)
    {
        var ledger = cache.Get(userId);
        if (ledger is null)
        {
            ledger = await LoadAsync(userId, cancellationToken);
            cache.Set(userId, ledger);
        }

        await prices.EnsureLoadedAsync(cancellationToken);
        await history.LoadAsync(ledger.Holdings.Select(h => h.SecurityId), cancellationToken);
        var today = IndiaTime.Today(clock);
        var version = history.Version;
        if (ledger.Analysis is not { } cached || cached.Analysis.ValuationDate != today || cached.HistoryVersion != version)
        {
            cached = (PortfolioEngine.Analyze(ledger.Ledgers, today, history.Get), version);
            ledger.Analysis = cached;
        }

        return View(ledger, PortfolioEngine.Value(cached.Analysis, prices.Snapshot(), withSeries), today);
    }

    /// <summary>Runs the engine over a loaded ledger: the whole FIFO + XIRR (+ TWR) recompute, no database, no cache.</summary>
    public PortfolioView Compute(LoadedLedger ledger, bool withSeries)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var today = IndiaTime.Today(clock);
        return View(ledger, PortfolioEngine.Compute(ledger.Ledgers, today, history.Get, prices.Snapshot(), withSeries), today);
    }

    private static PortfolioView View(LoadedLedger ledger, PortfolioResult result, DateOnly today)
    {
        var info = ledger.Holdings.ToDictionary(h => h.InvestmentId);
        return new PortfolioView(result, [.. result.Holdings.Select(r => new HoldingView(info[r.InvestmentId], r))], today);
    }

    /// <summary>
    /// Reads an investor's holdings and completed transactions: the rows the engine needs, nothing more, with a
    /// plain data reader (under the investor's row-level security) because materialising 20,000 entities is
    /// slower than the query.
    /// </summary>
    public async Task<LoadedLedger> LoadAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var holdings = await context.Investments.AsNoTracking()
            .Select(i => new HoldingInfo(i.Id, i.SecurityId, i.Symbol, i.Name, i.Type, i.Platform, i.Sector, i.Status))
            .ToListAsync(cancellationToken);
        var rows = new List<LedgerRow>();
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            // The archive too (ledger_transactions): retention moves a closed position's trades older than seven years
            // there (decision 0058), and the lifetime realised P&L, income and XIRR still count them (decision 0066).
            command.CommandText = """
                SELECT investment_id, type, quantity, price, amount, fees, tax, gst, transaction_date, created_at, id,
                       CASE WHEN type IN ('split', 'bonus') THEN metadata::text END
                FROM ledger_transactions
                WHERE investment_id IS NOT NULL AND status = 'completed'
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new LedgerRow(
                    reader.GetGuid(0), SnakeCaseEnum.FromStored<TransactionType>(reader.GetString(1)),
                    reader.IsDBNull(2) ? null : reader.GetDecimal(2), reader.IsDBNull(3) ? null : reader.GetDecimal(3),
                    reader.GetDecimal(4), reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7),
                    reader.GetFieldValue<DateOnly>(8), reader.GetFieldValue<DateTimeOffset>(9), reader.GetGuid(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11)));
            }
        }

        var byInvestment = rows.GroupBy(r => r.InvestmentId).ToDictionary(g => g.Key, g => g
            .OrderBy(r => r.TransactionDate).ThenBy(r => LedgerService.Order(r.Type)).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => r.ToEntry())
            .ToList());
        var ledgers = holdings
            .Select(h => new HoldingLedger(h.InvestmentId, h.SecurityId, byInvestment.GetValueOrDefault(h.InvestmentId) ?? []))
            .ToList();
        return new LoadedLedger(holdings, ledgers, rows.Count, clock.GetUtcNow());
    }

    private sealed record LedgerRow(Guid InvestmentId, TransactionType Type, decimal? Quantity, decimal? Price, decimal Amount, decimal Fees,
        decimal Tax, decimal Gst, DateOnly TransactionDate, DateTimeOffset CreatedAt, Guid Id, string? Metadata)
    {
        public LedgerEntry ToEntry()
        {
            var (ratioNew, ratioOld) = LedgerService.Ratio(Metadata);
            return new TransactionDraft("", Type, Quantity, Price, Amount, Fees, Tax, Gst, TransactionDate, "", RatioNew: ratioNew, RatioOld: ratioOld)
                .ToLedgerEntry();
        }
    }
}
