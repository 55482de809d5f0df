using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.AutoInvest;
using Spark.Core.Formatting;
using Spark.Data;
using Spark.Web.Services.Notifications;

namespace Spark.Web.Services.AutoInvest;

/// <summary>What one run of the due plans did.</summary>
public sealed record PlanRunResult(int Executed, int Skipped, int Failed);

/// <summary>
/// Runs the plans due on a date, in batches: per batch, one statement claims every plan's (plan, nominal date)
/// and commits, one unit of work places and fills the whole batch's orders through the order engine's batch path
/// (orders, fills, ledger, cash, goal links and the executions' outcomes), and the plans move to their next run.
/// A batch that fails as a whole is retried plan by plan, so one bad plan cannot stop the others; a plan that
/// fails alone is recorded as a failed execution with the reason and nothing it would have bought.
/// Nominal dates older than the catch-up window are recorded as missed rather than bought late.
/// </summary>
public sealed partial class PlanExecutor(
    SparkDb db, PlanBatchWriter writer, IOptions<AutoInvestOptions> options, NotificationOutbox notifications,
    IEnumerable<IPlanExecutionListener> listeners, Security.AuditTrail audit, Admin.StaffAccess staff, TimeProvider clock, ILogger<PlanExecutor> log,
    Hosting.SparkMetrics metrics)
{
    public const int BatchSize = 500;

    /// <summary>An administrator's "run due plans for date" (Development and tests), audited.</summary>
    /// <exception cref="Admin.StaffForbiddenException">The actor is not an admin in the database (support reads the plans only).</exception>
    public async Task<PlanRunResult> RunForAdminAsync(DateOnly date, Guid? adminId, CancellationToken cancellationToken = default)
    {
        await staff.RequireAdminAsync(adminId, "run the due plans", cancellationToken);
        var result = await RunDueAsync(date, cancellationToken);
        await audit.RecordAsync(Security.AuditActions.PlansRun, adminId, entityType: "plan_run",
            details: new { date, result.Executed, result.Skipped, result.Failed }, cancellationToken: cancellationToken);
        return result;
    }

    public async Task<PlanRunResult> RunDueAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        int executed = 0, skipped = 0, failed = 0;
        // A plan down for months has one nominal date per missed month: each pass takes the next one.
        for (var pass = 0; pass < 24; pass++)
        {
            var progressed = false;
            var after = Guid.Empty;
            while (true)
            {
                List<DuePlan> due;
                await using (var context = db.ForSystem("auto-invest: due plans"))
                {
                    due = await PlanClaims.DueAsync(context, date, after, BatchSize, cancellationToken);
                }

                if (due.Count == 0) break;
                after = due[^1].Id;
                var result = await RunBatchAsync(date, due, cancellationToken);
                executed += result.Executed;
                skipped += result.Skipped;
                failed += result.Failed;
                progressed |= result.Executed + result.Failed > 0;
            }

            if (!progressed) break;
        }

        LogRun(log, date, executed, skipped, failed);
        return new PlanRunResult(executed, skipped, failed);
    }

    private async Task<PlanRunResult> RunBatchAsync(DateOnly date, List<DuePlan> due, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var oldest = date.AddDays(-options.Value.CatchUpDays);
        var missed = due.Where(p => p.Nominal < oldest).ToList();
        var current = due.Where(p => p.Nominal >= oldest).ToList();

        Dictionary<Guid, Guid> claimed;
        Dictionary<Guid, Guid> missedClaims;
        await using (var context = db.ForSystem("auto-invest: claim executions"))
        {
            claimed = await PlanClaims.ClaimAsync(context, current, "pending", null, now, cancellationToken);
            missedClaims = await PlanClaims.ClaimAsync(context, missed, "failed",
                $"Missed: Spark was not running on this date, more than {options.Value.CatchUpDays} days before the catch-up run. Nothing was bought.",
                now, cancellationToken);
        }

        if (missedClaims.Count > 0) await writer.AdvanceAsync(missed.Where(p => missedClaims.ContainsKey(p.Id)).ToList(), cancellationToken);
        var work = current.Where(p => claimed.ContainsKey(p.Id)).Select(p => (Plan: p, ExecutionId: claimed[p.Id])).ToList();
        var skipped = due.Count - work.Count - missedClaims.Count;
        if (work.Count == 0) return new PlanRunResult(0, skipped, missedClaims.Count);

        IReadOnlyList<PlanOutcome> outcomes;
        try
        {
            outcomes = await writer.WriteAsync(date, work, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && work.Count > 1)
        {
            LogBatchRetried(log, work.Count, e);
            var one = new List<PlanOutcome>();
            foreach (var item in work)
            {
                one.AddRange(await WriteAloneAsync(date, item, cancellationToken));
            }

            outcomes = one;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcomes = await FailAsync(date, work[0], e, cancellationToken);
        }

        await AfterCommitAsync(outcomes, cancellationToken);
        var failed = outcomes.Count(o => o.Status == ExecutionStatus.Failed);
        foreach (var status in outcomes.GroupBy(o => o.Status)) metrics.PlanRun(status.Key.ToString().ToLowerInvariant(), status.Count());
        if (missedClaims.Count > 0) metrics.PlanRun("missed", missedClaims.Count);
        return new PlanRunResult(outcomes.Count - failed, skipped, failed + missedClaims.Count);
    }

    private async Task<IReadOnlyList<PlanOutcome>> WriteAloneAsync(DateOnly date, (DuePlan Plan, Guid ExecutionId) item, CancellationToken cancellationToken)
    {
        try
        {
            return await writer.WriteAsync(date, [item], cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return await FailAsync(date, item, e, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<PlanOutcome>> FailAsync(DateOnly date, (DuePlan Plan, Guid ExecutionId) item, Exception e, CancellationToken cancellationToken)
    {
        LogPlanFailed(log, item.Plan.Id, e);
        var reason = e is Spark.Core.DomainException ? e.Message : "Spark could not place this execution's orders. Nothing was bought; the team has been alerted.";
        return await writer.FailAsync(date, item, reason, cancellationToken);
    }

    private async Task AfterCommitAsync(IReadOnlyList<PlanOutcome> outcomes, CancellationToken cancellationToken)
    {
        foreach (var o in outcomes)
        {
            var link = $"/auto-invest/plans/{o.PlanId}";
            if (o.Status == ExecutionStatus.Failed)
            {
                notifications.Post(o.UserId, NotificationKinds.PlanFailed, $"{o.StrategyName}: this month's investment failed", o.Error ?? "Nothing was bought.", link);
            }
            else
            {
                var amount = IndianFormat.Money(o.AmountInvested);
                notifications.Post(o.UserId, NotificationKinds.PlanExecuted, $"{o.StrategyName}: {amount} invested",
                    string.Create(CultureInfo.InvariantCulture, $"{o.OrdersPlaced} orders placed, {o.OrdersExecuted} filled at once{(o.Status == ExecutionStatus.Partial ? "; some legs could not be bought (see the plan)" : "")}."),
                    link);
            }
        }

        foreach (var listener in listeners)
        {
            await listener.ExecutedAsync(outcomes, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Information, "Plans due on {Date}: {Executed} executed, {Skipped} skipped (already claimed), {Failed} failed")]
    private static partial void LogRun(ILogger logger, DateOnly date, int executed, int skipped, int failed);

    [LoggerMessage(LogLevel.Warning, "A batch of {Count} plan executions failed as a whole; retrying plan by plan")]
    private static partial void LogBatchRetried(ILogger logger, int count, Exception exception);

    [LoggerMessage(LogLevel.Error, "Plan {PlanId} failed")]
    private static partial void LogPlanFailed(ILogger logger, Guid planId, Exception exception);
}

/// <summary>What one plan's execution came to, for notifications and listeners (goal progress).</summary>
public sealed record PlanOutcome(
    Guid PlanId, Guid UserId, Guid ExecutionId, string StrategyName, ExecutionStatus Status, decimal AmountInvested,
    int OrdersPlaced, int OrdersExecuted, Guid? GoalId, string? Error);

/// <summary>Told after each batch of executions commits (the goals feature refreshes progress through it).</summary>
public interface IPlanExecutionListener
{
    Task ExecutedAsync(IReadOnlyList<PlanOutcome> outcomes, CancellationToken cancellationToken);
}
