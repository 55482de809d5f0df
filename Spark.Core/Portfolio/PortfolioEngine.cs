using Spark.Core.Market;

namespace Spark.Core.Portfolio;

/// <summary>The ledger of one holding (one security on one platform), as the engine reads it.</summary>
public sealed record HoldingLedger(Guid InvestmentId, Guid SecurityId, IReadOnlyList<LedgerEntry> Entries);

/// <summary>One holding after the engine ran: its FIFO position valued at the live price.</summary>
public sealed record HoldingResult(
    Guid InvestmentId,
    Guid SecurityId,
    HoldingPosition Position,
    decimal? CurrentPrice,
    decimal CurrentValue,
    decimal DayChange,
    decimal? DayChangeRate,
    XirrResult Xirr,
    IReadOnlyList<CashFlow>? Flows = null)
{
    /// <summary>The holding's cash flows behind <see cref="Xirr"/>, ending with its current value on the valuation date when anything is held.</summary>
    public IReadOnlyList<CashFlow> Flows { get; init; } = Flows ?? [];

    public decimal UnrealizedPnl => CurrentValue - Position.InvestedAmount;

    /// <summary>Price return of the open lots: unrealized P&amp;L over their cost.</summary>
    public decimal? ReturnsRate => Position.InvestedAmount == 0m ? null : Money.Rate(UnrealizedPnl / Position.InvestedAmount);
}

/// <summary>A point of the value-over-time chart: market value and cost of the open lots at the end of a day.</summary>
public readonly record struct ValuePoint(DateOnly Date, decimal Value, decimal Invested);

/// <summary>The whole portfolio: totals, returns and (when asked for) the daily series behind the TWR and the chart.</summary>
public sealed record PortfolioResult(
    IReadOnlyList<HoldingResult> Holdings,
    decimal Invested,
    decimal CurrentValue,
    decimal RealizedPnl,
    decimal Income,
    decimal DayChange,
    decimal? DayChangeRate,
    XirrResult Xirr,
    decimal? Twr,
    IReadOnlyList<ValuePoint> Series,
    IReadOnlyList<DailyValuation> Days)
{
    public decimal UnrealizedPnl => CurrentValue - Invested;

    public decimal? ReturnsRate => Invested == 0m ? null : Money.Rate(UnrealizedPnl / Invested);

    /// <summary>Price gains realized and unrealized plus income: what the investor is better off by.</summary>
    public decimal TotalReturn => UnrealizedPnl + RealizedPnl + Income;
}

/// <summary>
/// Everything about a portfolio that does not depend on today's live prices: FIFO positions, cash flows and the
/// daily values up to today at stored closes. Prices move every second while the ledger does not, so this is
/// computed once per ledger change and <see cref="PortfolioEngine.Value"/> applies the live quotes to it.
/// </summary>
public sealed class PortfolioAnalysis
{
    internal PortfolioAnalysis(DateOnly first, DateOnly valuationDate, HoldingAnalysis[] holdings, decimal[] value, decimal[] invested,
        decimal[] moneyIn, decimal[] moneyOut, Dictionary<DateOnly, decimal> flows)
    {
        First = first;
        ValuationDate = valuationDate;
        Holdings = holdings;
        Value = value;
        Invested = invested;
        MoneyIn = moneyIn;
        MoneyOut = moneyOut;
        Flows = flows;
    }

    public DateOnly ValuationDate { get; }

    /// <summary>Days in the series (0 when it was not asked for, or there are no transactions).</summary>
    public int DayCount => Value.Length;

    internal DateOnly First { get; }

    internal HoldingAnalysis[] Holdings { get; }

    internal decimal[] Value { get; }

    internal decimal[] Invested { get; }

    internal decimal[] MoneyIn { get; }

    internal decimal[] MoneyOut { get; }

    internal Dictionary<DateOnly, decimal> Flows { get; }

    private SettledDays? _settled;

