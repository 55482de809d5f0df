using Microsoft.EntityFrameworkCore;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data;

namespace Spark.Web.Services.Dashboard;

public sealed record AllocationSlice(SecurityType Type, decimal Value);

public sealed record HoldingsSummary(int Holdings, decimal Invested, decimal CurrentValue, IReadOnlyList<AllocationSlice> Allocation)
{
    public decimal UnrealizedPnl => CurrentValue - Invested;

    public decimal? ReturnsRate => Invested == 0m ? null : UnrealizedPnl / Invested;
}

/// <summary>The signed-in investor's active holdings at their stored prices (the live dashboard comes with the market).</summary>
public sealed class HoldingsSummaryService(SparkDb db)
{
    public async Task<HoldingsSummary> LoadAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var rows = await context.Investments
            .Where(i => i.Status == InvestmentStatus.Active)
            .Select(i => new { i.Type, i.InvestedAmount, Value = i.CurrentValue ?? i.InvestedAmount })
            .ToListAsync(cancellationToken);
        var allocation = rows.GroupBy(r => r.Type)
            .Select(g => new AllocationSlice(g.Key, g.Sum(r => r.Value)))
            .OrderByDescending(s => s.Value)
            .ToList();
        return new HoldingsSummary(rows.Count, rows.Sum(r => r.InvestedAmount), rows.Sum(r => r.Value), allocation);
    }
}
