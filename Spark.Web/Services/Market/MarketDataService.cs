using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Spark.Core.Market;
using Spark.Core.Time;
using Spark.Data;

namespace Spark.Web.Services.Market;

public enum BarInterval { Day, Minute }

/// <summary>An OHLCV bar as the API carries it: a daily bar's timestamp is its trade date at 00:00 IST.</summary>
public sealed record BarView(DateTimeOffset Timestamp, decimal Open, decimal High, decimal Low, decimal Close, long Volume);

/// <summary>A minute bar (or tick snapshot) to store in market_data.</summary>
public readonly record struct MinuteBar(Guid SecurityId, DateTimeOffset Timestamp, decimal Open, decimal High, decimal Low, decimal Close, long Volume);

/// <summary>A daily bar to store in market_data_daily.</summary>
public readonly record struct DayBar(Guid SecurityId, DateOnly TradeDate, decimal Open, decimal High, decimal Low, decimal Close, long Volume);

/// <summary>
/// Reads and writes bars. Writes go by binary COPY straight into the tables (new bars, the common case); a batch
/// that repeats stored bars falls back to COPY into a temporary table and one upsert, so re-posting corrects.
/// After a write the quotes of the securities are re-read and published, so the last close is the price.
/// </summary>
public sealed class MarketDataService(SparkDb db, PriceBook prices, PriceHistory history, IMarketFeed feed, SecurityCatalog securities, TimeProvider clock)
{
    public async Task<IReadOnlyList<BarView>> BarsAsync(Guid securityId, BarInterval interval, DateTimeOffset? from, DateTimeOffset? to,
        CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        if (interval == BarInterval.Day)
        {
            var query = context.DailyBars.AsNoTracking().Where(b => b.SecurityId == securityId);
            if (from is { } f) { var d = IstDate(f); query = query.Where(b => b.TradeDate >= d); }
            if (to is { } t) { var d = IstDate(t); query = query.Where(b => b.TradeDate <= d); }
            var rows = await query.OrderBy(b => b.TradeDate).ToListAsync(cancellationToken);
            return [.. rows.Select(b => new BarView(StartOfDay(b.TradeDate), b.Open, b.High, b.Low, b.Close, b.Volume))];
        }

        var minutes = context.MarketData.AsNoTracking().Where(b => b.SecurityId == securityId && b.Close != null);
        if (from?.ToUniversalTime() is { } mf) minutes = minutes.Where(b => b.Timestamp >= mf);
        if (to?.ToUniversalTime() is { } mt) minutes = minutes.Where(b => b.Timestamp <= mt);
        var bars = await minutes.OrderBy(b => b.Timestamp).Take(50_000).ToListAsync(cancellationToken);
        return [.. bars.Select(b => new BarView(IndiaTime.ToIst(b.Timestamp), b.Open ?? b.Close!.Value, b.High ?? b.Close!.Value,
            b.Low ?? b.Close!.Value, b.Close!.Value, b.Volume ?? 0))];
    }

    /// <summary>The latest daily bars of a security, newest last (52-week range, sparkline).</summary>
    public async Task<IReadOnlyList<DailyBar>> RecentDailyAsync(Guid securityId, DateOnly since, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        return await context.DailyBars.AsNoTracking().Where(b => b.SecurityId == securityId && b.TradeDate >= since)
            .OrderBy(b => b.TradeDate).ToListAsync(cancellationToken);
    }

