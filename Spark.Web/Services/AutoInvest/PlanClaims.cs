using Microsoft.EntityFrameworkCore;
using Spark.Core.AutoInvest;
using Spark.Data;

namespace Spark.Web.Services.AutoInvest;

/// <summary>A plan that is due, as the executor reads it (one row per plan, read in batches).</summary>
public sealed record DuePlan(
    Guid Id, Guid UserId, Guid StrategyId, decimal MonthlyInvestment, int ExecutionDay, DateOnly NextExecutionDate,
    DateOnly StartDate, bool AutoRebalance, Guid? LinkedGoalId)
{
    public DateOnly Nominal => PlanSchedule.NominalFor(NextExecutionDate, ExecutionDay);
}

/// <summary>
/// The exactly-once gate of plan executions: a row in plan_executions, unique per (plan, nominal date), inserted
/// and committed before any order is placed. A claim left pending by a crash (its orders never committed, since
/// they commit together with the claim's outcome) is taken over once it is older than <see cref="StaleAfter"/>.
/// </summary>
public static class PlanClaims
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(15);

    /// <summary>Due plans after <paramref name="after"/> in id order: active, started, next run on or before the date.</summary>
    public static Task<List<DuePlan>> DueAsync(SparkDbContext context, DateOnly date, Guid after, int limit, CancellationToken cancellationToken) =>
        context.Plans.AsNoTracking()
            .Where(p => p.Status == PlanStatus.Active && p.NextExecutionDate != null && p.NextExecutionDate <= date && p.StartDate <= date
                && p.Id.CompareTo(after) > 0)
            .OrderBy(p => p.Id)
            .Take(limit)
            .Select(p => new DuePlan(p.Id, p.UserId, p.StrategyId, p.MonthlyInvestment, p.ExecutionDay, p.NextExecutionDate!.Value,
                p.StartDate, p.AutoRebalance, p.LinkedGoalId))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Claims (plan, nominal date) for each plan in one statement and commits; returns the execution ids this caller
    /// won, by plan. Another scheduler's claim, or an execution already done, wins nothing here.
    /// </summary>
    public static async Task<Dictionary<Guid, Guid>> ClaimAsync(SparkDbContext context, IReadOnlyList<DuePlan> plans, string status,
        string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (plans.Count == 0) return [];
        var ids = plans.Select(_ => Guid.CreateVersion7()).ToArray();
        var won = await context.Database.SqlQuery<ClaimRow>($"""
            INSERT INTO plan_executions AS pe (id, plan_id, user_id, execution_date, amount_invested, status, orders_placed, orders_executed,
                                               error_message, executed_at, created_at)
            SELECT c.id, c.plan_id, c.user_id, c.nominal, 0, {status}, 0, 0, {error}, {now}, {now}
            FROM unnest({ids}, {plans.Select(p => p.Id).ToArray()}, {plans.Select(p => p.UserId).ToArray()}, {plans.Select(p => p.Nominal).ToArray()})
                 AS c(id, plan_id, user_id, nominal)
            ORDER BY c.plan_id
            ON CONFLICT (plan_id, execution_date) DO UPDATE SET created_at = excluded.created_at
               WHERE pe.status = 'pending' AND pe.created_at < {now - StaleAfter}
            RETURNING pe.id, pe.plan_id
            """).ToListAsync(cancellationToken);
        return won.ToDictionary(w => w.PlanId, w => w.Id);
    }

    private sealed record ClaimRow(Guid Id, Guid PlanId);
}
