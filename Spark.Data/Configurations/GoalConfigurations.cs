using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Spark.Core.Accounts;
using Spark.Core.Goals;
using Spark.Data.Conversions;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class GoalConfiguration : IEntityTypeConfiguration<Goal>
{
    public void Configure(EntityTypeBuilder<Goal> b)
    {
        b.ToTable("goals", t =>
        {
            t.HasCheckConstraint("check_goals_target_positive", "target_amount > 0");
            t.HasCheckConstraint("check_goals_target_future", "target_date > start_date");
        });
        b.HasUuidKey().HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Name).HasMaxLength(255);
        b.Property(x => x.Category).HasMaxLength(50);
        b.Property(x => x.TargetAmount).Numeric(15, 2);
        b.Property(x => x.CurrentAmount).Numeric(15, 2).HasDefaultValue(0m);
        b.Property(x => x.MonthlyContribution).Numeric(10, 2).HasDefaultValue(0m);
        b.Property(x => x.Priority).HasDefaultValue(GoalPriority.Medium);
        b.Property(x => x.Status).HasDefaultValue(GoalStatus.Active);
        b.Property(x => x.RiskProfile).HasDefaultValue(RiskProfile.Moderate);
        b.Property(x => x.ExpectedReturnRate).HasColumnName("expected_returns").Numeric(5, 2)
            .HasConversion<PercentColumnConverter>().HasDefaultValue(0.12m);
        b.Property(x => x.InvestmentMix).HasColumnType("jsonb")
            .HasConversion((ValueConverter)new FractionMapJsonConverter(), new FractionMapComparer());
        b.HasIndex(x => x.UserId, "idx_goals_user_id");
        b.HasIndex(x => x.Status, "idx_goals_status");
        b.HasIndex(x => x.Category, "idx_goals_category");
        b.HasIndex(x => x.TargetDate, "idx_goals_target_date");
        b.HasIndex(x => new { x.UserId, x.Status, x.TargetDate }, "idx_goals_user_status_date");
        b.HasIndex(x => new { x.UserId, x.Name }, "unique_user_goal_name").IsUnique().HasFilter("deleted_at IS NULL");
    }
}

internal sealed class GoalContributionConfiguration : IEntityTypeConfiguration<GoalContribution>
{
    public void Configure(EntityTypeBuilder<GoalContribution> b)
    {
        b.ToTable("goal_contributions");
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<Goal>().WithMany().HasForeignKey(x => x.GoalId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Amount).Numeric(10, 2);
        b.Property(x => x.Source).HasMaxLength(50).HasDefaultValue(ContributionSource.Manual);
        b.HasIndex(x => x.GoalId, "idx_goal_contributions_goal_id");
        b.HasIndex(x => x.UserId, "idx_goal_contributions_user_id");
        b.HasIndex(x => x.ContributionDate, "idx_goal_contributions_date");
    }
}