    /// <summary>
    /// Every day of the series but the last, built once per analysis and shared by every valuation of it: only the last
    /// day moves with live prices, so the screens of one investor (each dashboard circuit values the cached analysis
    /// anew) hold one copy of the history instead of one each (decision 0068). Built on first use; two racing builders
    /// build equal arrays and one wins.
    /// </summary>
    internal SettledDays Settled
    {
        get
        {
            if (Volatile.Read(ref _settled) is { } built) return built;
            var days = DayCount - 1;
            var points = new ValuePoint[Math.Max(0, days)];
            var valuations = new DailyValuation[points.Length];
            for (var i = 0; i < points.Length; i++)
            {
                var date = First.AddDays(i);
                points[i] = new ValuePoint(date, Money.Paisa(Value[i]), Money.Paisa(Invested[i]));
                valuations[i] = new DailyValuation(date, Value[i], MoneyIn[i], MoneyOut[i]);
            }

            var settled = new SettledDays(points, valuations);
            return Interlocked.CompareExchange(ref _settled, settled, null) ?? settled;
        }
    }

    internal sealed record SettledDays(ValuePoint[] Points, DailyValuation[] Valuations);
}

/// <summary>A read-only list made of a shared array and one last item of its own (an analysis's settled days and today).</summary>
public sealed class SharedPrefixList<T>(T[] prefix, T last) : IReadOnlyList<T>
{
    public int Count => prefix.Length + 1;

    /// <summary>The shared part: the same instance in every list built on it.</summary>
    public IReadOnlyList<T> Shared => prefix;

