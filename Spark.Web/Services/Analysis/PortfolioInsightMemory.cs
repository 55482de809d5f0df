using Microsoft.Extensions.Caching.Memory;

namespace Spark.Web.Services.Analysis;

/// <summary>
/// The investors' portfolio insights as last read or computed by this process, so that a cached read need not fetch and
/// parse the whole ai_analyses row again (about 30 ms for the heavy investor's). An entry is served only while the
/// investor's stamp (ledger and reference versions, cash) and the row's generated_at are what they were, both read from
/// PostgreSQL at every read, so a recomputation on another instance, a ledger write anywhere or a deleted row is seen at
/// once (decision 0062). Bounded by entries and a sliding expiry on the machine's clock (memory only).
/// </summary>
public sealed class PortfolioInsightMemory : IDisposable
{
    /// <summary>Investors held before the least recently used are dropped (an insight is tens of kilobytes).</summary>
    public const long Capacity = 5_000;

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <summary>The insight kept for <paramref name="userId"/> if it was made under <paramref name="stamp"/> and is the row generated at <paramref name="generatedAt"/>.</summary>
    public CachedInsight? Get(Guid userId, string stamp, DateTimeOffset generatedAt) =>
        _entries.TryGetValue(userId, out Entry? kept) && kept!.Stamp == stamp && kept.Insight.GeneratedAt == generatedAt ? kept.Insight : null;

    public void Keep(Guid userId, string stamp, CachedInsight insight)
    {
        ArgumentNullException.ThrowIfNull(insight);
        _entries.Set(userId, new Entry(stamp, insight with { FromCache = true }), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Idle });
    }

    /// <summary>Drops what is kept for <paramref name="userId"/> (the benchmark measures the row read after it).</summary>
    public void Forget(Guid userId) => _entries.Remove(userId);

    public void Dispose() => _entries.Dispose();

    private sealed record Entry(string Stamp, CachedInsight Insight);
}
