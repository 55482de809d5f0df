using Spark.Core.AutoInvest;

namespace Spark.Tests.Core;

/// <summary>The simulation: rebalancing, common history, and what happens when instruments or baskets are missing.</summary>
public class BacktestTests
{
    private static readonly Dictionary<string, BasketItem[]> TwoClasses = new()
    {
        ["stocks"] = [new() { Symbol = "A", Weight = 1m }],
        ["debt"] = [new() { Symbol = "B", Weight = 1m }],
    };

    private static (DateOnly, decimal) Close(int year, int month, int day, decimal close) => (new DateOnly(year, month, day), close);

    private static BacktestResult Run(IReadOnlyDictionary<string, decimal> allocation, RebalancingFrequency frequency,
        IReadOnlyDictionary<string, BasketItem[]> baskets, params (string Symbol, (DateOnly, decimal)[] Closes)[] prices) =>
        Backtest.Run(new BacktestInput(allocation, frequency,
            c => baskets.TryGetValue(c, out var basket) ? basket : [],
            prices.ToDictionary(p => p.Symbol, p => (IReadOnlyList<(DateOnly Date, decimal Close)>)p.Closes, StringComparer.OrdinalIgnoreCase)));

    // A doubles in 2021 and halves back in 2022; B stays at 100.
    private static readonly (DateOnly, decimal)[] Doubling = [Close(2021, 1, 1, 100m), Close(2021, 12, 31, 200m), Close(2022, 1, 3, 200m), Close(2022, 12, 30, 100m)];
    private static readonly (DateOnly, decimal)[] Flat = [Close(2021, 1, 1, 100m), Close(2021, 12, 31, 100m), Close(2022, 1, 3, 100m), Close(2022, 12, 30, 100m)];