    public T this[int index] => (uint)index < (uint)prefix.Length ? prefix[index]
        : index == prefix.Length ? last : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<T> GetEnumerator()
    {
        foreach (var item in prefix) yield return item;
        yield return last;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <param name="SeriesPrice">The price the series valued the last day at (replaced by the live price in Value).</param>
internal sealed record HoldingAnalysis(Guid InvestmentId, Guid SecurityId, HoldingPosition Position, List<CashFlow> Flows,
    decimal? LastClose, decimal? LastTradePrice, decimal? SeriesPrice);

/// <summary>
/// FIFO, XIRR and TWR for a whole portfolio. <see cref="Analyze"/> walks every holding's FIFO book forward day by
/// day while valuing its quantity at that day's close, so the daily series for the TWR and the chart come out of
/// the same pass that produces the positions; <see cref="Value"/> then prices the result at live quotes.
/// </summary>
public static class PortfolioEngine
{
    // Daily values are summed exactly in fixed point: units to 8 decimals × prices to 4 decimals, in Int128.
    private const decimal QuantityScale = 100_000_000m;
    private const decimal PriceScale = 10_000m;
    private const decimal ValueScale = QuantityScale * PriceScale;

    /// <summary>Both steps at once: the analysis and its valuation.</summary>
    /// <exception cref="InsufficientHoldingsException">A holding's ledger sells more than it holds.</exception>
    public static PortfolioResult Compute(IReadOnlyList<HoldingLedger> holdings, DateOnly valuationDate, Func<Guid, PriceSeries?> history,
        IReadOnlyDictionary<Guid, Quote> quotes, bool withSeries = true) =>
        Value(Analyze(holdings, valuationDate, history, withSeries), quotes, withSeries);

    /// <param name="holdings">Each holding's entries; entries of one date keep their order.</param>
    /// <param name="valuationDate">Today in Asia/Kolkata: the last day of the series.</param>
    /// <param name="history">Daily closes of a security, or null when none are stored.</param>
    /// <param name="withSeries">False to skip the daily series and the TWR (totals and XIRR only).</param>
    /// <exception cref="InsufficientHoldingsException">A holding's ledger sells more than it holds.</exception>
    public static PortfolioAnalysis Analyze(IReadOnlyList<HoldingLedger> holdings, DateOnly valuationDate, Func<Guid, PriceSeries?> history,
        bool withSeries = true)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        ArgumentNullException.ThrowIfNull(history);

        var first = DateOnly.MaxValue;
        foreach (var h in holdings)
        {
            foreach (var e in h.Entries)
            {
                if (e.Date < first) first = e.Date;
            }
        }

        var days = withSeries && first <= valuationDate ? valuationDate.DayNumber - first.DayNumber + 1 : 0;

        // Each holding adds the change of its value on the days its quantity or price changes; one running sum
        // over the days then gives the portfolio's value, so quiet days cost a comparison, not a multiplication.
        var valueDelta = new Int128[days + 1];
        var investedDelta = new decimal[days + 1];
        var moneyIn = new decimal[days];
        var moneyOut = new decimal[days];
        var flows = new Dictionary<DateOnly, decimal>();
        var results = new HoldingAnalysis[holdings.Count];
        for (var h = 0; h < holdings.Count; h++)
        {
            results[h] = Walk(holdings[h], first, days, history(holdings[h].SecurityId), valueDelta, investedDelta, moneyIn, moneyOut, flows);
        }

        var values = new decimal[days];
        var invested = new decimal[days];
        Int128 runningValue = 0;
        var runningInvested = 0m;
        for (var i = 0; i < days; i++)
        {
            runningValue += valueDelta[i];
            runningInvested += investedDelta[i];
            values[i] = (decimal)runningValue / ValueScale;
            invested[i] = runningInvested;
        }

        return new PortfolioAnalysis(first, valuationDate, results, values, invested, moneyIn, moneyOut, flows);
    }

    /// <summary>Prices an analysis at live quotes: current values, day change, XIRR with today's value as the final flow, TWR.</summary>
    public static PortfolioResult Value(PortfolioAnalysis analysis, IReadOnlyDictionary<Guid, Quote> quotes, bool withSeries = true)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(quotes);
        var results = new List<HoldingResult>(analysis.Holdings.Length);
        var liveValue = 0m;
        var storedValue = 0m;
        foreach (var h in analysis.Holdings)
        {
            var hasQuote = quotes.TryGetValue(h.SecurityId, out var quote);
            decimal? price = hasQuote ? quote.Price : h.LastClose ?? h.LastTradePrice;
            var quantity = h.Position.Quantity;
            var currentValue = price is { } p ? Money.Paisa(quantity * p) : 0m;
            if (price is { } live) liveValue += quantity * live;
            if (h.SeriesPrice is { } stored) storedValue += quantity * stored;
            var dayChange = 0m;
            decimal? dayChangeRate = null;
            if (hasQuote && quote.PreviousClose is { } previous && previous > 0m && quantity > 0m)
            {
                dayChange = Money.Paisa(quantity * (quote.Price - previous));
                dayChangeRate = Money.Rate((quote.Price - previous) / previous);
            }

            var flows = h.Flows;
            if (currentValue > 0m)
            {
                flows = [.. h.Flows, new CashFlow(analysis.ValuationDate, currentValue)];
            }

            results.Add(new HoldingResult(h.InvestmentId, h.SecurityId, h.Position, price, currentValue, dayChange, dayChangeRate, Xirr.Solve(flows), flows));
        }

        var currentTotal = results.Sum(r => r.CurrentValue);
        var dayTotal = results.Sum(r => r.DayChange);
        var portfolioFlows = analysis.Flows.Select(f => new CashFlow(f.Key, f.Value)).ToList();
        if (currentTotal > 0m)
        {
            portfolioFlows.Add(new CashFlow(analysis.ValuationDate, currentTotal));
        }

        IReadOnlyList<ValuePoint> series = [];
        IReadOnlyList<DailyValuation> valuations = [];
        if (withSeries && analysis.DayCount > 0)
        {
            var last = analysis.DayCount - 1;
            var date = analysis.First.AddDays(last);
            // The walk valued today at the stored close; today is worth what the live prices say.
            var v = Math.Max(0m, analysis.Value[last] - storedValue + liveValue);
            var settled = analysis.Settled;
            series = new SharedPrefixList<ValuePoint>(settled.Points, new ValuePoint(date, Money.Paisa(v), Money.Paisa(analysis.Invested[last])));
            valuations = new SharedPrefixList<DailyValuation>(settled.Valuations, new DailyValuation(date, v, analysis.MoneyIn[last], analysis.MoneyOut[last]));
        }

        var previousTotal = currentTotal - dayTotal;
        return new PortfolioResult(
            results,
            results.Sum(r => r.Position.InvestedAmount),
            currentTotal,
            results.Sum(r => r.Position.RealizedPnl),
            results.Sum(r => r.Position.Income),
            dayTotal,
            previousTotal > 0m ? Money.Rate(dayTotal / previousTotal) : null,
            Xirr.Solve(portfolioFlows),
            valuations.Count > 0 ? TimeWeightedReturn.Compute(valuations) : null,
            series,
            valuations);
    }

