namespace Spark.Core.Portfolio;

/// <summary>One transaction of a holding (one security on one platform). Prefer the factory methods.</summary>
/// <param name="Date">Trade date, payment date, or allotment/ex date of a corporate action.</param>
/// <param name="Quantity">Units bought or sold (always positive); for a dividend it may hold the units it was paid on.</param>
/// <param name="Price">Price per unit of a trade, or dividend per unit.</param>
/// <param name="Charges">Fees + tax + GST of a trade; for a dividend or interest, the tax deducted from it.</param>
/// <param name="Amount">
/// The gross value as a total, when that is what the contract note or bank statement gives, because
/// Quantity × (total / Quantity) is not always exact in decimal. When 0 the gross value is Quantity × Price.
/// </param>
/// <param name="RatioNew">Split: new units for every <paramref name="RatioOld"/> old units. Bonus: bonus units for every <paramref name="RatioOld"/> units held.</param>
/// <param name="RatioOld">See <paramref name="RatioNew"/>.</param>
public sealed record LedgerEntry(
    DateOnly Date,
    LedgerEntryType Type,
    decimal Quantity,
    decimal Price,
    decimal Charges = 0m,
    decimal Amount = 0m,
    decimal RatioNew = 0m,
    decimal RatioOld = 0m)
{
    /// <summary>
    /// The ledger transaction this entry replays, when the caller has one: FIFO carries it onto the lot a buy opens and
    /// onto each <see cref="RealizedSale"/> (the capital-gains statement names the buy and the sale of every row).
    /// </summary>
    public Guid? SourceId { get; init; }

    /// <summary>Value before charges: <see cref="Amount"/> when given, otherwise Quantity × Price.</summary>
    public decimal GrossValue => Amount != 0m ? Amount : Quantity * Price;

    public static LedgerEntry Buy(DateOnly date, decimal quantity, decimal price, decimal charges = 0m) =>
        new(date, LedgerEntryType.Buy, quantity, price, charges);

    /// <summary>A buy whose contract note states the total paid for the units rather than an exact unit price.</summary>
    public static LedgerEntry BuyAmount(DateOnly date, decimal quantity, decimal total, decimal charges = 0m) =>
        new(date, LedgerEntryType.Buy, quantity, UnitPrice(total, quantity), charges, Amount: total);

    public static LedgerEntry Sip(DateOnly date, decimal units, decimal nav, decimal charges = 0m) =>
        new(date, LedgerEntryType.Sip, units, nav, charges);

    public static LedgerEntry Sell(DateOnly date, decimal quantity, decimal price, decimal charges = 0m) =>
        new(date, LedgerEntryType.Sell, quantity, price, charges);

    /// <summary>A sell whose contract note states the total received for the units rather than an exact unit price.</summary>
    public static LedgerEntry SellAmount(DateOnly date, decimal quantity, decimal total, decimal charges = 0m) =>
        new(date, LedgerEntryType.Sell, quantity, UnitPrice(total, quantity), charges, Amount: total);

    public static LedgerEntry Dividend(DateOnly date, decimal amount, decimal taxDeducted = 0m) =>
        new(date, LedgerEntryType.Dividend, 0m, 0m, taxDeducted, Amount: amount);

    public static LedgerEntry Interest(DateOnly date, decimal amount, decimal taxDeducted = 0m) =>
        new(date, LedgerEntryType.Interest, 0m, 0m, taxDeducted, Amount: amount);

    /// <summary>A split of <paramref name="newUnits"/> for <paramref name="oldUnits"/>: 2-for-1 is (2, 1), a 1-for-10 reverse split is (1, 10).</summary>
    public static LedgerEntry Split(DateOnly date, decimal newUnits, decimal oldUnits) =>
        new(date, LedgerEntryType.Split, 0m, 0m, RatioNew: newUnits, RatioOld: oldUnits);

    /// <summary>A bonus issue of <paramref name="bonusUnits"/> for every <paramref name="heldUnits"/> held, dated the allotment date: 1:1 is (1, 1).</summary>
    public static LedgerEntry Bonus(DateOnly allotmentDate, decimal bonusUnits, decimal heldUnits) =>
        new(allotmentDate, LedgerEntryType.Bonus, 0m, 0m, RatioNew: bonusUnits, RatioOld: heldUnits);

    /// <summary>A bonus stated as the units credited to the demat account (what a statement shows), at zero cost.</summary>
    public static LedgerEntry BonusUnits(DateOnly allotmentDate, decimal units) =>
        new(allotmentDate, LedgerEntryType.Bonus, units, 0m);

    private static decimal UnitPrice(decimal total, decimal quantity) => quantity == 0m ? 0m : total / quantity;
}
