namespace Spark.Core.Orders;

public enum OrderType { Market, Limit, StopLoss, Bracket }

public enum OrderSide { Buy, Sell }

public enum OrderStatus { Pending, Placed, PartiallyFilled, Executed, Cancelled, Rejected }

public enum OrderValidity { Day, Ioc, Gtc }

/// <summary>
/// An order (table trading_orders). For stop-loss orders <see cref="StopLoss"/> is the trigger and
/// <see cref="Price"/> the limit (no price: at market once triggered).
/// </summary>
public class TradingOrder
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public Guid SecurityId { get; set; }
    public required string Symbol { get; set; }
    public OrderType Type { get; set; }
    public OrderSide Side { get; set; }
    public decimal Quantity { get; set; }
    public decimal FilledQuantity { get; set; }
    public decimal? Price { get; set; }
    public decimal? AvgExecutionPrice { get; set; }
    public decimal? TotalCost { get; set; }
    public decimal? Fees { get; set; }
    public required string Platform { get; set; }
    public OrderStatus Status { get; set; } = OrderStatus.Pending;
    public OrderValidity Validity { get; set; } = OrderValidity.Day;
    public decimal? StopLoss { get; set; }
    public decimal? TargetPrice { get; set; }
    public string? PlatformOrderId { get; set; }
    public string? RejectionReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PlacedAt { get; set; }
    public DateTimeOffset? ExecutedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Spark's addition: a bracket order's target and stop-loss children point at their entry order.</summary>
    public Guid? ParentOrderId { get; set; }

    /// <summary>Spark's addition: cash held for this open buy (estimated cost, charges and a slippage buffer), released as it fills or ends.</summary>
    public decimal BlockedAmount { get; set; }

    /// <summary>Spark's addition: a mutual-fund purchase is by amount; its units are known only at the NAV.</summary>
    public decimal? Amount { get; set; }

    /// <summary>Spark's addition: the auto-invest plan execution that placed this order, if one did.</summary>
    public Guid? PlanExecutionId { get; set; }

    /// <summary>
    /// Spark's addition (decision 0051): an after-market order, a day order placed while the exchange was closed (or in
    /// pre-open); it waits in the book for the next session's open. Kept as placed, so a later change of the calendar
    /// or of special sessions does not rewrite what the investor was told.
    /// </summary>
    public bool AfterMarket { get; set; }

    public bool IsOpen => Status is OrderStatus.Pending or OrderStatus.Placed or OrderStatus.PartiallyFilled;
}

/// <summary>One fill of an order (table order_executions, named in the schema's diagram but never defined there).</summary>
public class OrderExecution
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrderId { get; set; }
    public Guid UserId { get; set; }
    public decimal Quantity { get; set; }
    public decimal Price { get; set; }
    public decimal Amount { get; set; }
    public decimal Charges { get; set; }
    /// <summary>The ledger transaction this fill wrote (no foreign key: transactions is partitioned).</summary>
    public Guid? TransactionId { get; set; }
    public string? PlatformExecutionId { get; set; }

    /// <summary>
    /// The exchange owner's fencing token (exchange_leases.epoch at its election) that wrote this fill; the database refuses
    /// a fill whose epoch is no longer the lease's (decision 0056). Null for fills written outside an elected owner.
    /// </summary>
    public long? ExchangeEpoch { get; set; }
    public DateTimeOffset ExecutedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
