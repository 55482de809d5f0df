using System.Text.Json;

namespace Spark.Core.AutoInvest;

public enum StrategyRiskLevel { VeryHigh, High, Medium, Low }

public enum RebalancingFrequency { Monthly, Quarterly, Yearly }

public enum PlanStatus { Active, Paused, Cancelled, Completed }

public enum ExecutionStatus { Completed, Failed, Partial, Pending }

/// <summary>A predefined auto-invest strategy (table auto_invest_strategies).</summary>
public class AutoInvestStrategy
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Description { get; set; }
    public StrategyRiskLevel RiskLevel { get; set; }
    /// <summary>Fraction a year; the column keeps the schema's percent.</summary>
    public decimal? ExpectedReturnRate { get; set; }
    public decimal MinInvestment { get; set; }
    /// <summary>Asset class → fraction (stocks 0.5, mutual_funds 0.3, ...); stored as percents.</summary>
    public Dictionary<string, decimal> Allocation { get; set; } = [];
    public RebalancingFrequency RebalancingFrequency { get; set; } = RebalancingFrequency.Quarterly;
    /// <summary>Fraction; the column keeps the schema's percent.</summary>
    public decimal? AiConfidenceRate { get; set; }
    public bool IsActive { get; set; } = true;
    public int PopularityScore { get; set; }
    public JsonDocument? BacktestingData { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's monthly auto-invest subscription to a strategy (table auto_invest_plans).</summary>
public class AutoInvestPlan
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public Guid StrategyId { get; set; }
    public PlanStatus Status { get; set; } = PlanStatus.Active;
    public decimal MonthlyInvestment { get; set; }
    public int ExecutionDay { get; set; }
    public bool AutoRebalance { get; set; } = true;
    public decimal InvestedAmount { get; set; }
    public decimal CurrentValue { get; set; }
    public decimal Returns { get; set; }
    /// <summary>Fraction; the column keeps the schema's percent.</summary>
    public decimal ReturnsRate { get; set; }
    public Guid? LinkedGoalId { get; set; }
    public DateOnly StartDate { get; set; }
    public DateOnly? NextExecutionDate { get; set; }
    public DateOnly? LastExecutionDate { get; set; }
    public string? PauseReason { get; set; }
    public DateTimeOffset? PausedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One run of a plan for one nominal date (table plan_executions; unique per plan and date).</summary>
public class PlanExecution
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PlanId { get; set; }
    public Guid UserId { get; set; }
    public DateOnly ExecutionDate { get; set; }
    public decimal AmountInvested { get; set; }
    public ExecutionStatus Status { get; set; }
    public int OrdersPlaced { get; set; }
    public int OrdersExecuted { get; set; }
    public JsonDocument? AllocationDetails { get; set; }
    public string? ErrorMessage { get; set; }
    public DateTimeOffset ExecutedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
