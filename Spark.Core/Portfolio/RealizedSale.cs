namespace Spark.Core.Portfolio;

/// <summary>
/// The part of one sell that consumed one lot. A sell's proceeds, cost basis and charges are apportioned over its
/// slices by quantity such that, rounded to the paisa, the slices add up exactly to the sell's rounded totals.
/// <see cref="Gain"/> is <see cref="Proceeds"/> − <see cref="CostBasis"/> − <see cref="Charges"/> of the slice.
/// </summary>
public sealed record RealizedSale(
    DateOnly SellDate,
    DateOnly BuyDate,
    decimal Quantity,
    decimal CostBasis,
    decimal Proceeds,
    decimal Charges,
    decimal Gain)
{
    /// <summary>The <see cref="LedgerEntry.SourceId"/> of the buy, SIP or bonus that opened the lot, when it had one.</summary>
    public Guid? BuySourceId { get; init; }

    /// <summary>The <see cref="LedgerEntry.SourceId"/> of the sell, when it had one.</summary>
    public Guid? SellSourceId { get; init; }
}
