using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Spark.Core.AutoInvest;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Jobs;
using Spark.Web.Services.AutoInvest;

namespace Spark.Tests.Web;

/// <summary>
/// /strategies and /admin/strategies over real HTTP, and the backtest job on bars posted through the admin API.
/// Backtests run on baskets of securities each test makes for itself, so no other test's prices reach them.
/// </summary>
public sealed class StrategyApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private async Task<ApiClient> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private static object Strategy(string? name = null, object? allocation = null, decimal minInvestment = 2_500m, string frequency = "yearly") => new
    {
        name = name ?? $"Test strategy {Guid.NewGuid():N}"[..30],
        description = "Half equity, half debt.",
        riskLevel = "medium",
        expectedReturnRate = 0.11m,
        minInvestment,
        allocation = allocation ?? new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["debt"] = 0.5m },
        rebalancingFrequency = frequency,
    };

    /// <summary>Two securities of this test's own, as the stocks and debt baskets of a backtester built for it.</summary>
    private async Task<(StrategyBacktester Backtester, string Stock, string Bond)> OwnBasketsAsync()
    {
        var stock = await TestData.NewSecurityAsync(fixture.Database);
        var bond = await TestData.NewSecurityAsync(fixture.Database, Spark.Core.Market.SecurityType.Bond, null);
        var options = new AutoInvestOptions();
        options.Baskets["stocks"] = [new BasketItem { Symbol = stock.Symbol, Weight = 1m }];
        options.Baskets["debt"] = [new BasketItem { Symbol = bond.Symbol, Weight = 1m }];
        var backtester = ActivatorUtilities.CreateInstance<StrategyBacktester>(fixture.App.Services, Options.Create(options));
        return (backtester, stock.Symbol, bond.Symbol);
    }

    private static async Task PostClosesAsync(ApiClient admin, string symbol, params (string Date, decimal Close)[] closes)
    {
        var (status, _) = await admin.PostAsync($"admin/securities/{symbol}/bars",
            closes.Select(c => new { timestamp = c.Date, open = c.Close, high = c.Close, low = c.Close, close = c.Close, volume = 1L }).ToArray());
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    [Fact]
    public async Task The_catalog_lists_the_seeded_strategies_with_allocations_as_fractions_and_rates_as_fractions()
    {
        using var api = await SignedInAsync();

        var (status, page) = await api.GetAsync("strategies");

        Assert.Equal(HttpStatusCode.OK, status);
        var items = page!["items"]!.AsArray();
        Assert.True(page["total"]!.GetValue<int>() >= 4);
        var aggressive = items.Single(s => s!["name"]!.GetValue<string>() == "Aggressive Growth")!;
        Assert.Equal("high", aggressive["riskLevel"]!.GetValue<string>());
        Assert.Equal(0.20m, aggressive["expectedReturnRate"]!.GetValue<decimal>());
        Assert.Equal(10_000m, aggressive["minInvestment"]!.GetValue<decimal>());
        Assert.Equal("quarterly", aggressive["rebalancingFrequency"]!.GetValue<string>());
        var allocation = aggressive["allocation"]!.Deserialize<Dictionary<string, decimal>>();
        Assert.Equal(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["mutual_funds"] = 0.25m, ["crypto"] = 0.25m }, allocation);
        Assert.Equal(["low", "medium", "high", "very_high"], items.Where(s => s!["name"]!.GetValue<string>() is "Conservative Income" or "Balanced Wealth Builder"
            or "Aggressive Growth" or "Crypto Maximalist").Select(s => s!["riskLevel"]!.GetValue<string>()));
        Assert.NotNull(aggressive["backtest"]!["status"]);
    }

    [Fact]
    public async Task Subscribers_count_the_active_and_paused_plans_on_a_strategy()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var (_, created) = await admin.PostAsync("admin/strategies", Strategy());
        var id = created!["id"]!.GetValue<Guid>();
        foreach (var status in new[] { "active", "paused", "cancelled", "active" })
        {
            var investor = await TestData.UserAsync(fixture.Database);
            await fixture.Database.OwnerExecuteAsync(
                "INSERT INTO auto_invest_plans (user_id, strategy_id, status, monthly_investment, execution_day, start_date) VALUES ($1, $2, $3, 5000, 5, '2026-01-01')",
                investor.Id, id, status);
        }

        using var api = await SignedInAsync();
        var (_, one) = await api.GetAsync($"strategies/{id}");
        var (_, page) = await api.GetAsync("strategies?pageSize=100");

        Assert.Equal(3, one!["subscribers"]!.GetValue<int>());
        Assert.Equal(3, page!["items"]!.AsArray().Single(s => s!["id"]!.GetValue<Guid>() == id)!["subscribers"]!.GetValue<int>());

        // The schema's popularity_score column follows when the job runs.
        await fixture.App.Services.GetRequiredService<StrategyBacktester>().RecountSubscribersAsync();
        Assert.Equal(3, await fixture.Database.OwnerScalarAsync<int>("SELECT popularity_score FROM auto_invest_strategies WHERE id = $1", id));
    }

    [Fact]
    public async Task The_backtest_of_posted_prices_matches_the_hand_computed_rebalanced_path()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var (backtester, stock, bond) = await OwnBasketsAsync();
        // The stock doubles in 2021 and halves in 2022, the bond stays at 100. Yearly rebalancing: 15,000 at the end
        // of 2021, back to 7,500 each on 3 January 2022, then 3,750 + 7,500 = 11,250.
        await PostClosesAsync(admin, stock, ("2021-01-01", 100m), ("2021-12-31", 200m), ("2022-01-03", 200m), ("2022-12-30", 100m));
        await PostClosesAsync(admin, bond, ("2021-01-01", 100m), ("2021-12-31", 100m), ("2022-01-03", 100m), ("2022-12-30", 100m));
        var (_, created) = await admin.PostAsync("admin/strategies", Strategy());
        var id = created!["id"]!.GetValue<Guid>();

        Assert.Equal(1, await backtester.RefreshAsync(onlyStale: false, id));

        using var api = await SignedInAsync();
        var (status, backtest) = await api.GetAsync($"strategies/{id}/backtest");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("complete", backtest!["status"]!.GetValue<string>());
        Assert.Equal(11_250m, backtest["finalValue"]!.GetValue<decimal>());
        Assert.Equal(0.060832m, backtest["cagr"]!.GetValue<decimal>());
        Assert.Equal(-0.25m, backtest["maxDrawdown"]!.GetValue<decimal>());
        Assert.Equal("2021-01-01", backtest["startDate"]!.GetValue<string>());
        Assert.Equal("2022-12-30", backtest["endDate"]!.GetValue<string>());
        Assert.Equal(1.9945m, backtest["years"]!.GetValue<decimal>());
        Assert.Equal(new YearReturn(2021, 0.5m, true), backtest["bestYear"].Deserialize<YearReturn>(Web));
        Assert.Equal(new YearReturn(2022, -0.25m, true), backtest["worstYear"].Deserialize<YearReturn>(Web));
        Assert.NotNull(backtest["volatility"]);
        // One point a week: each of these dates falls in a week of its own.
        Assert.Equal([("2021-01-01", 10_000m), ("2021-12-31", 15_000m), ("2022-01-03", 15_000m), ("2022-12-30", 11_250m)],
            backtest["growth"]!.AsArray().Select(p => (p!["date"]!.GetValue<string>(), p["value"]!.GetValue<decimal>())));
        Assert.Equal(new[] { stock, bond }.Order(StringComparer.Ordinal),
            backtest["instruments"]!.AsArray().Select(i => i!["symbol"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        var (_, summary) = await api.GetAsync($"strategies/{id}");
        Assert.Equal(0.060832m, summary!["backtest"]!["cagr"]!.GetValue<decimal>());
        Assert.Equal(-0.25m, summary["backtest"]!["maxDrawdown"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task The_job_stores_a_missing_backtest_leaves_a_current_one_and_recomputes_when_a_newer_close_arrives()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var (backtester, stock, bond) = await OwnBasketsAsync();
        await PostClosesAsync(admin, stock, ("2024-01-01", 100m), ("2024-06-28", 110m), ("2025-01-01", 120m));
        await PostClosesAsync(admin, bond, ("2024-01-01", 100m), ("2024-06-28", 103m), ("2025-01-01", 107m));
        var (_, created) = await admin.PostAsync("admin/strategies", Strategy(frequency: "quarterly"));
        var id = created!["id"]!.GetValue<Guid>();
        await fixture.Database.OwnerExecuteAsync("UPDATE auto_invest_strategies SET backtesting_data = NULL WHERE id = $1", id);
        var job = new StrategyBacktestJob(backtester, NullLogger<StrategyBacktestJob>.Instance);

        Assert.True(await job.RunAsync(onlyStale: true) >= 1);
        var stored = JsonNode.Parse(await fixture.Database.OwnerScalarAsync<string>("SELECT backtesting_data::text FROM auto_invest_strategies WHERE id = $1", id))!;
        Assert.Equal("complete", stored["status"]!.GetValue<string>());
        Assert.Equal("2025-01-01", stored["endDate"]!.GetValue<string>());
        Assert.Equal(2, stored["version"]!.GetValue<int>());
        Assert.NotNull(stored["computedAt"]);
        Assert.NotNull(stored["fingerprint"]);
        // 28 June starts a quarter: 5,500 + 5,150 = 10,650 is split 5,325 each; then 5,325 × 120/110 + 5,325 × 107/103.
        Assert.Equal(11_340.89m, stored["finalValue"]!.GetValue<decimal>());

        await job.RunAsync(onlyStale: true);
        var unchanged = JsonNode.Parse(await fixture.Database.OwnerScalarAsync<string>("SELECT backtesting_data::text FROM auto_invest_strategies WHERE id = $1", id))!;
        Assert.Equal(stored["computedAt"]!.GetValue<string>(), unchanged["computedAt"]!.GetValue<string>());

        await PostClosesAsync(admin, stock, ("2025-01-02", 126m));
        await PostClosesAsync(admin, bond, ("2025-01-02", 107m));
        await job.RunAsync(onlyStale: true);
        var refreshed = JsonNode.Parse(await fixture.Database.OwnerScalarAsync<string>("SELECT backtesting_data::text FROM auto_invest_strategies WHERE id = $1", id))!;
        Assert.Equal("2025-01-02", refreshed["endDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_strategy_whose_backtest_has_not_run_says_pending_and_an_unknown_one_is_not_found()
    {
        var id = Guid.NewGuid();
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO auto_invest_strategies (id, name, risk_level, min_investment, allocation) VALUES ($1, $2, 'low', 1000, '{\"debt\": 100}')",
            id, $"Pending {id:N}");
        using var api = await SignedInAsync();

        var (status, backtest) = await api.GetAsync($"strategies/{id}/backtest");
        var (missing, _) = await api.GetAsync($"strategies/{Guid.NewGuid()}/backtest");
        var (missingStrategy, _) = await api.GetAsync($"strategies/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pending", backtest!["status"]!.GetValue<string>());
        Assert.Null(backtest["cagr"]);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(HttpStatusCode.NotFound, missingStrategy);
    }

    [Fact]
    public async Task An_admin_gets_a_field_error_for_each_invalid_field()
    {
        using var admin = await SignedInAsync(Roles.Admin);

        var (status, problem) = await admin.PostAsync("admin/strategies", new
        {
            name = " ",
            riskLevel = "extreme",
            expectedReturnRate = 1.5m,
            minInvestment = 0m,
            allocation = new Dictionary<string, decimal> { ["stocks"] = 0.5m },
            rebalancingFrequency = "weekly",
        });
        var (sum, sumProblem) = await admin.PostAsync("admin/strategies", Strategy(allocation: new Dictionary<string, decimal> { ["stocks"] = 0.6m, ["etfs"] = 0.3m }));
        var (unknown, unknownProblem) = await admin.PostAsync("admin/strategies", Strategy(allocation: new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["gold"] = 0.5m }));
        var (taken, takenProblem) = await admin.PostAsync("admin/strategies", Strategy(name: "aggressive growth"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem!["errors"]!.AsObject();
        Assert.Equal(["allocation", "expectedReturnRate", "minInvestment", "name", "rebalancingFrequency", "riskLevel"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("add up to 50.00 %", errors["allocation"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, sum);
        Assert.Contains("add up to 90.00 %", sumProblem!["errors"]!["allocation"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("no basket", unknownProblem!["errors"]!["allocation.gold"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, taken);
        Assert.Equal("Another strategy already has this name.", takenProblem!["errors"]!["name"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_investor_may_not_create_or_edit_strategies()
    {
        using var api = await SignedInAsync();
        var (_, page) = await api.GetAsync("strategies");
        var id = page!["items"]![0]!["id"]!.GetValue<Guid>();

        var (created, _) = await api.PostAsync("admin/strategies", Strategy());
        var (edited, _) = await api.SendAsync(HttpMethod.Put, $"admin/strategies/{id}", Strategy());

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (created, edited));
    }

    [Fact]
    public async Task An_admin_edits_and_deactivates_a_strategy_and_each_change_is_audited()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var name = $"Edited {Guid.NewGuid():N}"[..20];
        var (createdStatus, created) = await admin.PostAsync("admin/strategies", Strategy(name));
        Assert.Equal(HttpStatusCode.Created, createdStatus);
        var id = created!["id"]!.GetValue<Guid>();

        var (editedStatus, edited) = await admin.SendAsync(HttpMethod.Put, $"admin/strategies/{id}",
            Strategy(name, new Dictionary<string, decimal> { ["stocks"] = 0.3333m, ["etfs"] = 0.3333m, ["debt"] = 0.3334m }, 5_000m));
        var (deactivatedStatus, deactivated) = await admin.SendAsync(HttpMethod.Put, $"admin/strategies/{id}",
            new { name, riskLevel = "low", minInvestment = 5_000m, allocation = new { debt = 1m }, rebalancingFrequency = "yearly", isActive = false });
        var (missing, _) = await admin.SendAsync(HttpMethod.Put, $"admin/strategies/{Guid.NewGuid()}", Strategy());

        Assert.Equal(HttpStatusCode.OK, editedStatus);
        Assert.Equal(5_000m, edited!["minInvestment"]!.GetValue<decimal>());
        Assert.Equal(0.3334m, edited["allocation"]!["debt"]!.GetValue<decimal>());
        Assert.Equal(HttpStatusCode.OK, deactivatedStatus);
        Assert.False(deactivated!["isActive"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (_, list) = await admin.GetAsync("strategies?pageSize=100");
        Assert.DoesNotContain(list!["items"]!.AsArray(), s => s!["id"]!.GetValue<Guid>() == id);
        var (_, stillThere) = await admin.GetAsync($"strategies/{id}");
        Assert.Equal(name, stillThere!["name"]!.GetValue<string>());

        await using var context = fixture.Database.Owner();
        var actions = context.AuditLogs.Where(a => a.EntityId == id).OrderBy(a => a.CreatedAt).Select(a => a.Action).ToList();
        Assert.Equal([StrategyAuditActions.Created, StrategyAuditActions.Updated, StrategyAuditActions.Deactivated], actions);
        var edit = context.AuditLogs.Single(a => a.EntityId == id && a.Action == StrategyAuditActions.Updated).Changes!.RootElement;
        Assert.Equal(2_500m, edit.GetProperty("before").GetProperty("minInvestment").GetDecimal());
        Assert.Equal(5_000m, edit.GetProperty("after").GetProperty("minInvestment").GetDecimal());
    }
}