    /// <summary>
    /// The TWR of a sub-period: the value at the end of the day before <paramref name="from"/> is the starting
    /// money, as if invested at the start of the period.
    /// </summary>
    public static decimal? TwrBetween(IReadOnlyList<DailyValuation> days, DateOnly? from, DateOnly? to)
    {
        ArgumentNullException.ThrowIfNull(days);
        var slice = new List<DailyValuation>();
        DailyValuation? before = null;
        foreach (var day in days)
        {
            if (from is { } f && day.Date < f)
            {
                before = day;
                continue;
            }

            if (to is { } t && day.Date > t) break;
            slice.Add(day);
        }

        if (before is { } b && b.Value > 0m)
        {
            slice.Insert(0, new DailyValuation(b.Date, b.Value, b.Value, 0m));
        }

        return slice.Count == 0 ? null : TimeWeightedReturn.Compute(slice);
    }

    /// <summary>
    /// The XIRR of a window (api.md, "XIRR of a window"): the holdings' value at the start of <paramref name="from"/>
    /// (the value at the end of the day before) counts as money paid in on <paramref name="from"/>, the money in and out
    /// on the days of the window as usual, and the value at the end of <paramref name="to"/> as money received that day.
    /// A window that starts before the first transaction starts with nothing held, so it pays nothing in on
    /// <paramref name="from"/>; a window that ends after the last day of <paramref name="days"/> ends on that day.
    /// </summary>
    /// <param name="days">The portfolio's days in date order, one a date, as <see cref="PortfolioResult.Days"/> gives them.</param>
    public static XirrResult XirrBetween(IReadOnlyList<DailyValuation> days, DateOnly? from, DateOnly? to)
    {
        ArgumentNullException.ThrowIfNull(days);
        var flows = new List<CashFlow>();
        DailyValuation? before = null;
        DailyValuation? last = null;
        foreach (var day in days)
        {
            if (from is { } f && day.Date < f)
            {
                before = day;
                continue;
            }

            if (to is { } t && day.Date > t) break;
            var flow = day.MoneyOut - day.MoneyIn;
            if (flow != 0m) flows.Add(new CashFlow(day.Date, flow));
            last = day;
        }

        if (last is not { } end)
        {
            return new XirrResult(null, before is null ? Xirr.NothingInvestedNote : WindowAfterValuationNote);
        }

        if (before is { } b && b.Value > 0m)
        {
            flows.Insert(0, new CashFlow(from!.Value, -Money.Paisa(b.Value)));
        }

        if (end.Value > 0m)
        {
            flows.Add(new CashFlow(end.Date, Money.Paisa(end.Value)));
        }

        return Xirr.Solve(flows);
    }

    /// <summary>
    /// The absolute return of a window, for periods under a year (api.md: screens show it instead of XIRR): the gain,
    /// value at the end + money out − value at the start − money in, over what was in play, value at the start + money in.
    /// </summary>
    /// <returns>The return as a fraction, or null when nothing was held or put in during the window.</returns>
    public static decimal? AbsoluteReturnBetween(IReadOnlyList<DailyValuation> days, DateOnly? from, DateOnly? to)
    {
        ArgumentNullException.ThrowIfNull(days);
        decimal start = 0m, moneyIn = 0m, moneyOut = 0m;
        DailyValuation? last = null;
        foreach (var day in days)
        {
            if (from is { } f && day.Date < f)
            {
                start = day.Value;
                continue;
            }

            if (to is { } t && day.Date > t) break;
            moneyIn += day.MoneyIn;
            moneyOut += day.MoneyOut;
            last = day;
        }

        var basis = start + moneyIn;
        return last is { } end && basis > 0m ? Money.Rate((end.Value + moneyOut - basis) / basis) : null;
    }

    /// <summary>Why a window that starts after the last valued day has no XIRR.</summary>
    public const string WindowAfterValuationNote = "The period starts after the last day Spark has valued, so there is no return to show for it yet.";

