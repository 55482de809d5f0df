using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Formatting;
using Spark.Core.Goals;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Market;
using Spark.Web.Services.Notifications;

namespace Spark.Web.Services.Goals;

/// <summary>A goal's current amount in its two parts (decision 0029).</summary>
public sealed record GoalAmounts(decimal LinkedValue, decimal SetAside)
{
    public decimal Current => LinkedValue + SetAside;
}

/// <summary>
/// Keeps goals' stored progress true: current_amount (linked holdings at live prices + manual money set aside, never the
/// other contributions on top — decision 0029), the achieved status and date, and the milestone notifications at 25, 50,
/// 75 and 100 %, each sent at most once per goal. Batch-capable: a few queries for any number of goals.
/// Safe as a singleton (one context per call).
/// </summary>
public sealed partial class GoalProgressService(SparkDb db, PriceBook prices, NotificationService notifications, TimeProvider clock,
    ILogger<GoalProgressService> log)
{
    /// <summary>The notification kind of milestones (silenced by the "goal milestones" preference, as every goal_* kind).</summary>
    public const string MilestoneKind = "goal_milestone";

    private const int BatchSize = 1000;

    /// <summary>
    /// Recomputes the progress of <paramref name="goalIds"/> (any users'; unknown or deleted ids are skipped) and stores it:
    /// current_amount, status achieved with achieved_date when an active or paused goal reaches its target, and a
    /// milestone notification (kind goal_milestone, linking to /goals/{id}) for the highest of 25/50/75/100 % newly
    /// crossed since the last refresh and never announced before. Call it after anything that changes what a goal holds:
    /// plan executions (after their orders fill), contributions, links. Goals are locked while they are recomputed, so
    /// concurrent refreshes of the same goal serialise and announce a milestone once; notifications go out after commit.
    /// </summary>
    /// <returns>One entry per goal refreshed.</returns>
    public async Task<IReadOnlyList<GoalProgressUpdate>> RefreshAsync(IReadOnlyCollection<Guid> goalIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(goalIds);
        var updates = new List<GoalProgressUpdate>(goalIds.Count);
        foreach (var batch in goalIds.Distinct().Order().Chunk(BatchSize))
        {
            updates.AddRange(await RefreshBatchAsync(batch, cancellationToken));
        }

        return updates;
    }

    /// <summary>The current amounts of <paramref name="goals"/>, read through <paramref name="context"/> (user-scoped or system) in two queries.</summary>
    public async Task<Dictionary<Guid, GoalAmounts>> AmountsAsync(SparkDbContext context, IReadOnlyCollection<Goal> goals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(goals);
        if (goals.Count == 0) return [];
        var ids = goals.Select(g => g.Id).ToArray();
        var setAside = await context.GoalContributions.AsNoTracking()
            .Where(c => ids.Contains(c.GoalId) && c.Source == ContributionSource.Manual)
            .GroupBy(c => c.GoalId)
            .Select(g => new { GoalId = g.Key, Amount = g.Sum(c => c.Amount) })
            .ToDictionaryAsync(x => x.GoalId, x => x.Amount, cancellationToken);
        var values = await LinkedValuesAsync(context, goals.SelectMany(g => g.LinkedInvestmentIds ?? []).Distinct().ToArray(), cancellationToken);
        return goals.ToDictionary(g => g.Id, g => new GoalAmounts(
            (g.LinkedInvestmentIds ?? []).Sum(id => values.GetValueOrDefault(id)),
            setAside.GetValueOrDefault(g.Id)));
    }

    /// <summary>
    /// Each investment's value at the live price (quantity × price, to the paisa, as the portfolio shows it); without a
    /// quote, the stored value or else its cost. A sold holding is worth nothing.
    /// </summary>
    public async Task<Dictionary<Guid, decimal>> LinkedValuesAsync(SparkDbContext context, Guid[] investmentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(investmentIds);
        if (investmentIds.Length == 0) return [];
        var holdings = await context.Investments.AsNoTracking().Where(i => investmentIds.Contains(i.Id))
            .Select(i => new { i.Id, i.SecurityId, i.Quantity, i.InvestedAmount, i.CurrentValue })
            .ToListAsync(cancellationToken);
        await prices.EnsureLoadedAsync(cancellationToken);
        return holdings.ToDictionary(h => h.Id, h =>
            h.Quantity == 0m ? 0m
            : prices.PriceOf(h.SecurityId) is { } price ? Money.Paisa(h.Quantity * price)
            : h.CurrentValue ?? h.InvestedAmount);
    }

    private async Task<List<GoalProgressUpdate>> RefreshBatchAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        var today = IndiaTime.Today(clock);
        var announcements = new List<(Goal Goal, int Milestone)>();
        var updates = new List<GoalProgressUpdate>(ids.Length);
        await using (var context = db.ForSystem("goal progress"))
        {
            await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
            var goals = await context.Goals
                .FromSql($"SELECT * FROM goals WHERE id = ANY({ids}) AND deleted_at IS NULL ORDER BY id FOR UPDATE")
                .ToListAsync(cancellationToken);
            var amounts = await AmountsAsync(context, goals, cancellationToken);
            var candidates = new List<(Goal Goal, int Milestone)>();
            foreach (var goal in goals)
            {
                var current = Money.Paisa(amounts[goal.Id].Current);
                var before = GoalMath.ProgressRate(goal.CurrentAmount, goal.TargetAmount);
                var after = GoalMath.ProgressRate(current, goal.TargetAmount);
                goal.CurrentAmount = current;
                var live = goal.Status is GoalStatus.Active or GoalStatus.Paused;
                if (live && current >= goal.TargetAmount)
                {
                    goal.Status = GoalStatus.Achieved;
                    goal.AchievedDate = today;
                }

                if ((live || goal.Status == GoalStatus.Achieved) && GoalMilestones.Crossed(before, after, 0) is { } milestone)
                {
                    candidates.Add((goal, milestone));
                }

                updates.Add(new GoalProgressUpdate(goal.Id, goal.UserId, current, after, goal.Status, null));
            }

            if (candidates.Count > 0)
            {
                var announced = await AnnouncedAsync(context, candidates.Select(c => c.Goal.Id), cancellationToken);
                announcements.AddRange(candidates.Where(c => c.Milestone > announced.GetValueOrDefault(c.Goal.Id)));
            }

            await context.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        foreach (var (goal, milestone) in announcements)
        {
            await AnnounceAsync(goal, milestone, cancellationToken);
            var i = updates.FindIndex(u => u.GoalId == goal.Id);
            updates[i] = updates[i] with { Milestone = milestone };
        }

        return updates;
    }

    /// <summary>The highest milestone already announced for each goal (0 when none), from the notifications' metadata.</summary>
    private static async Task<Dictionary<Guid, int>> AnnouncedAsync(SparkDbContext context, IEnumerable<Guid> goalIds, CancellationToken cancellationToken)
    {
        var links = goalIds.Select(Link).ToArray();
        var sent = await context.Notifications.AsNoTracking()
            .Where(n => n.Type == MilestoneKind && n.Link != null && links.Contains(n.Link))
            .Select(n => new { n.Link, n.Metadata })
            .ToListAsync(cancellationToken);
        var highest = new Dictionary<Guid, int>();
        foreach (var n in sent)
        {
            if (n.Metadata is null || !n.Metadata.RootElement.TryGetProperty("milestone", out var m) || !m.TryGetInt32(out var percent)) continue;
            var goalId = Guid.Parse(n.Link!["/goals/".Length..]);
            highest[goalId] = Math.Max(highest.GetValueOrDefault(goalId), percent);
        }

        return highest;
    }

    private async Task AnnounceAsync(Goal goal, int milestone, CancellationToken cancellationToken)
    {
        var (title, message) = milestone == 100
            ? ($"Goal reached: {goal.Name}",
                $"You have {IndianFormat.Money(goal.CurrentAmount)} for {goal.Name}, reaching your target of {IndianFormat.Money(goal.TargetAmount)}. Well done!")
            : ($"{goal.Name}: {milestone}% of the way",
                $"You have {IndianFormat.Money(goal.CurrentAmount)} of your {IndianFormat.Money(goal.TargetAmount)} target for {goal.Name}.");
        using var metadata = JsonSerializer.SerializeToDocument(new { goalId = goal.Id, milestone });
        try
        {
            await notifications.NotifyAsync(goal.UserId, MilestoneKind, title, message, Link(goal.Id), metadata, cancellationToken);
        }
#pragma warning disable CA1031 // The progress is committed; a notification that cannot be stored must not undo or stop the rest.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogAnnounceFailed(log, e, goal.Id, milestone);
        }
    }

    private static string Link(Guid goalId) => $"/goals/{goalId}";

    [LoggerMessage(LogLevel.Warning, "The {Milestone}% milestone of goal {GoalId} could not be announced")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, Guid goalId, int milestone);
}
