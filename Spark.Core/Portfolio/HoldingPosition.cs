namespace Spark.Core.Portfolio;

/// <summary>The state of a holding after replaying its ledger. Money is rounded to the paisa from exact values.</summary>
/// <param name="Quantity">Units held, exact (no rounding of fractional units).</param>
/// <param name="InvestedAmount">Remaining cost of the open lots, including their buy charges.</param>
/// <param name="AverageBuyPrice">InvestedAmount / Quantity to 4 decimals; 0 when nothing is held.</param>
/// <param name="RealizedPnl">
/// Sum of all sells' proceeds − FIFO cost − sell charges, rounded once. It can differ by a paisa from the sum of
/// the rounded <paramref name="Sales"/> gains, which are rounded per sell.
/// </param>
/// <param name="Income">Dividends and interest net of the tax deducted from them.</param>
/// <param name="OpenLots">Oldest first, the order in which sells consume them.</param>
/// <param name="Sales">One slice per lot consumed by each sell, in the order they happened.</param>
public sealed record HoldingPosition(
    decimal Quantity,
    decimal InvestedAmount,
    decimal AverageBuyPrice,
    decimal RealizedPnl,
    decimal Income,
    IReadOnlyList<OpenLot> OpenLots,
    IReadOnlyList<RealizedSale> Sales);
