using System.ComponentModel.DataAnnotations;
using Spark.Core.Accounts;
using Spark.Core.Goals;
using Spark.Web.Api.Input;

namespace Spark.Web.Services.Goals;

/// <summary>
/// A goal as screens and the API see it. <see cref="CurrentAmount"/> is live: the linked holdings at current prices plus
/// the money set aside (decision 0029); <see cref="ProjectedAmount"/> and <see cref="OnTrack"/> are the deterministic
/// projection at the goal's expected return.
/// </summary>
public sealed record GoalView(
    Guid Id,
    string Name,
    GoalCategory Category,
    decimal TargetAmount,
    decimal CurrentAmount,
    decimal ProgressRate,
    decimal LinkedValue,
    decimal SetAsideAmount,
    DateOnly StartDate,
    DateOnly TargetDate,
    decimal MonthlyContribution,
    GoalPriority Priority,
    GoalStatus Status,
    string? Description,
    RiskProfile RiskProfile,
    decimal ExpectedReturnRate,
    IReadOnlyDictionary<string, decimal>? InvestmentMix,
    IReadOnlyList<Guid> LinkedInvestmentIds,
    DateOnly? AchievedDate,
    int MonthsRemaining,
    decimal ProjectedAmount,
    bool OnTrack,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    decimal PlanMonthly = 0m)
{
    /// <summary>
    /// What goes in each month for projections: the contribution the investor entered, or the active plans linked to
    /// the goal when they put in more (decision 0029). Not the sum: both usually describe the same saving.
    /// </summary>
    public decimal PlannedMonthly => Math.Max(MonthlyContribution, PlanMonthly);
}

/// <summary>
/// POST and PUT /goals bodies. Enum words are strings so a wrong one is a field error; on PUT a field left out keeps its
/// value, and <see cref="LinkedInvestmentIds"/> left out keeps the links ([] removes them all).
/// </summary>
public sealed record GoalRequest(
    [property: StringLength(255)] string? Name = null,
    [property: StringLength(50)] string? Category = null,
    [property: Numeric(15, 2)] decimal? TargetAmount = null,
    DateOnly? StartDate = null,
    DateOnly? TargetDate = null,
    [property: Numeric(10, 2)] decimal? MonthlyContribution = null,
    string? Priority = null,
    string? RiskProfile = null,
    [property: Numeric(5, 2, percentColumn: true)] decimal? ExpectedReturnRate = null,
    Dictionary<string, decimal>? InvestmentMix = null,
    string? Description = null,
    Guid[]? LinkedInvestmentIds = null);

public sealed record ContributionRequest([property: Numeric(10, 2)] decimal? Amount = null, DateOnly? ContributionDate = null, string? Source = null, string? Note = null);

public sealed record ContributionView(Guid Id, Guid GoalId, decimal Amount, ContributionSource Source, DateOnly ContributionDate, string? Note,
    DateTimeOffset CreatedAt);

/// <summary>
/// GET /goals/{id}/projection. <see cref="TargetAmount"/> is what the projection aims at: the goal's target, or with an
/// inflation rate that target grown to the target date (<see cref="GoalTargetAmount"/> keeps the goal's own figure).
/// </summary>
/// <param name="SuccessProbability">The share of 10,000 simulated markets in which the goal is reached (a fraction).</param>
/// <param name="MixExpectedReturnRate">The yearly return the simulated mix is expected to earn (the fan's centre).</param>
/// <param name="MixFromRiskProfile">True when the goal names no mix and the one of its risk profile was simulated.</param>
public sealed record ProjectionView(
    decimal ProjectedAmount,
    decimal RequiredMonthlyContribution,
    decimal SuccessProbability,
    int MonthsRemaining,
    IReadOnlyList<FanPoint> Series,
    decimal CurrentAmount,
    decimal TargetAmount,
    decimal GoalTargetAmount,
    decimal? InflationRate,
    bool OnTrack,
    decimal ExpectedReturnRate,
    IReadOnlyDictionary<string, decimal> Mix,
    decimal MixExpectedReturnRate,
    bool MixFromRiskProfile);

/// <summary>A holding the investor may link to a goal, with the goal it counts toward now (if any).</summary>
public sealed record LinkableInvestment(Guid InvestmentId, string Symbol, string Name, string Platform, decimal Quantity, decimal CurrentValue,
    Guid? GoalId, string? GoalName);

/// <summary>What a progress refresh found for one goal.</summary>
/// <param name="Milestone">The milestone announced by this refresh (25, 50, 75 or 100), if any.</param>
public sealed record GoalProgressUpdate(Guid GoalId, Guid UserId, decimal CurrentAmount, decimal ProgressRate, GoalStatus Status, int? Milestone);
