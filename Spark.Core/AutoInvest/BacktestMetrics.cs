using Spark.Core.Market;

namespace Spark.Core.AutoInvest;

/// <summary>A portfolio value on a date (a backtest's daily value, or a point of its growth chart).</summary>
public readonly record struct BacktestPoint(DateOnly Date, decimal Value);

/// <summary>The deepest fall from a running peak: <see cref="Rate"/> is (trough − peak) ÷ peak, so zero or negative.</summary>
public sealed record Drawdown(decimal Rate, DateOnly? PeakDate, DateOnly? TroughDate);

/// <summary>A calendar year's return; <see cref="Complete"/> is false for a year the history covers only in part.</summary>
public sealed record YearReturn(int Year, decimal ReturnRate, bool Complete);

/// <summary>
/// The performance figures of a value series, each a textbook formula (decision 0031): CAGR over the days held
/// (365 to a year, as XIRR counts), volatility as the sample standard deviation of monthly returns × √12, maximum
/// drawdown as Investopedia defines it, calendar-year returns from one year-end value to the next.
/// </summary>
public static class BacktestMetrics
{
    public const int DaysPerYear = 365;

    /// <summary>Years between two dates, counting 365 days to a year.</summary>
    public static decimal Years(DateOnly from, DateOnly to) => (to.DayNumber - from.DayNumber) / (decimal)DaysPerYear;

    /// <summary>Compound annual growth rate: (end ÷ start)^(1 ÷ years) − 1; null without a positive start, end and span.</summary>
    public static decimal? Cagr(decimal startValue, decimal endValue, decimal years)
    {
        if (startValue <= 0m || endValue <= 0m || years <= 0m) return null;
        var growth = Math.Pow((double)(endValue / startValue), 1.0 / (double)years);
        return Money.Rate((decimal)growth - 1m);
    }

    /// <summary>
    /// Returns between consecutive month-ends: the value on the last date of each calendar month the series has,
    /// the first return measured from the series' first value (so a partial first and last month count).
    /// </summary>
    public static IReadOnlyList<decimal> MonthlyReturns(IReadOnlyList<BacktestPoint> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var returns = new List<decimal>();
        if (values.Count < 2) return returns;
        var previous = values[0].Value;
        for (var i = 1; i < values.Count; i++)
        {
            var monthEnds = i == values.Count - 1 || MonthKey(values[i + 1].Date) != MonthKey(values[i].Date);
            if (!monthEnds) continue;
            if (previous > 0m) returns.Add(values[i].Value / previous - 1m);
            previous = values[i].Value;
        }
        return returns;
    }

    /// <summary>
    /// Annualised volatility: the sample standard deviation (n − 1) of the period returns × √(periods a year);
    /// null for fewer than two returns.
    /// </summary>
    public static decimal? AnnualisedVolatility(IReadOnlyList<decimal> periodReturns, int periodsPerYear = 12)
    {
        ArgumentNullException.ThrowIfNull(periodReturns);
        if (periodReturns.Count < 2) return null;
        var mean = periodReturns.Average();
        var squares = periodReturns.Sum(r => (r - mean) * (r - mean));
        var sampleVariance = (double)(squares / (periodReturns.Count - 1));
        return Money.Rate((decimal)(Math.Sqrt(sampleVariance) * Math.Sqrt(periodsPerYear)));
    }

    /// <summary>Maximum drawdown: the lowest (trough − peak) ÷ peak over every trough after its running peak.</summary>
    public static Drawdown MaxDrawdown(IReadOnlyList<BacktestPoint> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return new Drawdown(0m, null, null);
        var peak = values[0];
        var worst = new Drawdown(0m, null, null);
        foreach (var point in values)
        {
            if (point.Value > peak.Value)
            {
                peak = point;
                continue;
            }
            if (peak.Value <= 0m) continue;
            var rate = (point.Value - peak.Value) / peak.Value;
            if (rate < worst.Rate) worst = new Drawdown(rate, peak.Date, point.Date);
        }
        return worst with { Rate = Money.Rate(worst.Rate) };
    }

    /// <summary>
    /// Each calendar year's return, from the previous year's last value (or the first value, in the first year) to
    /// the year's last value. A year is complete when the series starts on or before the year's first NSE trading
    /// day and reaches its last one.
    /// </summary>
    public static IReadOnlyList<YearReturn> CalendarYears(IReadOnlyList<BacktestPoint> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var years = new List<YearReturn>();
        if (values.Count < 2) return years;
        var (first, last) = (values[0].Date, values[^1].Date);
        var baseValue = values[0].Value;
        for (var i = 0; i < values.Count; i++)
        {
            var yearEnds = i == values.Count - 1 || values[i + 1].Date.Year != values[i].Date.Year;
            if (!yearEnds) continue;
            var year = values[i].Date.Year;
            var startsInYear = first <= MarketCalendar.NextTradingDay(new DateOnly(year - 1, 12, 31));
            var reachesYearEnd = last >= MarketCalendar.PreviousTradingDay(new DateOnly(year + 1, 1, 1));
            if (baseValue > 0m && !(i == 0 && year == first.Year))
            {
                years.Add(new YearReturn(year, Money.Rate(values[i].Value / baseValue - 1m), startsInYear && reachesYearEnd));
            }
            baseValue = values[i].Value;
        }
        return years;
    }

    /// <summary>The chart's points: the first value, the last value of each week (Monday to Sunday), and the last value.</summary>
    public static IReadOnlyList<BacktestPoint> Weekly(IReadOnlyList<BacktestPoint> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var points = new List<BacktestPoint>();
        for (var i = 0; i < values.Count; i++)
        {
            var weekEnds = i == values.Count - 1 || WeekKey(values[i + 1].Date) != WeekKey(values[i].Date);
            if (i == 0 || weekEnds) points.Add(values[i] with { Value = Money.Paisa(values[i].Value) });
        }
        return points;
    }

    private static int MonthKey(DateOnly date) => date.Year * 12 + date.Month;

    // DayNumber 0 (1 January 0001) was a Monday.
    private static int WeekKey(DateOnly date) => date.DayNumber / 7;
}
