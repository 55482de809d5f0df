using Spark.Core.Portfolio;
using Spark.Web.Components.Pages.Dashboard;

namespace Spark.Tests.Core;

/// <summary>
/// The return of a window over the portfolio's days (issue 15, item 5; api.md "XIRR of a window"), and the range return
/// the dashboard's value chart shows: XIRR for a year or more, the absolute return under a year.
/// </summary>
public sealed class WindowReturnTests
{
    /// <summary>One valuation a day from <paramref name="first"/>: a value carried forward, with money in or out on given days.</summary>
    private static List<DailyValuation> Days(DateOnly first, DateOnly last, Func<DateOnly, (decimal Value, decimal In, decimal Out)> day) =>
        [.. Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(i =>
        {
            var date = first.AddDays(i);
            var (value, moneyIn, moneyOut) = day(date);
            return new DailyValuation(date, value, moneyIn, moneyOut);
        })];

    [Fact]
    public void A_window_pays_in_the_value_before_it_and_receives_the_value_at_its_end()
    {
        // ₹1,000 bought on 1 June 2023, worth ₹1,000 until the end of 2023 and ₹1,100 on 31 December 2024:
        // −1,000 on 2024-01-01, +1,100 on 2024-12-31, 365 days apart → 1,100 / 1,000 − 1 = 0.10 exactly.
        var days = Days(new DateOnly(2023, 6, 1), new DateOnly(2024, 12, 31), d =>
            (d == new DateOnly(2024, 12, 31) ? 1_100m : 1_000m, d == new DateOnly(2023, 6, 1) ? 1_000m : 0m, 0m));

        var year = PortfolioEngine.XirrBetween(days, new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));

        Assert.Equal(0.1m, year.Rate);
        Assert.Equal(0.1m, PortfolioEngine.AbsoluteReturnBetween(days, new DateOnly(2024, 1, 1), null));
    }

    [Fact]
    public void The_absolute_return_of_a_window_counts_money_put_in_and_taken_out_inside_it()
    {
        // ₹1,000 held at the start of March; ₹500 more bought on 10 March (in), ₹200 of dividend on 20 March (out);
        // worth ₹1,650 on 31 March. Gain = 1,650 + 200 − 1,000 − 500 = 350 on 1,000 + 500 in play → 350 / 1,500 = 0.233333.
        var days = Days(new DateOnly(2026, 2, 1), new DateOnly(2026, 3, 31), d => d switch
        {
            _ when d < new DateOnly(2026, 3, 10) => (1_000m, d == new DateOnly(2026, 2, 1) ? 1_000m : 0m, 0m),
            _ when d == new DateOnly(2026, 3, 20) => (1_600m, 0m, 200m),
            _ when d == new DateOnly(2026, 3, 31) => (1_650m, 0m, 0m),
            _ => (1_500m, d == new DateOnly(2026, 3, 10) ? 500m : 0m, 0m),
        });

        Assert.Equal(0.233333m, PortfolioEngine.AbsoluteReturnBetween(days, new DateOnly(2026, 3, 1), null));
        Assert.Null(PortfolioEngine.AbsoluteReturnBetween(days, new DateOnly(2020, 1, 1), new DateOnly(2020, 12, 31)));
    }

    [Fact]
    public void The_value_chart_shows_xirr_for_a_year_and_the_absolute_return_for_six_months()
    {
        var today = new DateOnly(2026, 3, 31);
        // Bought ₹1,000 on 31 March 2025; ₹1,000 until 30 September 2025, then ₹1,210 to today.
        var days = Days(new DateOnly(2025, 3, 31), today, d => (d <= new DateOnly(2025, 9, 30) ? 1_000m : 1_210m, d == new DateOnly(2025, 3, 31) ? 1_000m : 0m, 0m));

        var year = ValueChart.ReturnOf(days, "1Y", today)!;
        var half = ValueChart.ReturnOf(days, "6M", today)!;

        // A year: −1,000 on 2025-03-31 (the range starts with the purchase day), +1,210 on 2026-03-31, 365 days → 0.21.
        Assert.Equal(new DateOnly(2025, 3, 31), year.From);
        Assert.Equal(0.21m, year.Xirr.Rate);
        Assert.False(Spark.Web.Components.Pages.Portfolio.XirrFigure.UnderOneYear(year.From, today));
        // Six months from 30 September 2025: ₹1,000 at its start, ₹1,210 now → absolute 0.21, shown instead of XIRR.
        Assert.Equal(new DateOnly(2025, 9, 30), half.From);
        Assert.Equal(0.21m, half.AbsoluteRate);
        Assert.True(Spark.Web.Components.Pages.Portfolio.XirrFigure.UnderOneYear(half.From, today));
        Assert.Null(ValueChart.ReturnOf([], "1Y", today));
    }
}
