using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

public class TimeWeightedReturnTests
{
    private static DailyValuation Day(int year, int month, int day, decimal value, decimal moneyIn = 0m, decimal moneyOut = 0m) =>
        new(new DateOnly(year, month, day), value, moneyIn, moneyOut);

    // Portfolio Performance, ClientIndexTest.testExcelSample (github.com/portfolio-performance/portfolio,
    // name.abuchen.portfolio.tests/src/name/abuchen/portfolio/snapshot/ClientIndexTest.java): one cash account with
    // deposits, withdrawals, interest and fees. For the whole client interest and fees stay inside, so they move the
    // value; deposits are money in and withdrawals money out. The values are the account balance at each day's end.
    private static readonly DailyValuation[] PortfolioPerformanceExcelSample =
    [
        Day(2011, 12, 31, 10_000m, moneyIn: 10_000m),
        Day(2012, 1, 1, 10_230m),
        Day(2012, 1, 2, 10_630m, moneyIn: 200m),
        Day(2012, 1, 3, 9_995.59m, moneyOut: 400m),
        Day(2012, 1, 4, 10_289.58m),
        Day(2012, 1, 5, 10_583.57m),
        Day(2012, 1, 6, 16_179.56m, moneyIn: 5_400m),
        Day(2012, 1, 7, 11_600m, moneyOut: 3_697.04m),
        Day(2012, 1, 8, 10_596.15m),
    ];

    // The accumulated performance that test asserts after each day, to its precision of 1e-6.
    public static TheoryData<int, decimal> PortfolioPerformanceAccumulated => new()
    {
        { 1, 0m },
        { 2, 0.023m },
        { 3, 0.042616491m },
        { 4, 0.019624983m },
        { 5, 0.049614163m },
        { 6, 0.079603343m },
        { 7, 0.092841403m },
        { 8, 0.03323197m },
        { 9, -0.056182678m },
    };

    [Theory]
    [MemberData(nameof(PortfolioPerformanceAccumulated))]
    public void Matches_portfolio_performance_day_by_day(int days, decimal expected)
    {
        var twr = TimeWeightedReturn.Compute(PortfolioPerformanceExcelSample[..days]);

        Assert.InRange(Assert.NotNull(twr), expected - 0.000001m, expected + 0.000001m);
    }

