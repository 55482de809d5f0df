using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Spark.Core.AutoInvest;
using Spark.Data;
using Spark.Web.Components.Pages.Strategies;
using Spark.Web.Services.AutoInvest;
using Spark.Web.Shell;

namespace Spark.Tests.Components;

/// <summary>The strategy catalog and a strategy's figures, rendered from data passed in (no database, no circuit).</summary>
public sealed class StrategyComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly StrategyView Growth = new(Guid.NewGuid(), "Aggressive Growth", "High risk, high returns strategy", StrategyRiskLevel.High,
        0.20m, 10_000m, new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["mutual_funds"] = 0.25m, ["crypto"] = 0.25m }, RebalancingFrequency.Quarterly,
        true, 123_456, new BacktestSummary("complete", 0.1234m, 0.156m, -0.2345m, 0.8m, new DateOnly(2021, 11, 26), new DateOnly(2026, 11, 25), DateTimeOffset.UnixEpoch),
        DateTimeOffset.UnixEpoch);

    private static readonly StrategyView Income = new(Guid.NewGuid(), "Conservative Income", null, StrategyRiskLevel.Low, null, 3_000.50m,
        new Dictionary<string, decimal> { ["debt"] = 0.5m, ["etfs"] = 0.3m, ["stocks"] = 0.2m }, RebalancingFrequency.Yearly, true, 0, BacktestSummary.Pending,
        DateTimeOffset.UnixEpoch);

    public StrategyComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<SparkDbContext>, UnusedDatabase>();
        Services.AddSingleton<SparkDb>();
        Services.AddScoped<ThemeState>();
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void Each_card_shows_risk_terms_and_backtest_figures_in_indian_style_with_a_sign_and_an_arrow()
    {
        var catalog = Render<StrategyCatalog>(p => p.Add(c => c.Strategies, [Growth, Income]).Add(c => c.OnSubscribe, (StrategyView _) => { }));

        var cards = catalog.FindAll("[data-testid=strategy-card]");
        Assert.Equal(["Aggressive Growth", "Conservative Income"], cards.Select(c => c.GetAttribute("data-strategy")));
        var growth = cards[0];
        Assert.Equal("High risk", growth.QuerySelector("[data-testid=strategy-risk]")!.TextContent.Trim());
        Assert.Equal($"auto-invest/strategies/{Growth.Id}", growth.QuerySelector("[data-testid=strategy-details]")!.GetAttribute("href"));
        Assert.Contains("20.00 % a year", Text(growth, "strategy-expected"), StringComparison.Ordinal);
        Assert.Contains("₹10,000 a month", Text(growth, "strategy-minimum"), StringComparison.Ordinal);
        Assert.Contains("Quarterly", Text(growth, "strategy-frequency"), StringComparison.Ordinal);
        Assert.Contains("1,23,456", Text(growth, "strategy-subscribers"), StringComparison.Ordinal);
        var cagr = growth.QuerySelector("[data-testid=strategy-cagr] .spark-rate")!;
        Assert.Contains("spark-gain", cagr.ClassList);
        Assert.Contains("▲", cagr.TextContent, StringComparison.Ordinal);
        Assert.Contains("+12.34 %", cagr.TextContent, StringComparison.Ordinal);
        var drawdown = growth.QuerySelector("[data-testid=strategy-drawdown] .spark-rate")!;
        Assert.Contains("spark-loss", drawdown.ClassList);
        Assert.Contains("\u221223.45 %", drawdown.TextContent, StringComparison.Ordinal);
        Assert.Contains("15.60 %", Text(growth, "strategy-volatility"), StringComparison.Ordinal);
        Assert.Contains("26/11/2021 to 25/11/2026", growth.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Stocks 50 %", "Mutual funds 25 %", "Crypto 25 %"], growth.QuerySelectorAll("[data-testid=strategy-allocation] li")
            .Select(li => System.Text.RegularExpressions.Regex.Replace(li.TextContent, @"\s+", " ").Trim()));
        Assert.Contains(growth.QuerySelectorAll("[aria-label]"), e => e.GetAttribute("aria-label") == $"About CAGR: {StrategyFormat.CagrHint}");
        Assert.Contains(growth.QuerySelectorAll("[aria-label]"), e => e.GetAttribute("aria-label") == $"About Max drawdown: {StrategyFormat.DrawdownHint}");
        Assert.Contains(growth.QuerySelectorAll("[aria-label]"), e => e.GetAttribute("aria-label") == $"About Volatility: {StrategyFormat.VolatilityHint}");

        var income = cards[1];
        Assert.Contains("₹3,000.50 a month", Text(income, "strategy-minimum"), StringComparison.Ordinal);
        Assert.Contains("—", Text(income, "strategy-expected"), StringComparison.Ordinal);
        Assert.Contains("Being computed", Text(income, "strategy-backtest-empty"), StringComparison.Ordinal);
    }

    [Fact]
    public void Subscribe_hands_the_cards_strategy_to_the_host()
    {
        StrategyView? chosen = null;
        var catalog = Render<StrategyCatalog>(p => p.Add(c => c.Strategies, [Growth, Income]).Add(c => c.OnSubscribe, (StrategyView s) => chosen = s));

        catalog.FindAll("[data-testid=strategy-subscribe]")[1].Click();

        Assert.Same(Income, chosen);
        Assert.Equal(3_000.50m, chosen!.MinInvestment);
    }

    [Fact]
    public void Without_a_subscribe_handler_there_is_no_subscribe_button_and_an_empty_list_says_so()
    {
        var catalog = Render<StrategyCatalog>(p => p.Add(c => c.Strategies, [Growth]));
        Assert.Empty(catalog.FindAll("[data-testid=strategy-subscribe]"));

        var empty = Render<StrategyCatalog>(p => p.Add(c => c.Strategies, []));
        Assert.Contains("No strategy is open for subscription", empty.Find("[data-testid=strategies-empty]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_a_year_of_history_a_card_shows_the_total_return_instead_of_cagr()
    {
        var young = Growth with { Backtest = Growth.Backtest with { Cagr = null, TotalReturnRate = 0.05m } };

        var catalog = Render<StrategyCatalog>(p => p.Add(c => c.Strategies, [young]));

        var figure = catalog.Find("[data-testid=strategy-cagr]");
        Assert.Contains("Total return", figure.TextContent, StringComparison.Ordinal);
        Assert.Contains("+5.00 %", figure.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metrics_name_the_best_and_worst_years_and_the_drawdowns_dates()
    {
        var backtest = new BacktestView(Guid.NewGuid(), "complete", DateTimeOffset.UnixEpoch, 10_000m, new DateOnly(2021, 1, 1), new DateOnly(2022, 12, 30),
            1.9945m, 11_250m, 0.125m, 0.060832m, 0.21m, -0.25m, new DateOnly(2021, 12, 31), new DateOnly(2022, 12, 30),
            new YearReturn(2021, 0.5m, true), new YearReturn(2022, -0.25m, true), [new YearReturn(2021, 0.5m, true), new YearReturn(2022, -0.25m, true)],
            [], [], RebalancingFrequency.Yearly, 1, [], BacktestView.MethodText);

        var metrics = Render<StrategyMetrics>(p => p.Add(m => m.Backtest, backtest));

        Assert.Contains("+6.08 %", metrics.Find("[data-testid=metric-cagr]").TextContent, StringComparison.Ordinal);
        Assert.Contains("\u221225.00 %", metrics.Find("[data-testid=metric-drawdown]").TextContent, StringComparison.Ordinal);
        Assert.Contains("31/12/2021 → 30/12/2022", metrics.Find("[data-testid=metric-drawdown]").TextContent, StringComparison.Ordinal);
        Assert.Contains("+50.00 %", metrics.Find("[data-testid=metric-best-year]").TextContent, StringComparison.Ordinal);
        Assert.Contains("in 2021", metrics.Find("[data-testid=metric-best-year]").TextContent, StringComparison.Ordinal);
        Assert.Contains("in 2022", metrics.Find("[data-testid=metric-worst-year]").TextContent, StringComparison.Ordinal);
        Assert.Contains("₹11,250.00", metrics.Find("[data-testid=metric-final]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 rebalance", metrics.Find("[data-testid=metric-period]").TextContent, StringComparison.Ordinal);
    }

    private static string Text(AngleSharp.Dom.IElement card, string testId) => card.QuerySelector($"[data-testid={testId}]")!.TextContent;

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private sealed class UnusedDatabase : IDbContextFactory<SparkDbContext>
    {
        public SparkDbContext CreateDbContext() => throw new InvalidOperationException("The strategy components take their data as parameters.");
    }
}
