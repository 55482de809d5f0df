using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.Market;

namespace Spark.Data.Configurations;

internal sealed class SecurityConfiguration : IEntityTypeConfiguration<Security>
{
    public void Configure(EntityTypeBuilder<Security> b)
    {
        b.ToTable("securities");
        b.HasUuidKey().HasCurrentTimestamps();
        b.Property(x => x.Symbol).HasMaxLength(50);
        b.Property(x => x.Name).HasMaxLength(255);
        b.Property(x => x.Isin).HasMaxLength(20);
        b.Property(x => x.Exchange).HasMaxLength(50);
        b.Property(x => x.Sector).HasMaxLength(100);
        b.Property(x => x.Industry).HasMaxLength(100);
        b.Property(x => x.MarketCap).Numeric(20, 2);
        b.Property(x => x.Currency).HasMaxLength(3).HasDefaultValue("INR");
        b.Property(x => x.LotSize).HasDefaultValue(1);
        b.Property(x => x.IsActive).HasDefaultValue(true);
        // The column's UNIQUE and the document's named constraint unique_symbol are one and the same rule.
        b.HasAlternateKey(x => x.Symbol).HasName("unique_symbol");
        b.HasIndex(x => x.Isin).IsUnique().HasDatabaseName("securities_isin_key");
        b.HasIndex(x => x.Symbol, "idx_securities_symbol");
        b.HasIndex(x => x.Type, "idx_securities_type");
        b.HasIndex(x => x.Sector, "idx_securities_sector");
        b.HasIndex(x => x.IsActive, "idx_securities_is_active");
    }
}

/// <summary>market_data is range-partitioned by month: created by SQL in the migration, mapped here for queries.</summary>
internal sealed class MarketBarConfiguration : IEntityTypeConfiguration<MarketBar>
{
    public void Configure(EntityTypeBuilder<MarketBar> b)
    {
        b.ToTable("market_data", t => t.ExcludeFromMigrations());
        b.HasKey(x => new { x.SecurityId, x.Timestamp });
        b.Property(x => x.Id).HasDefaultValueSql("gen_random_uuid()");
        b.HasOne<Security>().WithMany().HasForeignKey(x => x.SecurityId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Open).Numeric(15, 4);
        b.Property(x => x.High).Numeric(15, 4);
        b.Property(x => x.Low).Numeric(15, 4);
        b.Property(x => x.Close).Numeric(15, 4);
        b.Property(x => x.Bid).Numeric(15, 4);
        b.Property(x => x.Ask).Numeric(15, 4);
        b.HasCurrentTimestamps("CreatedAt");
    }
}

internal sealed class DailyBarConfiguration : IEntityTypeConfiguration<DailyBar>
{
    public void Configure(EntityTypeBuilder<DailyBar> b)
    {
        b.ToTable("market_data_daily", t => t.HasCheckConstraint(
            "ck_market_data_daily_range", "low <= high AND open BETWEEN low AND high AND close BETWEEN low AND high AND volume >= 0"));
        b.HasKey(x => new { x.SecurityId, x.TradeDate });
        b.HasOne<Security>().WithMany().HasForeignKey(x => x.SecurityId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Open).Numeric(15, 4);
        b.Property(x => x.High).Numeric(15, 4);
        b.Property(x => x.Low).Numeric(15, 4);
        b.Property(x => x.Close).Numeric(15, 4);
        b.HasCurrentTimestamps("CreatedAt");
        b.HasIndex(x => x.TradeDate, "idx_market_data_daily_trade_date");
    }
}
