using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.AutoInvest;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Admin;

public sealed record PlanStatusCount(string Status, int Count);

public sealed record PlanExecutionCount(string Status, int Count);

/// <summary>Plans by status, and executions by outcome for nominal dates in [From, To] (India dates).</summary>
public sealed record AdminPlansOverview(IReadOnlyList<PlanStatusCount> Plans, DateOnly From, DateOnly To, IReadOnlyList<PlanExecutionCount> Executions);

/// <summary>
/// One execution of a plan. Status is as stored: completed, partial, failed or pending (a claim in flight). EarlierFailures counts
/// the same plan's failed executions before this date: Spark does not retry a failed month (the plan moves on), so this is the
/// plan's record of failing again, not a retry counter.
/// </summary>
public sealed record AdminPlanExecutionRow(Guid Id, Guid PlanId, string Email, string Strategy, DateOnly ExecutionDate, decimal AmountInvested,
    string Status, int OrdersPlaced, int OrdersExecuted, string? ErrorMessage, int EarlierFailures, DateTimeOffset ExecutedAt);

public sealed record AdminPlanExecutionQuery(ExecutionStatus? Status = null, DateOnly? From = null, DateOnly? To = null, int Page = 1, int PageSize = 25);

/// <summary>The back office's plans overview (decision 0043), read for admins and support: every user's plans in the system scope.</summary>
public sealed class AdminPlanService(SparkDb db, TimeProvider clock)
{
    public const int MaxPageSize = 100;
    public const int DefaultDays = 30;

    public async Task<AdminPlansOverview> OverviewAsync(DateOnly? from = null, DateOnly? to = null, CancellationToken cancellationToken = default)
    {
        var (start, end) = Range(from, to);
        await using var context = db.ForSystem("back office: plans overview");
        var plans = await context.Plans.AsNoTracking().GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var executions = await context.PlanExecutions.AsNoTracking().Where(e => e.ExecutionDate >= start && e.ExecutionDate <= end)
            .GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new AdminPlansOverview(
            [.. Enum.GetValues<PlanStatus>().Select(s => new PlanStatusCount(Word(s), plans.FirstOrDefault(p => p.Key == s)?.Count ?? 0))],
            start, end,
            [.. Enum.GetValues<ExecutionStatus>().Select(s => new PlanExecutionCount(Word(s), executions.FirstOrDefault(e => e.Key == s)?.Count ?? 0))]);
    }

    public async Task<Paged<AdminPlanExecutionRow>> ExecutionsAsync(AdminPlanExecutionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var (start, end) = Range(query.From, query.To);
        await using var context = db.ForSystem("back office: plan executions");
        var executions = context.PlanExecutions.AsNoTracking().Where(e => e.ExecutionDate >= start && e.ExecutionDate <= end);
        if (query.Status is { } status) executions = executions.Where(e => e.Status == status);
        var total = await executions.CountAsync(cancellationToken);
        var rows = await (from e in executions
                          join p in context.Plans on e.PlanId equals p.Id
                          join s in context.Strategies on p.StrategyId equals s.Id
                          join u in context.Users on e.UserId equals u.Id
                          orderby e.ExecutionDate descending, e.ExecutedAt descending, e.Id
                          select new AdminPlanExecutionRow(e.Id, e.PlanId, u.Email!, s.Name, e.ExecutionDate, e.AmountInvested, e.Status.ToString(),
                              e.OrdersPlaced, e.OrdersExecuted, e.ErrorMessage,
                              context.PlanExecutions.Count(f => f.PlanId == e.PlanId && f.Status == ExecutionStatus.Failed && f.ExecutionDate < e.ExecutionDate),
                              e.ExecutedAt))
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Paged<AdminPlanExecutionRow>([.. rows.Select(r => r with { Status = r.Status.ToLowerInvariant() })], page, pageSize, total);
    }

    private (DateOnly From, DateOnly To) Range(DateOnly? from, DateOnly? to)
    {
        var end = to ?? IndiaTime.Today(clock);
        var start = from ?? end.AddDays(-DefaultDays);
        if (end < start) throw new FieldValidationException(new Dictionary<string, string[]> { ["to"] = ["The end of the range comes before its start."] });
        return (start, end);
    }

    private static string Word<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
