using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Spark.Core.AutoInvest;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;
using Spark.Web.Services.AutoInvest;
using Spark.Web.Services.Market;

namespace Spark.Tests.Web;

/// <summary>
/// Issue 15, item 7: strategy backtests changed between starts of the same build because they ran while the simulated
/// market was still writing its history. A backtest now runs only on complete history, says "preparing" until then,
/// and the same stored history gives the same figures. Everything is driven by explicit calls: the simulator's start-up
/// catch-up, the backtester, a history marker of each test's own.
/// </summary>
public sealed class BacktestHistoryTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private async Task<ApiClient> AdminAsync()
    {
        var user = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private static async Task PostClosesAsync(ApiClient admin, string symbol, params (string Date, decimal Close)[] closes)
    {
        var (status, _) = await admin.PostAsync($"admin/securities/{symbol}/bars",
            closes.Select(c => new { timestamp = c.Date, open = c.Close, high = c.Close, low = c.Close, close = c.Close, volume = 1L }).ToArray());
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    /// <summary>A half-stocks, half-debt strategy over two securities of this test's own, with a backtester for that basket.</summary>
    private async Task<(Guid StrategyId, string Stock, string Bond, AutoInvestOptions Baskets)> OwnStrategyAsync()
    {
        var stock = await TestData.NewSecurityAsync(fixture.Database);
        var bond = await TestData.NewSecurityAsync(fixture.Database, SecurityType.Bond, null);
        var baskets = new AutoInvestOptions();
        baskets.Baskets["stocks"] = [new BasketItem { Symbol = stock.Symbol, Weight = 1m }];
        baskets.Baskets["debt"] = [new BasketItem { Symbol = bond.Symbol, Weight = 1m }];
        var id = Guid.NewGuid();
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO auto_invest_strategies (id, name, risk_level, min_investment, allocation, rebalancing_frequency) VALUES ($1, $2, 'medium', 1000, '{\"stocks\": 50, \"debt\": 50}', 'yearly')",
            id, $"History {id:N}");
        return (id, stock.Symbol, bond.Symbol, baskets);
    }

    private StrategyBacktester Backtester(MarketHistory history, AutoInvestOptions? baskets = null) => baskets is null
        ? ActivatorUtilities.CreateInstance<StrategyBacktester>(fixture.App.Services, history)
        : ActivatorUtilities.CreateInstance<StrategyBacktester>(fixture.App.Services, history, Options.Create(baskets));

    /// <summary>A backtest's figures without the moment they were computed, for comparing two runs.</summary>
    private static string Figures(BacktestView view) => JsonSerializer.Serialize(view with { ComputedAt = null }, Web);

    [Fact]
    public async Task While_the_history_is_being_written_no_figures_are_given_and_once_it_is_complete_they_are_of_all_of_it()
    {
        using var admin = await AdminAsync();
        var (id, stock, bond, baskets) = await OwnStrategyAsync();
        var history = new MarketHistory(complete: false);
        var backtester = Backtester(history, baskets);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var strategies = ActivatorUtilities.CreateInstance<StrategyService>(scope.ServiceProvider, backtester);
        // The stock's history is written, the bond's not yet: a backtest now would be of the stock alone.
        await PostClosesAsync(admin, stock, ("2021-01-01", 100m), ("2021-12-31", 200m), ("2022-01-03", 200m), ("2022-12-30", 100m));

        Assert.Equal(0, await backtester.RefreshAsync(onlyStale: false, id));

        var preparing = (await strategies.BacktestAsync(id))!;
        Assert.Equal(BacktestView.PreparingStatus, preparing.Status);
        Assert.Null(preparing.Cagr);
        Assert.Null(preparing.FinalValue);
        Assert.Empty(preparing.Growth);
        Assert.Equal([MarketHistory.PreparingNote], preparing.Notes);
        Assert.Equal(BacktestView.PreparingStatus, (await strategies.GetAsync(id))!.Backtest.Status);
        Assert.True(await fixture.Database.OwnerScalarAsync<bool>("SELECT backtesting_data IS NULL FROM auto_invest_strategies WHERE id = $1", id));

        await PostClosesAsync(admin, bond, ("2021-01-01", 100m), ("2021-12-31", 100m), ("2022-01-03", 100m), ("2022-12-30", 100m));
        history.MarkComplete();
        Assert.Equal(1, await backtester.RefreshAsync(onlyStale: true, id));

        // Both halves: the stock doubles in 2021 and halves in 2022, the bond stays at 100. ₹5,000 each become 10,000 +
        // 5,000 = 15,000, rebalanced to 7,500 each on 3 January 2022, then 3,750 + 7,500 = 11,250. The stock alone would
        // have ended at 10,000.
        var complete = (await strategies.BacktestAsync(id))!;
        Assert.Equal("complete", complete.Status);
        Assert.Equal(11_250m, complete.FinalValue);
        Assert.Equal(new[] { bond, stock }.Order(StringComparer.Ordinal), complete.Instruments.Select(i => i.Symbol).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Two_backtests_over_the_same_stored_history_give_identical_figures()
    {
        using var admin = await AdminAsync();
        var (id, stock, bond, baskets) = await OwnStrategyAsync();
        await PostClosesAsync(admin, stock, ("2023-01-02", 100m), ("2023-06-30", 130m), ("2024-01-01", 90m), ("2024-12-31", 120m));
        await PostClosesAsync(admin, bond, ("2023-01-02", 100m), ("2023-06-30", 102m), ("2024-01-01", 105m), ("2024-12-31", 110m));
        var history = new MarketHistory(complete: true);
        await using var scope = fixture.App.Services.CreateAsyncScope();

        Assert.Equal(1, await Backtester(history, baskets).RefreshAsync(onlyStale: false, id));
        var first = (await ActivatorUtilities.CreateInstance<StrategyService>(scope.ServiceProvider, Backtester(history, baskets)).BacktestAsync(id))!;
        Assert.Equal(1, await Backtester(history, baskets).RefreshAsync(onlyStale: false, id));
        var second = (await ActivatorUtilities.CreateInstance<StrategyService>(scope.ServiceProvider, Backtester(history, baskets)).BacktestAsync(id))!;

        Assert.Equal("complete", first.Status);
        Assert.Equal(Figures(first), Figures(second));
        // 5,000 each on 2 January 2023; yearly rebalancing on 1 January 2024 at 90 and 105: 5,000 × 0.9 + 5,000 × 1.05 =
        // 9,750, split 4,875 each; then 4,875 × 120/90 + 4,875 × 110/105 = 6,500 + 5,107.142857… = 11,607.14.
        Assert.Equal(11_607.14m, first.FinalValue);
    }

    [Fact]
    public async Task The_simulators_history_gives_the_same_backtest_on_every_start_and_none_before_it_is_written()
    {
        // Wednesday 25 November 2026, 10:00 IST, one year of simulated history.
        var now = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(5.5));
        var options = Options.Create(new SparkOptions { Market = { BackfillYears = 1, Seed = SimulatedMarket.DefaultSeed } });
        var conservative = await fixture.Database.OwnerScalarAsync<Guid>("SELECT id FROM auto_invest_strategies WHERE name = 'Conservative Income'");
        var history = new MarketHistory(complete: false);
        var backtester = Backtester(history);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var strategies = ActivatorUtilities.CreateInstance<StrategyService>(scope.ServiceProvider, backtester);
        await fixture.Database.OwnerExecuteAsync("UPDATE auto_invest_strategies SET backtesting_data = NULL WHERE id = $1", conservative);

        Assert.Equal(0, await backtester.RefreshAsync(onlyStale: true, conservative));
        Assert.Equal(BacktestView.PreparingStatus, (await strategies.BacktestAsync(conservative))!.Status);

        var simulator = ActivatorUtilities.CreateInstance<MarketSimulatorService>(fixture.App.Services, new FakeTimeProvider(now), options, history);
        await simulator.StartAsync(now, CancellationToken.None);
        Assert.True(history.IsComplete);
        Assert.Equal(1, await backtester.RefreshAsync(onlyStale: true, conservative));
        var first = (await strategies.BacktestAsync(conservative))!;

        // A second start of the same build over the same market: the same figures.
        var restarted = new MarketHistory(complete: false);
        var again = ActivatorUtilities.CreateInstance<MarketSimulatorService>(fixture.App.Services, new FakeTimeProvider(now), options, restarted);
        await again.StartAsync(now, CancellationToken.None);
        var rerun = Backtester(restarted);
        Assert.Equal(1, await rerun.RefreshAsync(onlyStale: false, conservative));
        var second = (await ActivatorUtilities.CreateInstance<StrategyService>(scope.ServiceProvider, rerun).BacktestAsync(conservative))!;

        Assert.Equal("complete", first.Status);
        Assert.NotNull(first.FinalValue);
        Assert.Equal(Figures(first), Figures(second));
    }
}
