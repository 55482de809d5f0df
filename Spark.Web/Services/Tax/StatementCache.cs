using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Spark.Core.Tax;
using Spark.Data;

namespace Spark.Web.Services.Tax;

/// <summary>
/// What a statement was computed from: the investor's ledger version (for a kept statement, the sum of its years' versions,
/// decision 0066) and the tax reference data's (decision 0065).
/// </summary>
public readonly record struct StatementStamp(long Ledger, long Reference)
{
    /// <summary>
    /// True when a statement computed under this stamp may serve a read that found <paramref name="found"/>: the same
    /// versions. Equality, not "at least": a version read inside a transaction that later rolled back is higher than the
    /// committed one, and a copy made under it must never serve the committed state.
    /// </summary>
    public bool Covers(StatementStamp found) => this == found;
}

/// <summary>
/// Whole capital-gains statements (every row of a year) kept in memory per investor and year, served again while the
/// versions they were computed under hold (decision 0065). The versions live in PostgreSQL and are bumped by triggers
/// in the transaction that changes the ledger or the reference data, so one small read tells any instance whether its
/// copy is still the statement: a write on another instance, by another code path, or in plain SQL is seen at once.
/// Bounded by rows held (a heavy investor's year is about 2,000 rows) and by a sliding expiry on the machine's clock
/// (memory only: whether a kept statement is still right never depends on time).
/// </summary>
public sealed class StatementCache : IDisposable
{
    /// <summary>Rows held across all entries before the least recently used are dropped.</summary>
    public const long RowBudget = 200_000;

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    private readonly MemoryCache _entries;
    private readonly Counter<long> _lookups;
    private long _hits;
    private long _misses;

    public StatementCache(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = RowBudget });
        _lookups = meters.Create(Hosting.SparkTelemetry.MeterName)
            .CreateCounter<long>("spark.tax.statement_cache.lookups", "{lookup}", "Capital-gains statement reads, by whether the kept statement was still good (result=hit|miss).");
    }

    /// <summary>Reads served from memory since start (tests and the benchmark check the cache is used).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The stamp as <paramref name="context"/> (the investor's own scope) sees it now: one round trip.</summary>
    public static async Task<StatementStamp> StampAsync(SparkDbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stamps = await context.Database.SqlQuery<StampRow>($"""
            SELECT coalesce((SELECT version FROM ledger_versions WHERE user_id = current_user_id()), 0) AS "Ledger",
                   coalesce((SELECT version FROM reference_versions WHERE name = 'tax'), 0) AS "Reference"
            """).ToListAsync(cancellationToken);
        return new StatementStamp(stamps[0].Ledger, stamps[0].Reference);
    }

    /// <summary>
    /// The stamp a statement of <paramref name="year"/> is kept under (decision 0066): as <see cref="StampAsync"/>, but the
    /// ledger part is the sum of the investor's versions of the financial years up to <paramref name="year"/>
    /// (<c>ledger_year_versions</c>), so a write dated after the year leaves its kept statement good. One round trip.
    /// </summary>
    public static async Task<StatementStamp> YearStampAsync(SparkDbContext context, FinancialYear year, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var from = year.From;
        var stamps = await context.Database.SqlQuery<StampRow>($"""
            SELECT coalesce((SELECT sum(version) FROM ledger_year_versions WHERE user_id = current_user_id() AND year_start <= {from}), 0)::bigint AS "Ledger",
                   coalesce((SELECT version FROM reference_versions WHERE name = 'tax'), 0) AS "Reference"
            """).ToListAsync(cancellationToken);
        return new StatementStamp(stamps[0].Ledger, stamps[0].Reference);
    }

    /// <summary>
    /// The kept statement of <paramref name="userId"/>'s <paramref name="year"/> up to <paramref name="until"/> if it
    /// still covers <paramref name="stamp"/>, else <paramref name="compute"/>'s (every row), kept under that stamp.
    /// The stamp must have been read before the computation's first query: a change committed in between then shows
    /// as a newer stamp at the next read, which computes again (never the other way round).
    /// </summary>
    public async Task<CapitalGainsStatement> GetOrComputeAsync(Guid userId, FinancialYear year, DateOnly until, StatementStamp stamp,
        Func<Task<CapitalGainsStatement>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var key = new Key(userId, year.StartYear, until);
        if (_entries.TryGetValue(key, out Entry? kept) && kept!.Stamp.Covers(stamp))
        {
            Interlocked.Increment(ref _hits);
            _lookups.Add(1, new KeyValuePair<string, object?>("result", "hit"));
            return kept.Statement;
        }

        Interlocked.Increment(ref _misses);
        _lookups.Add(1, new KeyValuePair<string, object?>("result", "miss"));
        var statement = await compute();
        _entries.Set(key, new Entry(stamp, statement), new MemoryCacheEntryOptions { Size = statement.RowCount + 1, SlidingExpiration = Idle });
        return statement;
    }

    /// <summary>
    /// The losses brought into <paramref name="year"/> from the earlier years (section 74, decision 0064) kept under
    /// <paramref name="stamp"/> as the statements are, saving the order ticket's estimate and the statement a round trip;
    /// <paramref name="compute"/> reads them from <c>tax_year_carried_losses</c> or computes them (decision 0066).
    /// </summary>
    public async Task<IReadOnlyList<CarriedLoss>> BroughtForwardAsync(Guid userId, FinancialYear year, StatementStamp stamp,
        Func<Task<IReadOnlyList<CarriedLoss>>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var key = new CarriedKey(userId, year.StartYear);
        if (_entries.TryGetValue(key, out Carried? kept) && kept!.Stamp.Covers(stamp)) return kept.Losses;
        var losses = await compute();
        _entries.Set(key, new Carried(stamp, losses), new MemoryCacheEntryOptions { Size = losses.Count + 1, SlidingExpiration = Idle });
        return losses;
    }

    /// <summary>One page of a whole statement, as <see cref="CapitalGainsEngine.Compute"/> pages (page from 1).</summary>
    public static CapitalGainsStatement Page(CapitalGainsStatement whole, int page, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(whole);
        page = Math.Max(page, 1);
        pageSize = Math.Max(pageSize, 1);
        if (pageSize == int.MaxValue) return whole;
        var skip = (int)Math.Min((long)(page - 1) * pageSize, int.MaxValue);
        return whole with { Page = page, PageSize = pageSize, Rows = [.. whole.Rows.Skip(skip).Take(pageSize)] };
    }

    public void Dispose() => _entries.Dispose();

    private sealed record Key(Guid UserId, int YearStart, DateOnly Until);

    private sealed record Entry(StatementStamp Stamp, CapitalGainsStatement Statement);

    private sealed record CarriedKey(Guid UserId, int YearStart);

    private sealed record Carried(StatementStamp Stamp, IReadOnlyList<CarriedLoss> Losses);

    private sealed record StampRow(long Ledger, long Reference);
}
