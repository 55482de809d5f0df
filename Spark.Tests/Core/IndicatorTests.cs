using Spark.Core.Analysis;

namespace Spark.Tests.Core;

/// <summary>
/// The indicators against published worked examples, or against series small enough to work by hand (the working is in
/// the comments): never against Spark's own output.
/// </summary>
public class IndicatorTests
{
    private const double Tolerance = 1e-9;

    private static PriceBar Bar(int day, double high, double low, double close) =>
        new(new DateOnly(2026, 1, 1).AddDays(day), close, high, low, close);

    [Fact]
    public void The_simple_moving_average_matches_StockCharts_example()
    {
        // StockCharts ChartSchool, "Moving Averages - Simple and Exponential": closes 11…17, a 5-day SMA of
        // (11 + 12 + 13 + 14 + 15) / 5 = 13, then 14, then 15.
        var sma = Indicators.Sma([11, 12, 13, 14, 15, 16, 17], 5);
        Assert.All(sma[..4], v => Assert.True(double.IsNaN(v)));
        Assert.Equal([13, 14, 15], sma[4..]);
    }

    [Fact]
    public void The_exponential_moving_average_is_seeded_with_the_SMA_and_smooths_by_two_over_n_plus_one()
    {
        // By hand, period 3 (multiplier 2 / 4 = 0.5) over 1…6: seed SMA(1, 2, 3) = 2; then (4 − 2) × 0.5 + 2 = 3;
        // (5 − 3) × 0.5 + 3 = 4; (6 − 4) × 0.5 + 4 = 5. StockCharts ChartSchool seeds the EMA with the SMA the same way.
        var ema = Indicators.Ema([1, 2, 3, 4, 5, 6], 3);
        Assert.True(double.IsNaN(ema[1]));
        Assert.Equal([2, 3, 4, 5], ema[2..]);
    }

    /// <summary>
    /// Wilder's RSI worked example as StockCharts ChartSchool reproduces it ("Relative Strength Index (RSI)", its
    /// cs-rsi spreadsheet): 14-day RSI of these closes 70.53, 66.32, 66.55, 69.41, 66.36, 57.97.
    /// </summary>
    private static readonly double[] StockChartsRsiCloses =
    [
        44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28,
        46.28, 46.00, 46.03, 46.41, 46.22, 45.64,
    ];

