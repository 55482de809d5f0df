using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Data;

namespace Spark.Web.Services.Admin;

public sealed record AdminOverview(int Users, int Securities, int Strategies, int PendingKyc, long Investors, decimal CurrentValue);

/// <summary>The back office's first page: counts across Spark (users, securities and strategies have no row security).</summary>
public sealed class AdminOverviewService(SparkDb db)
{
    private sealed record Totals(long Investors, decimal Invested, decimal CurrentValue);

    public async Task<AdminOverview> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var users = await context.Users.CountAsync(cancellationToken);
        var securities = await context.Securities.CountAsync(cancellationToken);
        var strategies = await context.Strategies.CountAsync(cancellationToken);
        var pendingKyc = await context.Users.CountAsync(u => u.KycStatus == KycStatus.Pending, cancellationToken);
        // From mv_portfolio_summary (refreshed by the valuation job), through a function that returns totals only.
        var totals = await context.Database
            .SqlQuery<Totals>($"SELECT investors, total_invested AS invested, total_current_value AS current_value FROM portfolio_totals()")
            .SingleAsync(cancellationToken);
        return new AdminOverview(users, securities, strategies, pendingKyc, totals.Investors, totals.CurrentValue);
    }
}
