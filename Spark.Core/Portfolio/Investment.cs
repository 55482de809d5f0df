using Spark.Core.Market;
using Spark.Core.Platforms;

namespace Spark.Core.Portfolio;

/// <summary>
/// One holding: a user's position in one security on one platform (table investments). A fully sold
/// holding stays as <see cref="InvestmentStatus.Sold"/> with quantity 0 and is reactivated by a re-buy.
/// </summary>
public class Investment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public Guid SecurityId { get; set; }
    public Guid? PlatformConnectionId { get; set; }
    public string Platform { get; set; } = PlatformNames.Manual;
    public required string Symbol { get; set; }
    public required string Name { get; set; }
    public SecurityType Type { get; set; }
    public decimal Quantity { get; set; }
    public decimal AvgBuyPrice { get; set; }
    public decimal InvestedAmount { get; set; }
    public decimal? CurrentPrice { get; set; }
    public decimal? CurrentValue { get; set; }
    public decimal? Returns { get; set; }
    /// <summary>Fraction (0.1234 = 12.34 %); the column keeps the schema's percent.</summary>
    public decimal? ReturnsRate { get; set; }
    public decimal? DayChange { get; set; }
    /// <summary>Fraction; the column keeps the schema's percent.</summary>
    public decimal? DayChangeRate { get; set; }
    public string? Sector { get; set; }
    public DateOnly PurchaseDate { get; set; }
    public InvestmentStatus Status { get; set; } = InvestmentStatus.Active;
    public DateTimeOffset LastUpdated { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A FIFO lot: one buy (or sell) of a holding with what is left of it (table investment_holdings).</summary>
public class InvestmentLot
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid InvestmentId { get; set; }
    public Guid UserId { get; set; }
    public DateOnly TransactionDate { get; set; }
    public decimal Quantity { get; set; }
    public decimal Price { get; set; }
    public decimal Amount { get; set; }
    public LotSide Type { get; set; }
    public decimal RemainingQuantity { get; set; }
    public decimal Fees { get; set; }
    public decimal Tax { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
