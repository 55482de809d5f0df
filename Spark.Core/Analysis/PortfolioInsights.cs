using Spark.Core.Accounts;
using Spark.Core.Formatting;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Tax;

namespace Spark.Core.Analysis;

/// <summary>The thresholds of the portfolio insight (section Spark:Analysis:Insights, decision 0062), fractions.</summary>
public sealed class InsightThresholds
{
    /// <summary>One security above this share of the holdings' value is named as concentrated.</summary>
    public decimal SingleHolding { get; set; } = 0.20m;

    /// <summary>One sector above this share is named.</summary>
    public decimal Sector { get; set; } = 0.35m;

    /// <summary>
    /// A Herfindahl–Hirschman index above this is named. The scale is borrowed by analogy from the US Department of Justice
    /// and FTC Horizontal Merger Guidelines (2010, section 5.3): below 1,500 (0.15) unconcentrated, above 2,500 (0.25)
    /// highly concentrated. A portfolio is not a market; 0.18 (about five and a half equal holdings) is Spark's choice between the bands.
    /// </summary>
    public decimal Hhi { get; set; } = 0.18m;

    /// <summary>Cash above this share of holdings + cash is named as idle.</summary>
    public decimal IdleCash { get; set; } = 0.10m;

    /// <summary>How far above its risk profile's equity share (the goal mix of that profile) a portfolio may go before it is named.</summary>
    public decimal RiskFitTolerance { get; set; } = 0.10m;
}

/// <summary>One security across its platforms, as the insight reads it.</summary>
/// <param name="Flows">The investor's own money to and from this security (buys negative; sells, dividends, interest positive), without the value still held.</param>
/// <param name="Lots">Each platform's open lots (FIFO runs per platform), with the platform's name.</param>
/// <param name="Tax">What the tax rules need of the security (equity-oriented, listed); null leaves its lots out of the tax facts.</param>
public sealed record InsightHolding(
    Guid SecurityId,
    string Symbol,
    string Name,
    SecurityType Type,
    string? Sector,
    decimal Quantity,
    decimal CurrentValue,
    decimal? CurrentPrice,
    IReadOnlyList<CashFlow> Flows,
    IReadOnlyList<(string Platform, OpenLot Lot)> Lots,
    TaxSecurity? Tax);

/// <summary>The financial year so far from the capital-gains statement (decision 0047).</summary>
/// <param name="LongTermGains">Section 112A gains after the section 70 set-off (taxable + exempt).</param>
/// <param name="ExemptionUsed">Section 112A exemption the statement applied.</param>
/// <param name="ExemptionLimit">The year's limit, <see cref="CapitalGainsEngine.Exemption112A"/>.</param>
public sealed record TaxYearSoFar(FinancialYear Year, decimal LongTermGains, decimal ExemptionUsed, decimal ExemptionLimit);

/// <summary>Advancing and declining securities of one session: the last stored close against the one before.</summary>
public sealed record MarketBreadth(DateOnly Session, int Advancing, int Declining, int Unchanged)
{
    /// <summary>Counts each (close, previous close) pair once.</summary>
    public static MarketBreadth Of(DateOnly session, IEnumerable<(decimal Close, decimal PreviousClose)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        int up = 0, down = 0, flat = 0;
        foreach (var (close, previous) in pairs)
        {
            if (close > previous) up++;
            else if (close < previous) down++;
            else flat++;
        }
        return new MarketBreadth(session, up, down, flat);
    }
}

/// <summary>Everything the insight is computed from.</summary>
/// <param name="Today">The valuation date (India).</param>
/// <param name="IndexLevels">NIFTY 50 closes by trade date (decision 0051's computation).</param>
/// <param name="PortfolioSeries">The portfolio's daily value (the dashboard's series), for the chart.</param>
/// <param name="RiskProfile">From the questionnaire; null when it was never answered.</param>
/// <param name="ProfileMix">The goal mix of that profile (<c>GoalOptions.MixFor</c>): its equity (+ crypto) share is the profile's equity share.</param>
public sealed record PortfolioInsightInput(
    DateOnly Today,
    IReadOnlyList<InsightHolding> Holdings,
    decimal CashBalance,
    RiskProfile? RiskProfile,
    IReadOnlyDictionary<string, decimal>? ProfileMix,
    IReadOnlyDictionary<DateOnly, double> IndexLevels,
    IReadOnlyList<ValuePoint> PortfolioSeries,
    TaxYearSoFar? Tax,
    MarketBreadth? Breadth,
    InsightThresholds Thresholds);

