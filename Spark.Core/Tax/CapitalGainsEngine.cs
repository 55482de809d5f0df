using Spark.Core.Formatting;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;

namespace Spark.Core.Tax;

/// <summary>What the statement needs to know about a security to tax its sales.</summary>
/// <param name="EquityOriented">Listed shares, equity ETFs and equity-oriented funds: STT-paid equity of sections 111A and 112A.</param>
/// <param name="Listed">Listed on a recognised stock exchange in India (section 2(42A)); for bonds Spark guesses it from the exchange.</param>
/// <param name="Charges">How the security is charged, to recompute a buy's STT when its ledger row mixes it with stamp duty.</param>
public sealed record TaxSecurity(
    Guid Id,
    string Symbol,
    string Name,
    string? Isin,
    SecurityType Type,
    bool EquityOriented,
    bool Listed,
    ChargeInstrument Charges)
{
    /// <summary>
    /// Words of the name and sector: a non-equity fund or ETF whose name says gold or silver (or international) is not
    /// a debt fund; Spark cannot read a fund's portfolio, so the words are a guess and the rows say so.
    /// </summary>
    public string Words { get; init; } = "";
}

/// <summary>One ledger transaction of a holding, as the statement replays it.</summary>
/// <param name="Entry">The FIFO entry (charges = fees + tax + GST), as <c>LedgerService.ToEntry</c> builds it.</param>
/// <param name="Tax">The ledger's <c>tax</c> column: STT and stamp duty on a buy, STT on a sell, and on an imported crypto sell the section 194S TDS.</param>
/// <param name="Stt">STT recorded in the transaction's metadata (<c>{"stt": …}</c>), which wins over any recomputation.</param>
/// <param name="Tds">Section 194S TDS recorded in the metadata (<c>{"tds": …}</c>, decision 0046).</param>
public sealed record TaxLedgerRow(Guid Id, TransactionType Type, LedgerEntry Entry, decimal Tax, decimal? Stt = null, decimal? Tds = null);

/// <summary>
/// One holding (a security on one platform, the demat account; NSE and BSE are one), with its whole ledger in
/// <c>LedgerService.Order</c> order: date, then acquisitions before corporate actions before sells.
/// </summary>
public sealed record TaxHolding(TaxSecurity Security, string Platform, IReadOnlyList<TaxLedgerRow> Rows);

/// <summary>
/// The capital-gains statement of the Income-tax Act 1961 for one financial year, from the ledger: pure, no database.
/// Each sale is matched to its lots FIFO per platform (CBDT Circular 768 of 1998; <see cref="FifoBook"/>), every slice
/// valued under section 48, classified by the head that taxes it, then set off (section 70), exempted (section 112A)
/// and taxed with the 4 % cess. See decision 0047.
/// </summary>
public static class CapitalGainsEngine
{
    /// <summary>Section 55(2)(ac): lots acquired on or before this day take the higher of cost and the 31 January 2018 value.</summary>
    public static readonly DateOnly GrandfatheringDate = new(2018, 1, 31);

    /// <summary>Finance (No. 2) Act 2024: transfers from this day pay 20 % (111A), 12.5 % (112A, 112) and new holding periods.</summary>
    public static readonly DateOnly Budget2024 = new(2024, 7, 23);

    /// <summary>Section 50AA (Finance Act 2023): specified mutual fund units acquired from this day are short-term whatever the period.</summary>
    public static readonly DateOnly SpecifiedFundFrom = new(2023, 4, 1);

    /// <summary>Finance Act 2025 narrowed "specified mutual fund" in section 50AA to funds with more than 65 % in debt, from this day (AY 2026-27).</summary>
    public static readonly DateOnly SpecifiedFundRedefined = new(2025, 4, 1);

    /// <summary>Section 112A taxes long-term equity transfers from this day; before it section 10(38) exempted them.</summary>
    public static readonly DateOnly Section112AFrom = new(2018, 4, 1);

    /// <summary>Section 115BBH (Finance Act 2022): 30 % on income from transferring a virtual digital asset.</summary>
    public const decimal VirtualDigitalAssetRate = 0.30m;

    /// <summary>Health and education cess, 4 % of the tax (Finance Act, section 2(11) of each year's Act).</summary>
    public const decimal CessRate = 0.04m;

    /// <summary>
    /// Only to order the set-off (section 70 lets the assessee choose): gains taxed at the slab rate are treated as if
    /// taxed at the highest slab, 30 %, so a loss goes first to them. The slab heads' tax itself is not estimated.
    /// </summary>
    private const decimal AssumedSlabRateForSetOff = 0.30m;

    public const string AdviserPrefix = "Check with your tax adviser: ";

    /// <summary>Section 74(2): a capital loss is carried forward for at most eight assessment years after the one it was computed for.</summary>
    public const int CarryForwardYears = 8;

    /// <summary>Section 55(2)(b): for an asset acquired before this day the cost may be its fair market value on it, and indexation starts from 2001-02.</summary>
    public static readonly DateOnly IndexationBaseDate = new(2001, 4, 1);

