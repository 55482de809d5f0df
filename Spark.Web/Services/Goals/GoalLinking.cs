using Microsoft.EntityFrameworkCore;
using Spark.Data;

namespace Spark.Web.Services.Goals;

/// <summary>
/// For plan executions: a plan linked to a goal links what it buys (issue 6). One statement for any number of
/// purchases, inside the caller's context and transaction.
/// </summary>
public static class GoalLinking
{
    /// <summary>
    /// Adds each purchase's investment to its goal's linked holdings, unless it is linked there already or counts toward
    /// another live goal of the same user (an investment counts toward one goal only, decision 0012: the holding keeps
    /// its goal). Deleted goals are skipped. Call <see cref="GoalProgressService.RefreshAsync"/> for the goals after commit.
    /// </summary>
    /// <returns>How many goals gained a link.</returns>
    public static Task<int> LinkPurchasesAsync(SparkDbContext context, IReadOnlyCollection<(Guid GoalId, Guid InvestmentId)> purchases,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(purchases);
        if (purchases.Count == 0) return Task.FromResult(0);
        var goals = purchases.Select(p => p.GoalId).ToArray();
        var investments = purchases.Select(p => p.InvestmentId).ToArray();
        return context.Database.ExecuteSqlInterpolatedAsync($$"""
            WITH wanted AS (
                SELECT DISTINCT t.goal_id, t.investment_id
                FROM unnest({{goals}}::uuid[], {{investments}}::uuid[]) AS t(goal_id, investment_id)
            ), free AS (
                SELECT w.goal_id, array_agg(w.investment_id ORDER BY w.investment_id) AS ids
                FROM wanted w
                JOIN goals g ON g.id = w.goal_id AND g.deleted_at IS NULL
                WHERE NOT (w.investment_id = ANY (coalesce(g.linked_investment_ids, '{}')))
                  AND NOT EXISTS (SELECT 1 FROM goals o WHERE o.user_id = g.user_id AND o.id <> g.id AND o.deleted_at IS NULL
                                  AND w.investment_id = ANY (o.linked_investment_ids))
                GROUP BY w.goal_id
            )
            UPDATE goals g
            SET linked_investment_ids = coalesce(g.linked_investment_ids, '{}') || free.ids, updated_at = {{now}}
            FROM free
            WHERE g.id = free.goal_id
            """, cancellationToken);
    }
}
