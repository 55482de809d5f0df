using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Core.Goals;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Goals;

/// <summary>
/// An investor's goals: create, edit, pause, resume, cancel, soft delete, contributions, linked holdings and the
/// projection. Every read answers the live current amount; every write refreshes the stored progress through
/// <see cref="GoalProgressService"/> (which also announces milestones). Reads and writes run under the user's
/// row-level security; another user's goal is simply not found (null).
/// </summary>
public sealed partial class GoalService(SparkDb db, GoalProgressService progress, IOptions<GoalOptions> options, TimeProvider clock)
{
    private GoalOptions Options => options.Value;

    /// <summary>The user's live goals (not deleted; every status), soonest target first: for lists and goal pickers.</summary>
    public async Task<IReadOnlyList<GoalView>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var goals = await Live(context, userId).OrderBy(g => g.TargetDate).ThenBy(g => g.Name).ThenBy(g => g.Id).ToListAsync(cancellationToken);
        return await ViewsAsync(context, goals, cancellationToken);
    }

    /// <summary>GET /goals: a page of the user's live goals, optionally of one status.</summary>
    public async Task<Paged<GoalView>> PageAsync(Guid userId, GoalStatus? status, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        await using var context = db.ForUser(userId);
        var query = Live(context, userId);
        if (status is { } s) query = query.Where(g => g.Status == s);
        var total = await query.CountAsync(cancellationToken);
        var goals = await query.OrderBy(g => g.TargetDate).ThenBy(g => g.Name).ThenBy(g => g.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Paged<GoalView>(await ViewsAsync(context, goals, cancellationToken), page, pageSize, total);
    }

    public async Task<GoalView?> GetAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var goal = await Live(context, userId).SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
        return goal is null ? null : (await ViewsAsync(context, [goal], cancellationToken))[0];
    }

    /// <summary>POST /goals: the request's words parsed, defaults filled in (start today, the user's risk profile, the mix's expected return).</summary>
    public async Task<GoalView> CreateAsync(Guid userId, GoalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var profile = await RiskProfileOfAsync(userId, cancellationToken);
        var draft = ToDraft(request, null, profile, out var errors);
        return await CreateAsync(userId, draft, request.LinkedInvestmentIds, errors, cancellationToken);
    }

    /// <exception cref="FieldValidationException">A field breaks a rule, the name is taken, or a holding cannot be linked.</exception>
    public Task<GoalView> CreateAsync(Guid userId, GoalDraft draft, IReadOnlyCollection<Guid>? linkedInvestmentIds = null,
        CancellationToken cancellationToken = default) =>
        CreateAsync(userId, draft, linkedInvestmentIds, [], cancellationToken);

    /// <summary>PUT /goals/{id}: fields left out keep their values.</summary>
    public async Task<GoalView?> UpdateAsync(Guid userId, Guid id, GoalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var context = db.ForUser(userId);
        var goal = await Live(context, userId).AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (goal is null) return null;
        var draft = ToDraft(request, goal, goal.RiskProfile, out var errors);
        return await UpdateAsync(userId, id, draft, request.LinkedInvestmentIds, errors, cancellationToken);
    }

    /// <param name="linkedInvestmentIds">The holdings that count toward the goal from now on; null keeps the current links.</param>
    /// <returns>Null when the user has no such goal.</returns>
    public Task<GoalView?> UpdateAsync(Guid userId, Guid id, GoalDraft draft, IReadOnlyCollection<Guid>? linkedInvestmentIds = null,
        CancellationToken cancellationToken = default) =>
        UpdateAsync(userId, id, draft, linkedInvestmentIds, [], cancellationToken);

    /// <exception cref="ConflictException">The goal is not active.</exception>
    public Task<GoalView?> PauseAsync(Guid userId, Guid id, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(userId, id, goal => goal.Status == GoalStatus.Active
            ? GoalStatus.Paused
            : throw new ConflictException($"Only an active goal can be paused; this one is {Word(goal.Status)}."), cancellationToken);

    /// <exception cref="ConflictException">The goal is not paused.</exception>
    public Task<GoalView?> ResumeAsync(Guid userId, Guid id, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(userId, id, goal => goal.Status == GoalStatus.Paused
            ? GoalStatus.Active
            : throw new ConflictException($"Only a paused goal can be resumed; this one is {Word(goal.Status)}."), cancellationToken);

    /// <exception cref="ConflictException">The goal is already achieved or cancelled.</exception>
    public Task<GoalView?> CancelAsync(Guid userId, Guid id, CancellationToken cancellationToken = default) =>
        ChangeStatusAsync(userId, id, goal => goal.Status is GoalStatus.Active or GoalStatus.Paused
            ? GoalStatus.Cancelled
            : throw new ConflictException($"This goal is already {Word(goal.Status)}."), cancellationToken);

    /// <summary>Soft delete: the goal disappears, its name can be used again, and its holdings can count toward another goal.</summary>
    /// <returns>False when the user has no such goal.</returns>
    public async Task<bool> DeleteAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "delete a goal");
        await using var context = db.ForUser(userId);
        var now = clock.GetUtcNow();
        return await Live(context, userId).Where(g => g.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.DeletedAt, now).SetProperty(g => g.UpdatedAt, now), cancellationToken) > 0;
    }

    /// <summary>
    /// GET /goals/{id}/projection: the deterministic corpus and required contribution at the goal's expected return, and the
    /// Monte Carlo success probability and fan from its mix (decision 0030); with an inflation rate, against the target
    /// grown to the target date.
    /// </summary>
    /// <returns>Null when the user has no such goal.</returns>
    public async Task<ProjectionView?> ProjectAsync(Guid userId, Guid id, decimal? inflationRate, CancellationToken cancellationToken = default)
    {
        var goal = await GetAsync(userId, id, cancellationToken);
        if (goal is null) return null;
        if (inflationRate is < 0m or > 0.20m)
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["inflationRate"] = ["Use an inflation rate from 0 to 0.2 (20 %)."] });
        }

        var today = IndiaTime.Today(clock);
        var months = goal.MonthsRemaining;
        var target = inflationRate is { } rate ? GoalMath.InflationAdjustedTarget(goal.TargetAmount, rate, today, goal.TargetDate) : goal.TargetAmount;
        var projected = GoalMath.FutureValue(goal.CurrentAmount, goal.PlannedMonthly, goal.ExpectedReturnRate, months);
        var required = GoalMath.RequiredMonthlyContribution(target, goal.CurrentAmount, goal.ExpectedReturnRate, months);
        var fromProfile = goal.InvestmentMix is not { Count: > 0 };
        var mix = Options.EffectiveMix(goal.InvestmentMix, goal.RiskProfile);
        var simulation = MonteCarloProjection.Run(new MonteCarloInput(goal.CurrentAmount, goal.PlannedMonthly, months, target,
            Options.ComponentsOf(mix), Options.Paths, Options.Seed));
        return new ProjectionView(projected, required, simulation.SuccessProbability, months, simulation.Series, goal.CurrentAmount, target,
            goal.TargetAmount, inflationRate, projected >= target, goal.ExpectedReturnRate, mix, Options.ExpectedReturnOf(mix), fromProfile);
    }

    /// <summary>The expected return a mix (or, without one, the risk profile's mix) implies: the default a new goal starts from.</summary>
    public decimal SuggestedReturnRate(IReadOnlyDictionary<string, decimal>? mix, RiskProfile profile) =>
        GoalRules.MixError(mix) is null ? Options.ExpectedReturnOf(Options.EffectiveMix(mix, profile)) : GoalOptions.DefaultAssumptions["equity"].ExpectedReturnRate;

    /// <summary>The mix a goal of this risk profile is simulated with when it names none (configurable).</summary>
    public IReadOnlyDictionary<string, decimal> MixFor(RiskProfile profile) => Options.MixFor(profile);

    public async Task<RiskProfile> RiskProfileOfAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await context.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => (RiskProfile?)u.RiskProfile).SingleOrDefaultAsync(cancellationToken)
            ?? RiskProfile.Moderate;
    }

    private async Task<GoalView> CreateAsync(Guid userId, GoalDraft draft, IReadOnlyCollection<Guid>? linked, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "create a goal");
        var today = IndiaTime.Today(clock);
        foreach (var (field, messages) in GoalRules.Validate(draft, today, targetMustBeFuture: true)) errors.TryAdd(field, messages);
        var goal = new Goal { UserId = userId, Name = draft.Name.Trim() };
        await using (var context = db.ForUser(userId))
        {
            await CheckNameAsync(context, userId, null, draft.Name, errors, cancellationToken);
            if (linked is { Count: > 0 }) await CheckLinksAsync(context, userId, goal.Id, linked, errors, cancellationToken);
            if (errors.Count > 0) throw new FieldValidationException(errors);
            Apply(goal, draft);
            goal.LinkedInvestmentIds = linked is { Count: > 0 } ? [.. linked.Distinct()] : null;
            context.Goals.Add(goal);
            await SaveAsync(context, cancellationToken);
        }

        await progress.RefreshAsync([goal.Id], cancellationToken);
        return (await GetAsync(userId, goal.Id, cancellationToken))!;
    }

    private async Task<GoalView?> UpdateAsync(Guid userId, Guid id, GoalDraft draft, IReadOnlyCollection<Guid>? linked,
        Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "change a goal");
        await using (var context = db.ForUser(userId))
        {
            var goal = await Live(context, userId).SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
            if (goal is null) return null;
            var today = IndiaTime.Today(clock);
            foreach (var (field, messages) in GoalRules.Validate(draft, today, targetMustBeFuture: draft.TargetDate != goal.TargetDate))
            {
                errors.TryAdd(field, messages);
            }

            await CheckNameAsync(context, userId, id, draft.Name, errors, cancellationToken);
            if (linked is not null) await CheckLinksAsync(context, userId, id, linked, errors, cancellationToken);
            if (errors.Count > 0) throw new FieldValidationException(errors);
            if (goal.Status == GoalStatus.Cancelled) throw new ConflictException("A cancelled goal cannot be changed.");
            // A higher target is a goal not reached yet; the refresh below marks it achieved again if it is.
            if (goal.Status == GoalStatus.Achieved && draft.TargetAmount > goal.TargetAmount)
            {
                goal.Status = GoalStatus.Active;
                goal.AchievedDate = null;
            }

            Apply(goal, draft);
            if (linked is not null) goal.LinkedInvestmentIds = [.. linked.Distinct()];
            await SaveAsync(context, cancellationToken);
        }

        await progress.RefreshAsync([id], cancellationToken);
        return await GetAsync(userId, id, cancellationToken);
    }

    private async Task<GoalView?> ChangeStatusAsync(Guid userId, Guid id, Func<Goal, GoalStatus> change, CancellationToken cancellationToken)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "change a goal");
        await using (var context = db.ForUser(userId))
        {
            var goal = await Live(context, userId).SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
            if (goal is null) return null;
            goal.Status = change(goal);
            await context.SaveChangesAsync(cancellationToken);
        }

        await progress.RefreshAsync([id], cancellationToken);
        return await GetAsync(userId, id, cancellationToken);
    }

    private static IQueryable<Goal> Live(SparkDbContext context, Guid userId) =>
        context.Goals.Where(g => g.UserId == userId && g.DeletedAt == null);

    private async Task<List<GoalView>> ViewsAsync(SparkDbContext context, List<Goal> goals, CancellationToken cancellationToken)
    {
        var amounts = await progress.AmountsAsync(context, goals, cancellationToken);
        var ids = goals.Select(g => (Guid?)g.Id).ToArray();
        var plans = await context.Plans.AsNoTracking()
            .Where(p => p.LinkedGoalId != null && ids.Contains(p.LinkedGoalId) && p.Status == Spark.Core.AutoInvest.PlanStatus.Active)
            .GroupBy(p => p.LinkedGoalId!.Value).Select(g => new { GoalId = g.Key, Monthly = g.Sum(p => p.MonthlyInvestment) })
            .ToDictionaryAsync(x => x.GoalId, x => x.Monthly, cancellationToken);
        var today = IndiaTime.Today(clock);
        return [.. goals.Select(g => View(g, amounts[g.Id], today, plans.GetValueOrDefault(g.Id)))];
    }

    private static GoalView View(Goal g, GoalAmounts amounts, DateOnly today, decimal planMonthly)
    {
        var current = amounts.Current;
        var months = GoalMath.MonthsRemaining(today, g.TargetDate);
        var projected = GoalMath.FutureValue(current, Math.Max(g.MonthlyContribution, planMonthly), g.ExpectedReturnRate, months);
        return new GoalView(g.Id, g.Name, g.Category, g.TargetAmount, current, GoalMath.ProgressRate(current, g.TargetAmount), amounts.LinkedValue,
            amounts.SetAside, g.StartDate, g.TargetDate, g.MonthlyContribution, g.Priority, g.Status, g.Description, g.RiskProfile, g.ExpectedReturnRate,
            g.InvestmentMix, g.LinkedInvestmentIds ?? [], g.AchievedDate, months, projected,
            g.Status == GoalStatus.Achieved || projected >= g.TargetAmount, g.CreatedAt, g.UpdatedAt, planMonthly);
    }

    private static void Apply(Goal goal, GoalDraft draft)
    {
        goal.Name = draft.Name.Trim();
        goal.Category = draft.Category;
        goal.TargetAmount = draft.TargetAmount;
        goal.StartDate = draft.StartDate;
        goal.TargetDate = draft.TargetDate;
        goal.MonthlyContribution = draft.MonthlyContribution;
        goal.Priority = draft.Priority;
        goal.RiskProfile = draft.RiskProfile;
        goal.ExpectedReturnRate = draft.ExpectedReturnRate;
        goal.InvestmentMix = draft.InvestmentMix is { Count: > 0 } mix ? new Dictionary<string, decimal>(mix.Where(p => p.Value > 0m)) : null;
        goal.Description = string.IsNullOrWhiteSpace(draft.Description) ? null : draft.Description.Trim();
    }

    private static async Task CheckNameAsync(SparkDbContext context, Guid userId, Guid? id, string name, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var trimmed = name.Trim();
        if (errors.ContainsKey("name") || trimmed.Length == 0) return;
        var lower = trimmed.ToLowerInvariant();
        if (await Live(context, userId).AnyAsync(g => g.Id != id && g.Name.ToLower() == lower, cancellationToken))
        {
            errors["name"] = [$"You already have a goal called “{trimmed}”. Choose another name."];
        }
    }

    /// <summary>Saves, answering the database's own guards (a name taken or a holding linked by a concurrent request) as field errors.</summary>
    private static async Task SaveAsync(SparkDbContext context, CancellationToken cancellationToken)
    {
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException pg && FieldOf(pg) is { } field)
        {
            throw new FieldValidationException(new Dictionary<string, string[]>
            {
                [field.Name] = [field.Message],
            });
        }
    }

    private static (string Name, string Message)? FieldOf(PostgresException e) => e.ConstraintName switch
    {
        "unique_user_goal_name" => ("name", "You already have a goal with this name. Choose another name."),
        "ux_goals_linked_investment" => ("linkedInvestmentIds", "A holding counts toward one goal only, and one of these already counts toward another goal."),
        "fk_goals_linked_investment" => ("linkedInvestmentIds", "Choose among your own holdings: one of these is not in your portfolio."),
        _ => null,
    };

    private static string Word(GoalStatus status) => status.ToString().ToLowerInvariant();
}
