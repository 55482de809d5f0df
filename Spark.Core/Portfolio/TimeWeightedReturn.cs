using System.Globalization;

namespace Spark.Core.Portfolio;

/// <summary>
/// True time-weighted return from daily valuations, as Portfolio Performance computes it: each day's return
/// δₜ = (Vₜ + outₜ) / (Vₜ₋₁ + inₜ) − 1, chained geometrically, so money moving in and out does not count as gain.
/// </summary>
/// <remarks>
/// The chain is kept in decimal: it needs only division and multiplication of decimal money amounts, and 28 significant
/// digits keep even decades of daily factors far inside the 8 decimals returned. Only <see cref="Annualize"/>, which
/// needs a fractional power, goes through double.
/// </remarks>
public static class TimeWeightedReturn
{
    private const int ReturnDecimals = 8;
    private const double DaysPerYear = 365d;

    // Annual figures from here on do not fit a decimal.
    private const double LargestAnnualReturn = 1e28;

    /// <summary>Chains the daily returns of <paramref name="days"/>, which must be in date order, one entry a date.</summary>
    /// <returns>
    /// The cumulative return as a fraction (0.1 is 10 %) rounded to 8 decimals, or null when nothing was ever invested.
    /// A day with nothing invested at its start (Vₜ₋₁ + inₜ = 0, including the first day without a buy) adds no return.
    /// </returns>
    /// <exception cref="ArgumentException">The dates are not strictly ascending, or an amount is negative.</exception>
    public static decimal? Compute(IReadOnlyList<DailyValuation> days)
    {
        ArgumentNullException.ThrowIfNull(days);

        var growth = 1m;
        var invested = false;
        var previousValue = 0m;
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            if (Problem(day, i == 0 ? null : days[i - 1].Date) is { } problem)
            {
                throw new ArgumentException(problem, nameof(days));
            }

            var atStart = previousValue + day.MoneyIn;
            if (atStart != 0m)
            {
                growth *= (day.Value + day.MoneyOut) / atStart;
                invested = true;
            }

            previousValue = day.Value;
        }

        return invested ? Math.Round(growth - 1m, ReturnDecimals, MidpointRounding.AwayFromZero) : null;
    }

    /// <summary>
    /// Turns a cumulative return over <paramref name="days"/> calendar days into a yearly one, (1 + c)^(365 / days) − 1,
    /// with 365-day years as Portfolio Performance and Excel use.
    /// </summary>
    /// <returns>
    /// The annual return rounded to 8 decimals; null when <paramref name="days"/> is less than 1, or when the annual
    /// figure is too large to hold (a large gain over a few days).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cumulative"/> is below −1, a loss of more than everything.</exception>
    public static decimal? Annualize(decimal cumulative, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cumulative, -1m);
        if (days < 1)
        {
            return null;
        }

        // A fractional power needs double; its 15 significant digits are ample for 8 decimals.
        var annual = Math.Pow((double)(1m + cumulative), DaysPerYear / days) - 1d;
        return annual < LargestAnnualReturn
            ? Math.Round((decimal)annual, ReturnDecimals, MidpointRounding.AwayFromZero)
            : null;
    }

    private static string? Problem(DailyValuation day, DateOnly? previousDate)
    {
        if (previousDate is { } previous && day.Date <= previous)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"Daily valuations must be in date order, one entry a date; {day.Date:yyyy-MM-dd} follows {previous:yyyy-MM-dd}.");
        }

        return day.Value < 0m || day.MoneyIn < 0m || day.MoneyOut < 0m
            ? string.Create(CultureInfo.InvariantCulture, $"The valuation on {day.Date:yyyy-MM-dd} has a negative value or money flow.")
            : null;
    }
}
