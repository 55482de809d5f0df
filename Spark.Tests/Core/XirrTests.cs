using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

public class XirrTests
{
    private static CashFlow Flow(int year, int month, int day, decimal amount) => new(new DateOnly(year, month, day), amount);

    private static decimal SolvedRate(IEnumerable<CashFlow> flows)
    {
        var result = Xirr.Solve(flows);
        Assert.Null(result.Note);
        return Assert.NotNull(result.Rate);
    }

    private static void AssertUnsolved(IEnumerable<CashFlow> flows)
    {
        var result = Xirr.Solve(flows);
        Assert.Null(result.Rate);
        Assert.False(string.IsNullOrWhiteSpace(result.Note));
    }

    private static readonly CashFlow[] ExcelDocumentationExample =
    [
        Flow(2008, 1, 1, -10_000m),
        Flow(2008, 3, 1, 2_750m),
        Flow(2008, 10, 30, 4_250m),
        Flow(2009, 2, 15, 3_250m),
        Flow(2009, 4, 1, 2_750m),
    ];

    [Fact]
    public void Matches_the_example_in_the_Excel_XIRR_documentation()
    {
        // Microsoft Support, "XIRR function" (support.microsoft.com/office/xirr-function-de1242ec-6477-445b-b11b-a303ad9adc9d):
        // =XIRR(A3:A7, B3:B7, 0.1) over these flows is 0.373362535, shown to 9 decimals.
        Assert.InRange(SolvedRate(ExcelDocumentationExample), 0.373362525m, 0.373362545m);
    }

    [Fact]
    public void Matches_portfolio_performance_for_one_buy_and_one_sell()
    {
        // Portfolio Performance, IRRTest.testSimpleExcelTestCase (github.com/portfolio-performance/portfolio,
        // name.abuchen.portfolio.tests/src/name/abuchen/portfolio/math/IRRTest.java): Excel gives 0.050140747, and the
        // test compares both rounded half-up to 8 decimals.
        Assert.Equal(0.05014075m, SolvedRate([Flow(2010, 1, 1, -200m), Flow(2010, 12, 31, 210m)]));
    }

    [Fact]
    public void Matches_portfolio_performance_for_a_slowly_converging_series_of_payouts()
    {
        // Portfolio Performance, IRRTest.testComplexExcelTestCaseWithSlowCurve (same file): Excel gives 0.1444629967,
        // and the test allows 1e-4. The tolerance matters: Excel stops short on this slow curve (its sum is still
        // −0.88 there), and the exact root of the definition is about 0.1444390.
        var rate = SolvedRate(
        [
            Flow(2002, 11, 30, -4398m),
            Flow(2007, 6, 11, 200m),
            Flow(2008, 5, 11, 270m),
            Flow(2009, 5, 1, 280m),
            Flow(2010, 6, 1, 280m),
            Flow(2011, 5, 2, 300m),
            Flow(2012, 4, 30, 330m),
            Flow(2012, 12, 6, 14508m),
        ]);

        Assert.InRange(rate, 0.1444629967m - 0.0001m, 0.1444629967m + 0.0001m);
    }

    [Fact]
    public void Matches_portfolio_performance_for_a_loss_of_almost_everything()
    {
        // Portfolio Performance, IRRTest.testSmallConvergenceInterval (same file, their issue #1904): two buys of which
        // 42.80 is left, where Excel gives −0.999251643. The test there allows 1e-4; this checks to 1e-8.
        var rate = SolvedRate(
        [
            Flow(2019, 5, 24, -1560.94m),
            Flow(2020, 1, 13, -1160m),
            Flow(2020, 6, 29, 42.80m),
        ]);

        Assert.InRange(rate, -0.99925165m, -0.99925163m);
    }

    [Fact]
    public void Flows_out_of_date_order_give_the_published_rate()
    {
        // The xirr crate's documentation (docs.rs/xirr), an implementation of LibreOffice Calc's XIRR, lists these
        // flows in this order, the 2015-10-17 buy after the final 2018 value, with the result 0.1635371584432641.
        var rate = SolvedRate(
        [
            Flow(2015, 6, 11, -1000m),
            Flow(2015, 7, 21, -9000m),
            Flow(2018, 6, 10, 20000m),
            Flow(2015, 10, 17, -3000m),
        ]);

        Assert.InRange(rate, 0.16353715m, 0.16353717m);
    }

    [Fact]
    public void Reversing_the_flows_does_not_change_the_rate()
    {
        Assert.Equal(SolvedRate(ExcelDocumentationExample), SolvedRate(ExcelDocumentationExample.Reverse()));
    }

    public static TheoryData<decimal, decimal> SimpleReturnsOverOneYear => new()
    {
        { 1100m, 0.1m },
        { 900m, -0.1m },
        { 1000m, 0m },
    };

    [Theory]
    [MemberData(nameof(SimpleReturnsOverOneYear))]
    public void A_single_holding_over_exactly_365_days_earns_its_simple_return(decimal finalValue, decimal expected)
    {
        // 2023-01-01 to 2024-01-01 is 365 days, one year in XIRR's count, so the rate is final / paid − 1.
        Assert.Equal(expected, SolvedRate([Flow(2023, 1, 1, -1000m), Flow(2024, 1, 1, finalValue)]));
    }

