using Spark.Core.Formatting;

namespace Spark.Core.AutoInvest;

public enum BacktestStatus
{
    /// <summary>Simulated over at least two common dates; the figures that need longer history may still be null.</summary>
    Complete,

    /// <summary>Some instruments have prices, but their histories overlap on fewer than two dates.</summary>
    InsufficientHistory,

    /// <summary>No instrument of the strategy has stored prices (or no class has a basket).</summary>
    NoHistory,
}

/// <summary>An instrument the backtest held and its share of the portfolio at every rebalance.</summary>
public sealed record BacktestInstrument(string AssetClass, string Symbol, decimal Weight);

/// <summary>What a backtest needs: the strategy's allocation and frequency, each class's basket and daily closes by symbol.</summary>
/// <param name="Closes">Daily closes per symbol, in increasing date order.</param>
public sealed record BacktestInput(
    IReadOnlyDictionary<string, decimal> Allocation,
    RebalancingFrequency Frequency,
    Func<string, IReadOnlyList<BasketItem>> BasketFor,
    IReadOnlyDictionary<string, IReadOnlyList<(DateOnly Date, decimal Close)>> Closes);

/// <summary>A simulated history of a strategy; rates are fractions, <see cref="MaxDrawdown"/> zero or negative.</summary>
public sealed record BacktestResult(
    BacktestStatus Status,
    decimal InitialAmount,
    DateOnly? StartDate,
    DateOnly? EndDate,
    decimal? Years,
    decimal? FinalValue,
    decimal? TotalReturnRate,
    decimal? Cagr,
    decimal? Volatility,
    Drawdown? MaxDrawdown,
    YearReturn? BestYear,
    YearReturn? WorstYear,
    IReadOnlyList<YearReturn> YearlyReturns,
    IReadOnlyList<BacktestPoint> Growth,
    IReadOnlyList<BacktestInstrument> Instruments,
    int Rebalances,
    IReadOnlyList<string> Notes);

/// <summary>
/// Simulates ₹10,000 put into a strategy at the start of its instruments' common history and rebalanced to the
/// target weights at the first date of every month, quarter or year (decision 0031). No costs, taxes or cash drag:
/// units are fractional and every rebalance trades at that day's close.
/// </summary>
public static class Backtest
{
    public const decimal InitialAmount = 10_000m;

    public static BacktestResult Run(BacktestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var notes = new List<string>();
        var legs = Legs(input, notes);
        if (legs.Count == 0)
        {
            notes.Add("None of the strategy's instruments has stored prices, so there is nothing to simulate yet.");
            return Empty(BacktestStatus.NoHistory, null, null, legs, notes);
        }

        var start = legs.Max(l => l.Closes[0].Date);
        var end = legs.Min(l => l.Closes[^1].Date);
        var latestStarter = legs.MaxBy(l => l.Closes[0].Date)!;
        if (legs.Any(l => l.Closes[0].Date < start))
        {
            notes.Add($"The common history starts on {start:yyyy-MM-dd}, the first day {latestStarter.Symbol} has a price.");
        }
        if (legs.Any(l => l.Closes[^1].Date > end))
        {
            notes.Add($"The history ends on {end:yyyy-MM-dd}, the last day {legs.MinBy(l => l.Closes[^1].Date)!.Symbol} has a price.");
        }
        if (start >= end)
        {
            notes.Add("The instruments' histories overlap on fewer than two days: there is no period to measure.");
            return Empty(BacktestStatus.InsufficientHistory, start, end, legs, notes);
        }

        var (values, rebalances) = Simulate(legs, input.Frequency, start, end);
        var years = BacktestMetrics.Years(start, end);
        decimal? cagr = null;
        if (end.DayNumber - start.DayNumber >= BacktestMetrics.DaysPerYear)
        {
            cagr = BacktestMetrics.Cagr(InitialAmount, values[^1].Value, years);
        }
        else
        {
            notes.Add("Less than a year of common history: no CAGR, because annualising a shorter period exaggerates; see the total return.");
        }

        var volatility = BacktestMetrics.AnnualisedVolatility(BacktestMetrics.MonthlyReturns(values));
        if (volatility is null) notes.Add("Fewer than two monthly returns: no volatility yet.");
        var calendarYears = BacktestMetrics.CalendarYears(values);
        var complete = calendarYears.Where(y => y.Complete).ToList();
        if (complete.Count == 0) notes.Add("No complete calendar year in the history yet: no best or worst year.");

        return new BacktestResult(
            BacktestStatus.Complete, InitialAmount, start, end, Math.Round(years, 4, MidpointRounding.AwayFromZero),
            Money.Paisa(values[^1].Value), Money.Rate(values[^1].Value / InitialAmount - 1m), cagr, volatility,
            BacktestMetrics.MaxDrawdown(values),
            complete.MaxBy(y => y.ReturnRate), complete.MinBy(y => y.ReturnRate), calendarYears,
            BacktestMetrics.Weekly(values), Instruments(legs), rebalances, notes);
    }

