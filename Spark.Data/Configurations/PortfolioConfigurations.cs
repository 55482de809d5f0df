using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;
using Spark.Data.Conversions;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class InvestmentConfiguration : IEntityTypeConfiguration<Investment>
{
    public void Configure(EntityTypeBuilder<Investment> b)
    {
        // A sold-out holding keeps its row at quantity 0 (it is history, and a re-buy reactivates it).
        b.ToTable("investments", t => t.HasCheckConstraint(
            "check_investments_quantity_positive", "quantity > 0 OR (quantity = 0 AND status IN ('sold', 'closed'))"));
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt", "UpdatedAt", "LastUpdated");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Security>().WithMany().HasForeignKey(x => x.SecurityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PlatformConnection>().WithMany().HasForeignKey(x => x.PlatformConnectionId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.Platform).HasMaxLength(50).HasDefaultValue(PlatformNames.Manual);
        b.Property(x => x.Symbol).HasMaxLength(50);
        b.Property(x => x.Name).HasMaxLength(255);
        b.Property(x => x.Quantity).Numeric(20, 8);
        b.Property(x => x.AvgBuyPrice).Numeric(15, 4);
        b.Property(x => x.InvestedAmount).Numeric(15, 2);
        b.Property(x => x.CurrentPrice).Numeric(15, 4);
        b.Property(x => x.CurrentValue).Numeric(15, 2);
        b.Property(x => x.Returns).Numeric(15, 2);
        b.Property(x => x.ReturnsRate).HasColumnName("returns_percentage").Numeric(10, 4).HasConversion<PercentColumnConverter>();
        b.Property(x => x.DayChange).Numeric(15, 2);
        b.Property(x => x.DayChangeRate).HasColumnName("day_change_percentage").Numeric(10, 4).HasConversion<PercentColumnConverter>();
        b.Property(x => x.Sector).HasMaxLength(100);
        b.Property(x => x.Status).HasDefaultValue(InvestmentStatus.Active);

        b.HasIndex(x => new { x.UserId, x.SecurityId, x.Platform }).IsUnique().HasDatabaseName("ux_investments_user_security_platform");
        b.HasIndex(x => x.UserId, "idx_investments_user_id");
        b.HasIndex(x => x.SecurityId, "idx_investments_security_id");
        b.HasIndex(x => x.PlatformConnectionId, "idx_investments_platform_connection_id");
        b.HasIndex(x => x.Type, "idx_investments_type");
        b.HasIndex(x => x.Status, "idx_investments_status");
        b.HasIndex(x => new { x.UserId, x.Status, x.Type }, "idx_investments_user_status_type");
        b.HasIndex(x => x.UserId, "idx_investments_active").HasFilter("status = 'active'");
    }
}

internal sealed class InvestmentLotConfiguration : IEntityTypeConfiguration<InvestmentLot>
{
    public void Configure(EntityTypeBuilder<InvestmentLot> b)
    {
        b.ToTable("investment_holdings", t => t.HasCheckConstraint(
            "ck_investment_holdings_remaining_quantity", "remaining_quantity >= 0 AND remaining_quantity <= quantity"));
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<Investment>().WithMany().HasForeignKey(x => x.InvestmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Quantity).Numeric(20, 8);
        b.Property(x => x.Price).Numeric(15, 4);
        b.Property(x => x.Amount).Numeric(15, 2);
        b.Property(x => x.Type).HasMaxLength(10);
        b.Property(x => x.RemainingQuantity).Numeric(20, 8);
        b.Property(x => x.Fees).Numeric(10, 2).HasDefaultValue(0m);
        b.Property(x => x.Tax).Numeric(10, 2).HasDefaultValue(0m);
        b.HasIndex(x => x.InvestmentId, "idx_investment_holdings_investment_id");
        b.HasIndex(x => x.UserId, "idx_investment_holdings_user_id");
        b.HasIndex(x => x.TransactionDate, "idx_investment_holdings_transaction_date");
    }
}

/// <summary>transactions is range-partitioned by year: created by SQL in the migration, mapped here.</summary>
internal sealed class LedgerTransactionConfiguration : IEntityTypeConfiguration<LedgerTransaction>
{
    public void Configure(EntityTypeBuilder<LedgerTransaction> b)
    {
        b.ToTable("transactions", t => t.ExcludeFromMigrations());
        b.HasKey(x => new { x.Id, x.TransactionDate });
        b.Property(x => x.Id).HasDefaultValueSql("gen_random_uuid()");
        b.HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Investment>().WithMany().HasForeignKey(x => x.InvestmentId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Security>().WithMany().HasForeignKey(x => x.SecurityId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.AssetName).HasMaxLength(255);
        b.Property(x => x.Symbol).HasMaxLength(50);
        b.Property(x => x.Platform).HasMaxLength(50);
        b.Property(x => x.Quantity).Numeric(20, 8);
        b.Property(x => x.Price).Numeric(15, 4);
        b.Property(x => x.Amount).Numeric(15, 2);
        b.Property(x => x.Fees).Numeric(10, 2).HasDefaultValue(0m);
        b.Property(x => x.Tax).Numeric(10, 2).HasDefaultValue(0m);
        b.Property(x => x.Gst).Numeric(10, 2).HasDefaultValue(0m);
        b.Property(x => x.NetAmount).Numeric(15, 2);
        b.Property(x => x.Status).HasDefaultValue(TransactionStatus.Completed);
        b.Property(x => x.ExternalId).HasColumnName("transaction_id").HasMaxLength(255);
        b.Property(x => x.PaymentMethod).HasMaxLength(50);
        b.Property(x => x.PaymentReference).HasMaxLength(255);
    }
}
