namespace Spark.Core.Portfolio;

/// <summary>Units of one acquisition that are still held.</summary>
/// <param name="Date">Acquisition date: the buy date, or the allotment date of bonus units. Splits keep it.</param>
/// <param name="Quantity">Units still held, exact.</param>
/// <param name="OriginalQuantity">Units acquired, restated in today's units after any split so it compares with <paramref name="Quantity"/>.</param>
/// <param name="UnitCost">Cost per unit including the buy's charges, rounded to 4 decimals (mutual fund NAVs are published to 4).</param>
/// <param name="Cost">Cost of the units still held, rounded to the paisa.</param>
public sealed record OpenLot(DateOnly Date, decimal Quantity, decimal OriginalQuantity, decimal UnitCost, decimal Cost);