    private static HoldingAnalysis Walk(HoldingLedger holding, DateOnly first, int days, PriceSeries? history, Int128[] valueDelta,
        decimal[] investedDelta, decimal[] moneyIn, decimal[] moneyOut, Dictionary<DateOnly, decimal> portfolioFlows)
    {
        var entries = holding.Entries.OrderBy(e => e.Date).ToList();
        var book = new FifoBook();
        var flows = new List<CashFlow>(entries.Count + 1);
        var cursor = (history ?? PriceSeries.Empty).Start();
        decimal? lastTradePrice = null;
        var next = 0;
        var quantityScaled = 0L;
        var barIndex = -1;
        decimal? price = null;
        var priceScaled = 0L;
        Int128 product = 0;
        var cost = 0m;
        decimal? seriesPrice = null;

        // Days before the holding's first entry hold nothing; after the last entry with nothing held, neither.
        var start = entries.Count == 0 ? days : entries[0].Date.DayNumber - first.DayNumber;
        for (var i = Math.Max(start, 0); i < days; i++)
        {
            var day = first.DayNumber + i;
            var changed = false;
            if (next < entries.Count && entries[next].Date.DayNumber == day)
            {
                while (next < entries.Count && entries[next].Date.DayNumber == day)
                {
                    Apply(book, entries[next++], flows, portfolioFlows, ref lastTradePrice, out var cashIn, out var cashOut);
                    moneyIn[i] += cashIn;
                    moneyOut[i] += cashOut;
                }

                quantityScaled = Scale(book.Quantity, QuantityScale);
                investedDelta[i] += book.Cost - cost;
                cost = book.Cost;
                changed = true;
            }

            var index = cursor.IndexAt(day);
            if (index != barIndex || (index < 0 && changed))
            {
                barIndex = index;
                price = index >= 0 ? cursor.CloseAt(index) : lastTradePrice;
                priceScaled = price is { } c ? Scale(c, PriceScale) : 0L;
                changed = true;
            }

            if (changed)
            {
                var now = (Int128)quantityScaled * priceScaled;
                valueDelta[i] += now - product;
                product = now;
            }

            if (quantityScaled == 0L && next == entries.Count) break;
            if (i == days - 1) seriesPrice = price;
        }

        // Entries the walk did not reach: no series asked for, or dated after the valuation date.
        while (next < entries.Count)
        {
            Apply(book, entries[next++], flows, portfolioFlows, ref lastTradePrice, out _, out _);
        }

        return new HoldingAnalysis(holding.InvestmentId, holding.SecurityId, book.ToPosition(), flows,
            history?.LastClose, lastTradePrice, seriesPrice);
    }

    private static long Scale(decimal amount, decimal scale) => (long)decimal.Round(amount * scale, MidpointRounding.AwayFromZero);

    private static void Apply(FifoBook book, LedgerEntry e, List<CashFlow> flows, Dictionary<DateOnly, decimal> portfolioFlows,
        ref decimal? lastTradePrice, out decimal cashIn, out decimal cashOut)
    {
        var heldBefore = book.Quantity;
        book.Apply(e);
        cashIn = 0m;
        cashOut = 0m;
        switch (e.Type)
        {
            case LedgerEntryType.Buy or LedgerEntryType.Sip:
                cashIn = e.GrossValue + e.Charges;
                lastTradePrice = e.GrossValue / e.Quantity;
                break;
            case LedgerEntryType.Sell:
                cashOut = e.GrossValue - e.Charges;
                lastTradePrice = e.GrossValue / e.Quantity;
                break;
            case LedgerEntryType.Dividend or LedgerEntryType.Interest:
                cashOut = e.GrossValue - e.Charges;
                break;
            case LedgerEntryType.Split or LedgerEntryType.Bonus when book.Quantity > 0m:
                // Older trade prices are in the old units: restate them so a holding without market data keeps its value.
                lastTradePrice = lastTradePrice * heldBefore / book.Quantity;
                break;
        }

        var flow = cashOut - cashIn;
        if (flow != 0m)
        {
            flows.Add(new CashFlow(e.Date, flow));
            portfolioFlows[e.Date] = portfolioFlows.GetValueOrDefault(e.Date) + flow;
        }
    }
}
