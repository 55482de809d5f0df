using Spark.Core.Accounts;
using Spark.Core.Goals;

namespace Spark.Tests.Core;

/// <summary>The Monte Carlo projection: seeded, consistent with the deterministic formula, and sane in its spread.</summary>
public class MonteCarloProjectionTests
{
    private static readonly GoalOptions Options = new();

    private static MonteCarloInput Input(decimal target, IReadOnlyList<MixComponent>? mix = null, decimal monthly = 10_000m, int months = 120, int seed = 7) =>
        new(0m, monthly, months, target, mix ?? Options.ComponentsOf(Options.MixFor(RiskProfile.Moderate)), 10_000, seed);

    private static IReadOnlyList<MixComponent> Certain(double rate) => [new MixComponent("debt", 1d, rate, 0d)];

    [Fact]
    public void The_same_input_gives_the_same_fan_and_probability_every_time()
    {
        var first = MonteCarloProjection.Run(Input(25_00_000m));
        var second = MonteCarloProjection.Run(Input(25_00_000m));

        Assert.Equal(first.SuccessProbability, second.SuccessProbability);
        Assert.Equal(first.Series, second.Series);
        Assert.NotEqual(first.Series, MonteCarloProjection.Run(Input(25_00_000m, seed: 8)).Series);
    }

    [Fact]
    public void Without_volatility_every_path_is_the_deterministic_future_value()
    {
        var expected = GoalMath.FutureValue(0m, 10_000m, 0.12m, 120); // ₹23,23,390.76 (api.md)

        var result = MonteCarloProjection.Run(Input(expected - 1m, Certain(0.12)));

        var last = result.Series[^1];
        Assert.Equal(120, last.Month);
        Assert.InRange(last.P10, expected - 0.01m, expected + 0.01m);
        Assert.Equal(last.P10, last.P50);
        Assert.Equal(last.P50, last.P90);
        Assert.Equal(1m, result.SuccessProbability);
        Assert.Equal(0m, MonteCarloProjection.Run(Input(expected + 1m, Certain(0.12))).SuccessProbability);
        // Every month of the fan follows the formula too.
        Assert.InRange(result.Series[12].P50, 1_28_093.28m - 0.01m, 1_28_093.28m + 0.01m);
    }

    [Fact]
    public void The_fan_starts_at_the_amount_saved_and_widens_with_time()
    {
        var result = MonteCarloProjection.Run(Input(25_00_000m) with { CurrentAmount = 1_00_000m });

        Assert.Equal(121, result.Series.Count);
        Assert.Equal(new FanPoint(0, 1_00_000m, 1_00_000m, 1_00_000m), result.Series[0]);
        Assert.All(result.Series.Skip(1), p => Assert.True(p.P10 < p.P50 && p.P50 < p.P90, $"month {p.Month}: {p}"));
        Assert.True(result.Series[120].P90 - result.Series[120].P10 > result.Series[12].P90 - result.Series[12].P10);
        Assert.InRange(result.SuccessProbability, 0.01m, 0.99m);
    }

    [Fact]
    public void The_median_sits_just_below_the_mean_path_and_the_mean_return_is_the_mix_s()
    {
        // A log-normal monthly return with the mix's mean: E[1 + r] = exp(m + s²/2) = 1 + μ/12.
        var mix = Options.ComponentsOf(Options.MixFor(RiskProfile.Aggressive));
        var (m, s) = MonteCarloProjection.MonthlyLogReturn(mix);
        var mu = mix.Sum(c => c.Weight * c.ExpectedReturnRate);
        Assert.Equal(1d + mu / 12d, Math.Exp(m + s * s / 2d), 12);

        var meanPath = GoalMath.FutureValue(0m, 10_000m, (decimal)mu, 120);
        var median = MonteCarloProjection.Run(Input(meanPath, mix)).Series[^1].P50;
        Assert.InRange(median, meanPath * 0.85m, meanPath);
    }

    [Fact]
    public void One_months_spread_has_the_log_normal_quantiles_of_the_mix()
    {
        // After one month with nothing added, a path is worth C·exp(m + s·z): its 10th, 50th and 90th percentiles are at
        // z = −1.2816, 0 and +1.2816 (standard normal table). 10,000 draws pin each to well within 0.3 %.
        var mix = Options.ComponentsOf(Options.MixFor(RiskProfile.Aggressive));
        var (m, s) = MonteCarloProjection.MonthlyLogReturn(mix);
        var point = MonteCarloProjection.Run(Input(1m, mix, monthly: 0m, months: 1) with { CurrentAmount = 1_00_000m }).Series[1];

        static void Near(double expected, decimal actual) => Assert.InRange((double)actual, expected * 0.997, expected * 1.003);
        Near(1_00_000d * Math.Exp(m - 1.2815516 * s), point.P10);
        Near(1_00_000d * Math.Exp(m), point.P50);
        Near(1_00_000d * Math.Exp(m + 1.2815516 * s), point.P90);
    }

    [Fact]
    public void More_money_or_a_smaller_target_raises_the_chance_of_success()
    {
        var baseline = MonteCarloProjection.Run(Input(25_00_000m)).SuccessProbability;
        Assert.True(MonteCarloProjection.Run(Input(25_00_000m, monthly: 12_000m)).SuccessProbability > baseline);
        Assert.True(MonteCarloProjection.Run(Input(20_00_000m)).SuccessProbability > baseline);
        // 10,000 paths: the probability is a whole number of ten-thousandths.
        Assert.Equal(baseline, decimal.Round(baseline, 4));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1_000)]
    [InlineData(10_000)]
    public void The_fan_percentiles_are_exactly_excels_percentile_inc(int n)
    {
        // Skewed values with ties and a far outlier, against sorting: PERCENTILE.INC interpolates at rank (n − 1)·p.
        var random = new Random(n);
        var values = Enumerable.Range(0, n).Select(i => i % 10 == 3 ? 500d : Math.Exp(random.NextDouble() * 3)).ToArray();
        if (n > 2) values[n / 2] = 1e9;
        var sorted = values.Order().ToArray();
        double Inc(double p)
        {
            var rank = (n - 1) * p;
            var k = (int)rank;
            return k + 1 < n ? sorted[k] + (rank - k) * (sorted[k + 1] - sorted[k]) : sorted[k];
        }

        var copy = values.ToArray();
        var (p10, p50, p90) = new FanPercentiles().Compute(values);

        Assert.Equal((Inc(0.1), Inc(0.5), Inc(0.9)), (p10, p50, p90));
        Assert.Equal(copy, values);
    }

    [Fact]
    public void A_goal_at_its_date_has_one_point_and_a_certain_answer()
    {
        var reached = MonteCarloProjection.Run(Input(50_000m, months: 0) with { CurrentAmount = 60_000m });
        Assert.Equal([new FanPoint(0, 60_000m, 60_000m, 60_000m)], reached.Series);
        Assert.Equal(1m, reached.SuccessProbability);
        Assert.Equal(0m, MonteCarloProjection.Run(Input(70_000m, months: 0) with { CurrentAmount = 60_000m }).SuccessProbability);
    }
}