    public async Task<int> WriteDailyAsync(IReadOnlyList<DayBar> bars, bool publish = true, CancellationToken cancellationToken = default)
    {
        if (bars.Count == 0) return 0;
        await using var context = db.Shared();
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        const string columns = "security_id, trade_date, open, high, low, close, volume, created_at";
        async Task Copy(string table)
        {
            await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var b in bars)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(b.SecurityId, NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(b.TradeDate, NpgsqlDbType.Date, cancellationToken);
                await WriteOhlcvAsync(writer, b.Open, b.High, b.Low, b.Close, b.Volume, now, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await CopyOrUpsertAsync(connection, "market_data_daily", columns, "(security_id, trade_date)",
            "open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume", Copy, cancellationToken);
        var ids = bars.Select(b => b.SecurityId).Distinct().ToList();
        foreach (var id in ids) history.Invalidate(id);
        if (publish) await PublishAsync(ids, cancellationToken);
        return bars.Count;
    }

    public async Task<int> WriteMinutesAsync(IReadOnlyList<MinuteBar> bars, bool publish = true, CancellationToken cancellationToken = default)
    {
        if (bars.Count == 0) return 0;
        await using var context = db.Shared();
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        const string columns = "id, security_id, timestamp, open, high, low, close, volume, created_at";
        async Task Copy(string table)
        {
            await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var b in bars)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(b.SecurityId, NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(b.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
                await WriteOhlcvAsync(writer, b.Open, b.High, b.Low, b.Close, b.Volume, now, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await CopyOrUpsertAsync(connection, "market_data", columns, "(security_id, timestamp)",
            "open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume", Copy, cancellationToken);
        if (publish) await PublishAsync([.. bars.Select(b => b.SecurityId).Distinct()], cancellationToken);
        return bars.Count;
    }

    /// <summary>Re-reads the quotes of the securities from their bars and tells every listener.</summary>
    public async Task PublishAsync(IReadOnlyCollection<Guid> securityIds, CancellationToken cancellationToken = default)
    {
        await prices.ReloadAsync(cancellationToken, securityIds);
        var ticks = new List<PriceTick>();
        foreach (var id in securityIds)
        {
            if (prices.TryGet(id, out var quote) && await securities.GetAsync(id, cancellationToken) is { } security)
            {
                ticks.Add(new PriceTick(id, security.Symbol, quote.Price, quote.PreviousClose, quote.AsOf.ToUniversalTime()));
            }
        }

        feed.Publish(ticks);
    }

    /// <summary>
    /// One COPY is atomic on its own: new bars go straight in. If any bar is already stored the COPY fails whole,
    /// and the batch goes again into a temporary table and from there into the table as one upsert.
    /// </summary>
    private static async Task CopyOrUpsertAsync(NpgsqlConnection connection, string table, string columns, string key, string update,
        Func<string, Task> copy, CancellationToken cancellationToken)
    {
        try
        {
            await copy(table);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Some bars are stored already: upsert below.
        }

        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var staging = "staging_" + table;
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TEMP TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await copy(staging);
        var keyColumns = key.Trim('(', ')');
        command.CommandText = $"""
            INSERT INTO {table} ({columns})
            SELECT DISTINCT ON ({keyColumns}) {columns} FROM {staging} ORDER BY {keyColumns}
            ON CONFLICT {key} DO UPDATE SET {update}
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>The columns both bar tables end with: open, high, low, close, volume, created_at.</summary>
    private static async Task WriteOhlcvAsync(NpgsqlBinaryImporter writer, decimal open, decimal high, decimal low, decimal close, long volume,
        DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(open, NpgsqlDbType.Numeric, cancellationToken);
        await writer.WriteAsync(high, NpgsqlDbType.Numeric, cancellationToken);
        await writer.WriteAsync(low, NpgsqlDbType.Numeric, cancellationToken);
        await writer.WriteAsync(close, NpgsqlDbType.Numeric, cancellationToken);
        await writer.WriteAsync(volume, NpgsqlDbType.Bigint, cancellationToken);
        await writer.WriteAsync(createdAt, NpgsqlDbType.TimestampTz, cancellationToken);
    }

    private static DateOnly IstDate(DateTimeOffset instant) => DateOnly.FromDateTime(IndiaTime.ToIst(instant).DateTime);

    private static DateTimeOffset StartOfDay(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), IndiaTime.Zone.BaseUtcOffset);
}
