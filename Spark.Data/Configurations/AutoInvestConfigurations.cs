using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.AutoInvest;
using Spark.Core.Goals;
using Spark.Data.Conversions;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class AutoInvestStrategyConfiguration : IEntityTypeConfiguration<AutoInvestStrategy>
{
    public void Configure(EntityTypeBuilder<AutoInvestStrategy> b)
    {
        b.ToTable("auto_invest_strategies");
        b.HasUuidKey().HasCurrentTimestamps();
        b.Property(x => x.Name).HasMaxLength(255);
        b.Property(x => x.ExpectedReturnRate).HasColumnName("expected_returns").Numeric(5, 2).HasConversion<PercentColumnConverter>();
        b.Property(x => x.MinInvestment).Numeric(10, 2);
        b.Property(x => x.Allocation).HasColumnType("jsonb")
            .HasConversion(new FractionMapJsonConverter(), new FractionMapComparer());
        b.Property(x => x.RebalancingFrequency).HasDefaultValue(RebalancingFrequency.Quarterly);
        b.Property(x => x.AiConfidenceRate).HasColumnName("ai_confidence").Numeric(5, 2).HasConversion<PercentColumnConverter>();
        b.Property(x => x.IsActive).HasDefaultValue(true);
        b.Property(x => x.PopularityScore).HasDefaultValue(0);
        b.HasIndex(x => x.Name).IsUnique().HasDatabaseName("auto_invest_strategies_name_key");
        b.HasIndex(x => x.RiskLevel, "idx_auto_invest_strategies_risk_level");
        b.HasIndex(x => x.IsActive, "idx_auto_invest_strategies_is_active");
    }
}

internal sealed class AutoInvestPlanConfiguration : IEntityTypeConfiguration<AutoInvestPlan>
{
    public void Configure(EntityTypeBuilder<AutoInvestPlan> b)
    {
        b.ToTable("auto_invest_plans", t => t.HasCheckConstraint(
            "auto_invest_plans_execution_day_check", "execution_day BETWEEN 1 AND 28"));
        b.HasUuidKey().HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AutoInvestStrategy>().WithMany().HasForeignKey(x => x.StrategyId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Goal>().WithMany().HasForeignKey(x => x.LinkedGoalId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.Status).HasDefaultValue(PlanStatus.Active);
        b.Property(x => x.MonthlyInvestment).Numeric(10, 2);
        b.Property(x => x.AutoRebalance).HasDefaultValue(true);
        b.Property(x => x.InvestedAmount).Numeric(15, 2).HasDefaultValue(0m);
        b.Property(x => x.CurrentValue).Numeric(15, 2).HasDefaultValue(0m);
        b.Property(x => x.Returns).Numeric(15, 2).HasDefaultValue(0m);
        b.Property(x => x.ReturnsRate).HasColumnName("returns_percentage").Numeric(10, 4)
            .HasConversion<PercentColumnConverter>().HasDefaultValue(0m);
        b.HasIndex(x => x.UserId, "idx_auto_invest_plans_user_id");
        b.HasIndex(x => x.StrategyId, "idx_auto_invest_plans_strategy_id");
        b.HasIndex(x => x.Status, "idx_auto_invest_plans_status");
        b.HasIndex(x => x.NextExecutionDate, "idx_auto_invest_plans_next_execution");
    }
}

internal sealed class PlanExecutionConfiguration : IEntityTypeConfiguration<PlanExecution>
{
    public void Configure(EntityTypeBuilder<PlanExecution> b)
    {
        b.ToTable("plan_executions");
        b.HasUuidKey().HasCurrentTimestamps("ExecutedAt", "CreatedAt");
        b.HasOne<AutoInvestPlan>().WithMany().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.AmountInvested).Numeric(10, 2);
        b.Property(x => x.OrdersPlaced).HasDefaultValue(0);
        b.Property(x => x.OrdersExecuted).HasDefaultValue(0);
        // A plan runs once per nominal date: the claim that makes scheduled runs exactly-once.
        b.HasIndex(x => new { x.PlanId, x.ExecutionDate }).IsUnique().HasDatabaseName("ux_plan_executions_plan_date");
        b.HasIndex(x => x.PlanId, "idx_plan_executions_plan_id");
        b.HasIndex(x => x.UserId, "idx_plan_executions_user_id");
        b.HasIndex(x => x.ExecutionDate, "idx_plan_executions_date").IsDescending();
        b.HasIndex(x => new { x.PlanId, x.ExecutionDate }, "idx_plan_executions_plan_date").IsDescending(false, true);
    }
}
