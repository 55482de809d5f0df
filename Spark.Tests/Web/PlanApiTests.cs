using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>
/// Auto-invest plans over real HTTP: subscribing with field errors, pause/resume/cancel, and executions through the
/// admin "run due plans for date" action — exactly once per plan and nominal date, orders, ledger, cash and goal.
/// </summary>
public sealed class PlanApiTests(PlanApiTests.Fixture fixture) : IClassFixture<PlanApiTests.Fixture>
{
    /// <summary>One app and database for the class, with the default baskets' instruments priced once.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        // Two asset classes of this class's own, for the rebalancing test: its prices move without touching others'.
        private readonly WebAppFixture web = new(new Dictionary<string, string?>
        {
            ["Spark:AutoInvest:Baskets:up:0:Symbol"] = "PLANUP", ["Spark:AutoInvest:Baskets:up:0:Weight"] = "1",
            ["Spark:AutoInvest:Baskets:flat:0:Symbol"] = "PLANFLAT", ["Spark:AutoInvest:Baskets:flat:0:Weight"] = "1",
            ["Spark:AutoInvest:Baskets:fundy:0:Symbol"] = "PLANFUND", ["Spark:AutoInvest:Baskets:fundy:0:Weight"] = "1",
        });

        public TestDatabase Database => web.Database;

        public SparkAppFactory App => web.App;

        public ApiClient Admin { get; private set; } = default!;

        public static readonly Dictionary<string, decimal> Prices = new()
        {
            ["ITC"] = 450m, ["BEL"] = 400m, ["BANKBARODA"] = 250m, ["NIFTYBEES"] = 280m, ["GOLDBEES"] = 106m,
            ["BTCINR"] = 88_00_000m, ["ETHINR"] = 3_00_000m, ["UTI-NIFTY50-DG"] = 172m, ["PPFAS-FLEXI-DG"] = 90m, ["ICICI-CORPBOND-DG"] = 31m,
            ["PLANUP"] = 100m, ["PLANFLAT"] = 100m, ["PLANFUND"] = 100m,
        };

        public async Task InitializeAsync()
        {
            await web.InitializeAsync();
            foreach (var (symbol, type) in new[] { ("PLANUP", "stock"), ("PLANFLAT", "stock"), ("PLANFUND", "mutual_fund") })
            {
                await Database.OwnerExecuteAsync(
                    "INSERT INTO securities (symbol, name, type, exchange, sector, industry, lot_size, currency, is_active) VALUES ($1, $1, $2, 'NSE', 'Equity - Large Cap', 'Testing', 1, 'INR', true)",
                    symbol, type);
            }

            var admin = await TestData.UserAsync(Database, role: Roles.Admin);
            Admin = new ApiClient(App.CreateHttpClient());
            await Admin.LoginAsync(admin.Email!, TestData.Password);
            foreach (var (symbol, close) in Prices)
            {
                var (status, _) = await Admin.PostAsync($"admin/securities/{symbol}/bars",
                    new[] { new { timestamp = "2026-11-20", open = close, high = close, low = close, close, volume = 1L } });
                Assert.Equal(HttpStatusCode.NoContent, status);
            }
        }

