using System.Globalization;

namespace Spark.Core.Tax;

/// <summary>
/// An Indian financial year, April to March (section 2(9) "previous year"), named as the return names it: FY 2025-26
/// runs from 1 April 2025 to 31 March 2026.
/// </summary>
public readonly record struct FinancialYear(int StartYear)
{
    public DateOnly From => new(StartYear, 4, 1);

    public DateOnly To => new(StartYear + 1, 3, 31);

    /// <summary>"2025-26".</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"{StartYear}-{(StartYear + 1) % 100:00}");

    public static FinancialYear Of(DateOnly date) => new(date.Month >= 4 ? date.Year : date.Year - 1);

    /// <summary>Parses "2025-26" (the second part must follow the first); null for anything else.</summary>
    public static FinancialYear? TryParse(string? text)
    {
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            || start < 1990 || start > 2200 || (start + 1) % 100 != end)
        {
            return null;
        }
        return new FinancialYear(start);
    }

    public override string ToString() => Label;
}

/// <summary>The head under which a slice of a sale is taxed, each with the section of the Income-tax Act 1961 that taxes it.</summary>
public enum GainClass
{
    /// <summary>STT-paid equity held 12 months or less: section 111A (15 %, 20 % for transfers from 23 July 2024).</summary>
    EquityShortTerm,

    /// <summary>STT-paid equity held more than 12 months: section 112A (10 % / 12.5 % above the yearly exemption).</summary>
    EquityLongTerm,

    /// <summary>Any other short-term gain, including specified mutual fund units under section 50AA: taxed at the slab rate.</summary>
    OtherShortTerm,

    /// <summary>Any other long-term gain: section 112 (20 % with indexation before 23 July 2024, 12.5 % without from that day).</summary>
    OtherLongTerm,

    /// <summary>Virtual digital assets: section 115BBH, 30 % whatever the holding period, losses neither set off nor carried forward.</summary>
    VirtualDigitalAsset,
}

/// <summary>
/// One sale matched to one buy lot, FIFO per platform (demat account): a row of the statement and of Schedule 112A.
/// Money to the paisa; the rows of a sale add up to the sale.
/// </summary>
/// <param name="SaleTransactionId">The sell in the ledger (drill-down).</param>
/// <param name="BuyTransactionId">The buy (or SIP, bonus) that opened the lot, when the ledger can name it.</param>
/// <param name="ActualCost">The lot's cost of acquisition for these units, with the buy's charges but without its STT.</param>
/// <param name="FairMarketValue">Section 55(2)(ac): the 31 January 2018 value of these units, for lots bought on or before that day; else null.</param>
/// <param name="CostOfAcquisition">The cost the gain is computed on: grandfathered where that applies, otherwise <paramref name="ActualCost"/>.</param>
/// <param name="TransferExpenses">The sale's expenses deductible under section 48(i) (never STT), this row's share.</param>
/// <param name="Gain">SaleValue − CostOfAcquisition − TransferExpenses (for virtual digital assets, no expenses: section 115BBH(2)(a)).</param>
/// <param name="Tds">Section 194S TDS withheld on this row's share of a virtual digital asset sale; 0 otherwise.</param>
/// <param name="Caution">Set where Spark cannot be sure of the class or the figure: "check with your tax adviser" and why.</param>
public sealed record CapitalGainRow(
    Guid SaleTransactionId,
    Guid? BuyTransactionId,
    Guid SecurityId,
    string Symbol,
    string Name,
    string? Isin,
    string Platform,
    DateOnly BuyDate,
    DateOnly SaleDate,
    int HoldingDays,
    decimal Units,
    decimal SaleValue,
    decimal ActualCost,
    decimal? FairMarketValue,
    decimal CostOfAcquisition,
    decimal TransferExpenses,
    decimal Gain,
    GainClass Class,
    string Section,
    decimal Tds,
    string? Caution)
{
    /// <summary>
    /// Second proviso to section 48 (non-equity long-term sales before 23 July 2024): the cost indexed with the Cost
    /// Inflation Index, cost × <see cref="TransferIndex"/> ÷ <see cref="AcquisitionIndex"/>, to the paisa; null where no
    /// indexation applies. When set, <see cref="CapitalGainRow.Gain"/> is computed on it unless <see cref="TaxRate"/> is the
    /// 10 % of the proviso to section 112(1), which taxes the gain without indexation.
    /// </summary>
    public decimal? IndexedCost { get; init; }

    /// <summary>The Cost Inflation Index of the year of acquisition (2001-02 for an asset acquired before 1 April 2001).</summary>
    public int? AcquisitionIndex { get; init; }

    /// <summary>The Cost Inflation Index of the year of transfer.</summary>
    public int? TransferIndex { get; init; }

    /// <summary>SaleValue − CostOfAcquisition − TransferExpenses: the gain before indexation, where the row considered indexation.</summary>
    public decimal? UnindexedGain { get; init; }

    /// <summary>The rate this row is taxed at when it is the row's own choice (section 112 before 23 July 2024: 20 % or 10 %); else null (the head's rate).</summary>
    public decimal? TaxRate { get; init; }

    /// <summary>How the rate was chosen, in words ("20 % after indexation (section 112(1))", "10 % without indexation (proviso to section 112(1))…").</summary>
    public string? RateBasis { get; init; }
}