public sealed record Weight(string Label, decimal Value, decimal Rate);

public sealed record Concentration(decimal HoldingsValue, Weight? Largest, IReadOnlyList<Weight> Holdings, IReadOnlyList<Weight> Sectors,
    decimal? HhiBySecurity, decimal? HhiBySector, IReadOnlyList<string> Breaches);

public enum RiskFitVerdict { NoProfile, NoHoldings, Within, Above }

/// <param name="EquityRate">Equity-oriented (and crypto) holdings' share of the holdings' value.</param>
/// <param name="ProfileEquityRate">The profile's equity share (its goal mix); null without a profile.</param>
/// <param name="CeilingRate">ProfileEquityRate + tolerance; null when there is no ceiling (aggressive, or no profile).</param>
public sealed record RiskFit(RiskFitVerdict Verdict, string? Profile, decimal? EquityRate, decimal? ProfileEquityRate, decimal? CeilingRate, string Message);

/// <param name="Rate">Cash ÷ (holdings + cash).</param>
public sealed record IdleCash(decimal Cash, decimal? Rate, decimal ThresholdRate, bool Idle, string Message);

/// <summary>A point of the chart: the portfolio's value and the same flows' value in the index.</summary>
public sealed record ComparisonPoint(DateOnly Date, decimal PortfolioValue, decimal IndexValue);

/// <param name="IndexUnits">Index units the same flows would hold today (a level of 26,000 is one unit at ₹26,000); negative when withdrawals outgrew the index position.</param>
/// <param name="FlowsBeforeFirstLevel">Flows dated before Spark's first index level, placed at that first level.</param>
public sealed record IndexComparison(
    decimal? PortfolioXirr, string? PortfolioXirrNote, decimal? IndexXirr, string? IndexXirrNote,
    decimal PortfolioValue, decimal IndexValue, decimal IndexUnits, decimal? IndexLevel, DateOnly? IndexLevelDate,
    decimal MoneyIn, decimal MoneyOut, int FlowsBeforeFirstLevel, IReadOnlyList<ComparisonPoint> Series, IReadOnlyList<string> Notes);

/// <summary>One security's return against the index over the same dates with the same money (see <see cref="PortfolioInsights"/>).</summary>
/// <param name="ReturnRate">(money out + value at the end − money in) ÷ money in.</param>
/// <param name="IndexReturnRate">The same for the same flows put into the index.</param>
public sealed record HoldingVsIndex(string Symbol, string Name, bool Held, DateOnly From, DateOnly To, decimal MoneyIn, decimal ReturnRate,
    decimal? IndexReturnRate, decimal? DifferenceRate);

public sealed record LossLot(string Symbol, string Platform, DateOnly BoughtOn, decimal Quantity, decimal Cost, decimal Value, decimal Loss, string Term);

/// <param name="ExemptionLeft">The section 112A exemption not yet used this year.</param>
public sealed record TaxFacts(string Year, decimal LongTermGains, decimal ExemptionLimit, decimal ExemptionUsed, decimal ExemptionLeft,
    IReadOnlyList<LossLot> LossLots, decimal TotalLoss, IReadOnlyList<string> Notes);

/// <summary>One figure of the insight as a label, a value and its unit: what a narrative may cite (issue #18).</summary>
public sealed record InsightFact(string Label, decimal Value, string Unit);

public sealed record PortfolioInsight(
    string RuleVersion,
    DateOnly AsOf,
    bool Empty,
    Concentration Concentration,
    RiskFit RiskFit,
    IdleCash IdleCash,
    IndexComparison Index,
    IReadOnlyList<HoldingVsIndex> Holdings,
    TaxFacts? Tax,
    MarketBreadth? Breadth,
    IReadOnlyList<InsightFact> Facts);

