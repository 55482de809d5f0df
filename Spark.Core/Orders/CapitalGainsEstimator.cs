using System.Globalization;
using Spark.Core.Formatting;
using Spark.Core.Portfolio;

namespace Spark.Core.Orders;

/// <summary>
/// Estimates the capital gains of a sell before it is placed (issue 5): which lots FIFO consumes, how much of the
/// gain is short- and long-term, and the tax on it. An estimate for the ticket, not a tax computation: it sees one
/// sale and one number for the rest of the year, and ignores surcharge, rebates and carried-forward losses.
/// </summary>
public static class CapitalGainsEstimator
{
    /// <summary>The day whose price is the section 112A fair market value of shares held before 1 February 2018.</summary>
    public static readonly DateOnly GrandfatheringDate = new(2018, 1, 31);

    /// <summary>Finance (No. 2) Act 2024: transfers from this day pay 20% short-term and 12.5% long-term.</summary>
    public static readonly DateOnly Budget2024RatesFrom = new(2024, 7, 23);

    /// <summary>Section 112A taxes long-term equity gains on transfers from this day; before it they were exempt under section 10(38).</summary>
    public static readonly DateOnly Section112AFrom = new(2018, 4, 1);

    public const string SlabRateNote = "Taxed at your slab rate";

    public const string VirtualDigitalAssetNote =
        "Taxed at a flat 30% plus 4% cess (section 115BBH) whatever the holding period; a loss is not set off against any gain and sell charges are not deductible.";

    public const string MissingGrandfatheredPriceNote =
        "Spark has no 31 January 2018 price for this security: lots bought before 1 February 2018 use their actual cost, so the long-term gain may be overstated.";

    private const decimal Cess = 0.04m;
    private const decimal VirtualDigitalAssetRate = 0.30m;

    /// <summary>Estimates the gains and tax of selling <paramref name="sellQuantity"/> units.</summary>
    /// <param name="openLots">The holding's open lots, oldest first, as <see cref="FifoLedger"/> leaves them.</param>
    /// <param name="sellQuantity">Units to sell.</param>
    /// <param name="sellPrice">Price per unit.</param>
    /// <param name="sellCharges">
    /// The sell's transfer expenses, which section 48(i) deducts: brokerage, exchange and SEBI charges, GST on them, the DP
    /// charge and an exit load, but never STT (proviso to section 48; see <see cref="ChargesBreakdown.TransferExpenses"/>).
    /// Split across the lots by quantity.
    /// </param>
    /// <param name="saleDate">Trade date of the sell; it decides the rates and the financial year.</param>
    /// <param name="taxClass">How the security is taxed.</param>
    /// <param name="longTermGainsAlreadyRealizedThisFinancialYear">
    /// Equity long-term gains already realized this financial year, which use up the exemption first. A negative
    /// number (a net loss so far) counts as zero: earlier losses are not set off in the estimate.
    /// </param>
    /// <param name="grandfatheredPrice">
    /// Price lookup by date, asked for <see cref="GrandfatheringDate"/>: the per-unit fair market value in today's units,
    /// or null when Spark does not have it.
    /// </param>
    /// <param name="shortTermLossesLeftThisYear">
    /// Capital losses of the year so far that section 70 lets this sale absorb, short-term (any gain) and long-term
    /// (long-term gains only), as the capital-gains statement leaves them after its own set-off (decision 0047), with
    /// the earlier years' losses it brought forward and has not used (section 74, decision 0064).
    /// </param>
    /// <param name="longTermLossesLeftThisYear">See <paramref name="shortTermLossesLeftThisYear"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive quantity, a negative price or charges, or an equity sale before section 112A.</exception>
    /// <exception cref="ArgumentException">A lot bought after the sale date.</exception>
    /// <exception cref="InsufficientHoldingsException">The lots hold fewer units than the sell.</exception>
    public static CapitalGainsEstimate Estimate(
        IReadOnlyList<OpenLot> openLots,
        decimal sellQuantity,
        decimal sellPrice,
        decimal sellCharges,
        DateOnly saleDate,
        TaxClass taxClass,
        decimal longTermGainsAlreadyRealizedThisFinancialYear,
        Func<DateOnly, decimal?>? grandfatheredPrice,
        decimal shortTermLossesLeftThisYear = 0m,
        decimal longTermLossesLeftThisYear = 0m)
    {
        ArgumentNullException.ThrowIfNull(openLots);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sellQuantity);
        ArgumentOutOfRangeException.ThrowIfNegative(sellPrice);
        ArgumentOutOfRangeException.ThrowIfNegative(sellCharges);
        if (taxClass == TaxClass.Equity && saleDate < Section112AFrom)
        {
            throw new ArgumentOutOfRangeException(nameof(saleDate), saleDate, "Equity sales before 1 April 2018 predate section 112A.");
        }