/// <summary>The year's gains of one head: before set-off, the set-off it received or gave, and what is taxed.</summary>
/// <param name="Gains">Sum of the positive rows.</param>
/// <param name="Losses">Sum of the negative rows, as a positive number.</param>
/// <param name="Net">Gains − Losses.</param>
/// <param name="SetOff">Losses of other heads set off against this head under sections 70 and 74 (positive), as the statement applied them.</param>
/// <param name="Exemption">Section 112A exemption used (equity long-term only).</param>
/// <param name="Taxable">What the rate applies to after set-off and exemption; never negative.</param>
/// <param name="Rate">The rate, null for the slab rate Spark does not know (the tax of that head is then not estimated).</param>
/// <param name="Tax">Tax at <paramref name="Rate"/> before cess, to the paisa; 0 when the rate is the slab.</param>
public sealed record GainClassTotal(
    GainClass Class,
    string Section,
    int Rows,
    decimal Gains,
    decimal Losses,
    decimal Net,
    decimal SetOff,
    decimal Exemption,
    decimal Taxable,
    decimal? Rate,
    decimal Tax)
{
    /// <summary>
    /// The first sale date this entry covers: the year's start, or 23 July 2024 for the second rate period of FY 2024-25
    /// (a head whose rate the Finance (No. 2) Act 2024 changed mid-year has one entry per period).
    /// </summary>
    public DateOnly SalesFrom { get; init; }

    /// <summary>The last sale date this entry covers: the year's end, or 22 July 2024 for the first rate period of FY 2024-25.</summary>
    public DateOnly SalesTo { get; init; }

    /// <summary>Losses of earlier years set off against this head under section 74 (after <see cref="GainClassTotal.SetOff"/>, the year's own under section 70).</summary>
    public decimal BroughtForwardSetOff { get; init; }
}

/// <summary>An earlier year's capital loss still unabsorbed at the start of a year: what the statement may set off under section 74.</summary>
/// <param name="Origin">The financial year in which the loss arose.</param>
/// <param name="ShortTerm">Short-term capital loss left (section 74(1)(a): against any capital gain).</param>
/// <param name="LongTerm">Long-term capital loss left (section 74(1)(b): against long-term gains only).</param>
public sealed record CarriedLoss(FinancialYear Origin, decimal ShortTerm, decimal LongTerm);

/// <summary>One earlier year's loss as the statement of a year used it (section 74).</summary>
/// <param name="Origin">The financial year in which the loss arose.</param>
/// <param name="ShortTerm">Short-term loss brought into the year.</param>
/// <param name="LongTerm">Long-term loss brought into the year.</param>
/// <param name="ShortTermUsed">Set off this year.</param>
/// <param name="LongTermUsed">Set off this year.</param>
/// <param name="Lapsed">
/// What of it cannot be carried past this year (section 74(2): eight assessment years after the one in which it arose):
/// for a loss more than eight years old, everything brought (none of it is set off); for one exactly eight years old,
/// what this year left of it; otherwise 0.
/// </param>
public sealed record BroughtForwardLoss(FinancialYear Origin, decimal ShortTerm, decimal LongTerm, decimal ShortTermUsed, decimal LongTermUsed, decimal Lapsed)
{
    /// <summary>The last financial year in which the loss may be set off: the eighth after the year it arose in.</summary>
    public FinancialYear LastYear => new(Origin.StartYear + CapitalGainsEngine.CarryForwardYears);

    public decimal ShortTermLeft => ShortTerm - ShortTermUsed;

    public decimal LongTermLeft => LongTerm - LongTermUsed;
}

/// <summary>A dividend credited in the year: taxed at the slab rate as income from other sources.</summary>
public sealed record DividendRow(Guid TransactionId, DateOnly Date, Guid SecurityId, string Symbol, string Name, string Platform, decimal Amount);

/// <summary>The capital-gains statement of one investor for one financial year, across every platform, from the ledger.</summary>
/// <param name="Totals">One entry per head with any row, in <see cref="GainClass"/> order.</param>
/// <param name="TaxBeforeCess">Sum of the heads' tax.</param>
/// <param name="Cess">4 % health and education cess on <paramref name="TaxBeforeCess"/>.</param>
/// <param name="EstimatedTax">TaxBeforeCess + Cess: surcharge, rebates and the slab-rate heads are not in it (see <paramref name="Notes"/>).</param>
/// <param name="TdsCredit">Section 194S TDS withheld in the year, a credit against the tax.</param>
/// <param name="RowCount">All rows of the year; <paramref name="Rows"/> is one page of them, sale date then buy date.</param>
/// <param name="Notes">What the statement assumed, in words (rates by sale date, FY 2024-25 under the Finance (No. 2) Act 2024, surcharge and slab).</param>
public sealed record CapitalGainsStatement(
    FinancialYear Year,
    IReadOnlyList<GainClassTotal> Totals,
    decimal TaxBeforeCess,
    decimal Cess,
    decimal EstimatedTax,
    decimal TdsCredit,
    IReadOnlyList<DividendRow> Dividends,
    decimal DividendTotal,
    int RowCount,
    int Page,
    int PageSize,
    IReadOnlyList<CapitalGainRow> Rows,
    IReadOnlyList<string> Notes)
{
    /// <summary>Short-term capital loss of the year left after the section 70 set-off: carried forward under section 74 if the return is filed in time.</summary>
    public decimal ShortTermLossCarriedForward { get; init; }

    /// <summary>Long-term capital loss of the year left after the section 70 set-off (set off against long-term gains only, section 74(1)(b)).</summary>
    public decimal LongTermLossCarriedForward { get; init; }

    /// <summary>Earlier years' losses brought into this year (section 74), oldest first, with what the year used and what lapses.</summary>
    public IReadOnlyList<BroughtForwardLoss> LossesBroughtForward { get; init; } = [];

    /// <summary>Brought-forward short-term loss still usable in this year after the statement's set-off (a later sale of the year may use it).</summary>
    public decimal ShortTermLossBroughtForwardLeft { get; init; }

    /// <summary>Brought-forward long-term loss still usable in this year after the statement's set-off.</summary>
    public decimal LongTermLossBroughtForwardLeft { get; init; }
}
