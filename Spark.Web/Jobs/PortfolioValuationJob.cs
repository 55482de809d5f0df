using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Data;
using Spark.Web.Services.Market;

namespace Spark.Web.Jobs;

/// <summary>
/// Writes the live prices into every active holding's stored valuation columns (current price and value,
/// returns, day change) and refreshes mv_portfolio_summary from them. Screens and the API value holdings live;
/// these columns serve SQL readers, exports and the back office's totals. Plans' stored value and returns follow.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class PortfolioValuationJob(SparkDb db, PriceBook prices, TimeProvider clock, ILogger<PortfolioValuationJob> log) : IJob
{
    public static readonly JobKey Key = new("portfolio-valuation", "market");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        var quotes = prices.Snapshot();
        var ids = quotes.Keys.ToArray();
        var price = ids.Select(id => quotes[id].Price).ToArray();
        var previous = ids.Select(id => quotes[id].PreviousClose).ToArray();
        var now = clock.GetUtcNow();
        await using var context = db.ForSystem("portfolio valuation");
        var updated = await context.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE investments i
            SET current_price = q.price,
                current_value = round(i.quantity * q.price, 2),
                returns = round(i.quantity * q.price, 2) - i.invested_amount,
                returns_percentage = CASE WHEN i.invested_amount > 0
                    THEN round((round(i.quantity * q.price, 2) - i.invested_amount) / i.invested_amount * 100, 4) END,
                day_change = CASE WHEN q.previous IS NOT NULL THEN round(i.quantity * (q.price - q.previous), 2) END,
                day_change_percentage = CASE WHEN q.previous > 0 THEN round((q.price - q.previous) / q.previous * 100, 4) END,
                last_updated = {now}
            FROM unnest({ids}::uuid[], {price}::numeric[], {previous}::numeric[]) AS q(security_id, price, previous)
            WHERE i.security_id = q.security_id AND i.status = 'active'
              AND i.current_price IS DISTINCT FROM q.price
            """, cancellationToken);
        await context.Database.ExecuteSqlRawAsync("SELECT refresh_portfolio_summary()", cancellationToken);
        // Plans: their own units (what their orders filled) at the same prices.
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE auto_invest_plans p
            SET current_value = v.value,
                returns = v.value - p.invested_amount,
                returns_percentage = CASE WHEN p.invested_amount > 0 THEN round((v.value - p.invested_amount) / p.invested_amount * 100, 4) ELSE 0 END,
                updated_at = {now}
            FROM (SELECT u.plan_id, round(sum(u.units * coalesce(q.price, 0)), 2) AS value
                  FROM (SELECT pe.plan_id, o.security_id,
                               sum(CASE WHEN o.side = 'buy' THEN o.filled_quantity ELSE -o.filled_quantity END) AS units
                        FROM trading_orders o JOIN plan_executions pe ON pe.id = o.plan_execution_id
                        WHERE o.filled_quantity > 0
                        GROUP BY pe.plan_id, o.security_id) u
                  LEFT JOIN unnest({ids}::uuid[], {price}::numeric[]) AS q(security_id, price) ON q.security_id = u.security_id
                  GROUP BY u.plan_id) v
            WHERE p.id = v.plan_id AND p.current_value IS DISTINCT FROM v.value
            """, cancellationToken);
        LogValued(log, updated);
        return updated;
    }

    [LoggerMessage(LogLevel.Information, "Portfolio valuation: {Updated} holdings repriced, summary refreshed")]
    private static partial void LogValued(ILogger logger, int updated);
}