/// <summary>
/// The portfolio insight of issue #18 (decision 0062): concentration, fit with the risk profile, idle cash, the investor's
/// own flows put into NIFTY 50, each security against the index, tax facts and market breadth. Pure: no I/O, no clock.
/// Money to the paisa, rates as fractions to 6 decimals (Money.Rate).
/// </summary>
public static class PortfolioInsights
{
    public const string RuleVersion = "insights-2026-12";

    public static PortfolioInsight Compute(PortfolioInsightInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var held = input.Holdings.Where(h => h.Quantity > 0m && h.CurrentValue > 0m).ToList();
        var empty = input.Holdings.Count == 0;
        var concentration = ConcentrationOf(held, input.Thresholds);
        var fit = FitOf(held, concentration.HoldingsValue, input.RiskProfile, input.ProfileMix, input.Thresholds);
        var cash = IdleCashOf(input.CashBalance, concentration.HoldingsValue, input.Thresholds);
        var levels = Levels.Of(input.IndexLevels);
        var index = Compare(input.Holdings, levels, input.Today, input.PortfolioSeries);
        var perHolding = input.Holdings.Select(h => AgainstIndex(h, levels, input.Today)).OfType<HoldingVsIndex>()
            .OrderByDescending(h => h.Held).ThenBy(h => h.Symbol, StringComparer.Ordinal).ToList();
        var tax = TaxOf(input.Holdings, input.Tax, input.Today);
        var facts = Facts(concentration, fit, cash, index, tax, input.Breadth);
        return new PortfolioInsight(RuleVersion, input.Today, empty, concentration, fit, cash, index, perHolding, tax, input.Breadth, facts);
    }

    /// <summary>Σ wᵢ², the weights fractions of the total; null for no weights.</summary>
    public static decimal? Herfindahl(IEnumerable<decimal> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.Where(v => v > 0m).ToList();
        var total = list.Sum();
        if (total <= 0m) return null;
        return Money.Rate(list.Sum(v => v / total * (v / total)));
    }

    public static Concentration ConcentrationOf(IReadOnlyList<InsightHolding> held, InsightThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(thresholds);
        var total = held.Sum(h => h.CurrentValue);
        if (total <= 0m) return new Concentration(0m, null, [], [], null, null, []);
        var holdings = held.OrderByDescending(h => h.CurrentValue).ThenBy(h => h.Symbol, StringComparer.Ordinal)
            .Select(h => new Weight(h.Symbol, h.CurrentValue, Money.Rate(h.CurrentValue / total))).ToList();
        var sectors = held.GroupBy(h => SectorOf(h))
            .Select(g => new Weight(g.Key, g.Sum(h => h.CurrentValue), Money.Rate(g.Sum(h => h.CurrentValue) / total)))
            .OrderByDescending(w => w.Value).ThenBy(w => w.Label, StringComparer.Ordinal).ToList();
        var hhi = Herfindahl(held.Select(h => h.CurrentValue));
        var hhiSector = Herfindahl(sectors.Select(s => s.Value));
        var breaches = new List<string>();
        foreach (var w in holdings.Where(w => w.Rate > thresholds.SingleHolding))
        {
            breaches.Add($"{w.Label} is {Pct(w.Rate)} of your holdings' value, above the {Pct(thresholds.SingleHolding)} Spark names as concentrated.");
        }
        foreach (var w in sectors.Where(w => w.Rate > thresholds.Sector))
        {
            breaches.Add($"The {w.Label} sector is {Pct(w.Rate)} of your holdings' value, above the {Pct(thresholds.Sector)} Spark names as concentrated.");
        }
        if (hhi is { } h && h > thresholds.Hhi)
        {
            breaches.Add($"The Herfindahl index of your holdings is {h.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}, above {thresholds.Hhi.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} (as many equal holdings as {Equivalent(h)}).");
        }
        return new Concentration(Money.Paisa(total), holdings[0], holdings, sectors, hhi, hhiSector, breaches);
    }

