using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Data.Identity;

namespace Spark.Data.Configurations;

internal sealed class TradingOrderConfiguration : IEntityTypeConfiguration<TradingOrder>
{
    public void Configure(EntityTypeBuilder<TradingOrder> b)
    {
        b.ToTable("trading_orders", t =>
        {
            t.HasCheckConstraint("check_orders_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("check_orders_filled_quantity", "filled_quantity <= quantity");
        });
        b.HasUuidKey().HasCurrentTimestamps();
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Security>().WithMany().HasForeignKey(x => x.SecurityId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Symbol).HasMaxLength(50);
        b.Property(x => x.Side).HasMaxLength(10);
        b.Property(x => x.Quantity).Numeric(20, 8);
        b.Property(x => x.FilledQuantity).Numeric(20, 8).HasDefaultValue(0m);
        b.Property(x => x.Price).Numeric(15, 4);
        b.Property(x => x.AvgExecutionPrice).Numeric(15, 4);
        b.Property(x => x.TotalCost).Numeric(15, 2);
        b.Property(x => x.Fees).Numeric(10, 2);
        b.Property(x => x.Platform).HasMaxLength(50);
        b.Property(x => x.Status).HasDefaultValue(OrderStatus.Pending);
        b.Property(x => x.Validity).HasDefaultValue(OrderValidity.Day);
        b.Property(x => x.StopLoss).Numeric(15, 4);
        b.Property(x => x.TargetPrice).Numeric(15, 4);
        b.Property(x => x.PlatformOrderId).HasMaxLength(255);
        b.HasOne<TradingOrder>().WithMany().HasForeignKey(x => x.ParentOrderId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.BlockedAmount).Numeric(15, 2).HasDefaultValue(0m);
        b.HasOne<Spark.Core.AutoInvest.PlanExecution>().WithMany().HasForeignKey(x => x.PlanExecutionId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.PlanExecutionId, "ix_trading_orders_plan_execution_id").HasFilter("plan_execution_id IS NOT NULL");
        b.Property(x => x.Amount).Numeric(15, 2);
        b.Property(x => x.AfterMarket).HasDefaultValue(false);
        b.Ignore(x => x.IsOpen);
        b.HasIndex(x => x.UserId, "idx_trading_orders_user_id");
        b.HasIndex(x => x.SecurityId, "idx_trading_orders_security_id");
        b.HasIndex(x => x.Status, "idx_trading_orders_status");
        b.HasIndex(x => x.CreatedAt, "idx_trading_orders_created_at").IsDescending();
        b.HasIndex(x => new { x.UserId, x.CreatedAt }, "idx_trading_orders_pending")
            .IsDescending(false, true).HasFilter("status IN ('pending', 'placed')");
    }
}

internal sealed class OrderExecutionConfiguration : IEntityTypeConfiguration<OrderExecution>
{
    public void Configure(EntityTypeBuilder<OrderExecution> b)
    {
        b.ToTable("order_executions", t =>
        {
            t.HasCheckConstraint("ck_order_executions_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_order_executions_price_positive", "price > 0");
        });
        b.HasUuidKey().HasCurrentTimestamps("CreatedAt");
        b.HasOne<TradingOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SparkUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Quantity).Numeric(20, 8);
        b.Property(x => x.Price).Numeric(15, 4);
        b.Property(x => x.Amount).Numeric(15, 2);
        b.Property(x => x.Charges).Numeric(10, 2).HasDefaultValue(0m);
        b.Property(x => x.PlatformExecutionId).HasMaxLength(255);
        b.HasIndex(x => x.OrderId, "idx_order_executions_order_id");
        b.HasIndex(x => x.UserId, "idx_order_executions_user_id");
        b.HasIndex(x => new { x.OrderId, x.PlatformExecutionId }).IsUnique()
            .HasDatabaseName("ux_order_executions_platform_execution").HasFilter("platform_execution_id IS NOT NULL");
    }
}