    [Fact]
    public void Matches_the_worked_example_in_the_portfolio_performance_manual()
    {
        // Portfolio Performance manual, "Time-Weighted Rate of Return" (github.com/portfolio-performance/portfolio-help,
        // docs/en/concepts/performance/time-weighted.md): 100 grows to 110, 20 is paid in and it grows to 136.5, 30 is
        // taken out and the remaining 106.5 grows to 117.15. Holding-period returns 10 %, 5 % and 10 % chain to 27.05 %.
        // The withdrawal is entered at the end of the day before the last period, as this model takes money out.
        var twr = TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 1, 100m, moneyIn: 100m),
            Day(2024, 1, 2, 110m),
            Day(2024, 1, 3, 136.5m, moneyIn: 20m),
            Day(2024, 1, 4, 106.5m, moneyOut: 30m),
            Day(2024, 1, 5, 117.15m),
        ]);

        Assert.Equal(0.2705m, twr);
    }

    [Fact]
    public void A_first_buy_is_measured_against_what_was_paid()
    {
        // Portfolio Performance manual, same page, "TTWROR at security level": share-2 is bought for 66 EUR with nothing
        // held before and is worth 111.76 EUR at the end, 111.76 / (0 + 66) − 1 = 69.33 %.
        var twr = TimeWeightedReturn.Compute([Day(2022, 9, 30, 111.76m, moneyIn: 66m)]);

        Assert.Equal(0.6933m, Math.Round(Assert.NotNull(twr), 4));
    }

    public static TheoryData<decimal, decimal, decimal, decimal> DemoPortfolioHoldingPeriods => new()
    {
        { 177.94m, 0m, 160.26m, -0.0994m },
        { 160.26m, 84m, 264.57m, 0.0831m },
        { 264.57m, 67m, 426.82m, 0.2873m },
    };

    [Theory]
    [MemberData(nameof(DemoPortfolioHoldingPeriods))]
    public void Each_holding_period_of_the_manuals_demo_portfolio_matches(
        decimal valueBefore, decimal moneyIn, decimal valueAfter, decimal expected)
    {
        // Portfolio Performance manual, same page, "TTWROR at portfolio level": the three holding periods of
        // demo-portfolio-03, with returns of −9.94 %, 8.31 % and 28.73 % to the two decimals of a percentage shown.
        var twr = TimeWeightedReturn.Compute(
        [
            Day(2021, 6, 12, valueBefore, moneyIn: valueBefore),
            Day(2021, 6, 13, valueAfter, moneyIn: moneyIn),
        ]);

        Assert.Equal(expected, Math.Round(Assert.NotNull(twr), 4));
    }

    [Fact]
    public void Money_paid_in_on_the_last_day_does_not_change_the_return()
    {
        // Portfolio Performance, ClientIndexTest.testThatDepositsOnTheLastDayArePerformanceNeutral: 100 paid in,
        // 10 of interest the next day, 100 more paid in on the last day; 10 % both before and after that deposit.
        var days = new[]
        {
            Day(2012, 1, 1, 100m, moneyIn: 100m),
            Day(2012, 1, 2, 110m),
            Day(2012, 1, 3, 110m),
            Day(2012, 1, 10, 210m, moneyIn: 100m),
        };

        Assert.Equal(0.1m, TimeWeightedReturn.Compute(days[..3]));
        Assert.Equal(0.1m, TimeWeightedReturn.Compute(days));
    }

    [Fact]
    public void A_deposit_in_the_middle_does_not_change_the_return()
    {
        // Both grow 10 % a day for two days; the second gets 500 more at the start of day two.
        var alone = TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 1, 1000m, moneyIn: 1000m),
            Day(2024, 1, 2, 1100m),
            Day(2024, 1, 3, 1210m),
        ]);
        var withDeposit = TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 1, 1000m, moneyIn: 1000m),
            Day(2024, 1, 2, 1650m, moneyIn: 500m),
            Day(2024, 1, 3, 1815m),
        ]);

        Assert.Equal(0.21m, alone);
        Assert.Equal(alone, withDeposit);
    }

    [Fact]
    public void A_buy_counts_at_the_start_of_its_day_and_a_sale_at_the_end()
    {
        // Day two: 500 more bought at the start and 1,575 at close is 1,575 / (1,000 + 500) = +5 %.
        // Day three: 200 sold at close leaving 1,453.75 is (1,453.75 + 200) / 1,575 = +5 %.
        var twr = TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 1, 1000m, moneyIn: 1000m),
            Day(2024, 1, 2, 1575m, moneyIn: 500m),
            Day(2024, 1, 3, 1453.75m, moneyOut: 200m),
        ]);

        Assert.Equal(0.1025m, twr);
    }

    [Fact]
    public void Days_with_nothing_invested_add_no_return()
    {
        // Nothing held, then bought and grown 10 %, sold out, nothing held, then bought again and grown 10 %: 1.1 × 1.1.
        var twr = TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 1, 0m),
            Day(2024, 1, 2, 1100m, moneyIn: 1000m),
            Day(2024, 1, 3, 0m, moneyOut: 1100m),
            Day(2024, 1, 4, 0m),
            Day(2024, 1, 5, 550m, moneyIn: 500m),
        ]);

        Assert.Equal(0.21m, twr);
    }

    [Fact]
    public void A_total_loss_is_minus_one()
    {
        var twr = TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 1, 1000m, moneyIn: 1000m),
            Day(2024, 1, 2, 0m),
            Day(2024, 1, 3, 500m, moneyIn: 500m),
        ]);

        Assert.Equal(-1m, twr);
    }

    [Fact]
    public void Nothing_ever_invested_has_no_return()
    {
        Assert.Null(TimeWeightedReturn.Compute([]));
        Assert.Null(TimeWeightedReturn.Compute([Day(2024, 1, 1, 0m), Day(2024, 1, 2, 0m)]));
    }

    [Fact]
    public void Valuations_out_of_date_order_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 2, 1100m, moneyIn: 1000m),
            Day(2024, 1, 1, 1000m),
        ]));
    }

    [Fact]
    public void Two_valuations_for_one_date_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => TimeWeightedReturn.Compute(
        [
            Day(2024, 1, 1, 1000m, moneyIn: 1000m),
            Day(2024, 1, 1, 1100m),
        ]));
    }

    [Fact]
    public void A_negative_amount_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => TimeWeightedReturn.Compute([Day(2024, 1, 1, 1000m, moneyIn: -1000m)]));
    }

    [Fact]
    public void Annualizing_matches_the_examples_in_the_portfolio_performance_manual()
    {
        // Portfolio Performance manual, same page, "TTWROR p.a.": 30 % over 730 days is 14.02 % a year, and 2 % over the
        // 31 days of January is 26.26 % a year, both to the two decimals of a percentage shown.
        Assert.Equal(0.1402m, Math.Round(Assert.NotNull(TimeWeightedReturn.Annualize(0.30m, 730)), 4));
        Assert.Equal(0.2626m, Math.Round(Assert.NotNull(TimeWeightedReturn.Annualize(0.02m, 31)), 4));
    }

    [Fact]
    public void Annualizing_a_full_year_leaves_the_return_as_it_is()
    {
        Assert.Equal(0.1234m, TimeWeightedReturn.Annualize(0.1234m, 365));
        Assert.Equal(0m, TimeWeightedReturn.Annualize(0m, 10));
        Assert.Equal(-1m, TimeWeightedReturn.Annualize(-1m, 10));
    }

    [Fact]
    public void Annualizing_fewer_than_one_day_has_no_answer()
    {
        Assert.Null(TimeWeightedReturn.Annualize(0.05m, 0));
        Assert.Null(TimeWeightedReturn.Annualize(0.05m, -3));
    }

    [Fact]
    public void Annualizing_a_gain_too_large_for_a_decimal_has_no_answer()
    {
        // Doubling in a day is 2^365 − 1 a year, about 7.5e109.
        Assert.Null(TimeWeightedReturn.Annualize(1m, 1));
    }

    [Fact]
    public void Annualizing_a_loss_of_more_than_everything_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeWeightedReturn.Annualize(-1.5m, 365));
    }
}
