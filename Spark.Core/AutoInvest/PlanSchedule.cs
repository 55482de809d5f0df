using Spark.Core.Market;

namespace Spark.Core.AutoInvest;

/// <summary>
/// When a monthly plan runs. Each month has a nominal date (the plan's execution day, 1–28, so it exists in every
/// month); the plan runs on that date when it is an NSE trading day, else on the next trading day. Executions are
/// keyed by the nominal date, so a change to the holiday list moves a run but can never make it run twice.
/// </summary>
public static class PlanSchedule
{
    public const int FirstDay = 1;
    public const int LastDay = 28;

    public static bool IsValidDay(int executionDay) => executionDay is >= FirstDay and <= LastDay;

    /// <summary>The first nominal date on or after <paramref name="from"/>.</summary>
    public static DateOnly FirstNominalOnOrAfter(DateOnly from, int executionDay)
    {
        CheckDay(executionDay);
        var thisMonth = new DateOnly(from.Year, from.Month, executionDay);
        return thisMonth >= from ? thisMonth : thisMonth.AddMonths(1);
    }

    /// <summary>The nominal date after <paramref name="nominal"/>: the same day next month.</summary>
    public static DateOnly NextNominal(DateOnly nominal) => nominal.AddMonths(1);

    /// <summary>The day a nominal date actually runs: itself when the market trades, else the next trading day.</summary>
    public static DateOnly RunDate(DateOnly nominal) =>
        MarketCalendar.IsTradingDay(nominal) ? nominal : MarketCalendar.NextTradingDay(nominal);

    /// <summary>
    /// The nominal date a run date belongs to: the latest nominal date on or before it. A run is never more than a
    /// few days after its nominal date, well inside a month, so this is unambiguous.
    /// </summary>
    public static DateOnly NominalFor(DateOnly runDate, int executionDay)
    {
        CheckDay(executionDay);
        var thisMonth = new DateOnly(runDate.Year, runDate.Month, executionDay);
        return thisMonth <= runDate ? thisMonth : thisMonth.AddMonths(-1);
    }

    /// <summary>The next run date of a plan that has not yet run for any nominal date on or after <paramref name="from"/>.</summary>
    public static DateOnly NextRunOnOrAfter(DateOnly from, int executionDay) => RunDate(FirstNominalOnOrAfter(from, executionDay));

    /// <summary>Whether a plan is due for rebalancing at a nominal date, counting whole periods from its start month.</summary>
    public static bool RebalancesAt(DateOnly start, DateOnly nominal, RebalancingFrequency frequency)
    {
        var months = (nominal.Year - start.Year) * 12 + nominal.Month - start.Month;
        var period = frequency switch
        {
            RebalancingFrequency.Monthly => 1,
            RebalancingFrequency.Quarterly => 3,
            _ => 12,
        };
        return months > 0 && months % period == 0;
    }

    private static void CheckDay(int executionDay)
    {
        if (!IsValidDay(executionDay))
        {
            throw new ArgumentOutOfRangeException(nameof(executionDay), executionDay, "The execution day is 1 to 28.");
        }
    }
}
