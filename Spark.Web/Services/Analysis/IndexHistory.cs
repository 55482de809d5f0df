using Microsoft.EntityFrameworkCore;
using Spark.Core.Market;
using Spark.Data;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.Analysis;

/// <summary>
/// NIFTY 50's daily closes as Spark computes the index (decision 0051): each session's level from its constituents' stored
/// closes, taken back to the continuous (split-adjusted) path and weighted as <see cref="MarketIndices.Compute"/> does.
/// Beta needs these; a day with no constituent close has no level. Kept ten minutes in memory.
/// </summary>
public sealed class IndexHistory(SparkDb db, SecurityCatalog catalog, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (DateOnly Since, DateTimeOffset At, IReadOnlyDictionary<DateOnly, double> Levels)? cached;

    /// <summary>Levels from <paramref name="since"/> on, by India trade date.</summary>
    public async Task<IReadOnlyDictionary<DateOnly, double>> Nifty50Async(DateOnly since, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (cached is { } c && c.Since <= since && now - c.At < Lifetime && now >= c.At) return c.Levels;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } again && again.Since <= since && now - again.At < Lifetime && now >= again.At) return again.Levels;
            var levels = await ComputeAsync(MarketIndices.Nifty50, since, cancellationToken);
            cached = (since, now, levels);
            return levels;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the cached levels (after bars are imported).</summary>
    public void Invalidate() => cached = null;

    private async Task<IReadOnlyDictionary<DateOnly, double>> ComputeAsync(MarketIndex index, DateOnly since, CancellationToken cancellationToken)
    {
        var constituents = (await catalog.AllAsync(cancellationToken))
            .Where(s => s.Type == SecurityType.Stock && index.Weights.ContainsKey(s.Symbol) && SimulatedMarket.AnchorPrice(s) is > 0m)
            .ToDictionary(s => s.Id);
        if (constituents.Count == 0) return new Dictionary<DateOnly, double>();
        var ids = constituents.Keys.ToArray();
        await using var context = db.Shared();
        var rows = await context.DailyBars.AsNoTracking().Where(b => ids.Contains(b.SecurityId) && b.TradeDate >= since)
            .Select(b => new { b.SecurityId, b.TradeDate, b.Close }).ToListAsync(cancellationToken);
        var sums = new Dictionary<DateOnly, (double Weighted, double Weights)>();
        foreach (var row in rows)
        {
            var s = constituents[row.SecurityId];
            var weight = (double)index.Weights[s.Symbol];
            var reference = (double)SimulatedMarket.AnchorPrice(s)!.Value;
            var continuous = (double)(row.Close / SimulatedMarket.UnadjustedFactor(s.Metadata?.RootElement, row.TradeDate));
            var (weighted, weights) = sums.GetValueOrDefault(row.TradeDate);
            sums[row.TradeDate] = (weighted + weight * continuous / reference, weights + weight);
        }

        return sums.ToDictionary(p => p.Key, p => (double)index.ReferenceLevel * p.Value.Weighted / p.Value.Weights);
    }
}