        public async Task DisposeAsync()
        {
            Admin.Dispose();
            await web.DisposeAsync();
        }
    }

    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private static string S(JsonNode? node) => node!.GetValue<string>();

    private async Task<(ApiClient Api, Guid UserId)> InvestorAsync(decimal cash = 1_00_000m, bool verified = true)
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        if (verified) await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        if (cash > 0m) Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = cash })).Status);
        return (api, user.Id);
    }

    /// <summary>A strategy of this test's own (60 % stocks, 40 % ETFs: everything fills at once), so counts are not shared.</summary>
    private async Task<Guid> StrategyAsync(string allocation = """{"stocks": 60, "etfs": 40}""", decimal minimum = 1_000m)
    {
        var id = Guid.NewGuid();
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO auto_invest_strategies (id, name, risk_level, expected_returns, min_investment, allocation) VALUES ($1, $2, 'medium', 12, $3, $4::jsonb)",
            id, $"Test strategy {id:N}", minimum, allocation);
        return id;
    }

    private async Task<JsonNode> SubscribeAsync(ApiClient api, Guid strategyId, decimal monthly = 10_000m, int day = 5, Guid? goalId = null)
    {
        var (status, plan) = await api.PostAsync("plans", new { strategyId, monthlyInvestment = monthly, executionDay = day, goalId, autoRebalance = true });
        Assert.True(status == HttpStatusCode.Created, plan?.ToJsonString());
        return plan!;
    }

    private async Task<JsonNode> RunAsync(string date)
    {
        var (status, result) = await fixture.Admin.PostAsync("admin/plans/run", new { date });
        Assert.True(status == HttpStatusCode.OK, result?.ToJsonString());
        return result!;
    }

    private static async Task<JsonArray> ExecutionsAsync(ApiClient api, string planId)
    {
        var (status, list) = await api.GetAsync($"plans/{planId}/executions");
        Assert.Equal(HttpStatusCode.OK, status);
        return list!["items"]!.AsArray();
    }

    [Fact]
    public async Task Subscribing_reports_every_bad_field()
    {
        var (api, _) = await InvestorAsync(0m);
        using var _api = api;
        var strategy = await StrategyAsync(minimum: 5_000m);

        var (empty, problem) = await api.PostAsync("plans", new { });
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        var errors = problem!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("strategyId") && errors.ContainsKey("monthlyInvestment") && errors.ContainsKey("executionDay"), problem.ToJsonString());

        var (low, lowProblem) = await api.PostAsync("plans", new { strategyId = strategy, monthlyInvestment = 4_999m, executionDay = 29, startDate = "2020-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, low);
        var lowErrors = lowProblem!["errors"]!.AsObject();
        Assert.Contains("₹5,000", S(lowErrors["monthlyInvestment"]![0]));
        Assert.True(lowErrors.ContainsKey("executionDay") && lowErrors.ContainsKey("startDate"));

        var (other, otherProblem) = await api.PostAsync("plans", new { strategyId = strategy, monthlyInvestment = 5_000m, executionDay = 5, goalId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, other);
        Assert.True(otherProblem!["errors"]!.AsObject().ContainsKey("goalId"));
    }

    [Fact]
    public async Task An_account_that_cannot_trade_is_told_why()
    {
        var (api, _) = await InvestorAsync(0m, verified: false);
        using var _api = api;
        var (status, problem) = await api.PostAsync("plans", new { strategyId = await StrategyAsync(), monthlyInvestment = 5_000m, executionDay = 5 });
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Contains("KYC", S(problem!["detail"]), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_plan_runs_on_its_day_moved_past_weekends_pauses_resumes_and_cancels()
    {
        var (api, _) = await InvestorAsync(0m);
        using var _api = api;
        var strategy = await StrategyAsync();

        // Subscribed on 27 Nov 2026 for the 5th: 5 Dec 2026 is a Saturday, so the first run is Monday 7 Dec.
        var plan = await SubscribeAsync(api, strategy, day: 5);
        Assert.Equal(("active", "2026-12-07"), (S(plan["status"]), S(plan["nextExecutionDate"])));
        var id = S(plan["id"]);
        Assert.Equal(1, await fixture.Database.OwnerScalarAsync<int>("SELECT popularity_score FROM auto_invest_strategies WHERE id = $1", strategy));

        var (noReason, reasonProblem) = await api.PostAsync($"plans/{id}/pause", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.True(reasonProblem!["errors"]!.AsObject().ContainsKey("reason"));
        var (paused, pausedPlan) = await api.PostAsync($"plans/{id}/pause", new { reason = "Saving for a trip" });
        Assert.Equal(HttpStatusCode.OK, paused);
        Assert.Equal(("paused", "Saving for a trip"), (S(pausedPlan!["status"]), S(pausedPlan["pauseReason"])));
        Assert.Null(pausedPlan["nextExecutionDate"]);

        var (resumed, resumedPlan) = await api.PostAsync($"plans/{id}/resume");
        Assert.Equal(HttpStatusCode.OK, resumed);
        Assert.Equal(("active", "2026-12-07"), (S(resumedPlan!["status"]), S(resumedPlan["nextExecutionDate"])));

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"plans/{id}/cancel")).Status);
        var (again, _) = await api.PostAsync($"plans/{id}/cancel");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal(0, await fixture.Database.OwnerScalarAsync<int>("SELECT popularity_score FROM auto_invest_strategies WHERE id = $1", strategy));
    }

    [Fact]
    public async Task An_execution_buys_whole_units_through_the_order_engine_and_cash_holdings_and_the_goal_reconcile()
    {
        var (api, userId) = await InvestorAsync(50_000m);
        using var _api = api;
        var goalId = Guid.NewGuid();
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO goals (id, user_id, name, category, target_amount, target_date, start_date) VALUES ($1, $2, 'House', 'house', 18000, '2031-01-01', '2026-11-27')",
            goalId, userId);
        var plan = await SubscribeAsync(api, await StrategyAsync(), 10_000m, day: 5, goalId: goalId);
        var id = S(plan["id"]);

        var result = await RunAsync("2026-12-07");
        Assert.True(D(result["executed"]) >= 1m, result.ToJsonString());

        var execution = Assert.Single(await ExecutionsAsync(api, id))!;
        Assert.Equal(("completed", "2026-12-05", 5, 5), (S(execution["status"]), S(execution["executionDate"]),
            execution["ordersPlaced"]!.GetValue<int>(), execution["ordersExecuted"]!.GetValue<int>()));
        var invested = D(execution["amountInvested"]);
        var details = execution["allocationDetails"]!;
        Assert.Equal(10_000m, invested + D(details["leftover"]));
        Assert.InRange(invested, 9_000m, 10_000m);
        // Whole units of each stock and ETF; the estimate used the fill price and charges the fills then had.
        var legs = details["legs"]!.AsArray();
        Assert.All(legs, leg => Assert.Equal(decimal.Truncate(D(leg!["quantity"])), D(leg["quantity"])));
        Assert.Equal(invested, legs.Sum(leg => D(leg!["estimatedCost"])));

        // Cash: exactly what the fills cost, and the cash ledger says so line by line.
        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal(50_000m - invested, D(cash!["balance"]));
        Assert.Equal(0m, D(cash["blocked"]));
        var (_, orders) = await api.GetAsync("orders?status=executed&pageSize=50");
        var planOrders = orders!["items"]!.AsArray();
        Assert.Equal(5, planOrders.Count);
        var (_, holdings) = await api.GetAsync("investments");
        foreach (var order in planOrders)
        {
            var holding = holdings!["items"]!.AsArray().Single(h => S(h!["symbol"]) == S(order!["symbol"]))!;
            Assert.Equal(D(order!["filledQuantity"]), D(holding["quantity"]));
        }

        Assert.Equal(invested, holdings!["items"]!.AsArray().Sum(h => D(h!["investedAmount"])));

        // The plan moved on a month; the goal got the money as history and the holdings as links.
        var (_, after) = await api.GetAsync($"plans/{id}");
        Assert.Equal(("2026-12-07", "2027-01-05", invested), (S(after!["lastExecutionDate"]), S(after["nextExecutionDate"]), D(after["investedAmount"])));
        Assert.Equal(5, after["holdings"]!.AsArray().Count);
        // Drift: the plan's own mix against 60/40, and where next month's ₹10,000 would go.
        var (_, mix) = await api.GetAsync($"plans/{id}/rebalance");
        var classes = mix!["classes"]!.AsArray();
        Assert.Equal((0.6m, 0.4m), (D(classes.Single(c => S(c!["assetClass"]) == "stocks")!["targetRate"]), D(classes.Single(c => S(c!["assetClass"]) == "etfs")!["targetRate"])));
        Assert.InRange(classes.Sum(c => D(c!["currentRate"])), 0.999999m, 1.000001m);
        Assert.Equal(10_000m, classes.Sum(c => D(c!["nextMonthAmount"])));
        // Quarterly from a November start: February, on the plan's day (5 Feb 2027 is a Friday).
        Assert.Equal("2027-02-05", S(mix["nextRebalance"]));

        // The valuation job stores the plan's value (its own units at the prices) for SQL readers.
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Spark.Web.Jobs.PortfolioValuationJob>().RunAsync();
        }

        Assert.Equal(D(after["currentValue"]), await fixture.Database.OwnerScalarAsync<decimal>("SELECT current_value FROM auto_invest_plans WHERE id = $1", Guid.Parse(id)));
        Assert.Equal(invested, await fixture.Database.OwnerScalarAsync<decimal>(
            "SELECT sum(amount) FROM goal_contributions WHERE goal_id = $1 AND source = 'auto'", goalId));
        Assert.Equal(5, await fixture.Database.OwnerScalarAsync<int>(
            "SELECT cardinality(linked_investment_ids) FROM goals WHERE id = $1", goalId));
        // Progress is the linked holdings' value (not the contributions on top), refreshed after the batch: past half of ₹18,000.
        var value = holdings!["items"]!.AsArray().Sum(h => D(h!["currentValue"]));
        var (_, goal) = await api.GetAsync($"goals/{goalId}");
        // The stored holdings (what SQL readers and goals read) match the ledger the portfolio computes.
        Assert.Equal(planOrders.Sum(o => D(o!["filledQuantity"])), await fixture.Database.OwnerScalarAsync<decimal>(
            "SELECT sum(quantity) FROM investments WHERE user_id = $1 AND status = 'active'", userId));
        Assert.Equal(invested, await fixture.Database.OwnerScalarAsync<decimal>("SELECT sum(invested_amount) FROM investments WHERE user_id = $1", userId));
        Assert.Equal(5L, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM investment_holdings l JOIN investments i ON i.id = l.investment_id WHERE i.user_id = $1", userId));
        Assert.Equal(value, D(goal!["currentAmount"]));
        // The goal had no monthly contribution of its own: its projection counts the plan's ₹10,000.
        Assert.Equal((0m, 10_000m), (D(goal["monthlyContribution"]), D(goal["plannedMonthly"])));
        Assert.Equal(value, await fixture.Database.OwnerScalarAsync<decimal>("SELECT current_amount FROM goals WHERE id = $1", goalId));
        var (_, notifications) = await api.GetAsync("notifications");
        Assert.Single(notifications!["items"]!.AsArray(), n => S(n!["type"]) == "goal_milestone");
    }

    [Fact]
    public async Task Fund_legs_are_placed_by_amount_and_wait_for_the_NAV_with_the_cash_blocked()
    {
        var (api, userId) = await InvestorAsync(50_000m);
        using var _api = api;
        var goalId = Guid.NewGuid();
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO goals (id, user_id, name, category, target_amount, target_date, start_date) VALUES ($1, $2, 'Education', 'education', 500000, '2031-01-01', '2026-11-27')",
            goalId, userId);
        var plan = await SubscribeAsync(api, await StrategyAsync("""{"stocks": 50, "mutual_funds": 50}"""), 10_000m, day: 17, goalId: goalId);

        await RunAsync("2026-12-17");

        var execution = Assert.Single(await ExecutionsAsync(api, S(plan["id"])))!;
        Assert.Equal(("completed", 5, 3), (S(execution["status"]), execution["ordersPlaced"]!.GetValue<int>(), execution["ordersExecuted"]!.GetValue<int>()));
        var (_, open) = await api.GetAsync("orders?status=open");
        var funds = open!["items"]!.AsArray();
        Assert.Equal(["PPFAS-FLEXI-DG", "UTI-NIFTY50-DG"], funds.Select(o => S(o!["symbol"])).Order().ToArray());
        var (_, cash) = await api.GetAsync("cash");
        // ₹5,000 to funds, 60/40 by the basket's weights, blocked until the NAV.
        Assert.Equal(5_000m, D(cash!["blocked"]));

        // The next NAVs fill them: the execution counts them and the goal links their holdings too.
        foreach (var symbol in new[] { "UTI-NIFTY50-DG", "PPFAS-FLEXI-DG" })
        {
            var nav = Fixture.Prices[symbol];
            var (priced, _) = await fixture.Admin.PostAsync($"admin/securities/{symbol}/bars",
                new[] { new { timestamp = "2026-11-23", open = nav, high = nav, low = nav, close = nav, volume = 1L } });
            Assert.Equal(HttpStatusCode.NoContent, priced);
        }

        await UntilOrdersAsync(api, "open", 0);
        Assert.Equal(5, (await ExecutionsAsync(api, S(plan["id"])))[0]!["ordersExecuted"]!.GetValue<int>());
        Assert.Equal(5, await fixture.Database.OwnerScalarAsync<int>("SELECT cardinality(linked_investment_ids) FROM goals WHERE id = $1", goalId));
    }

    [Fact]
    public async Task Running_the_same_date_again_or_twice_at_once_executes_each_plan_once()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var plan = await SubscribeAsync(api, await StrategyAsync(), 5_000m, day: 14);
        var id = S(plan["id"]);

        // Two schedulers at once, then the same date again.
        await Task.WhenAll(RunAsync("2026-12-14"), RunAsync("2026-12-14"));
        var again = await RunAsync("2026-12-14");

        Assert.Single(await ExecutionsAsync(api, id));
        Assert.Equal(0m, D(again["executed"]));
        var (_, orders) = await api.GetAsync("orders?status=executed&pageSize=50");
        Assert.Equal(5, orders!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task On_a_rebalancing_date_a_drifted_plan_steers_new_money_and_sells_the_overweight_class()
    {
        var (api, userId) = await InvestorAsync(1_00_000m);
        using var _api = api;
        var id = S((await SubscribeAsync(api, await StrategyAsync("""{"up": 50, "flat": 50}"""), 10_000m, day: 7))["id"]);
        // Started in October, so December's run is not a rebalancing date and January's (a quarter later) is.
        await fixture.Database.OwnerExecuteAsync("UPDATE auto_invest_plans SET start_date = '2026-10-07', next_execution_date = '2026-12-07' WHERE id = $1", Guid.Parse(id));
        await RunAsync("2026-12-07");
        var (_, first) = await api.GetAsync("orders?status=executed&pageSize=50");
        Assert.Equal(2, first!["items"]!.AsArray().Count);

        // PLANUP quintuples: about ₹25,000 against ₹5,000, 83 % against a 50 % target.
        var (priced, _) = await fixture.Admin.PostAsync("admin/securities/PLANUP/bars",
            new[] { new { timestamp = "2026-11-23", open = 500m, high = 500m, low = 500m, close = 500m, volume = 1L } });
        Assert.Equal(HttpStatusCode.NoContent, priced);
        var (_, before) = await api.GetAsync($"plans/{id}/rebalance");
        Assert.True(before!["needed"]!.GetValue<bool>());
        Assert.Equal(10_000m, D(before["classes"]!.AsArray().Single(c => S(c!["assetClass"]) == "flat")!["nextMonthAmount"]));

        await RunAsync("2026-12-07");
        await RunAsync("2027-01-07");

        var executions = await ExecutionsAsync(api, id);
        Assert.Equal(2, executions.Count);
        var january = executions[0]!;
        Assert.Equal(("2027-01-07", true), (S(january["executionDate"]), january["allocationDetails"]!["rebalanced"]!.GetValue<bool>()));
        var (_, orders) = await api.GetAsync("orders?status=executed&pageSize=50");
        var sell = Assert.Single(orders!["items"]!.AsArray(), o => S(o!["side"]) == "sell")!;
        // The sale is the proposal's: whole units of PLANUP at the market sell price (500 less 5 bp, on the 5-paise grid: 499.75).
        var trade = D(before["classes"]!.AsArray().Single(c => S(c!["assetClass"]) == "up")!["proposedTrade"]);
        Assert.True(trade < -4_000m, $"proposed {trade}");
        Assert.Equal(("PLANUP", decimal.Floor(-trade / 499.75m), 499.75m), (S(sell["symbol"]), D(sell["filledQuantity"]), D(sell["averageExecutionPrice"])));
        var (_, after) = await api.GetAsync($"plans/{id}/rebalance");
        Assert.False(after!["needed"]!.GetValue<bool>());
        // Cash: the deposit less every buy's cost plus every sale's proceeds, to the paisa.
        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal(await fixture.Database.OwnerScalarAsync<decimal>("SELECT 100000 + sum(amount) FROM cash_ledger WHERE user_id = $1 AND entry_type <> 'deposit'", userId),
            D(cash!["balance"]));
    }

    [Fact]
    public async Task Rebalancing_redeems_an_overweight_fund_by_units_at_the_next_nav()
    {
        var (api, _) = await InvestorAsync(1_00_000m);
        using var _api = api;
        var id = S((await SubscribeAsync(api, await StrategyAsync("""{"fundy": 50, "flat": 50}"""), 10_000m, day: 8))["id"]);
        await fixture.Database.OwnerExecuteAsync("UPDATE auto_invest_plans SET start_date = '2026-10-08', next_execution_date = '2026-12-08' WHERE id = $1", Guid.Parse(id));
        await RunAsync("2026-12-08");
        // The fund leg waits for the NAV: the next one fills it (₹5,000 less stamp duty at ₹100).
        await NavAsync(100m, "2026-11-24");
        await UntilOrdersAsync(api, "executed", 2);

        // The NAV quintuples: the fund is about ₹25,000 against ₹5,000 of PLANFLAT.
        await NavAsync(500m, "2026-11-25");
        var (_, proposal) = await api.GetAsync($"plans/{id}/rebalance");
        var trade = D(proposal!["classes"]!.AsArray().Single(c => S(c!["assetClass"]) == "fundy")!["proposedTrade"]);
        var units = decimal.Round(-trade / 500m, 3, MidpointRounding.ToZero);
        Assert.True(units > 5m, $"proposed {trade}");
        await RunAsync("2027-01-08");

        var january = (await ExecutionsAsync(api, id))[0]!;
        Assert.True(january["allocationDetails"]!["rebalanced"]!.GetValue<bool>());
        var redemption = (await UntilOrdersAsync(api, "open", 1)).Single()!;
        Assert.Equal(("PLANFUND", "sell", units), (S(redemption["symbol"]), S(redemption["side"]), D(redemption["quantity"])));
        var (_, before) = await api.GetAsync("cash");

        // At the next NAV the units pay their value less STT of 0.001 % of it and, bought within the year, the 1 % exit load.
        await NavAsync(500m, "2026-11-26");
        await UntilOrdersAsync(api, "open", 0);
        var (_, after) = await api.GetAsync("cash");
        var value = units * 500m;
        var stt = decimal.Round(value * 0.00001m, 2, MidpointRounding.AwayFromZero);
        var exitLoad = decimal.Round(value * 0.01m, 2, MidpointRounding.AwayFromZero);
        Assert.Equal(D(before!["balance"]) + value - stt - exitLoad, D(after!["balance"]));
    }

    private static async Task UntilNotifiedAsync(ApiClient api, string type)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (_, list) = await api.GetAsync("notifications");
            if (list!["items"]!.AsArray().Any(n => S(n!["type"]) == type)) return;
            if (waited.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"No {type} notification arrived.");
            await Task.Yield();
        }
    }

    private async Task NavAsync(decimal nav, string date)
    {
        var (status, _) = await fixture.Admin.PostAsync("admin/securities/PLANFUND/bars",
            new[] { new { timestamp = date, open = nav, high = nav, low = nav, close = nav, volume = 1L } });
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    /// <summary>Waits for the exchange (a background loop fed by the ticks) to bring the orders of a status to a count.</summary>
    private static async Task<JsonArray> UntilOrdersAsync(ApiClient api, string status, int count)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (_, list) = await api.GetAsync($"orders?status={status}&pageSize=50");
            var items = list!["items"]!.AsArray();
            if (items.Count == count) return items;
            if (waited.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"{items.Count} {status} orders instead of {count}.");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Without_enough_cash_the_execution_fails_with_the_reason_and_buys_nothing()
    {
        var (api, _) = await InvestorAsync(2_000m);
        using var _api = api;
        var plan = await SubscribeAsync(api, await StrategyAsync(), 5_000m, day: 15);
        var id = S(plan["id"]);

        await RunAsync("2026-12-15");

        var execution = Assert.Single(await ExecutionsAsync(api, id))!;
        Assert.Equal("failed", S(execution["status"]));
        Assert.Contains("Not enough cash", S(execution["errorMessage"]));
        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal((2_000m, 0m), (D(cash!["balance"]), D(cash["blocked"])));
        var (_, orders) = await api.GetAsync("orders?status=executed");
        Assert.Empty(orders!["items"]!.AsArray());
        // Plan events reach the bell through the notification outbox, a moment after the run.
        await UntilNotifiedAsync(api, "auto_invest_failed");
        var (_, after) = await api.GetAsync($"plans/{id}");
        Assert.Equal("2027-01-15", S(after!["nextExecutionDate"]));
    }

    [Fact]
    public async Task Missed_dates_inside_the_window_are_caught_up_once_and_older_ones_are_recorded_as_missed()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var recent = S((await SubscribeAsync(api, await StrategyAsync(), 5_000m, day: 1))["id"]);
        var old = S((await SubscribeAsync(api, await StrategyAsync(), 5_000m, day: 2))["id"]);
        // As if Spark was down: one plan's run was 3 days before the catch-up run, the other's 20 days before.
        await fixture.Database.OwnerExecuteAsync("UPDATE auto_invest_plans SET next_execution_date = '2026-12-01', start_date = '2026-11-01' WHERE id = $1", Guid.Parse(recent));
        await fixture.Database.OwnerExecuteAsync("UPDATE auto_invest_plans SET next_execution_date = '2026-11-02', start_date = '2026-11-01' WHERE id = $1", Guid.Parse(old));

        await RunAsync("2026-12-04");
        await RunAsync("2026-12-04");

        var caughtUp = Assert.Single(await ExecutionsAsync(api, recent))!;
        Assert.Equal(("completed", "2026-12-01"), (S(caughtUp["status"]), S(caughtUp["executionDate"])));
        var missed = await ExecutionsAsync(api, old);
        // 2 Nov is missed (older than 7 days); 2 Dec is inside the window and runs.
        Assert.Equal(["2026-12-02:completed", "2026-11-02:failed"], missed.Select(e => $"{S(e!["executionDate"])}:{S(e["status"])}").ToArray());
        Assert.Contains("Missed", S(missed[1]!["errorMessage"]));
    }

    [Fact]
    public async Task A_claim_left_pending_by_a_crash_is_taken_over_once_and_a_fresh_one_is_left_alone()
    {
        var (api, userId) = await InvestorAsync();
        using var _api = api;
        var stale = S((await SubscribeAsync(api, await StrategyAsync(), 5_000m, day: 16))["id"]);
        var fresh = S((await SubscribeAsync(api, await StrategyAsync(), 5_000m, day: 16))["id"]);
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO plan_executions (plan_id, user_id, execution_date, amount_invested, status, created_at) VALUES ($1, $2, '2026-12-16', 0, 'pending', $3)",
            Guid.Parse(stale), userId, fixture.App.Clock.GetUtcNow().AddHours(-1));
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO plan_executions (plan_id, user_id, execution_date, amount_invested, status, created_at) VALUES ($1, $2, '2026-12-16', 0, 'pending', $3)",
            Guid.Parse(fresh), userId, fixture.App.Clock.GetUtcNow());

        await RunAsync("2026-12-16");

        Assert.Equal("completed", S(Assert.Single(await ExecutionsAsync(api, stale))!["status"]));
        Assert.Equal("pending", S(Assert.Single(await ExecutionsAsync(api, fresh))!["status"]));
    }

    [Fact]
    public async Task Another_users_plan_is_not_found()
    {
        var (owner, _) = await InvestorAsync(0m);
        var (other, _) = await InvestorAsync(0m);
        using var _owner = owner;
        using var _other = other;
        var id = S((await SubscribeAsync(owner, await StrategyAsync()))["id"]);

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"plans/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"plans/{id}/cancel")).Status);
        Assert.Empty((await other.GetAsync("plans")).Body!.AsArray());
    }
}
