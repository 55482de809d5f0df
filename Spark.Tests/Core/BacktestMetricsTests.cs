using Spark.Core.AutoInvest;

namespace Spark.Tests.Core;

/// <summary>The backtest's figures against published worked examples and paths checked by hand.</summary>
public class BacktestMetricsTests
{
    private static BacktestPoint Point(int year, int month, int day, decimal value) => new(new DateOnly(year, month, day), value);

    [Fact]
    public void Cagr_matches_the_example_in_the_Excel_RRI_documentation()
    {
        // Microsoft Support, "RRI function": =RRI(96, 10000, 11000) is 0.0009933, the equivalent rate per period
        // of $10,000 growing to $11,000 over 96 periods; CAGR is the same formula with years as periods.
        Assert.Equal(0.000993m, BacktestMetrics.Cagr(10_000m, 11_000m, 96m));
    }

    [Fact]
    public void Cagr_of_ten_thousand_growing_to_nineteen_thousand_in_three_years_is_23_86_percent()
    {
        // The textbook example: (19,000 ÷ 10,000)^(1/3) − 1 = 0.238562 (by hand: 1.238562³ = 1.900000).
        Assert.Equal(0.238562m, BacktestMetrics.Cagr(10_000m, 19_000m, 3m));
        // Three years of 365 days between dates: 1 January 2017 to 1 January 2020 has no 29 February.
        Assert.Equal(3m, BacktestMetrics.Years(new DateOnly(2017, 1, 1), new DateOnly(2020, 1, 1)));
    }

    [Fact]
    public void Cagr_is_undefined_without_a_positive_start_end_and_span()
    {
        Assert.Null(BacktestMetrics.Cagr(0m, 100m, 1m));
        Assert.Null(BacktestMetrics.Cagr(100m, 0m, 1m));
        Assert.Null(BacktestMetrics.Cagr(100m, 120m, 0m));
        Assert.Equal(-0.5m, BacktestMetrics.Cagr(10_000m, 2_500m, 2m));
    }

    [Fact]
    public void Max_drawdown_matches_the_ycharts_worked_example()
    {
        // YCharts glossary, "Max Drawdown": 100,000 → 150,000 → 90,000 → 120,000 → 80,000 → 200,000 has a maximum
        // drawdown of (150,000 − 80,000) ÷ 150,000 = 46.67 %; the later 200,000 peak does not count.
        var path = new[]
        {
            Point(2024, 1, 1, 100_000m), Point(2024, 2, 1, 150_000m), Point(2024, 3, 1, 90_000m),
            Point(2024, 4, 1, 120_000m), Point(2024, 5, 1, 80_000m), Point(2024, 6, 1, 200_000m),
        };

        var drawdown = BacktestMetrics.MaxDrawdown(path);

        Assert.Equal(-0.466667m, drawdown.Rate);
        Assert.Equal(new DateOnly(2024, 2, 1), drawdown.PeakDate);
        Assert.Equal(new DateOnly(2024, 5, 1), drawdown.TroughDate);
    }

    [Fact]
    public void A_series_that_never_falls_has_no_drawdown()
    {
        var drawdown = BacktestMetrics.MaxDrawdown([Point(2024, 1, 1, 100m), Point(2024, 1, 2, 100m), Point(2024, 1, 3, 101m)]);

        Assert.Equal(0m, drawdown.Rate);
        Assert.Null(drawdown.PeakDate);
    }

    [Fact]
    public void Volatility_uses_the_sample_standard_deviation_as_excels_stdev_s_does()
    {
        // Microsoft Support, "STDEV.S function": the breaking strengths 1345, 1301, 1368, 1322, 1310, 1370, 1318,
        // 1350, 1303, 1299 have a sample standard deviation of 27.46391572.
        decimal[] strengths = [1345m, 1301m, 1368m, 1322m, 1310m, 1370m, 1318m, 1350m, 1303m, 1299m];

        Assert.Equal(27.463916m, BacktestMetrics.AnnualisedVolatility(strengths, periodsPerYear: 1));
    }

    [Fact]
    public void Monthly_volatility_is_annualised_by_the_square_root_of_twelve()
    {
        // Returns 2 %, −1 %, 3 %, 0 %: mean 1 %, squared deviations 1 + 4 + 4 + 1 = 10 (%²), sample variance 10/3,
        // standard deviation 1.825742 % a month, × √12 = 6.324555 % a year.
        Assert.Equal(0.063246m, BacktestMetrics.AnnualisedVolatility([0.02m, -0.01m, 0.03m, 0m]));
        Assert.Null(BacktestMetrics.AnnualisedVolatility([0.05m]));
    }

    [Fact]
    public void Monthly_returns_run_from_one_month_end_to_the_next_starting_at_the_first_value()
    {
        var path = new[]
        {
            Point(2024, 1, 15, 100m), Point(2024, 1, 31, 110m), // January (partial): +10 %
            Point(2024, 2, 15, 90m), Point(2024, 2, 29, 99m),   // February: 110 → 99, −10 %
            Point(2024, 3, 28, 99m),                            // March: 0 %
            Point(2024, 4, 10, 118.8m),                         // April so far: +20 %
        };

        Assert.Equal([0.1m, -0.1m, 0m, 0.2m], BacktestMetrics.MonthlyReturns(path));
    }

    [Fact]
    public void Calendar_years_run_from_year_end_to_year_end_and_only_covered_years_are_complete()
    {
        // 2022's first NSE trading day is Monday 3 January and 2023's last Friday 29 December.
        var path = new[]
        {
            Point(2021, 6, 1, 10_000m), Point(2021, 12, 31, 11_000m),
            Point(2022, 1, 3, 11_100m), Point(2022, 12, 30, 8_800m),
            Point(2023, 6, 30, 9_000m), Point(2023, 12, 29, 13_200m),
        };

        var years = BacktestMetrics.CalendarYears(path);

        Assert.Equal([new YearReturn(2021, 0.1m, false), new YearReturn(2022, -0.2m, true), new YearReturn(2023, 0.5m, true)], years);
    }

    [Fact]
    public void A_year_the_history_stops_in_is_partial()
    {
        var years = BacktestMetrics.CalendarYears([Point(2023, 1, 2, 100m), Point(2023, 12, 29, 120m), Point(2024, 3, 28, 90m)]);

        Assert.Equal([new YearReturn(2023, 0.2m, true), new YearReturn(2024, -0.25m, false)], years);
    }

    [Fact]
    public void The_growth_chart_keeps_the_first_value_and_the_last_value_of_each_week()
    {
        var path = new[]
        {
            Point(2024, 1, 3, 100m), Point(2024, 1, 4, 101m), Point(2024, 1, 5, 102.005m), // Wed–Fri
            Point(2024, 1, 8, 103m), Point(2024, 1, 12, 104m),                             // the next week
            Point(2024, 1, 15, 105m),                                                      // a Monday, the last value
        };

        var weekly = BacktestMetrics.Weekly(path);

        Assert.Equal([Point(2024, 1, 3, 100m), Point(2024, 1, 5, 102.01m), Point(2024, 1, 12, 104m), Point(2024, 1, 15, 105m)], weekly);
    }
}