        var held = openLots.Sum(l => l.Quantity);
        if (sellQuantity > held)
        {
            throw new InsufficientHoldingsException(saleDate, sellQuantity, held);
        }

        if (taxClass == TaxClass.Other)
        {
            // Holding periods and rates differ across these assets (debt funds bought after 1 April 2023 are always
            // short-term) and the slab rate depends on income Spark does not see, so a split would mislead.
            return new(0m, 0m, 0m, 0m, [], SlabRateNote);
        }

        var fairMarketValue = taxClass == TaxClass.Equity ? grandfatheredPrice?.Invoke(GrandfatheringDate) : null;
        // Section 115BBH(2)(a) allows no deduction but the cost of acquisition, so a crypto sell's charges stay with the seller.
        var deductibleCharges = taxClass == TaxClass.VirtualDigitalAsset ? 0m : sellCharges;

        var lots = new List<LotGain>();
        var costRounding = new RunningRounding();
        var proceedsRounding = new RunningRounding();
        var chargesLeft = deductibleCharges;
        var unsold = sellQuantity;
        var missingFairMarketValue = false;
        foreach (var lot in openLots)
        {
            if (unsold == 0m)
            {
                break;
            }
            if (lot.Quantity <= 0m)
            {
                continue;
            }
            if (lot.Date > saleDate)
            {
                throw new ArgumentException("An open lot is dated after the sale.", nameof(openLots));
            }

            var units = Math.Min(lot.Quantity, unsold);
            unsold -= units;

            // Exact shares; the last slice of charges takes what is left so the slices add up to the sell's charges.
            var cost = units == lot.Quantity ? lot.Cost : lot.Cost * units / lot.Quantity;
            var saleValue = units * sellPrice;
            var charges = unsold == 0m ? chargesLeft : deductibleCharges * units / sellQuantity;
            chargesLeft -= charges;

            var isLongTerm = taxClass == TaxClass.Equity && IsLongTerm(lot.Date, saleDate);
            if (isLongTerm && lot.Date <= GrandfatheringDate)
            {
                if (fairMarketValue is { } fmv)
                {
                    // Section 55(2)(ac): the higher of the actual cost and the lower of the 31 January 2018 value and
                    // the full value of consideration (the sale value before charges, which section 48 deducts separately).
                    cost = Math.Max(cost, Math.Min(fmv * units, saleValue));
                }
                else
                {
                    missingFairMarketValue = true;
                }
            }

            var roundedCost = costRounding.Next(cost);
            var roundedProceeds = proceedsRounding.Next(saleValue - charges);
            lots.Add(new LotGain(
                lot.Date,
                units,
                roundedCost,
                roundedProceeds,
                roundedProceeds - roundedCost,
                isLongTerm,
                saleDate.DayNumber - lot.Date.DayNumber));
        }