    /// <summary>The key that changes when a new rebalancing period begins.</summary>
    public static int PeriodKey(DateOnly date, RebalancingFrequency frequency) => frequency switch
    {
        RebalancingFrequency.Monthly => date.Year * 12 + date.Month - 1,
        RebalancingFrequency.Quarterly => date.Year * 4 + (date.Month - 1) / 3,
        _ => date.Year,
    };

    private sealed record Leg(string AssetClass, string Symbol, decimal Weight, IReadOnlyList<(DateOnly Date, decimal Close)> Closes);

    /// <summary>
    /// The instruments to hold and their weights: a class without a basket, an instrument without prices, or a class
    /// none of whose instruments has prices is left out, and the rest renormalised, each said in a note.
    /// </summary>
    private static List<Leg> Legs(BacktestInput input, List<string> notes)
    {
        var raw = new List<Leg>();
        var classes = input.Allocation.Where(p => p.Value > 0m).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal);
        foreach (var (assetClass, fraction) in classes)
        {
            var label = AssetClasses.Label(assetClass);
            var basket = input.BasketFor(assetClass).Where(i => i.Weight > 0m).ToList();
            if (basket.Count == 0)
            {
                notes.Add($"{label} has no basket of instruments, so its {Share(fraction)} is spread over the other classes in proportion.");
                continue;
            }

            var priced = new List<BasketItem>();
            foreach (var item in basket)
            {
                if (input.Closes.TryGetValue(item.Symbol, out var closes) && closes.Count > 0 && closes.All(c => c.Close > 0m)) priced.Add(item);
                else notes.Add($"{item.Symbol} ({label}) has no stored prices and is left out; the rest of the {label} basket carries its weight.");
            }
            if (priced.Count == 0)
            {
                notes.Add($"No instrument of {label} has stored prices, so its {Share(fraction)} is spread over the other classes in proportion.");
                continue;
            }

            var basketTotal = priced.Sum(i => i.Weight);
            raw.AddRange(priced.Select(i => new Leg(assetClass, i.Symbol, fraction * i.Weight / basketTotal, input.Closes[i.Symbol])));
        }

        var total = raw.Sum(l => l.Weight);
        return [.. raw.Select(l => l with { Weight = l.Weight / total })];
    }

    private static (List<BacktestPoint> Values, int Rebalances) Simulate(List<Leg> legs, RebalancingFrequency frequency, DateOnly start, DateOnly end)
    {
        var calendar = legs.SelectMany(l => l.Closes.Select(c => c.Date)).Where(d => d >= start && d <= end).Distinct().Order().ToList();
        var next = new int[legs.Count];
        var prices = new decimal[legs.Count];
        var units = new decimal[legs.Count];
        var values = new List<BacktestPoint>(calendar.Count);
        var rebalances = 0;
        var period = PeriodKey(start, frequency);
        foreach (var date in calendar)
        {
            for (var i = 0; i < legs.Count; i++)
            {
                var closes = legs[i].Closes;
                while (next[i] < closes.Count && closes[next[i]].Date <= date) next[i]++;
                prices[i] = closes[next[i] - 1].Close;
            }

            if (date == start)
            {
                for (var i = 0; i < legs.Count; i++) units[i] = InitialAmount * legs[i].Weight / prices[i];
            }
            else if (PeriodKey(date, frequency) != period)
            {
                period = PeriodKey(date, frequency);
                var before = Value(units, prices);
                for (var i = 0; i < legs.Count; i++) units[i] = before * legs[i].Weight / prices[i];
                rebalances++;
            }
            values.Add(new BacktestPoint(date, Value(units, prices)));
        }
        return (values, rebalances);
    }

    private static decimal Value(decimal[] units, decimal[] prices)
    {
        var sum = 0m;
        for (var i = 0; i < units.Length; i++) sum += units[i] * prices[i];
        return sum;
    }

    private static BacktestResult Empty(BacktestStatus status, DateOnly? start, DateOnly? end, List<Leg> legs, List<string> notes) =>
        new(status, InitialAmount, start, end, null, null, null, null, null, null, null, null, [], [], Instruments(legs), 0, notes);

    private static List<BacktestInstrument> Instruments(List<Leg> legs) =>
        [.. legs.Select(l => new BacktestInstrument(l.AssetClass, l.Symbol, Money.Rate(l.Weight)))];

    private static string Share(decimal fraction) =>
        IndianFormat.Percent(fraction, decimals: fraction * 100m == decimal.Round(fraction * 100m) ? 0 : 2);
}

/// <summary>The asset classes a strategy's allocation names, and how screens call them.</summary>
public static class AssetClasses
{
    public const string Stocks = "stocks";
    public const string MutualFunds = "mutual_funds";
    public const string Etfs = "etfs";
    public const string Crypto = "crypto";
    public const string Debt = "debt";

    public static string Label(string assetClass) => assetClass switch
    {
        Stocks => "Stocks",
        MutualFunds => "Mutual funds",
        Etfs => "ETFs",
        Crypto => "Crypto",
        Debt => "Debt",
        _ => assetClass.Length == 0 ? assetClass : char.ToUpperInvariant(assetClass[0]) + assetClass[1..].Replace('_', ' '),
    };
}