    [Fact]
    public void The_RSI_matches_Wilder_as_reproduced_by_StockCharts()
    {
        var rsi = Indicators.Rsi(StockChartsRsiCloses);
        Assert.All(rsi[..14], v => Assert.True(double.IsNaN(v)));
        // By hand: the first 14 changes gain 3.34 in all and lose 1.40, so RS = (3.34 / 14) / (1.40 / 14) = 2.3857 and
        // RSI = 100 − 100 / 3.3857 = 70.46. StockCharts shows 70.53 because its sheet rounds the averages to 0.24 and 0.10.
        Assert.Equal(70.4641, rsi[14], 4);
        double[] published = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97];
        for (var i = 0; i < published.Length; i++)
        {
            // Within 0.1 of the published figures: the gap is the sheet's rounding of the first averages.
            Assert.InRange(rsi[14 + i], published[i] - 0.1, published[i] + 0.1);
        }
    }

    [Fact]
    public void The_RSI_is_100_without_losses_and_50_on_a_flat_line()
    {
        Assert.Equal(100, Indicators.Rsi([.. Enumerable.Range(1, 20).Select(i => (double)i)])[^1]);
        Assert.Equal(50, Indicators.Rsi([.. Enumerable.Repeat(10.0, 20)])[^1]);
    }

    [Fact]
    public void The_average_true_range_uses_Wilder_smoothing()
    {
        // By hand, period 3 (StockCharts ChartSchool, "Average True Range": the first TR is high − low, the first ATR
        // the mean of the first n TRs, then (previous × (n − 1) + TR) / n):
        //   bar 1: H 10 L 8 C 9   → TR = 2
        //   bar 2: H 12 L 9 C 11  → max(3, |12 − 9|, |9 − 9|) = 3
        //   bar 3: H 13 L 11 C 12 → max(2, |13 − 11|, |11 − 11|) = 2   → ATR = (2 + 3 + 2) / 3 = 7/3
        //   bar 4: H 14 L 10 C 13 → max(4, |14 − 12|, |10 − 12|) = 4   → ATR = (7/3 × 2 + 4) / 3 = 26/9
        PriceBar[] bars = [Bar(0, 10, 8, 9), Bar(1, 12, 9, 11), Bar(2, 13, 11, 12), Bar(3, 14, 10, 13)];
        Assert.Equal([2, 3, 2, 4], Indicators.TrueRange(bars));
        var atr = Indicators.Atr(bars, 3);
        Assert.True(double.IsNaN(atr[1]));
        Assert.Equal(7.0 / 3, atr[2], Tolerance);
        Assert.Equal(26.0 / 9, atr[3], Tolerance);
    }

    [Fact]
    public void The_true_range_reaches_to_a_gap_from_the_previous_close()
    {
        // A gap up: yesterday closed at 10, today trades 12–13. TR = max(1, |13 − 10|, |12 − 10|) = 3.
        PriceBar[] bars = [Bar(0, 10, 9, 10), Bar(1, 13, 12, 12.5)];
        Assert.Equal(3, Indicators.TrueRange(bars)[1]);
    }

    [Fact]
    public void The_MACD_of_a_straight_line_is_the_gap_between_the_averages_lags()
    {
        // By hand: for closes xᵢ = i, an SMA-seeded EMA(n) lags the line by exactly (n − 1) / 2 from its first value on
        // (seed: the mean of 0…n−1 is (n − 1) / 2 at i = n − 1; step: e = x − 1 − L + α(1 + L) = x − L when L = 1/α − 1).
        // So MACD = (i − 5.5) − (i − 12.5) = 7 from i = 25 (the 26th close), the signal EMA(9) of a constant 7 is 7 from
        // i = 33, and the histogram is 0. (StockCharts ChartSchool, "MACD": line = EMA12 − EMA26, signal = EMA9 of it.)
        var closes = Enumerable.Range(0, 60).Select(i => (double)i).ToArray();
        var macd = Indicators.Macd(closes);
        Assert.True(double.IsNaN(macd.Line[24]));
        Assert.Equal(7, macd.Line[25], Tolerance);
        Assert.True(double.IsNaN(macd.Signal[32]));
        Assert.Equal(7, macd.Signal[33], Tolerance);
        Assert.Equal(0, macd.Histogram[59], Tolerance);
    }

    [Fact]
    public void Bollinger_bands_use_the_population_standard_deviation()
    {
        // By hand, period 5, k = 2, closes 1…5: mean 3; population variance (4 + 1 + 0 + 1 + 4) / 5 = 2 (Bollinger divides
        // by n, as StockCharts' Bollinger Band spreadsheet does); bands 3 ± 2√2.
        var bands = Indicators.Bollinger([1, 2, 3, 4, 5], 5, 2);
        Assert.Equal(3, bands.Middle[4], Tolerance);
        Assert.Equal(3 + 2 * Math.Sqrt(2), bands.Upper[4], Tolerance);
        Assert.Equal(3 - 2 * Math.Sqrt(2), bands.Lower[4], Tolerance);
    }

    [Fact]
    public void The_stochastic_places_the_close_in_the_period_range()
    {
        // By hand, %K over 3 bars, %D over 2 (StockCharts ChartSchool, "Stochastic Oscillator": %K = (C − LL) / (HH − LL) × 100):
        //   bar 3: HH 13, LL 8, C 12 → 4 / 5 = 80;  bar 4: HH 14, LL 9, C 13 → 4 / 5 = 80;  %D = (80 + 80) / 2 = 80.
        PriceBar[] bars = [Bar(0, 10, 8, 9), Bar(1, 12, 9, 11), Bar(2, 13, 11, 12), Bar(3, 14, 10, 13)];
        var stochastic = Indicators.Stochastic(bars, 3, 2);
        Assert.True(double.IsNaN(stochastic.K[1]));
        Assert.Equal(80, stochastic.K[2], Tolerance);
        Assert.Equal(80, stochastic.K[3], Tolerance);
        Assert.Equal(80, stochastic.D[3], Tolerance);
    }

    [Fact]
    public void Volatility_is_the_sample_deviation_of_log_returns_times_root_252()
    {
        // By hand: closes alternate ×1.01 and ÷1.01, so the 20 log returns are ±ln 1.01 with mean 0; the sample
        // deviation is ln 1.01 × √(20 / 19); annualised × √252.
        var closes = Enumerable.Range(0, 21).Select(i => i % 2 == 0 ? 100.0 : 101.0).ToArray();
        var expected = Math.Log(1.01) * Math.Sqrt(20.0 / 19) * Math.Sqrt(252);
        Assert.Equal(expected, Indicators.AnnualisedVolatility(closes)!.Value, Tolerance);
        Assert.Null(Indicators.AnnualisedVolatility(closes[..10]));
    }

    [Fact]
    public void The_maximum_drawdown_is_the_worst_fall_from_a_running_peak()
    {
        // 100 → 120 → 90 (−25 %) → 130 → 65 (−50 % from 130): the worst is 0.5.
        Assert.Equal(0.5, Indicators.MaxDrawdown([100, 120, 90, 130, 65])!.Value, Tolerance);
        Assert.Equal(0, Indicators.MaxDrawdown([1, 2, 3])!.Value);
    }

    [Fact]
    public void Beta_is_covariance_over_the_index_variance()
    {
        // A security that moves exactly twice the index each day has beta 2; too few days, none.
        var index = Enumerable.Range(0, 80).Select(i => i % 3 == 0 ? 0.01 : -0.004).ToArray();
        var security = index.Select(r => 2 * r).ToArray();
        Assert.Equal(2, Indicators.Beta(security, index)!.Value, Tolerance);
        Assert.Null(Indicators.Beta(security[..30], index[..30]));
    }

    [Fact]
    public void Sharpe_and_Sortino_annualise_daily_excess_returns()
    {
        // By hand: 20 returns alternating +2 % and −1 % (mean 0.005), risk-free 0.
        // Sharpe = 0.005 / (0.015 × √(20 / 19)) × √252 (sample deviation: deviations ±0.015).
        // Sortino = 0.005 / √(10 × 0.01² / 20) × √252 (downside deviation over all 20 days).
        var closes = new double[21];
        closes[0] = 100;
        for (var i = 1; i < closes.Length; i++) closes[i] = closes[i - 1] * (i % 2 == 1 ? 1.02 : 0.99);
        Assert.Equal(0.005 / (0.015 * Math.Sqrt(20.0 / 19)) * Math.Sqrt(252), Indicators.Sharpe(closes, 0)!.Value, 1e-6);
        Assert.Equal(0.005 / Math.Sqrt(10 * 0.0001 / 20) * Math.Sqrt(252), Indicators.Sortino(closes, 0)!.Value, 1e-6);
    }

    [Fact]
    public void The_52_week_range_reads_only_the_last_year()
    {
        // A high of 500 a little over a year before the last bar is outside the range.
        PriceBar[] bars = [Bar(0, 500, 400, 450), Bar(20, 120, 80, 100), Bar(375, 110, 90, 105)];
        Assert.Equal((80, 120), Indicators.Range52Weeks(bars)!.Value);
    }
}
