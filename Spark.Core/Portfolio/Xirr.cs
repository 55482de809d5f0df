using System.Globalization;
using System.Runtime.InteropServices;

namespace Spark.Core.Portfolio;

/// <summary>
/// The money-weighted annual return of dated cash flows, defined exactly as Excel's XIRR: the rate r with
/// Σ cfᵢ / (1 + r)^((dᵢ − d₀) / 365) = 0, where d₀ is the earliest date.
/// </summary>
/// <remarks>
/// The root is found in double precision, because there is no decimal power function, and in the variable
/// y = ln((1 + r)^span), the logarithm of the growth over the whole span. In y every discount factor is a plain
/// exponential, a rate near −100 % is an ordinary finite number instead of a point where the sum blows up, and the
/// same step sizes suit a one-week holding and a thirty-year one.
/// </remarks>
public static class Xirr
{
    private const int RateDecimals = 8;
    private const double DaysPerYear = 365d;

    // Excel's default guess. Starting there as Excel does makes it likelier to land on Excel's root when there are several.
    private const double ExcelGuess = 0.1;

    private const double RateTolerance = 1e-10;
    private const double ResidualTolerance = 1e-9;
    private const double MachineEpsilon = 2.220446049250313e-16;

    private const int MaxNewtonIterations = 50;
    private const int MaxBracketedIterations = 200;

    // One step may change the growth over the span by a factor of at most e^10: a longer step comes from a flat stretch
    // of the sum, not from a distant root, and is better left to the bracketing search.
    private const double MaxNewtonStep = 10d;

    // The bracket search steps outward from the guess on a grid that widens, fine near the guess and coarse far away.
    private const double FirstSearchOffset = 0.5;
    private const double SearchOffsetGrowth = 1.5;

    // ln(1 + r) limits of the search. Below e^−40 ≈ 4e-18, 1 + r is zero to far more than 8 decimals, so a root
    // beyond is a rate of −1 as shown; from 1e28 on the rate no longer fits a decimal.
    private const double LowestLogGrowth = -40d;
    private const double LargestRate = 1e28;

    /// <summary>
    /// Solves for the annual rate of <paramref name="flows"/>, in any order; flows on the same date are added
    /// together first.
    /// </summary>
    /// <returns>The rate rounded to 8 decimals, or a null rate with the reason when there is none.</returns>
    public static XirrResult Solve(IEnumerable<CashFlow> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);

        var byDate = new Dictionary<int, decimal>(flows.TryGetNonEnumeratedCount(out var capacity) ? capacity : 0);
        var count = 0;
        foreach (var flow in flows)
        {
            count++;
            CollectionsMarshal.GetValueRefOrAddDefault(byDate, flow.Date.DayNumber, out _) += flow.Amount;
        }

        if (count == 0)
        {
            return Unsolved(NothingInvestedNote);
        }

        if (count == 1)
        {
            // Callers add a day's flows together, so a buy and a sell on the same day arrive as one flow.
            return Unsolved(OneDayNote);
        }

        if (byDate.Count == 1)
        {
            return Unsolved(OneDayNote);
        }

        // A date whose flows net to zero adds nothing to the sum, so it is left out. That includes the choice of d₀,
        // which scales the whole sum by a positive factor and so never moves the root.
        var days = new int[byDate.Count];
        var amounts = new decimal[byDate.Count];
        var dates = 0;
        bool paidIn = false, received = false;
        foreach (var (day, amount) in byDate)
        {
            if (amount != 0m)
            {
                days[dates] = day;
                amounts[dates] = amount;
                dates++;
                paidIn |= amount < 0m;
                received |= amount > 0m;
            }
        }

        if (!paidIn)
        {
            return Unsolved("There is no money paid in (no negative cash flow), so there is no rate of return.");
        }

        if (!received)
        {
            return Unsolved("Nothing was received and nothing is still held (no positive cash flow), so there is no rate of return.");
        }

        Array.Sort(days, amounts, 0, dates);
        var equation = new Equation(days.AsSpan(0, dates), amounts.AsSpan(0, dates));
        if ((Newton(equation) ?? Bracketed(equation)) is not { } root)
        {
            return Unsolved("No rate of return balances these cash flows; the calculation did not converge.");
        }

