using Spark.Core.Accounts;

namespace Spark.Core.Goals;

public enum GoalCategory { Retirement, House, Education, Wedding, Emergency, Custom }

public enum GoalPriority { Critical, High, Medium, Low }

public enum GoalStatus { Active, Achieved, Paused, Cancelled }

public enum ContributionSource { Manual, Auto, InvestmentReturns, Dividend }

/// <summary>
/// A financial goal (table goals). An investment counts toward at most one goal (enforced by the database
/// over <see cref="LinkedInvestmentIds"/>); contributions are history, never added on top of linked value.
/// </summary>
public class Goal
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public GoalCategory Category { get; set; }
    public decimal TargetAmount { get; set; }
    public decimal CurrentAmount { get; set; }
    public DateOnly TargetDate { get; set; }
    public DateOnly StartDate { get; set; }
    public decimal MonthlyContribution { get; set; }
    public GoalPriority Priority { get; set; } = GoalPriority.Medium;
    public GoalStatus Status { get; set; } = GoalStatus.Active;
    public string? Description { get; set; }
    public RiskProfile RiskProfile { get; set; } = RiskProfile.Moderate;
    /// <summary>Fraction (0.12 = 12 % a year); the column keeps the schema's percent.</summary>
    public decimal ExpectedReturnRate { get; set; } = 0.12m;
    /// <summary>Asset class → fraction of the goal (equity 0.6, debt 0.3, gold 0.1); stored as percents.</summary>
    public Dictionary<string, decimal>? InvestmentMix { get; set; }
    public Guid[]? LinkedInvestmentIds { get; set; }
    public DateOnly? AchievedDate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>Money put toward a goal (table goal_contributions): history, not a balance.</summary>
public class GoalContribution
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid GoalId { get; set; }
    public Guid UserId { get; set; }
    public decimal Amount { get; set; }
    public ContributionSource Source { get; set; } = ContributionSource.Manual;
    public DateOnly ContributionDate { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