    [Fact]
    public void A_yearly_rebalance_sells_the_winner_back_to_its_target()
    {
        // By hand: 5,000 in each; A doubles → 15,000. On 3 January 2022 back to 7,500 each (37.5 A, 75 B);
        // A halves → 3,750 + 7,500 = 11,250. Buy-and-hold would be back at 10,000.
        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["debt"] = 0.5m }, RebalancingFrequency.Yearly, TwoClasses,
            ("A", Doubling), ("B", Flat));

        Assert.Equal(BacktestStatus.Complete, result.Status);
        Assert.Equal(1, result.Rebalances);
        Assert.Equal(11_250m, result.FinalValue);
        Assert.Equal(0.125m, result.TotalReturnRate);
        Assert.Equal([new YearReturn(2021, 0.5m, true), new YearReturn(2022, -0.25m, true)], result.YearlyReturns);
        Assert.Equal(new YearReturn(2021, 0.5m, true), result.BestYear);
        Assert.Equal(new YearReturn(2022, -0.25m, true), result.WorstYear);
        // Peak 15,000 on 31 December 2021, trough 11,250 at the end: −25 %.
        Assert.Equal(new Drawdown(-0.25m, new DateOnly(2021, 12, 31), new DateOnly(2022, 12, 30)), result.MaxDrawdown);
        // 10,000 → 11,250 over 728 days (1 January 2021 was a trading Friday): 1.125^(365/728) − 1.
        Assert.Equal(new DateOnly(2021, 1, 1), result.StartDate);
        Assert.Equal(new DateOnly(2022, 12, 30), result.EndDate);
        Assert.Equal(0.060832m, result.Cagr);
    }

    [Fact]
    public void A_quarterly_strategy_rebalances_at_the_first_date_of_each_new_quarter()
    {
        // 31 December 2021 (Q4), 3 January 2022 (Q1) and 30 December 2022 (Q4) each start a quarter: three rebalances,
        // the last two at unchanged prices, so the value is the yearly strategy's.
        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["debt"] = 0.5m }, RebalancingFrequency.Quarterly, TwoClasses,
            ("A", Doubling), ("B", Flat));

        Assert.Equal(3, result.Rebalances);
        Assert.Equal(11_250m, result.FinalValue);
    }

    [Fact]
    public void Within_one_period_the_portfolio_is_bought_and_held()
    {
        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["debt"] = 0.5m }, RebalancingFrequency.Yearly, TwoClasses,
            ("A", Doubling[..2]), ("B", Flat[..2]));

        Assert.Equal(0, result.Rebalances);
        Assert.Equal(15_000m, result.FinalValue);
    }

    [Fact]
    public void An_instrument_without_prices_is_dropped_and_its_basket_renormalised()
    {
        var baskets = new Dictionary<string, BasketItem[]>
        {
            ["stocks"] = [new() { Symbol = "ITC", Weight = 0.4m }, new() { Symbol = "BEL", Weight = 0.3m }, new() { Symbol = "BANKBARODA", Weight = 0.3m }],
        };

        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 1m }, RebalancingFrequency.Quarterly, baskets,
            ("ITC", Flat), ("BANKBARODA", Flat));

        Assert.Equal(
            [new BacktestInstrument("stocks", "ITC", 0.571429m), new BacktestInstrument("stocks", "BANKBARODA", 0.428571m)],
            result.Instruments);
        Assert.Contains(result.Notes, n => n.Contains("BEL (Stocks) has no stored prices", StringComparison.Ordinal));
        Assert.Equal(10_000m, result.FinalValue);
    }

    [Fact]
    public void A_class_without_a_basket_is_spread_over_the_others_in_proportion()
    {
        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.3m, ["debt"] = 0.2m, ["gold"] = 0.5m }, RebalancingFrequency.Yearly, TwoClasses,
            ("A", Doubling[..2]), ("B", Flat[..2]));

        Assert.Equal([new BacktestInstrument("stocks", "A", 0.6m), new BacktestInstrument("debt", "B", 0.4m)], result.Instruments);
        Assert.Contains("Gold has no basket of instruments, so its 50 % is spread over the other classes in proportion.", result.Notes);
        // 6,000 in A doubles: 12,000 + 4,000.
        Assert.Equal(16_000m, result.FinalValue);
    }

    [Fact]
    public void A_class_none_of_whose_instruments_has_prices_is_spread_over_the_others()
    {
        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["debt"] = 0.5m }, RebalancingFrequency.Yearly, TwoClasses, ("A", Flat));

        Assert.Equal([new BacktestInstrument("stocks", "A", 1m)], result.Instruments);
        Assert.Contains("No instrument of Debt has stored prices, so its 50 % is spread over the other classes in proportion.", result.Notes);
    }

    [Fact]
    public void Nothing_to_simulate_without_any_prices()
    {
        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 1m }, RebalancingFrequency.Yearly, TwoClasses);

        Assert.Equal(BacktestStatus.NoHistory, result.Status);
        Assert.Null(result.Cagr);
        Assert.Empty(result.Growth);
        Assert.Empty(result.Instruments);
    }

    [Fact]
    public void The_simulation_starts_when_the_last_instrument_starts_trading_and_ends_with_the_first_to_stop()
    {
        (DateOnly, decimal)[] late = [Close(2021, 12, 31, 50m), Close(2022, 1, 3, 50m), Close(2022, 12, 30, 25m)];
        (DateOnly, decimal)[] early = [.. Flat.SkipLast(1), Close(2022, 11, 30, 100m)];

        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["debt"] = 0.5m }, RebalancingFrequency.Yearly, TwoClasses,
            ("A", late), ("B", early));

        Assert.Equal(new DateOnly(2021, 12, 31), result.StartDate);
        Assert.Equal(new DateOnly(2022, 11, 30), result.EndDate);
        Assert.Contains("The common history starts on 2021-12-31, the first day A has a price.", result.Notes);
        Assert.Contains("The history ends on 2022-11-30, the last day B has a price.", result.Notes);
    }

    [Fact]
    public void Under_a_year_of_history_gives_the_total_return_but_no_cagr_or_best_year()
    {
        (DateOnly, decimal)[] months = [Close(2024, 1, 1, 100m), Close(2024, 1, 31, 104m), Close(2024, 2, 29, 102m), Close(2024, 3, 29, 110m)];

        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 1m }, RebalancingFrequency.Monthly, TwoClasses, ("A", months));

        Assert.Equal(BacktestStatus.Complete, result.Status);
        Assert.Equal(0.1m, result.TotalReturnRate);
        Assert.Null(result.Cagr);
        Assert.Null(result.BestYear);
        Assert.NotNull(result.Volatility);
        Assert.Contains(result.Notes, n => n.StartsWith("Less than a year of common history", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.StartsWith("No complete calendar year", StringComparison.Ordinal));
    }

    [Fact]
    public void Histories_that_overlap_on_one_day_are_not_enough()
    {
        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["debt"] = 0.5m }, RebalancingFrequency.Yearly, TwoClasses,
            ("A", [Close(2024, 1, 1, 100m), Close(2024, 1, 2, 100m)]), ("B", [Close(2024, 1, 2, 100m), Close(2024, 1, 3, 100m)]));

        Assert.Equal(BacktestStatus.InsufficientHistory, result.Status);
        Assert.Null(result.FinalValue);
    }

    [Fact]
    public void Crypto_prices_on_weekends_carry_the_stock_prices_forward()
    {
        // Friday to Monday: the stock is flat over the weekend while crypto moves on Saturday.
        (DateOnly, decimal)[] stock = [Close(2024, 6, 7, 100m), Close(2024, 6, 10, 110m)];
        (DateOnly, decimal)[] coin = [Close(2024, 6, 7, 100m), Close(2024, 6, 8, 120m), Close(2024, 6, 9, 120m), Close(2024, 6, 10, 120m)];
        var baskets = new Dictionary<string, BasketItem[]> { ["stocks"] = [new() { Symbol = "S" }], ["crypto"] = [new() { Symbol = "C" }] };

        var result = Run(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["crypto"] = 0.5m }, RebalancingFrequency.Quarterly, baskets,
            ("S", stock), ("C", coin));

        // Saturday: 5,000 + 6,000; Monday: 5,500 + 6,000.
        Assert.Equal(11_500m, result.FinalValue);
        Assert.Equal([new BacktestPoint(new DateOnly(2024, 6, 7), 10_000m), new BacktestPoint(new DateOnly(2024, 6, 9), 11_000m),
            new BacktestPoint(new DateOnly(2024, 6, 10), 11_500m)], result.Growth);
    }
}
