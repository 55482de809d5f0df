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
    XirrResult Xirr)
{
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
/// FIFO, XIRR and TWR for a whole portfolio in one forward pass over the calendar. Every holding's FIFO book is
/// advanced day by day while its quantity is valued at that day's close, so the daily series for the TWR and the
/// chart come out of the same walk that produces the positions. Prices are shared read-only series.
/// </summary>
public static class PortfolioEngine
{
    /// <param name="holdings">Each holding's entries; entries of one date keep their order.</param>
    /// <param name="valuationDate">Today in Asia/Kolkata: the last day of the series, valued at the live quote.</param>
    /// <param name="history">Daily closes of a security, or null when none are stored.</param>
    /// <param name="quotes">Live prices by security.</param>
    /// <param name="withSeries">False to skip the daily series and the TWR (totals and XIRR only).</param>
    /// <exception cref="InsufficientHoldingsException">A holding's ledger sells more than it holds.</exception>
    public static PortfolioResult Compute(
        IReadOnlyList<HoldingLedger> holdings,
        DateOnly valuationDate,
        Func<Guid, PriceSeries?> history,
        IReadOnlyDictionary<Guid, Quote> quotes,
        bool withSeries = true)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(quotes);

        var first = DateOnly.MaxValue;
        foreach (var h in holdings)
        {
            foreach (var e in h.Entries)
            {
                if (e.Date < first) first = e.Date;
            }
        }

        var days = withSeries && first <= valuationDate ? valuationDate.DayNumber - first.DayNumber + 1 : 0;
        var value = new decimal[days];
        var invested = new decimal[days];
        var moneyIn = new decimal[days];
        var moneyOut = new decimal[days];
        var flows = new Dictionary<DateOnly, decimal>();
        var results = new List<HoldingResult>(holdings.Count);

        foreach (var holding in holdings)
        {
            results.Add(Walk(holding, first, days, valuationDate, history(holding.SecurityId), quotes, value, invested, moneyIn, moneyOut, flows));
        }

        var currentValue = results.Sum(r => r.CurrentValue);
        var dayChange = results.Sum(r => r.DayChange);
        var portfolioFlows = flows.Select(f => new CashFlow(f.Key, f.Value)).ToList();
        if (currentValue > 0m)
        {
            portfolioFlows.Add(new CashFlow(valuationDate, currentValue));
        }

        var series = new List<ValuePoint>(days);
        var valuations = new List<DailyValuation>(days);
        for (var i = 0; i < days; i++)
        {
            var date = first.AddDays(i);
            series.Add(new ValuePoint(date, Money.Paisa(value[i]), Money.Paisa(invested[i])));
            valuations.Add(new DailyValuation(date, value[i], moneyIn[i], moneyOut[i]));
        }

        var previousValue = currentValue - dayChange;
        return new PortfolioResult(
            results,
            results.Sum(r => r.Position.InvestedAmount),
            currentValue,
            results.Sum(r => r.Position.RealizedPnl),
            results.Sum(r => r.Position.Income),
            dayChange,
            previousValue > 0m ? Money.Rate(dayChange / previousValue) : null,
            Xirr.Solve(portfolioFlows),
            days > 0 ? TimeWeightedReturn.Compute(valuations) : null,
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

    private static HoldingResult Walk(
        HoldingLedger holding, DateOnly first, int days, DateOnly valuationDate, PriceSeries? history,
        IReadOnlyDictionary<Guid, Quote> quotes, decimal[] value, decimal[] invested, decimal[] moneyIn, decimal[] moneyOut,
        Dictionary<DateOnly, decimal> portfolioFlows)
    {
        var entries = holding.Entries.OrderBy(e => e.Date).ToList();
        var book = new FifoBook();
        var flows = new List<CashFlow>(entries.Count + 1);
        var cursor = (history ?? PriceSeries.Empty).Start();
        decimal? lastTradePrice = null;
        var next = 0;
        var hasQuote = quotes.TryGetValue(holding.SecurityId, out var quote);

        // Days before the holding's first entry hold nothing; after the last entry with nothing held, neither.
        var start = entries.Count == 0 ? days : entries[0].Date.DayNumber - first.DayNumber;
        for (var i = Math.Max(start, 0); i < days; i++)
        {
            var day = first.DayNumber + i;
            while (next < entries.Count && entries[next].Date.DayNumber == day)
            {
                var e = entries[next++];
                Apply(book, e, flows, portfolioFlows, ref lastTradePrice, out var cashIn, out var cashOut);
                moneyIn[i] += cashIn;
                moneyOut[i] += cashOut;
            }

            if (book.Quantity == 0m)
            {
                if (next == entries.Count) break;
                continue;
            }

            var close = i == days - 1 && hasQuote ? quote.Price : cursor.At(day) ?? lastTradePrice ?? 0m;
            value[i] += book.Quantity * close;
            invested[i] += book.Cost;
        }

        // Entries the walk did not reach: no series asked for, or dated after the valuation date.
        while (next < entries.Count)
        {
            Apply(book, entries[next++], flows, portfolioFlows, ref lastTradePrice, out _, out _);
        }

        var position = book.ToPosition();
        decimal? price = hasQuote ? quote.Price : history?.LastClose ?? lastTradePrice;
        var currentValue = price is { } p ? Money.Paisa(position.Quantity * p) : 0m;
        var dayChange = 0m;
        decimal? dayChangeRate = null;
        if (hasQuote && quote.PreviousClose is { } previous && previous > 0m && position.Quantity > 0m)
        {
            dayChange = Money.Paisa(position.Quantity * (quote.Price - previous));
            dayChangeRate = Money.Rate((quote.Price - previous) / previous);
        }

        if (currentValue > 0m)
        {
            flows.Add(new CashFlow(valuationDate, currentValue));
        }

        return new HoldingResult(holding.InvestmentId, holding.SecurityId, position, price, currentValue, dayChange, dayChangeRate,
            Xirr.Solve(flows));
    }

    private static void Apply(FifoBook book, LedgerEntry e, List<CashFlow> flows, Dictionary<DateOnly, decimal> portfolioFlows,
        ref decimal? lastTradePrice, out decimal cashIn, out decimal cashOut)
    {
        book.Apply(e);
        cashIn = 0m;
        cashOut = 0m;
        switch (e.Type)
        {
            case LedgerEntryType.Buy or LedgerEntryType.Sip:
                cashIn = e.GrossValue + e.Charges;
                lastTradePrice = e.Quantity > 0m ? e.GrossValue / e.Quantity : lastTradePrice;
                break;
            case LedgerEntryType.Sell:
                cashOut = e.GrossValue - e.Charges;
                lastTradePrice = e.GrossValue / e.Quantity;
                break;
            case LedgerEntryType.Dividend or LedgerEntryType.Interest:
                cashOut = e.GrossValue - e.Charges;
                break;
            case LedgerEntryType.Split:
                // Older trade prices are in the old units: restate them so a holding without market data keeps its value.
                lastTradePrice = lastTradePrice * e.RatioOld / e.RatioNew;
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
