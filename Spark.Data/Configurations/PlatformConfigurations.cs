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
        // Encrypted values are longer than what they hide: 255 characters hold 100 bytes of key (decision 0040), and a
        // Groww API key alone is a token of several hundred characters.
        b.Property(x => x.ApiKey).HasMaxLength(2048);
        b.Property(x => x.ApiSecret).HasMaxLength(2048);
        b.Property(x => x.AdditionalAuth).HasColumnType("jsonb");
        b.Property(x => x.AccountId).HasMaxLength(100);
        b.Property(x => x.AccountName).HasMaxLength(255);
        b.Property(x => x.ReconnectRequired).HasDefaultValue(false);
        b.Property(x => x.LastError).HasMaxLength(1000);
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
        // The document's rule counts only 'connected' rows, so a connection in 'syncing' or 'error' would let a second
        // one of the same broker in. One live connection per broker is the rule; only a disconnected one is history.
        b.HasIndex(x => new { x.UserId, x.Platform }, "ux_platform_connections_user_platform_live")
            .IsUnique().HasFilter("status <> 'disconnected'");
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
        b.Property(x => x.RecordsCreated).HasDefaultValue(0);
        b.Property(x => x.RecordsUpdated).HasDefaultValue(0);
        b.Property(x => x.Details).HasColumnType("jsonb");
        // One run per connection at a time, on every instance: a second request finds the first one's row.
        b.HasIndex(x => x.ConnectionId, "ux_sync_logs_connection_in_flight").IsUnique().HasFilter("status IN ('pending', 'in_progress')");
    }
}
