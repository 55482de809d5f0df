using System.Diagnostics;
using System.Globalization;
using Spark.Core.Accounts;
using Spark.Core.Goals;

namespace Spark.Bench;

/// <summary>The goal projection's Monte Carlo, in memory: the work GET /goals/{id}/projection does beyond two small queries.</summary>
internal static class GoalBench
{
    /// <summary>
    /// 10,000 paths over 360 months (a 30-year goal) with the aggressive mix (all four asset classes), the app's default
    /// options, run 25 times after 3 warm-up runs.
    /// </summary>
    public static (double P50, double Max, int Paths, int Months) MonteCarlo()
    {
        var options = new GoalOptions();
        var input = new MonteCarloInput(2_50_000m, 15_000m, 360, 3_00_00_000m,
            options.ComponentsOf(options.MixFor(RiskProfile.Aggressive)), options.Paths, options.Seed);
        for (var i = 0; i < 3; i++) MonteCarloProjection.Run(input);
        var timings = new List<double>();
        for (var i = 0; i < 25; i++)
        {
            var t = Stopwatch.StartNew();
            MonteCarloProjection.Run(input);
            timings.Add(t.Elapsed.TotalMilliseconds);
        }

        timings.Sort();
        return (timings[timings.Count / 2], timings[^1], input.Paths, input.Months);
    }

    public static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
