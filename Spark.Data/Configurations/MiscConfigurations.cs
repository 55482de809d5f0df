using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.Analysis;
using Spark.Core.Audit;
using Spark.Core.Market;
using Spark.Core.Notifications;
using Spark.Data.Conversions;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class AiAnalysisConfiguration : IEntityTypeConfiguration<AiAnalysis>
{
    public void Configure(EntityTypeBuilder<AiAnalysis> b)
    {
        b.ToTable("ai_analyses", t => t.HasCheckConstraint("check_ai_confidence_range", "confidence >= 0 AND confidence <= 100"));
        b.HasUuidKey().HasCurrentTimestamps("GeneratedAt", "CreatedAt");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Security>().WithMany().HasForeignKey(x => x.SecurityId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.AnalysisType).HasMaxLength(50);
        b.Property(x => x.Recommendation).HasMaxLength(20);
        b.Property(x => x.ConfidenceRate).HasColumnName("confidence").Numeric(5, 2).HasConversion<PercentColumnConverter>();
        b.Property(x => x.TargetPrice).Numeric(15, 4);
        b.Property(x => x.StopLoss).Numeric(15, 4);
        b.Property(x => x.HealthScore).Numeric(5, 2);
        b.Property(x => x.ValuationScore).Numeric(5, 2);
        b.Property(x => x.RiskScore).Numeric(5, 2);
        b.HasIndex(x => x.UserId, "idx_ai_analyses_user_id");
        b.HasIndex(x => x.SecurityId, "idx_ai_analyses_security_id");
        b.HasIndex(x => x.AnalysisType, "idx_ai_analyses_type");
        b.HasIndex(x => x.ExpiresAt, "idx_ai_analyses_expires_at");
    }
}

/// <summary>audit_logs is range-partitioned by month: created by SQL in the migration, mapped here.</summary>
internal sealed class AuditLogConfiguration : IEntityTypeConfiguration<AuditLog>
{
    public void Configure(EntityTypeBuilder<AuditLog> b)
    {
        b.ToTable("audit_logs", t => t.ExcludeFromMigrations());
        b.HasKey(x => new { x.Id, x.CreatedAt });
        b.Property(x => x.Id).HasDefaultValueSql("gen_random_uuid()");
        b.HasCurrentTimestamps("CreatedAt");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.Action).HasMaxLength(100);
        b.Property(x => x.EntityType).HasMaxLength(50);
        b.Property(x => x.DeviceType).HasMaxLength(20);
        b.Property(x => x.Location).HasMaxLength(255);
        b.Property(x => x.Status).HasDefaultValue(AuditStatus.Success);
    }
}

/// <summary>notification_outbox (decision 0056): row-level security by user like user_notifications; the dispatcher reads it as system work.</summary>
internal sealed class NotificationOutboxConfiguration : IEntityTypeConfiguration<NotificationOutboxEntry>
{
    public void Configure(EntityTypeBuilder<NotificationOutboxEntry> b)
    {
        b.ToTable("notification_outbox");
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Type).HasMaxLength(50);
        b.Property(x => x.Title).HasMaxLength(255);
        b.Property(x => x.Link).HasMaxLength(255);
        b.Property(x => x.Attempts).HasDefaultValue(0);
        b.HasIndex(x => x.UserId, "idx_notification_outbox_user_id");
        // The dispatcher's queue: unsent rows, oldest first.
        b.HasIndex(x => x.CreatedAt, "idx_notification_outbox_unsent").HasFilter("sent_at IS NULL");
        b.HasIndex(x => x.SentAt, "idx_notification_outbox_sent_at").HasFilter("sent_at IS NOT NULL");
    }
}

internal sealed class UserNotificationConfiguration : IEntityTypeConfiguration<UserNotification>
{
    public void Configure(EntityTypeBuilder<UserNotification> b)
    {
        b.ToTable("user_notifications");
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Type).HasMaxLength(50);
        b.Property(x => x.Title).HasMaxLength(255);
        b.Property(x => x.Icon).HasMaxLength(50);
        b.Property(x => x.Link).HasMaxLength(255);
        b.Property(x => x.IsRead).HasDefaultValue(false);
        b.Property(x => x.Priority).HasDefaultValue(NotificationPriority.Normal);
        b.HasIndex(x => x.UserId, "idx_user_notifications_user_id");
        b.HasIndex(x => new { x.UserId, x.IsRead }, "idx_user_notifications_is_read");
        b.HasIndex(x => x.CreatedAt, "idx_user_notifications_created_at").IsDescending();
        b.HasIndex(x => new { x.UserId, x.CreatedAt }, "idx_notifications_unread")
            .IsDescending(false, true).HasFilter("is_read = false");
    }
}