        if (root >= equation.Highest)
        {
            return Unsolved(string.Create(
                CultureInfo.InvariantCulture,
                $"The annual rate is too large to show: the cash flows span only {days[dates - 1] - days[0]} day(s)."));
        }

        var rate = Math.Exp(root / equation.SpanYears) - 1d;
        return new XirrResult(Math.Round((decimal)rate, RateDecimals, MidpointRounding.AwayFromZero), null);
    }

    /// <summary>Why there is no XIRR before anything was bought.</summary>
    public const string NothingInvestedNote = "Nothing has been invested in this period yet, so there is no return to show.";

    /// <summary>Why there is no XIRR when all the money moved on one day (a buy and a sell on the same day, say).</summary>
    public const string OneDayNote =
        "All the money moved on one day (a buy and a sale on the same day, say), so no time passed to earn a yearly return over. XIRR needs money paid in and money received, or a current value, on different days; the absolute return shows the result.";

    private static XirrResult Unsolved(string note) => new(null, note);

    /// <returns>The root, or null when Newton's method on its own does not settle inside the search limits.</returns>
    private static double? Newton(Equation equation)
    {
        var y = equation.Guess;
        for (var i = 0; i < MaxNewtonIterations; i++)
        {
            var (value, slope, magnitude) = equation.Evaluate(y);
            if (value == 0d)
            {
                return y;
            }

            var step = Math.Clamp(-value / slope, -MaxNewtonStep, MaxNewtonStep);
            if (double.IsNaN(step))
            {
                return null;
            }

            y += step;
            if (y < equation.Lowest || y > equation.Highest)
            {
                return null;
            }

            if (equation.Converged(step, y) && Math.Abs(value) <= ResidualTolerance * magnitude)
            {
                return y;
            }
        }

        return null;
    }

    /// <summary>
    /// Finds a sign change on a grid widening outward from the guess, nearest first, then narrows it with Newton steps
    /// that fall back to bisection whenever a step would leave the bracket or stalls.
    /// </summary>
    /// <returns>
    /// The root; a search limit when the sign changes only beyond it; null when no sign change is found at all.
    /// </returns>
    private static double? Bracketed(Equation equation)
    {
        if (FindBracket(equation) is not var (negative, positive))
        {
            return RootBeyondLimits(equation);
        }

        var y = (negative + positive) / 2d;
        var previousStep = Math.Abs(positive - negative);
        for (var i = 0; i < MaxBracketedIterations; i++)
        {
            var (value, slope, _) = equation.Evaluate(y);
            if (value == 0d)
            {
                return y;
            }

            if (value < 0d)
            {
                negative = y;
            }
            else
            {
                positive = y;
            }

            var low = Math.Min(negative, positive);
            var high = Math.Max(negative, positive);
            var next = y - (value / slope);
            if (!double.IsFinite(next) || next <= low || next >= high || Math.Abs(next - y) > previousStep / 2d)
            {
                next = (low + high) / 2d;
            }

            previousStep = Math.Abs(next - y);
            y = next;
            if (equation.Converged(high - low, y) || equation.Converged(previousStep, y))
            {
                return y;
            }
        }

        return null;
    }

    private static (double Negative, double Positive)? FindBracket(Equation equation)
    {
        var guess = equation.Guess;
        var atGuess = equation.Evaluate(guess).Value;
        double above = guess, valueAbove = atGuess, below = guess, valueBelow = atGuess;
        for (var offset = FirstSearchOffset; above < equation.Highest || below > equation.Lowest; offset *= SearchOffsetGrowth)
        {
            if (above < equation.Highest
                && NextGridPoint(equation, Math.Min(guess + offset, equation.Highest), ref above, ref valueAbove) is { } up)
            {
                return up;
            }

            if (below > equation.Lowest
                && NextGridPoint(equation, Math.Max(guess - offset, equation.Lowest), ref below, ref valueBelow) is { } down)
            {
                return down;
            }
        }

        return null;
    }

    /// <returns>The bracket between <paramref name="y"/> and the grid point before it on the same side, if the sign changed.</returns>
    private static (double Negative, double Positive)? NextGridPoint(
        Equation equation, double y, ref double previous, ref double previousValue)
    {
        var value = equation.Evaluate(y).Value;
        if (value == 0d)
        {
            return (y, y);
        }

        (double Negative, double Positive)? bracket = Math.Sign(value) == Math.Sign(previousValue)
            ? null
            : value < 0d ? (y, previous) : (previous, y);
        previous = y;
        previousValue = value;
        return bracket;
    }

    /// <summary>
    /// Far enough out the future value takes the sign of one flow: of the last as the rate falls to −1, of the first as
    /// it grows without bound. If the future value at a search limit has the other sign, a root lies beyond that limit.
    /// </summary>
    private static double? RootBeyondLimits(Equation equation)
    {
        if (Math.Sign(equation.Evaluate(equation.Lowest).Value) != equation.SignNearMinusOne)
        {
            return equation.Lowest;
        }

        if (Math.Sign(equation.Evaluate(equation.Highest).Value) != equation.SignTowardsInfinity)
        {
            return equation.Highest;
        }

        return null;
    }

    /// <summary>
    /// The future value of the flows as a function of y: each flow, scaled by the largest, compounded to the last date,
    /// Σ cᵢ · e^((1 − τᵢ) · y) with τᵢ the fraction of the span before flow i. That is the discounted sum times a
    /// positive factor, so it has the same sign and roots; unlike the discounted sum, it falls steadily as y rises for the
    /// usual pattern of buys first and value at the end, which keeps Newton's method on course even from a distant start.
    /// </summary>
    private sealed class Equation
    {
        private readonly double[] _amounts;
        private readonly double[] _fractionLeft;

        /// <param name="days">Day numbers in ascending order, one a date.</param>
        /// <param name="amounts">The net flow of each day, none zero.</param>
        public Equation(ReadOnlySpan<int> days, ReadOnlySpan<decimal> amounts)
        {
            _amounts = new double[amounts.Length];
            _fractionLeft = new double[days.Length];

            // Converting before dividing: a decimal division per flow costs more than the whole solve.
            var largest = 0d;
            for (var i = 0; i < amounts.Length; i++)
            {
                _amounts[i] = (double)amounts[i];
                largest = Math.Max(largest, Math.Abs(_amounts[i]));
            }

            double spanDays = days[^1] - days[0];
            for (var i = 0; i < days.Length; i++)
            {
                _amounts[i] /= largest;
                _fractionLeft[i] = (days[^1] - days[i]) / spanDays;
            }

            SpanYears = spanDays / DaysPerYear;
            Guess = SpanYears * Math.Log(1d + ExcelGuess);
            Lowest = SpanYears * LowestLogGrowth;
            Highest = SpanYears * Math.Log(LargestRate);
            SignNearMinusOne = Math.Sign(_amounts[^1]);
            SignTowardsInfinity = Math.Sign(_amounts[0]);
        }

        public double SpanYears { get; }

        /// <summary>Excel's guess of 10 % a year, as y.</summary>
        public double Guess { get; }

        public double Lowest { get; }

        public double Highest { get; }

        public int SignNearMinusOne { get; }

        public int SignTowardsInfinity { get; }

        /// <returns>
        /// The future value, its derivative in y, and the sum of the terms' sizes for judging how close to zero it is,
        /// all three scaled by e^−max(y, 0) so no term can overflow however large the rate or long the span. The
        /// scaling changes no sign and cancels out of a Newton step, value / slope.
        /// </returns>
        public (double Value, double Slope, double Magnitude) Evaluate(double y)
        {
            var scale = Math.Max(y, 0d);
            double value = 0d, slope = 0d, magnitude = 0d;
            for (var i = 0; i < _amounts.Length; i++)
            {
                var term = _amounts[i] * Math.Exp((_fractionLeft[i] * y) - scale);
                value += term;
                slope += _fractionLeft[i] * term;
                magnitude += Math.Abs(term);
            }

            return (value, slope, magnitude);
        }

        /// <summary>
        /// True when a step in y moves the rate by less than <see cref="RateTolerance"/>: absolutely for losses,
        /// relative to 1 + r for gains, or when the step is down to the precision of a double.
        /// </summary>
        public bool Converged(double step, double y)
        {
            // d(1 + r) / (1 + r) = dy / span, so |Δr| = (1 + r) · |Δy| / span.
            return Math.Abs(step) / SpanYears <= RateTolerance * Math.Max(1d, Math.Exp(-y / SpanYears))
                || Math.Abs(step) <= 4d * MachineEpsilon * Math.Abs(y);
        }
    }
}