    /// <summary>Equity-oriented holdings (section 112A's sense: shares, equity ETFs and funds) and crypto count as equity.</summary>
    public static RiskFit FitOf(IReadOnlyList<InsightHolding> held, decimal total, RiskProfile? profile, IReadOnlyDictionary<string, decimal>? mix,
        InsightThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(thresholds);
        decimal? equity = total > 0m ? Money.Rate(held.Where(IsEquityLike).Sum(h => h.CurrentValue) / total) : null;
        if (profile is not { } p)
        {
            return new RiskFit(RiskFitVerdict.NoProfile, null, equity, null, null,
                "You have not answered the risk questionnaire, so Spark cannot compare your portfolio with a risk profile.");
        }
        var name = p.ToString().ToLowerInvariant();
        var profileEquity = mix is null ? (decimal?)null : mix.Where(m => m.Key is "equity" or "crypto").Sum(m => m.Value);
        decimal? ceiling = p == RiskProfile.Aggressive || profileEquity is null ? null : Math.Min(1m, profileEquity.Value + thresholds.RiskFitTolerance);
        if (equity is not { } e)
        {
            return new RiskFit(RiskFitVerdict.NoHoldings, name, null, profileEquity, ceiling, "You hold nothing yet, so there is no portfolio risk to compare.");
        }
        if (ceiling is { } c && e > c)
        {
            return new RiskFit(RiskFitVerdict.Above, name, e, profileEquity, ceiling,
                $"Equity is {Pct(e)} of your holdings; your {name} profile's mix holds {Pct(profileEquity!.Value)}, and Spark names anything above {Pct(c)}.");
        }
        var within = ceiling is { } limit
            ? $"Equity is {Pct(e)} of your holdings, within the {Pct(limit)} Spark allows a {name} profile (its mix holds {Pct(profileEquity!.Value)})."
            : $"Equity is {Pct(e)} of your holdings; an aggressive profile has no ceiling.";
        return new RiskFit(RiskFitVerdict.Within, name, e, profileEquity, ceiling, within);
    }

    public static IdleCash IdleCashOf(decimal cash, decimal holdings, InsightThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var total = cash + holdings;
        decimal? rate = total > 0m && cash > 0m ? Money.Rate(cash / total) : total > 0m ? 0m : null;
        var idle = rate is { } r && r > thresholds.IdleCash;
        var message = rate is not { } share ? "You have neither holdings nor cash yet."
            : idle ? $"Cash of {IndianFormat.Money(cash)} is {Pct(share)} of your holdings and cash together, above the {Pct(thresholds.IdleCash)} Spark names as idle."
            : $"Cash of {IndianFormat.Money(cash)} is {Pct(share)} of your holdings and cash together.";
        return new IdleCash(Money.Paisa(cash), rate, thresholds.IdleCash, idle, message);
    }

    /// <summary>
    /// The same flows into NIFTY 50 (a public-market-equivalent in the manner of Long and Nickels, 1996): each flow buys
    /// (a payment) or sells (a receipt) index units at that day's level, or the last earlier level on a day without one;
    /// flows before the first level Spark has use that first level (counted in <see cref="IndexComparison.FlowsBeforeFirstLevel"/>).
    /// The units left are valued at the latest level on or before today. Units can go below zero when the investor took out
    /// more than the index position was worth; the index value is then negative and its XIRR may not solve.
    /// </summary>
    public static IndexComparison Compare(IReadOnlyList<InsightHolding> holdings, Levels levels, DateOnly today, IReadOnlyList<ValuePoint> series)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(series);
        var flows = holdings.SelectMany(h => h.Flows).Where(f => f.Date <= today).OrderBy(f => f.Date).ToList();
        var value = Money.Paisa(holdings.Sum(h => h.CurrentValue));
        var notes = new List<string>();
        var portfolioXirr = Xirr.Solve(value > 0m ? [.. flows, new CashFlow(today, value)] : flows);
        var moneyIn = flows.Where(f => f.Amount < 0m).Sum(f => -f.Amount);
        var moneyOut = flows.Where(f => f.Amount > 0m).Sum(f => f.Amount);
        if (levels.Count == 0)
        {
            notes.Add("Spark has no NIFTY 50 levels yet, so there is no index to compare with.");
            return new IndexComparison(portfolioXirr.Rate, portfolioXirr.Note, null, "No index levels.", value, 0m, 0m, null, null,
                moneyIn, moneyOut, 0, [], notes);
        }

