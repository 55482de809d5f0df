namespace Spark.Core.Goals;

/// <summary>
/// The deterministic goal arithmetic of api.md ("Goal projection"): monthly contributions at the start of each
/// month (an annuity due, as Indian SIP calculators count them) at the monthly rate i = annual rate / 12, plus the
/// amount already saved grown at (1 + i)ⁿ. Amounts are rounded to the paisa only at the end.
/// </summary>
public static class GoalMath
{
    /// <summary>The corpus after <paramref name="months"/> months: current·(1+i)ⁿ + P·((1+i)ⁿ − 1)/i·(1+i); at i = 0, current + P·n.</summary>
    public static decimal FutureValue(decimal currentAmount, decimal monthlyContribution, decimal annualRate, int months)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        var i = annualRate / 12m;
        if (i == 0m) return Money.Paisa(currentAmount + monthlyContribution * months);
        var growth = Power(1m + i, months);
        return Money.Paisa(currentAmount * growth + monthlyContribution * (growth - 1m) / i * (1m + i));
    }

    /// <summary>
    /// The monthly contribution (at the start of each month) that reaches <paramref name="targetAmount"/> in
    /// <paramref name="months"/> months, to the paisa; 0 when the amount already
    /// saved gets there on its own. With no months left it is whatever is still missing, needed now.
    /// </summary>
    public static decimal RequiredMonthlyContribution(decimal targetAmount, decimal currentAmount, decimal annualRate, int months)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        if (months == 0) return Math.Max(0m, Money.Paisa(targetAmount - currentAmount));
        var i = annualRate / 12m;
        var growth = i == 0m ? 1m : Power(1m + i, months);
        var shortfall = targetAmount - currentAmount * growth;
        if (shortfall <= 0m) return 0m;
        var perRupee = i == 0m ? months : (growth - 1m) / i * (1m + i);
        return Money.Paisa(shortfall / perRupee);
    }

    /// <summary>
    /// Whole months from <paramref name="today"/> to <paramref name="targetDate"/> (the contributions still to come):
    /// 15 Jan 2026 → 15 Jan 2036 is 120, → 14 Jan 2036 is 119; 0 once the date is reached or past.
    /// </summary>
    public static int MonthsRemaining(DateOnly today, DateOnly targetDate)
    {
        if (targetDate <= today) return 0;
        var months = (targetDate.Year - today.Year) * 12 + targetDate.Month - today.Month;
        // A month counts once its day comes round; the last day of a shorter month counts as the day (31 Jan → 28 Feb is 1).
        var dayDue = Math.Min(today.Day, DateTime.DaysInMonth(targetDate.Year, targetDate.Month));
        if (targetDate.Day < dayDue) months--;
        return Math.Max(0, months);
    }

    /// <summary>
    /// What <paramref name="targetAmount"/> in today's money will cost at <paramref name="targetDate"/>: grown at the yearly
    /// <paramref name="inflationRate"/>, compounded once a year, over the (fractional) years between the dates.
    /// </summary>
    public static decimal InflationAdjustedTarget(decimal targetAmount, decimal inflationRate, DateOnly today, DateOnly targetDate)
    {
        if (targetDate <= today || inflationRate == 0m) return Money.Paisa(targetAmount);
        var months = MonthsRemaining(today, targetDate);
        var whole = Power(1m + inflationRate, months / 12);
        // The part-year factor is close to 1, so a double carries it to far below a paisa.
        var part = (decimal)Math.Pow(1d + (double)inflationRate, months % 12 / 12d);
        return Money.Paisa(targetAmount * whole * part);
    }

    /// <summary>How much of the target is saved, as a fraction (above 1 when the target is passed).</summary>
    public static decimal ProgressRate(decimal currentAmount, decimal targetAmount) =>
        targetAmount <= 0m ? 0m : Money.Rate(Math.Max(0m, currentAmount) / targetAmount);

    /// <summary>x to a whole power by repeated squaring, in decimal (28 significant digits).</summary>
    public static decimal Power(decimal x, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var result = 1m;
        while (n > 0)
        {
            if ((n & 1) == 1) result *= x;
            n >>= 1;
            if (n > 0) x *= x;
        }

        return result;
    }
}