        return taxClass == TaxClass.VirtualDigitalAsset
            ? VirtualDigitalAsset(lots)
            : Equity(lots, saleDate, longTermGainsAlreadyRealizedThisFinancialYear, missingFairMarketValue,
                Math.Max(shortTermLossesLeftThisYear, 0m), Math.Max(longTermLossesLeftThisYear, 0m));
    }

    /// <summary>Long-term equity is held for more than 12 months (section 2(42A)): a lot bought on 15 June 2023 is long-term from 16 June 2024.</summary>
    public static bool IsLongTerm(DateOnly buyDate, DateOnly saleDate) => saleDate > buyDate.AddMonths(12);

    /// <summary>The section 112A exemption of the financial year (April to March) containing the sale.</summary>
    /// <remarks>
    /// The Finance (No. 2) Act 2024 raised it to ₹1,25,000 for the whole of FY 2024-25 (assessment year 2025-26), so
    /// a sale on 22 July 2024 already has the larger exemption while it still pays the old 10% rate.
    /// </remarks>
    public static decimal LongTermExemption(DateOnly saleDate) =>
        FinancialYearStart(saleDate) >= 2024 ? 125_000m : 100_000m;

    /// <summary>The calendar year in which the sale's financial year begins: 2024 for FY 2024-25.</summary>
    public static int FinancialYearStart(DateOnly date) => date.Month >= 4 ? date.Year : date.Year - 1;

    private static CapitalGainsEstimate Equity(
        List<LotGain> lots,
        DateOnly saleDate,
        decimal alreadyRealized,
        bool missingFairMarketValue,
        decimal shortTermLossesLeft = 0m,
        decimal longTermLossesLeft = 0m)
    {
        var shortTerm = lots.Where(l => !l.IsLongTerm).Sum(l => l.Gain);
        var longTerm = lots.Where(l => l.IsLongTerm).Sum(l => l.Gain);

        // Section 70: a short-term loss may be set off against long-term gains; a long-term loss only against
        // long-term gains, which the per-category net has already done. The set-off comes before the exemption,
        // as the return's schedules apply it.
        var taxableShortTerm = Math.Max(shortTerm, 0m);
        var longTermAfterSetOff = Math.Max(longTerm + Math.Min(shortTerm, 0m), 0m);

        // Losses of the year not yet absorbed (decision 0047): a short-term loss first against this sale's short-term
        // gain (20 % rather than 12.5 %), then its long-term gain; a long-term loss against the long-term gain only.
        var earlierShortTermUsed = Math.Min(shortTermLossesLeft, taxableShortTerm);
        taxableShortTerm -= earlierShortTermUsed;
        var earlierLongTermUsed = Math.Min(longTermLossesLeft + shortTermLossesLeft - earlierShortTermUsed, longTermAfterSetOff);
        longTermAfterSetOff -= earlierLongTermUsed;
        var exemptionLeft = Math.Max(LongTermExemption(saleDate) - Math.Max(alreadyRealized, 0m), 0m);
        var exempt = Math.Min(longTermAfterSetOff, exemptionLeft);
        var notes = new List<string>(2);
        if (longTermAfterSetOff > 0m)
        {
            notes.Add(YearlyExemptionNote(saleDate, Math.Max(alreadyRealized, 0m), exemptionLeft));
        }
        if (missingFairMarketValue)
        {
            notes.Add(MissingGrandfatheredPriceNote);
        }
        if (earlierShortTermUsed + earlierLongTermUsed > 0m)
        {
            notes.Add($"Capital losses of {IndianFormat.Money(earlierShortTermUsed + earlierLongTermUsed)} realised earlier this financial year, or brought forward "
                + "from the eight years before it, are set off against this sale (sections 70 and 74).");
        }

        var (shortTermRate, longTermRate) = saleDate >= Budget2024RatesFrom ? (0.20m, 0.125m) : (0.15m, 0.10m);
        var tax = (taxableShortTerm * shortTermRate) + ((longTermAfterSetOff - exempt) * longTermRate);
        return new(
            shortTerm,
            longTerm,
            exempt,
            Money.Paisa(tax * (1m + Cess)),
            lots,
            notes.Count == 0 ? null : string.Join(" ", notes))
        {
            ExemptionLeft = exemptionLeft,
            LongTermRealizedThisYear = alreadyRealized,
        };
    }

    /// <summary>
    /// Says which yearly exemption the estimate used: section 112A exempts the first ₹1,25,000 (₹1,00,000 before FY
    /// 2024-25) of a financial year's long-term gains, once for the year across every sale, not once per sale.
    /// </summary>
    public static string YearlyExemptionNote(DateOnly saleDate, decimal alreadyRealized, decimal exemptionLeft)
    {
        var year = FinancialYearStart(saleDate);
        var fy = string.Create(CultureInfo.InvariantCulture, $"FY {year}-{(year + 1) % 100:00}");
        var limit = IndianFormat.Money(LongTermExemption(saleDate), decimals: 0);
        return alreadyRealized == 0m
            ? $"No long-term gains realised yet in {fy}: this sale may use the whole {limit} yearly exemption (section 112A)."
            : $"Long-term gains of {IndianFormat.Money(alreadyRealized)} already realised in {fy} leave {IndianFormat.Money(exemptionLeft)} of the {limit} yearly exemption (section 112A) for this sale.";
    }

    private static CapitalGainsEstimate VirtualDigitalAsset(List<LotGain> lots)
    {
        // Section 115BBH(2): no set-off of any loss, so each lot's gain is taxed on its own and a losing lot counts as zero.
        var taxable = lots.Sum(l => Math.Max(l.Gain, 0m));
        return new(
            lots.Sum(l => l.Gain),
            0m,
            0m,
            Money.Paisa(taxable * VirtualDigitalAssetRate * (1m + Cess)),
            lots,
            VirtualDigitalAssetNote);
    }
}
