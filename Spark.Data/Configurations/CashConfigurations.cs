using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.Cash;
using Spark.Core.Orders;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class CashAccountConfiguration : IEntityTypeConfiguration<CashAccount>
{
    public void Configure(EntityTypeBuilder<CashAccount> b)
    {
        b.ToTable("cash_accounts", t =>
        {
            t.HasCheckConstraint("ck_cash_accounts_balance_non_negative", "balance >= 0");
            t.HasCheckConstraint("ck_cash_accounts_blocked_within_balance", "blocked >= 0 AND blocked <= balance");
        });
        b.HasUuidKey().HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithOne().HasForeignKey<CashAccount>(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Currency).HasMaxLength(3).HasDefaultValue("INR");
        b.Property(x => x.Balance).Numeric(15, 2).HasDefaultValue(0m);
        b.Property(x => x.Blocked).Numeric(15, 2).HasDefaultValue(0m);
        b.Ignore(x => x.Available);
        b.HasIndex(x => x.UserId).IsUnique().HasDatabaseName("cash_accounts_user_id_key");
    }
}

internal sealed class CashLedgerEntryConfiguration : IEntityTypeConfiguration<CashLedgerEntry>
{
    public void Configure(EntityTypeBuilder<CashLedgerEntry> b)
    {
        b.ToTable("cash_ledger", t => t.HasCheckConstraint("ck_cash_ledger_balance_after_non_negative", "balance_after >= 0"));
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TradingOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.SetNull);
        b.Property(x => x.EntryType).HasMaxLength(20);
        b.Property(x => x.Amount).Numeric(15, 2);
        b.Property(x => x.BalanceAfter).Numeric(15, 2);
        b.HasIndex(x => new { x.UserId, x.CreatedAt }, "idx_cash_ledger_user_created").IsDescending(false, true);
        b.HasIndex(x => x.OrderId, "idx_cash_ledger_order_id");
    }
}
