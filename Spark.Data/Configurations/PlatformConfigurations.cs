using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.Platforms;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class PlatformConnectionConfiguration : IEntityTypeConfiguration<PlatformConnection>
{
    public void Configure(EntityTypeBuilder<PlatformConnection> b)
    {
        b.ToTable("platform_connections");
        b.HasUuidKey().HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Platform).HasMaxLength(50);
        b.Property(x => x.Status).HasDefaultValue(ConnectionStatus.Connected);
        b.Property(x => x.ApiKey).HasMaxLength(255);
        b.Property(x => x.ApiSecret).HasMaxLength(255);
        b.Property(x => x.SyncFrequencyMinutes).HasDefaultValue(60);
        b.Property(x => x.AutoSyncEnabled).HasDefaultValue(true);
        b.Property(x => x.HoldingsCount).HasDefaultValue(0);
        b.Property(x => x.TotalValue).Numeric(15, 2).HasDefaultValue(0m);
        b.HasIndex(x => x.UserId, "idx_platform_connections_user_id");
        b.HasIndex(x => x.Platform, "idx_platform_connections_platform");
        b.HasIndex(x => new { x.UserId, x.Platform }, "idx_platform_connections_user_platform")
            .IsUnique().HasFilter("status = 'connected'");
        // The document also declares this rule as a partial UNIQUE constraint, which PostgreSQL cannot express.
        b.HasIndex(x => new { x.UserId, x.Platform }, "unique_user_platform_active")
            .IsUnique().HasFilter("status = 'connected'");
    }
}

internal sealed class SyncLogConfiguration : IEntityTypeConfiguration<SyncLog>
{
    public void Configure(EntityTypeBuilder<SyncLog> b)
    {
        b.ToTable("sync_logs");
        b.HasUuidKey().HasCurrentTimestamps("StartedAt", "CreatedAt");
        b.HasOne<PlatformConnection>().WithMany().HasForeignKey(x => x.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.SyncType).HasMaxLength(50);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.HoldingsFetched).HasDefaultValue(0);
        b.Property(x => x.TransactionsFetched).HasDefaultValue(0);
        b.HasIndex(x => x.ConnectionId, "idx_sync_logs_connection_id");
        b.HasIndex(x => x.Status, "idx_sync_logs_status");
        b.HasIndex(x => x.CreatedAt, "idx_sync_logs_created_at").IsDescending();
    }
}
