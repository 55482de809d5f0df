namespace Spark.Core.Orders;

/// <summary>How the Income-tax Act taxes a sale, chosen by the caller from what the security is.</summary>
public enum TaxClass
{
    /// <summary>
    /// STT-paid equity: listed shares, equity ETFs, equity-oriented funds (sections 111A and 112A). Short-term held
    /// 12 months or less, long-term above that with an exemption per financial year.
    /// </summary>
    Equity,

    /// <summary>Bonds, debt funds, gold ETFs bought after 1 April 2023 and the like: taxed at the investor's slab rate, which Spark does not know.</summary>
    Other,

    /// <summary>Crypto and other virtual digital assets: a flat 30% plus cess under section 115BBH, whatever the holding period.</summary>
    VirtualDigitalAsset,
}

/// <summary>The part of one open lot that a sell consumes, FIFO, valued for tax.</summary>
/// <param name="BuyDate">Acquisition date of the lot.</param>
/// <param name="Quantity">Units of the lot sold.</param>
/// <param name="Cost">
/// Cost of acquisition of those units, to the paisa: their share of the lot's cost, raised to the 31 January 2018
/// price under section 112A grandfathering where that applies.
/// </param>
/// <param name="Proceeds">Sale value of those units less their share of the sell charges, to the paisa (for virtual digital assets the charges are not deducted).</param>
/// <param name="Gain">Proceeds less cost; negative for a loss.</param>
/// <param name="IsLongTerm">Held more than 12 months (equity only; always false for other classes).</param>
/// <param name="HoldingDays">Days from the buy date to the sale date.</param>
public sealed record LotGain(
    DateOnly BuyDate,
    decimal Quantity,
    decimal Cost,
    decimal Proceeds,
    decimal Gain,
    bool IsLongTerm,
    int HoldingDays);

/// <summary>The estimated capital gains of one sell and the tax on them, for the order ticket.</summary>
/// <param name="ShortTerm">
/// Net short-term gain of this sale (negative for a net loss). For virtual digital assets, the whole gain of the sale:
/// section 115BBH has one rate whatever the holding period.
/// </param>
/// <param name="LongTerm">Net long-term gain of this sale (negative for a net loss), before any set-off or exemption.</param>
/// <param name="LongTermExempt">The part of the long-term gain, after set-off of a short-term loss, that the remaining yearly exemption covers.</param>
/// <param name="EstimatedTax">Tax including the 4% health and education cess, to the paisa; never negative. Surcharge and rebates are ignored.</param>
/// <param name="Lots">The consumed lots, oldest first. Empty for <see cref="TaxClass.Other"/>.</param>
/// <param name="Note">What the ticket should add in words, or null.</param>
public sealed record CapitalGainsEstimate(
    decimal ShortTerm,
    decimal LongTerm,
    decimal LongTermExempt,
    decimal EstimatedTax,
    IReadOnlyList<LotGain> Lots,
    string? Note)
{
    /// <summary>
    /// Equity: the part of the financial year's section 112A exemption not used by long-term gains realised earlier in
    /// the year, which this sale may use (<see cref="LongTermExempt"/> is what it does use). Zero for other classes.
    /// </summary>
    public decimal ExemptionLeft { get; init; }

    /// <summary>Equity: the long-term gains already realised in the sale's financial year that the estimate counted.</summary>
    public decimal LongTermRealizedThisYear { get; init; }
}