        var units = 0m;
        var early = 0;
        var unitsByDate = new List<(DateOnly Date, decimal Units)>();
        foreach (var f in flows)
        {
            var (level, _, before) = levels.At(f.Date);
            if (before) early++;
            units -= f.Amount / level;
            if (unitsByDate.Count > 0 && unitsByDate[^1].Date == f.Date) unitsByDate[^1] = (f.Date, units);
            else unitsByDate.Add((f.Date, units));
        }

        var (todayLevel, levelDate, _) = levels.At(today);
        var indexValue = Money.Paisa(units * todayLevel);
        var indexXirr = Xirr.Solve(indexValue != 0m ? [.. flows, new CashFlow(today, indexValue)] : flows);
        if (early > 0)
        {
            notes.Add($"{early} flow(s) came before Spark's first NIFTY 50 level ({levels.First:yyyy-MM-dd}) and were put into the index at that first level.");
        }
        if (levelDate < today) notes.Add($"The index is valued at its last level, of {levelDate:yyyy-MM-dd}.");
        if (units < 0m) notes.Add("You took out more than the same money in the index would have been worth, so the index position is below zero.");
        return new IndexComparison(portfolioXirr.Rate, portfolioXirr.Note, indexXirr.Rate, indexXirr.Note, value, indexValue, Math.Round(units, 6),
            Money.UnitPrice(todayLevel), levelDate, moneyIn, moneyOut, early, SeriesOf(flows.Count == 0 ? null : flows[0].Date, today, unitsByDate, levels, series, value, indexValue), notes);
    }

    /// <summary>
    /// A security against the index with the same money: its own flows into index units as in <see cref="Compare"/>, both
    /// valued at the end, which is today while anything is held and the last flow's date (the final sale) once it is not.
    /// Returns are absolute: (money out + value at the end − money in) ÷ money in. Null when nothing was ever paid in.
    /// </summary>
    public static HoldingVsIndex? AgainstIndex(InsightHolding holding, Levels levels, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(holding);
        ArgumentNullException.ThrowIfNull(levels);
        var flows = holding.Flows.Where(f => f.Date <= today).OrderBy(f => f.Date).ToList();
        var moneyIn = flows.Where(f => f.Amount < 0m).Sum(f => -f.Amount);
        if (flows.Count == 0 || moneyIn <= 0m) return null;
        var held = holding.Quantity > 0m;
        var end = held ? today : flows[^1].Date;
        var moneyOut = flows.Where(f => f.Amount > 0m).Sum(f => f.Amount);
        var ownEnd = held ? holding.CurrentValue : 0m;
        var rate = Money.Rate((moneyOut + ownEnd - moneyIn) / moneyIn);
        decimal? indexRate = null;
        if (levels.Count > 0)
        {
            var units = flows.Sum(f => -f.Amount / levels.At(f.Date).Level);
            var indexEnd = units * levels.At(end).Level;
            indexRate = Money.Rate((moneyOut + indexEnd - moneyIn) / moneyIn);
        }
        return new HoldingVsIndex(holding.Symbol, holding.Name, held, flows[0].Date, end, Money.Paisa(moneyIn), rate, indexRate,
            indexRate is { } i ? Money.Rate(rate - i) : null);
    }

    /// <summary>
    /// The year's section 112A gains and the exemption left, and the open lots worth less than they cost (cost with the
    /// buy's charges, value at the current price), short- or long-term by the tax rules' own classification for a sale today.
    /// Crypto lots are left out: section 115BBH lets no loss on them be set off.
    /// </summary>
    public static TaxFacts? TaxOf(IReadOnlyList<InsightHolding> holdings, TaxYearSoFar? year, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        if (year is null) return null;
        var lots = new List<LossLot>();
        foreach (var h in holdings.Where(h => h.Quantity > 0m && h.CurrentPrice is not null && h.Tax is not null && h.Type != SecurityType.Crypto))
        {
            foreach (var (platform, lot) in h.Lots)
            {
                var value = Money.Paisa(lot.Quantity * h.CurrentPrice!.Value);
                if (value >= lot.Cost) continue;
                var (cls, _, _) = CapitalGainsEngine.Classify(h.Tax!, lot.Date, today);
                var term = cls is GainClass.EquityLongTerm or GainClass.OtherLongTerm ? "long_term" : "short_term";
                lots.Add(new LossLot(h.Symbol, platform, lot.Date, lot.Quantity, lot.Cost, value, Money.Paisa(lot.Cost - value), term));
            }
        }

        lots = [.. lots.OrderByDescending(l => l.Loss).ThenBy(l => l.Symbol, StringComparer.Ordinal).ThenBy(l => l.BoughtOn)];
        var left = Math.Max(year.ExemptionLimit - year.ExemptionUsed, 0m);
        var notes = new List<string>
        {
            $"Long-term equity gains realised in FY {year.Year.Label} so far: {IndianFormat.Money(year.LongTermGains)}; {IndianFormat.Money(left)} of the {IndianFormat.Money(year.ExemptionLimit, decimals: 0)} section 112A exemption is left.",
            "These are facts from your ledger, not advice: a short-term loss may be set off against short- or long-term gains, a long-term loss only against long-term gains (sections 70 and 74).",
        };
        if (lots.Count > 0)
        {
            notes.Add($"{lots.Count} open lot(s) are worth {IndianFormat.Money(lots.Sum(l => l.Loss))} less than they cost at today's prices.");
        }
        return new TaxFacts(year.Year.Label, Money.Paisa(year.LongTermGains), year.ExemptionLimit, Money.Paisa(year.ExemptionUsed), Money.Paisa(left),
            lots, Money.Paisa(lots.Sum(l => l.Loss)), notes);
    }

    /// <summary>NIFTY 50 levels sorted by date, with "the level on this day or the last earlier one".</summary>
    public sealed class Levels
    {
        private readonly DateOnly[] dates;
        private readonly decimal[] values;

        private Levels(DateOnly[] dates, decimal[] values)
        {
            this.dates = dates;
            this.values = values;
        }

        public int Count => dates.Length;

        public DateOnly First => dates[0];

        public static Levels Of(IReadOnlyDictionary<DateOnly, double> levels)
        {
            ArgumentNullException.ThrowIfNull(levels);
            var ordered = levels.Where(l => double.IsFinite(l.Value) && l.Value > 0).OrderBy(l => l.Key).ToArray();
            return new Levels([.. ordered.Select(l => l.Key)], [.. ordered.Select(l => (decimal)l.Value)]);
        }

        /// <summary>The level of <paramref name="date"/>, or the last before it; before the first level, the first (BeforeFirst true).</summary>
        public (decimal Level, DateOnly Date, bool BeforeFirst) At(DateOnly date)
        {
            var i = Array.BinarySearch(dates, date);
            if (i >= 0) return (values[i], dates[i], false);
            i = ~i - 1;
            return i < 0 ? (values[0], dates[0], true) : (values[i], dates[i], false);
        }
    }

    private static List<ComparisonPoint> SeriesOf(DateOnly? first, DateOnly today, List<(DateOnly Date, decimal Units)> unitsByDate, Levels levels,
        IReadOnlyList<ValuePoint> series, decimal value, decimal indexValue)
    {
        var points = new List<ComparisonPoint>();
        if (first is not { } start) return points;
        var byDate = series.ToDictionary(p => p.Date, p => p.Value);
        // Month ends from the first flow's month, then today: a 10-year ledger is ~120 points, enough for a line.
        var month = new DateOnly(start.Year, start.Month, 1).AddMonths(1).AddDays(-1);
        var u = 0;
        var units = 0m;
        decimal lastPortfolio = 0m;
        for (var d = month; d < today; d = new DateOnly(d.Year, d.Month, 1).AddMonths(2).AddDays(-1))
        {
            while (u < unitsByDate.Count && unitsByDate[u].Date <= d) units = unitsByDate[u++].Units;
            var portfolio = ValueOn(byDate, series, d, ref lastPortfolio);
            points.Add(new ComparisonPoint(d, portfolio, Money.Paisa(units * levels.At(d).Level)));
        }
        points.Add(new ComparisonPoint(today, value, indexValue));
        return points;
    }

    private static decimal ValueOn(Dictionary<DateOnly, decimal> byDate, IReadOnlyList<ValuePoint> series, DateOnly date, ref decimal last)
    {
        if (byDate.TryGetValue(date, out var v)) return last = v;
        // The series is daily from the first transaction; a date outside it keeps the last known value (0 before it).
        return series.Count > 0 && date > series[^1].Date ? series[^1].Value : last;
    }

    private static List<InsightFact> Facts(Concentration c, RiskFit fit, IdleCash cash, IndexComparison index, TaxFacts? tax, MarketBreadth? breadth)
    {
        var facts = new List<InsightFact> { new("Holdings value", c.HoldingsValue, "INR") };
        if (c.Largest is { } largest) facts.Add(new($"Largest holding weight ({largest.Label})", largest.Rate, "fraction"));
        foreach (var s in c.Sectors) facts.Add(new($"Sector weight ({s.Label})", s.Rate, "fraction"));
        if (c.HhiBySecurity is { } h) facts.Add(new("Herfindahl index by security", h, "index 0-1"));
        if (c.HhiBySector is { } hs) facts.Add(new("Herfindahl index by sector", hs, "index 0-1"));
        if (fit.EquityRate is { } e) facts.Add(new("Equity share of holdings", e, "fraction"));
        if (fit.CeilingRate is { } ceiling) facts.Add(new("Equity ceiling of the risk profile", ceiling, "fraction"));
        facts.Add(new("Cash balance", cash.Cash, "INR"));
        if (cash.Rate is { } r) facts.Add(new("Cash share of holdings and cash", r, "fraction"));
        if (index.PortfolioXirr is { } px) facts.Add(new("Portfolio XIRR", px, "fraction a year"));
        if (index.IndexXirr is { } ix) facts.Add(new("Same flows into NIFTY 50, XIRR", ix, "fraction a year"));
        facts.Add(new("Same flows into NIFTY 50, value today", index.IndexValue, "INR"));
        facts.Add(new("Money put in", index.MoneyIn, "INR"));
        facts.Add(new("Money taken out", index.MoneyOut, "INR"));
        if (tax is not null)
        {
            facts.Add(new("Long-term equity gains this financial year", tax.LongTermGains, "INR"));
            facts.Add(new("Section 112A exemption left", tax.ExemptionLeft, "INR"));
            facts.Add(new("Unrealised losses in open lots", tax.TotalLoss, "INR"));
        }
        if (breadth is not null)
        {
            facts.Add(new("Advancing securities", breadth.Advancing, "count"));
            facts.Add(new("Declining securities", breadth.Declining, "count"));
        }
        return facts;
    }

    private static bool IsEquityLike(InsightHolding h) => h.Type == SecurityType.Crypto || (h.Tax?.EquityOriented ?? h.Type == SecurityType.Stock);

    private static string SectorOf(InsightHolding h) =>
        !string.IsNullOrWhiteSpace(h.Sector) ? h.Sector : h.Type switch
        {
            SecurityType.MutualFund => "Mutual funds",
            SecurityType.Etf => "ETFs",
            SecurityType.Crypto => "Crypto",
            SecurityType.Bond => "Bonds",
            _ => "Unclassified",
        };

    private static string Pct(decimal rate) => IndianFormat.Percent(rate, decimals: 1);

    private static string Equivalent(decimal hhi) => (1m / hhi).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