    /// <summary>The statement of <paramref name="year"/> from <paramref name="holdings"/> (only those with a sale in it matter).</summary>
    /// <param name="fairMarketValues">Section 55(2)(ac) values per security, per unit in today's units (after later splits and bonuses).</param>
    /// <param name="dividends">The year's dividends, already filtered to it.</param>
    /// <param name="schedule">Charges, to recompute a buy's STT (proviso to section 48).</param>
    /// <param name="broughtForward">Earlier years' losses still unabsorbed at the year's start (<see cref="CarriedForward"/> of the year before), set off under section 74.</param>
    public static CapitalGainsStatement Compute(
        FinancialYear year,
        IEnumerable<TaxHolding> holdings,
        IReadOnlyDictionary<Guid, decimal> fairMarketValues,
        IEnumerable<DividendRow> dividends,
        ChargeSchedule schedule,
        int page = 1,
        int pageSize = int.MaxValue,
        IReadOnlyList<CarriedLoss>? broughtForward = null)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        ArgumentNullException.ThrowIfNull(fairMarketValues);
        ArgumentNullException.ThrowIfNull(dividends);
        ArgumentNullException.ThrowIfNull(schedule);

        var all = new List<CapitalGainRow>();
        var missingFmv = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var holding in holdings)
        {
            all.AddRange(Rows(year, holding, fairMarketValues, schedule, missingFmv));
        }
        // Sale date, then buy date, symbol, platform, sale; a stable sort keeps the FIFO order of a sale's lots.
        var rows = all.OrderBy(r => r.SaleDate).ThenBy(r => r.BuyDate).ThenBy(r => r.Symbol, StringComparer.Ordinal)
            .ThenBy(r => r.Platform, StringComparer.Ordinal).ThenBy(r => r.SaleTransactionId).ToList();

        var (totals, notes, shortTermLeft, longTermLeft, losses) = Totals(year, rows, broughtForward ?? []);
        if (missingFmv.Count > 0)
        {
            notes.Add($"No 31 January 2018 value for {string.Join(", ", missingFmv)}: lots bought on or before that day use their actual cost "
                + "(section 55(2)(ac) would use the higher of cost and that value), so the long-term gain may be overstated.");
        }

        var taxBeforeCess = totals.Sum(t => t.Tax);
        var cess = Money.Paisa(taxBeforeCess * CessRate);
        var dividendList = dividends.OrderBy(d => d.Date).ThenBy(d => d.Symbol, StringComparer.Ordinal).ToList();
        var dividendTotal = dividendList.Sum(d => d.Amount);
        if (dividendList.Count > 0)
        {
            notes.Add($"Dividends of {IndianFormat.Money(dividendTotal)} received in FY {year.Label} are income from other sources (section 56(2)(i)), "
                + "taxed at your slab rate; they are not in the estimate. Tax deducted on them (section 194) is a credit.");
        }

        page = Math.Max(page, 1);
        pageSize = Math.Max(pageSize, 1);
        var paged = rows.Skip((int)Math.Min((long)(page - 1) * pageSize, int.MaxValue)).Take(pageSize).ToList();
        return new CapitalGainsStatement(
            year,
            totals,
            taxBeforeCess,
            cess,
            taxBeforeCess + cess,
            rows.Sum(r => r.Tds),
            dividendList,
            dividendTotal,
            rows.Count,
            page,
            pageSize == int.MaxValue ? Math.Max(rows.Count, 1) : pageSize,
            paged,
            notes)
        {
            ShortTermLossCarriedForward = shortTermLeft,
            LongTermLossCarriedForward = longTermLeft,
            LossesBroughtForward = losses,
            ShortTermLossBroughtForwardLeft = losses.Where(l => Usable(l.Origin, year)).Sum(l => l.ShortTermLeft),
            LongTermLossBroughtForwardLeft = losses.Where(l => Usable(l.Origin, year)).Sum(l => l.LongTermLeft),
        };
    }

    /// <summary>Section 74(2): a loss of <paramref name="origin"/> may be set off in the eight years after it, not later.</summary>
    public static bool Usable(FinancialYear origin, FinancialYear year) =>
        year.StartYear > origin.StartYear && year.StartYear - origin.StartYear <= CarryForwardYears;

    /// <summary>
    /// The losses <paramref name="statement"/> carries into the years after it (section 74): what it left of the losses
    /// brought into it that may still be carried, oldest first, then its own year's (section 70 leftovers). Virtual
    /// digital asset losses are never among them (section 115BBH(2)(b)).
    /// </summary>
    public static IReadOnlyList<CarriedLoss> CarriedForward(CapitalGainsStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var year = statement.Year;
        var carried = statement.LossesBroughtForward
            .Where(l => Usable(l.Origin, year) && l.Lapsed == 0m && (l.ShortTermLeft > 0m || l.LongTermLeft > 0m))
            .Select(l => new CarriedLoss(l.Origin, l.ShortTermLeft, l.LongTermLeft))
            .ToList();
        if (statement.ShortTermLossCarriedForward > 0m || statement.LongTermLossCarriedForward > 0m)
        {
            carried.Add(new CarriedLoss(year, statement.ShortTermLossCarriedForward, statement.LongTermLossCarriedForward));
        }
        return carried;
    }

    /// <summary>The rows of one holding's sales in <paramref name="year"/>.</summary>
    public static IReadOnlyList<CapitalGainRow> Rows(FinancialYear year, TaxHolding holding, IReadOnlyDictionary<Guid, decimal> fairMarketValues,
        ChargeSchedule schedule, ISet<string>? missingFairMarketValue = null)
    {
        ArgumentNullException.ThrowIfNull(holding);
        ArgumentNullException.ThrowIfNull(fairMarketValues);
        ArgumentNullException.ThrowIfNull(schedule);
        if (!holding.Rows.Any(r => r.Type == TransactionType.Sell && r.Entry.Date >= year.From && r.Entry.Date <= year.To))
        {
            return [];
        }

        var security = holding.Security;
        var crypto = security.Type == SecurityType.Crypto;
        var book = new FifoBook();
        var sells = new Dictionary<Guid, (decimal Tds, decimal Units)>();
        foreach (var row in holding.Rows)
        {
            if (row.Entry.Date > year.To) break; // rows come in date order; later ones cannot change this year's lots
            var entry = Adjust(row, security, schedule);
            if (row.Type == TransactionType.Sell)
            {
                // Section 194S TDS of a VDA sale: from the metadata (decision 0046), else an imported sell's tax column
                // (crypto pays no STT, so that column can only be the TDS).
                sells[row.Id] = (crypto ? row.Tds ?? row.Tax : 0m, entry.Quantity);
            }
            if (entry.Type is LedgerEntryType.Dividend or LedgerEntryType.Interest) continue;
            book.Apply(entry);
        }

        var splitsAfter = holding.Rows.Where(r => r.Type is TransactionType.Split or TransactionType.Bonus && r.Entry.RatioOld > 0m && r.Entry.RatioNew > 0m)
            .Select(r => (r.Entry.Date, Factor: r.Type == TransactionType.Split ? r.Entry.RatioNew / r.Entry.RatioOld : (r.Entry.RatioNew + r.Entry.RatioOld) / r.Entry.RatioOld))
            .ToList();
        var slices = book.ToPosition().Sales.Where(s => s.SellDate >= year.From && s.SellDate <= year.To).ToList();
        var tdsRounding = new Dictionary<Guid, RunningRounding>();
        var result = new List<CapitalGainRow>(slices.Count);
        foreach (var slice in slices)
        {
            var saleId = slice.SellSourceId ?? Guid.Empty;
            var (saleTds, saleUnits) = sells[saleId];

            var (cls, section, caution) = Classify(security, slice.BuyDate, slice.SellDate);
            decimal? fmv = null;
            var cost = slice.CostBasis;
            if (cls == GainClass.EquityLongTerm && slice.BuyDate <= GrandfatheringDate)
            {
                if (fairMarketValues.TryGetValue(security.Id, out var perUnitToday))
                {
                    // The value is per unit in today's units: a split or bonus after this sale restated it, so undo those.
                    var later = splitsAfter.Where(s => s.Date > slice.SellDate).Aggregate(1m, (f, s) => f * s.Factor);
                    fmv = Money.Paisa(perUnitToday * later * slice.Quantity);
                    // Section 55(2)(ac): the higher of the actual cost and the lower of the 31 January 2018 value and the
                    // full value of consideration (the sale value, before the expenses section 48 deducts apart).
                    cost = Math.Max(slice.CostBasis, Math.Min(fmv.Value, slice.Proceeds));
                }
                else
                {
                    missingFairMarketValue?.Add(security.Symbol);
                    caution ??= AdviserPrefix + "Spark has no 31 January 2018 value for this security, so this lot uses its actual cost (section 55(2)(ac)).";
                }
            }

            var tds = 0m;
            if (saleTds != 0m)
            {
                // The sale's TDS shared over its lots by units, rounded so that the rows add up to the sale's TDS.
                if (!tdsRounding.TryGetValue(saleId, out var rounding)) tdsRounding[saleId] = rounding = new RunningRounding();
                tds = rounding.Next(saleTds * slice.Quantity / saleUnits);
            }

            var expenses = slice.Charges; // already the transfer expenses (0 for a VDA)
            var gain = slice.Proceeds - cost - expenses;
            Section112 indexed = default;
            if (cls == GainClass.OtherLongTerm && slice.SellDate < Budget2024)
            {
                indexed = Section112BeforeBudget2024(security, slice.BuyDate, slice.SellDate, cost, slice.Proceeds, expenses);
                gain = indexed.Gain;
                if (indexed.Caution is { } more) caution = caution is null ? more : caution + " Also: " + more[AdviserPrefix.Length..];
            }
            result.Add(new CapitalGainRow(
                saleId,
                slice.BuySourceId,
                security.Id,
                security.Symbol,
                security.Name,
                security.Isin,
                holding.Platform,
                slice.BuyDate,
                slice.SellDate,
                slice.SellDate.DayNumber - slice.BuyDate.DayNumber,
                slice.Quantity,
                slice.Proceeds,
                slice.CostBasis,
                fmv,
                cost,
                expenses,
                gain,
                cls,
                section,
                tds,
                caution)
            {
                IndexedCost = indexed.IndexedCost,
                AcquisitionIndex = indexed.AcquisitionIndex,
                TransferIndex = indexed.TransferIndex,
                UnindexedGain = indexed.Basis is null ? null : slice.Proceeds - cost - expenses,
                TaxRate = indexed.Basis is null ? null : indexed.Rate,
                RateBasis = indexed.Basis,
            });
        }
        return result;
    }

    /// <summary>A section 112 row before 23 July 2024: its gain, the indexation behind it and the rate chosen.</summary>
    public readonly record struct Section112(decimal Gain, decimal? IndexedCost, int? AcquisitionIndex, int? TransferIndex, decimal Rate, string? Basis, string? Caution);

    /// <summary>
    /// A long-term sale taxed under section 112 before 23 July 2024. Second proviso to section 48: the cost is indexed
    /// with the Cost Inflation Index (<see cref="CostInflationIndex"/>), except for bonds and debentures (third proviso;
    /// capital indexed bonds of the Government and sovereign gold bonds excepted), and section 112(1) taxes the gain at
    /// 20 %. Proviso to section 112(1): for listed securities other than units (units left it with the Finance (No. 2)
    /// Act 2014, from AY 2015-16) and zero coupon bonds, the tax is capped at 10 % of the gain before indexation — the
    /// lower of the two is taken. From 23 July 2024 the Finance (No. 2) Act 2024 took indexation away for these assets
    /// (12.5 %, <see cref="RateOf"/>), so this is not called for such sales.
    /// </summary>
    public static Section112 Section112BeforeBudget2024(TaxSecurity security, DateOnly buyDate, DateOnly saleDate, decimal cost, decimal saleValue, decimal expenses)
    {
        ArgumentNullException.ThrowIfNull(security);
        var unindexed = saleValue - cost - expenses;
        var fund = security.Type is SecurityType.MutualFund or SecurityType.Etf;
        var words = security.Words + " " + security.Name;
        var indexable = security.Type != SecurityType.Bond
            || words.Contains("sovereign gold", StringComparison.OrdinalIgnoreCase) || words.Contains("capital indexed", StringComparison.OrdinalIgnoreCase);
        string? caution = null;
        decimal? indexedCost = null;
        int? acquisitionIndex = null, transferIndex = null;
        var gain = unindexed;
        if (indexable)
        {
            if (CostInflationIndex.Index(cost, buyDate, saleDate) is { } index)
            {
                (indexedCost, acquisitionIndex, transferIndex) = index;
                gain = saleValue - index.IndexedCost - expenses;
            }
            else
            {
                caution = AdviserPrefix + "Spark has no Cost Inflation Index for this lot's years, so its cost is not indexed.";
            }
            if (buyDate < IndexationBaseDate)
            {
                // Section 55(2)(b)(ii): an asset acquired before 1 April 2001 may take its fair market value on that day as its
                // cost (indexed from 2001-02); Spark does not have that value, so the actual cost is indexed.
                caution = AdviserPrefix + "bought before 1 April 2001: its cost may be the fair market value on 1 April 2001 (section 55(2)(b)), "
                    + "which Spark does not have, so Spark indexes the actual cost from 2001-02.";
            }
        }
        else if (security.Type == SecurityType.Bond)
        {
            caution = AdviserPrefix + "bonds and debentures are not indexed (third proviso to section 48) unless they are the Government's capital "
                + "indexed bonds or sovereign gold bonds, which Spark reads from the name.";
        }

        // Proviso to section 112(1): listed securities other than units, and zero coupon bonds: the tax is at most 10 % of
        // the gain before indexation.
        var proviso = security.Listed && !fund;
        if (proviso && unindexed > 0m && 0.10m * unindexed < 0.20m * Math.Max(gain, 0m))
        {
            return new Section112(unindexed, indexedCost, acquisitionIndex, transferIndex, 0.10m,
                "10 % without indexation (proviso to section 112(1)): lower than 20 % " + (indexedCost is null ? "of the same gain" : "after indexation"), caution);
        }
        var basis = indexedCost is not null
            ? "20 % after indexation (section 112(1), second proviso to section 48)" + (proviso ? ": lower than 10 % without indexation" : "")
            : "20 % without indexation (section 112(1))";
        return new Section112(gain, indexedCost, acquisitionIndex, transferIndex, 0.20m, basis, caution);
    }

    /// <summary>
    /// A ledger row as section 48 values it, for FIFO: a buy's cost without its STT, a sell's charges reduced to its
    /// transfer expenses (0 for a virtual digital asset). Bonus and split entries pass through unchanged.
    /// </summary>
    public static LedgerEntry Adjust(TaxLedgerRow row, TaxSecurity security, ChargeSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(security);
        var entry = row.Entry with { SourceId = row.Id };
        switch (row.Type)
        {
            case TransactionType.Bonus:
                // Section 55(2)(aa)(iiia): bonus units cost nil; section 2(42A) Explanation 1(i)(f): held from the
                // allotment date. FifoBook opens them as a lot of cost 0 dated the allotment.
                return entry;
            case TransactionType.Split:
                // A sub-division restates the units of every open lot; it is not a transfer (section 2(47)), so each
                // lot keeps its cost and its acquisition date.
                return entry;
            case TransactionType.Buy or TransactionType.Sip:
                // Proviso to section 48: STT is not deductible, so it is not part of the cost either. A buy's tax
                // column mixes STT with stamp duty (which is part of the cost): take out only the STT.
                return entry with { Charges = Math.Max(entry.Charges - BuyStt(row, security, schedule), 0m) };
            case TransactionType.Sell:
                // Section 48(i): expenses wholly and exclusively in connection with the transfer, never STT (proviso);
                // a sell's tax column is its STT. Section 115BBH(2)(a): a VDA sale deducts nothing but the cost.
                return entry with { Charges = security.Type == SecurityType.Crypto ? 0m : Math.Max(entry.Charges - (row.Stt ?? row.Tax), 0m) };
            default:
                return entry;
        }
    }

    /// <summary>The holding's open lots as section 48 costs them (no STT in the cost), oldest first: for the order ticket's estimate.</summary>
    public static IReadOnlyList<OpenLot> OpenLots(TaxHolding holding, ChargeSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(holding);
        var book = new FifoBook();
        foreach (var row in holding.Rows)
        {
            if (row.Type is TransactionType.Dividend or TransactionType.Interest) continue;
            book.Apply(Adjust(row, holding.Security, schedule));
        }
        return book.ToPosition().OpenLots;
    }

    /// <summary>STT inside a buy's tax column: from its metadata, else recomputed for its date and instrument, never more than the column.</summary>
    public static decimal BuyStt(TaxLedgerRow row, TaxSecurity security, ChargeSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(security);
        if (row.Stt is { } recorded) return Math.Min(recorded, row.Tax);
        if (row.Tax <= 0m || row.Entry.Quantity <= 0m) return 0m;
        if (security.Type is not (SecurityType.Stock or SecurityType.Etf or SecurityType.Bond)) return 0m; // funds and crypto pay no STT on a buy
        try
        {
            var price = row.Entry.GrossValue / row.Entry.Quantity;
            var stt = ChargesCalculator.Calculate(schedule, security.Charges, OrderSide.Buy, row.Entry.Quantity, price, row.Entry.Date).Stt;
            return Math.Min(stt, row.Tax);
        }
        catch (ArgumentException)
        {
            // An exchange the schedule does not know: no split rather than a guess (the cost keeps the whole tax column).
            return 0m;
        }
    }

    /// <summary>The head of one slice: by what the security is, when it was bought and when it was sold.</summary>
    public static (GainClass Class, string Section, string? Caution) Classify(TaxSecurity security, DateOnly buyDate, DateOnly saleDate)
    {
        ArgumentNullException.ThrowIfNull(security);
        if (security.Type == SecurityType.Crypto)
        {
            // Section 115BBH: income from the transfer of a virtual digital asset, 30 % whatever the holding period.
            return (GainClass.VirtualDigitalAsset, "115BBH", null);
        }

        if (security.EquityOriented)
        {
            // Section 2(42A) first proviso: listed equity shares and units of equity-oriented funds are short-term when
            // held 12 months or less; section 111A taxes them (STT paid), section 112A the long-term ones.
            if (!IsLongTerm(buyDate, saleDate, 12)) return (GainClass.EquityShortTerm, "111A", null);
            return saleDate < Section112AFrom
                ? (GainClass.EquityLongTerm, "10(38)", null)
                : (GainClass.EquityLongTerm, "112A", null);
        }

        var fund = security.Type is SecurityType.MutualFund or SecurityType.Etf;
        var words = security.Words;
        var commodityOrForeign = words.Contains("gold", StringComparison.OrdinalIgnoreCase) || words.Contains("silver", StringComparison.OrdinalIgnoreCase)
            || words.Contains("international", StringComparison.OrdinalIgnoreCase) || words.Contains("global", StringComparison.OrdinalIgnoreCase)
            || words.Contains("nasdaq", StringComparison.OrdinalIgnoreCase) || words.Contains("overseas", StringComparison.OrdinalIgnoreCase);
        if (fund && buyDate >= SpecifiedFundFrom)
        {
            if (!commodityOrForeign)
            {
                // Section 50AA: units of a specified (debt) mutual fund acquired on or after 1 April 2023 are short-term
                // capital assets whatever the holding period, taxed at the slab rate.
                return (GainClass.OtherShortTerm, "50AA", null);
            }
            if (saleDate < SpecifiedFundRedefined)
            {
                // Before AY 2026-27 a specified mutual fund was one with at most 35 % in domestic equity, which caught
                // gold, silver and international funds too.
                return (GainClass.OtherShortTerm, "50AA", AdviserPrefix
                    + "section 50AA then covered funds with at most 35 % in Indian equity; Spark reads this from the fund's name, not its portfolio.");
            }
        }

        if (security.Type == SecurityType.Bond && !security.Listed && saleDate >= Budget2024)
        {
            // Section 50AA as amended by the Finance (No. 2) Act 2024: unlisted bonds and debentures transferred from
            // 23 July 2024 are short-term whatever the holding period.
            return (GainClass.OtherShortTerm, "50AA", AdviserPrefix + "Spark guesses that this bond is unlisted because it has no exchange.");
        }

        string? caution = fund && commodityOrForeign
            ? AdviserPrefix + "Spark classifies this fund as gold, silver or international from its name, not its portfolio."
            : security.Type == SecurityType.Bond ? AdviserPrefix + "Spark guesses whether this bond is listed from its exchange." : null;
        int months;
        if (saleDate >= Budget2024)
        {
            // Section 2(42A) as amended by the Finance (No. 2) Act 2024: a listed security is long-term after 12
            // months, any other asset after 24 months.
            months = security.Listed ? 12 : 24;
        }
        else
        {
            // Section 2(42A) before 23 July 2024: listed securities other than units, and zero-coupon bonds, after 12
            // months; units of non-equity funds (listed ETFs included) and unlisted securities after 36 months.
            months = security.Listed && !fund ? 12 : 36;
        }

        if (!IsLongTerm(buyDate, saleDate, months))
        {
            // Short-term, not under section 111A: added to income and taxed at the slab rate.
            return (GainClass.OtherShortTerm, "Slab", caution);
        }

        // Section 112: before 23 July 2024 20 % after indexation or 10 % without for listed securities other than units
        // (Section112BeforeBudget2024 works the row out); from that day 12.5 % without indexation.
        return (GainClass.OtherLongTerm, "112", caution);
    }

    /// <summary>Section 2(42A): long-term when held more than <paramref name="months"/> months (bought 15 June 2023, 12 months: long-term from 16 June 2024).</summary>
    public static bool IsLongTerm(DateOnly buyDate, DateOnly saleDate, int months) => saleDate > buyDate.AddMonths(months);

    /// <summary>The section 112A exemption of the year: ₹1,25,000 for all of FY 2024-25 onward (Finance (No. 2) Act 2024), ₹1,00,000 before.</summary>
    public static decimal Exemption112A(FinancialYear year) => year.StartYear >= 2024 ? 125_000m : 100_000m;

    /// <summary>The rate of a head for sales in a period, null for the slab rate.</summary>
    public static decimal? RateOf(GainClass cls, DateOnly saleDate) => cls switch
    {
        // Section 111A: 15 %, 20 % for transfers from 23 July 2024 (Finance (No. 2) Act 2024).
        GainClass.EquityShortTerm => saleDate >= Budget2024 ? 0.20m : 0.15m,
        // Section 112A: 10 %, 12.5 % from 23 July 2024; section 10(38) exempted transfers before 1 April 2018.
        GainClass.EquityLongTerm => saleDate < Section112AFrom ? 0m : saleDate >= Budget2024 ? 0.125m : 0.10m,
        // Section 112: 20 % with indexation before 23 July 2024 (a row may take 10 % without: its TaxRate), 12.5 % from it.
        GainClass.OtherLongTerm => saleDate >= Budget2024 ? 0.125m : 0.20m,
        GainClass.VirtualDigitalAsset => VirtualDigitalAssetRate,
        _ => null,
    };

    private sealed class Bucket(GainClass cls, string section, DateOnly from, DateOnly to, decimal? rate)
    {
        public GainClass Class { get; } = cls;
        public string Section { get; } = section;
        public DateOnly From { get; } = from;
        public DateOnly To { get; } = to;
        public decimal? Rate { get; } = rate;
        public int Rows { get; set; }
        public decimal Gains { get; set; }
        public decimal Losses { get; set; }
        public decimal Net => Gains - Losses;
        public decimal SetOff { get; set; }
        public decimal BroughtForwardSetOff { get; set; }
        public decimal Exemption { get; set; }
        public bool LongTerm => Class is GainClass.EquityLongTerm or GainClass.OtherLongTerm;
        public decimal Left => Math.Max(Net, 0m) - SetOff - BroughtForwardSetOff;
        public decimal EffectiveRate => Rate ?? AssumedSlabRateForSetOff;
    }

    /// <summary>
    /// Heads, set-off and tax. Each head is netted within itself first; FY 2024-25 has one entry per rate period of a head.
    /// </summary>
    private static (List<GainClassTotal> Totals, List<string> Notes, decimal ShortTermLeft, decimal LongTermLeft, List<BroughtForwardLoss> Losses) Totals(
        FinancialYear year, List<CapitalGainRow> rows, IReadOnlyList<CarriedLoss> broughtForward)
    {
        var notes = new List<string>();
        var buckets = new List<Bucket>();
        foreach (var row in rows)
        {
            var splitYear = year.From < Budget2024 && year.To >= Budget2024 && row.Class != GainClass.VirtualDigitalAsset && row.Class != GainClass.OtherShortTerm;
            var (from, to) = !splitYear ? (year.From, year.To)
                : row.SaleDate < Budget2024 ? (year.From, Budget2024.AddDays(-1)) : (Budget2024, year.To);
            // A section 112 row before 23 July 2024 chose its own rate (20 % indexed or 10 % without): one entry per rate.
            var rate = row.TaxRate ?? RateOf(row.Class, row.SaleDate);
            var bucket = buckets.FirstOrDefault(b => b.Class == row.Class && b.From == from && b.Rate == rate);
            if (bucket is null)
            {
                var section = row.Class == GainClass.OtherShortTerm ? "Slab" : row.Section;
                if (row.Class == GainClass.EquityLongTerm && row.SaleDate < Section112AFrom) section = "10(38)";
                bucket = new Bucket(row.Class, section, from, to, rate);
                buckets.Add(bucket);
            }
            bucket.Rows++;
            if (row.Gain >= 0m) bucket.Gains += row.Gain;
            else bucket.Losses -= row.Gain;
        }

        // Section 70: within a head the losses are set off first (the Net). A short-term loss left over may be set off
        // against any capital gain, a long-term one only against long-term gains (section 70(3)). Virtual digital
        // assets take no part (section 115BBH(2)(b)). The order, which the Act leaves to the assessee, favours the
        // investor: the scarcer long-term losses first, each loss against the gains taxed at the highest rate first
        // (slab gains counted as 30 %), and section 112A gains only above the part the exemption would cover.
        var eligible = buckets.Where(b => b.Class != GainClass.VirtualDigitalAsset).ToList();
        var exemption = Exemption112A(year);
        var longTermLoss = eligible.Where(b => b.LongTerm && b.Net < 0m).Sum(b => -b.Net);
        var shortTermLoss = eligible.Where(b => !b.LongTerm && b.Net < 0m).Sum(b => -b.Net);
        longTermLoss = SetOff(eligible.Where(b => b.LongTerm && b.Net > 0m).ToList(), longTermLoss, exemption);
        shortTermLoss = SetOff(eligible.Where(b => b.Net > 0m).ToList(), shortTermLoss, exemption);

        // Section 74: losses of earlier years, after the year's own set-off, oldest first (they lapse first). A short-term
        // loss goes against any capital gain (74(1)(a)), a long-term one against long-term gains only (74(1)(b)), in
        // section 70's order above (long-term first, the gains taxed highest first), and before the section 112A
        // exemption, which applies to what is left (decision 0064). Virtual digital assets take no part (115BBH(2)(b)).
        var losses = new List<BroughtForwardLoss>();
        foreach (var loss in broughtForward.Where(l => l.ShortTerm > 0m || l.LongTerm > 0m).OrderBy(l => l.Origin.StartYear))
        {
            if (!Usable(loss.Origin, year))
            {
                // Older than eight assessment years (section 74(2)), or not earlier than this year: nothing of it is set off.
                if (loss.Origin.StartYear < year.StartYear) losses.Add(new BroughtForwardLoss(loss.Origin, loss.ShortTerm, loss.LongTerm, 0m, 0m, loss.ShortTerm + loss.LongTerm));
                continue;
            }
            var longLeft = SetOff(eligible.Where(b => b.LongTerm && b.Net > 0m).ToList(), loss.LongTerm, exemption, broughtForward: true);
            var shortLeft = SetOff(eligible.Where(b => b.Net > 0m).ToList(), loss.ShortTerm, exemption, broughtForward: true);
            var lastYear = year.StartYear - loss.Origin.StartYear == CarryForwardYears;
            losses.Add(new BroughtForwardLoss(loss.Origin, loss.ShortTerm, loss.LongTerm, loss.ShortTerm - shortLeft, loss.LongTerm - longLeft,
                lastYear ? shortLeft + longLeft : 0m));
        }

        // Section 112A: the exemption once for the year, after set-off, first against the gains taxed at the higher rate
        // (FY 2024-25: the 12.5 % sales from 23 July 2024 before the 10 % ones), which the Act allows and which favours the investor.
        var exemptionLeft = exemption;
        foreach (var b in buckets.Where(b => b.Class == GainClass.EquityLongTerm && b.Section == "112A").OrderByDescending(b => b.Rate))
        {
            var used = Math.Min(b.Left, exemptionLeft);
            b.Exemption = used;
            exemptionLeft -= used;
        }

        var totals = new List<GainClassTotal>();
        foreach (var b in buckets.OrderBy(b => b.Class).ThenBy(b => b.From).ThenByDescending(b => b.Rate))
        {
            decimal taxable, tax;
            if (b.Class == GainClass.VirtualDigitalAsset)
            {
                // Section 115BBH(2)(b): a loss from one virtual digital asset is not set off, not even against another's gain.
                taxable = b.Gains;
            }
            else
            {
                taxable = Math.Max(b.Left - b.Exemption, 0m);
            }
            tax = b.Rate is { } rate ? Money.Paisa(taxable * rate) : 0m;
            totals.Add(new GainClassTotal(b.Class, b.Section, b.Rows, b.Gains, b.Losses, b.Net, b.SetOff, b.Exemption, taxable, b.Rate, tax)
            {
                SalesFrom = b.From,
                SalesTo = b.To,
                BroughtForwardSetOff = b.BroughtForwardSetOff,
            });
        }

        var label = year.Label;
        notes.Add("Rates follow the sale date: section 111A 15 % and section 112A 10 % before 23 July 2024, 20 % and 12.5 % from that day "
            + "(Finance (No. 2) Act 2024); section 112 12.5 % without indexation from that day; virtual digital assets 30 % (section 115BBH).");
        if (rows.Any(r => r.RateBasis is not null))
        {
            notes.Add("Section 112 before 23 July 2024: the cost is indexed with the Cost Inflation Index notified by the CBDT (second proviso to "
                + "section 48, bonds and debentures excepted) and the gain taxed at 20 %, or at 10 % without indexation for listed securities other "
                + "than units where that is lower (proviso to section 112(1)); each row says which.");
        }
        if (year.From < Budget2024 && year.To >= Budget2024)
        {
            notes.Add("FY 2024-25 has two rate periods: sales to 22 July 2024 and from 23 July 2024 are totalled apart. The ₹1,25,000 exemption "
                + "of section 112A applies to the whole year once, and Spark sets it first against the gains taxed at 12.5 %, which the Act allows "
                + "and which leaves you the lower tax.");
        }
        notes.Add($"Set-off (section 70): losses of a head are netted within it first; a short-term loss left over is set off against any gain, "
            + "a long-term loss against long-term gains only, each against the gains taxed at the highest rate first (slab-rate gains counted first).");
        if (longTermLoss > 0m || shortTermLoss > 0m)
        {
            notes.Add($"Losses not set off in FY {label}: short-term {IndianFormat.Money(shortTermLoss)}, long-term {IndianFormat.Money(longTermLoss)}. "
                + "They may be carried forward for eight years (section 74) if you file your return by its due date (section 80).");
        }
        var usedBroughtForward = losses.Where(l => Usable(l.Origin, year)).ToList();
        if (usedBroughtForward.Count > 0)
        {
            var used = usedBroughtForward.Sum(l => l.ShortTermUsed + l.LongTermUsed);
            notes.Add($"Losses brought forward (section 74) from FY {string.Join(", FY ", usedBroughtForward.Select(l => l.Origin.Label))}: "
                + $"{IndianFormat.Money(used)} set off this year after the year's own set-off, oldest first, a short-term loss against any gain and a "
                + "long-term loss against long-term gains only, before the section 112A exemption. Spark assumes each of those years' returns was "
                + "filed by its due date (section 80) and knows only the losses in its own ledger.");
        }
        else
        {
            notes.Add("No capital loss of the eight earlier years in your Spark ledger is left to bring forward (section 74); losses recorded "
                + "elsewhere are not known to Spark.");
        }
        var lapsed = losses.Where(l => l.Lapsed > 0m).ToList();
        if (lapsed.Count > 0)
        {
            notes.Add($"Section 74(2) carries a loss for eight assessment years only: {IndianFormat.Money(lapsed.Sum(l => l.Lapsed))} of the losses of FY "
                + $"{string.Join(", FY ", lapsed.Select(l => l.Origin.Label))} cannot be carried past FY {label}.");
        }
        if (buckets.Any(b => b.Rate is null))
        {
            notes.Add("Gains taxed at your slab rate (short-term gains other than section 111A, section 50AA fund units) are shown but their tax is not "
                + "estimated: the slab rate depends on your whole income.");
        }
        if (buckets.Any(b => b.Class == GainClass.VirtualDigitalAsset))
        {
            notes.Add("Virtual digital assets (section 115BBH): only the cost is deducted, each loss is ignored and not carried forward, and the 1 % TDS "
                + "of section 194S is a credit against the tax.");
        }
        notes.Add("The estimate adds the 4 % health and education cess; surcharge and rebates depend on your income and are not included.");
        return (totals, notes, shortTermLoss, longTermLoss, losses);
    }

    /// <summary>
    /// Sets <paramref name="loss"/> off against <paramref name="gains"/>, highest effective rate first; section 112A gains count
    /// at their rate only above the part of the yearly exemption they would use (the exempt part last, at 0 %).
    /// </summary>
    /// <returns>The loss left over.</returns>
    private static decimal SetOff(List<Bucket> gains, decimal loss, decimal exemption, bool broughtForward = false)
    {
        if (loss <= 0m) return loss;
        // Segments: each bucket's taxable part at its rate, and for section 112A the exempt part at 0 %.
        var segments = new List<(Bucket Bucket, decimal Amount, decimal Rate)>();
        var exemptLeft = exemption;
        foreach (var b in gains.Where(b => b.Class == GainClass.EquityLongTerm && b.Section == "112A").OrderByDescending(b => b.Rate))
        {
            var exempt = Math.Min(b.Left, exemptLeft);
            exemptLeft -= exempt;
            segments.Add((b, b.Left - exempt, b.EffectiveRate));
            segments.Add((b, exempt, 0m));
        }
        foreach (var b in gains.Where(b => !(b.Class == GainClass.EquityLongTerm && b.Section == "112A")))
        {
            segments.Add((b, b.Left, b.Section == "10(38)" ? 0m : b.EffectiveRate));
        }

        foreach (var (bucket, amount, _) in segments.OrderByDescending(s => s.Rate))
        {
            if (loss <= 0m) break;
            var used = Math.Min(amount, loss);
            if (broughtForward) bucket.BroughtForwardSetOff += used;
            else bucket.SetOff += used;
            loss -= used;
        }
        return loss;
    }
}