    [Fact]
    public void Flows_on_the_same_date_are_added_together_before_solving()
    {
        // Nets to −1,000 on 2023-01-01 and +1,100 a year later, which is 10 % (see the case above); the pair on
        // 2023-06-01 nets to zero and so drops out.
        var rate = SolvedRate(
        [
            Flow(2024, 1, 1, 600m),
            Flow(2023, 1, 1, -400m),
            Flow(2023, 6, 1, -250m),
            Flow(2023, 1, 1, -600m),
            Flow(2023, 6, 1, 250m),
            Flow(2024, 1, 1, 500m),
        ]);

        Assert.Equal(0.1m, rate);
    }

    [Fact]
    public void A_year_that_leaves_one_paisa_of_a_thousand_rupees_is_a_rate_just_above_minus_one()
    {
        // (1 + r)^1 = 0.01 / 1000, so r = −0.99999.
        Assert.Equal(-0.99999m, SolvedRate([Flow(2023, 1, 1, -1000m), Flow(2024, 1, 1, 0.01m)]));
    }

    [Fact]
    public void A_near_total_loss_in_a_month_converges_to_minus_one()
    {
        // (1 + r)^(30/365) = 1e-12 puts 1 + r near 1e-146: the rate is −100 % to every decimal shown.
        Assert.Equal(-1m, SolvedRate([Flow(2024, 1, 1, -1000m), Flow(2024, 1, 31, 0.000000001m)]));
    }

    [Fact]
    public void A_total_loss_with_nothing_back_has_no_rate()
    {
        AssertUnsolved([Flow(2023, 1, 1, -1000m), Flow(2024, 1, 1, 0m)]);
    }

    [Fact]
    public void A_one_day_gain_is_compounded_over_365_days()
    {
        // 1 % in one day is 1.01^365 − 1 a year.
        var rate = SolvedRate([Flow(2024, 3, 4, -100m), Flow(2024, 3, 5, 101m)]);

        Assert.Equal(Math.Pow(1.01, 365) - 1, (double)rate, 6);
    }

    [Fact]
    public void A_rate_too_large_for_a_decimal_is_reported_instead_of_returned()
    {
        // Doubling in a day is 2^365 − 1 a year, about 7.5e109.
        AssertUnsolved([Flow(2024, 3, 4, -100m), Flow(2024, 3, 5, 200m)]);
    }

    [Fact]
    public void Twenty_thousand_flows_of_a_daily_investment_recover_the_rate_they_were_built_with()
    {
        // Ten buys of ₹100 a day for 2,000 days, valued at the end as if every rupee had grown at 12 % a year.
        var start = new DateOnly(2019, 1, 1);
        var end = start.AddDays(2000);
        var flows = new List<CashFlow>();
        var finalValue = 0d;
        for (var day = 0; day < 2000; day++)
        {
            for (var buy = 0; buy < 10; buy++)
            {
                flows.Add(new CashFlow(start.AddDays(day), -100m));
                finalValue += 100 * Math.Pow(1.12, (2000 - day) / 365d);
            }
        }

        flows.Add(new CashFlow(end, Math.Round((decimal)finalValue, 2)));

        Assert.InRange(SolvedRate(flows), 0.119999m, 0.120001m);
    }

    [Fact]
    public void Only_money_received_has_no_rate()
    {
        AssertUnsolved([Flow(2023, 1, 1, 1000m), Flow(2024, 1, 1, 1100m)]);
    }

    [Fact]
    public void Only_money_paid_in_has_no_rate()
    {
        AssertUnsolved([Flow(2023, 1, 1, -1000m), Flow(2024, 1, 1, -1100m)]);
    }

    [Fact]
    public void A_single_flow_has_no_rate()
    {
        AssertUnsolved([Flow(2023, 1, 1, -1000m)]);
    }

    [Fact]
    public void No_flows_have_no_rate()
    {
        AssertUnsolved([]);
    }

    [Fact]
    public void A_same_day_buy_and_sell_says_no_time_passed_rather_than_counting_flows()
    {
        // Issue 15: bought and sold on one day. The portfolio adds a day's flows together (one flow of +₹100), the
        // holding keeps two on one date; both must explain the period, not "needs at least two cash flows".
        var netted = Xirr.Solve([Flow(2026, 11, 27, 100m)]);
        var apart = Xirr.Solve([Flow(2026, 11, 27, -1000m), Flow(2026, 11, 27, 1100m)]);

        Assert.Equal((null, Xirr.OneDayNote), (netted.Rate, netted.Note));
        Assert.Equal((null, Xirr.OneDayNote), (apart.Rate, apart.Note));
        Assert.Contains("same day", Xirr.OneDayNote, StringComparison.Ordinal);
        Assert.DoesNotContain("cash flows", Xirr.OneDayNote, StringComparison.Ordinal);
        Assert.Equal(Xirr.NothingInvestedNote, Xirr.Solve([]).Note);
    }

    [Fact]
    public void Flows_all_on_one_day_have_no_rate()
    {
        AssertUnsolved([Flow(2023, 1, 1, -1000m), Flow(2023, 1, 1, 1100m)]);
    }

    [Fact]
    public void Flows_that_no_rate_balances_are_reported_as_not_converging()
    {
        // One and two years apart, the sum is −100 + 230·v − 133·v² with v = 1 / (1 + r); its discriminant
        // 230² − 4 · 100 · 133 = −300 is negative, so no rate makes it zero.
        var result = Xirr.Solve([Flow(2023, 1, 1, -100m), Flow(2024, 1, 1, 230m), Flow(2024, 12, 31, -133m)]);

        Assert.Null(result.Rate);
        Assert.Contains("converge", result.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_flows_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => Xirr.Solve(null!));
    }
}
