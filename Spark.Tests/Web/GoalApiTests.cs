using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Time;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Jobs;

namespace Spark.Tests.Web;

/// <summary>Goals over real HTTP: the fields and their rules, progress without double counting, milestones, states, the projection.</summary>
public sealed class GoalApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private DateOnly Today => fixture.Clock.Today;

    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(ApiClient Api, SparkUser User)> InvestorAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return (api, user);
    }

    private async Task PriceAsync(string symbol, decimal close, string date)
    {
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        var (status, _) = await api.PostAsync($"admin/securities/{symbol}/bars",
            new[] { new { timestamp = date, open = close, high = close, low = close, close, volume = 100L } });
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    /// <summary>A holding of 10 units bought at ₹100 and now priced at <paramref name="price"/>.</summary>
    private async Task<(Guid InvestmentId, string Symbol)> HoldingAsync(ApiClient api, decimal price)
    {
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var (status, bought) = await api.PostAsync("transactions",
            new { symbol = security.Symbol, type = "buy", quantity = 10, price = 100m, transactionDate = "2025-01-06" });
        Assert.Equal(HttpStatusCode.Created, status);
        await PriceAsync(security.Symbol, price, "2026-11-20");
        return (bought!["investmentId"]!.GetValue<Guid>(), security.Symbol);
    }

    private object Goal(string name, decimal target = 10_000m, Guid[]? linked = null, int years = 5) => new
    {
        name, category = "house", targetAmount = target, startDate = Day(Today), targetDate = Day(Today.AddYears(years)),
        monthlyContribution = 0m, linkedInvestmentIds = linked,
    };

    private static async Task<JsonNode> CreatedAsync(ApiClient api, object body)
    {
        var (status, goal) = await api.PostAsync("goals", body);
        Assert.True(status == HttpStatusCode.Created, $"{status}: {ApiClient.Json(goal)}");
        return goal!;
    }

    private static async Task<decimal> CurrentAsync(ApiClient api, Guid goalId) => D((await api.GetAsync($"goals/{goalId}")).Body!["currentAmount"]);

    private async Task<List<string>> MilestonesAsync(ApiClient api)
    {
        var (_, list) = await api.GetAsync("notifications?pageSize=50");
        return [.. list!["items"]!.AsArray().Where(n => n!["type"]!.GetValue<string>() == "goal_milestone").Select(n => n!["title"]!.GetValue<string>()).Reverse()];
    }

    [Fact]
    public async Task A_goal_keeps_every_column_and_answers_rates_and_mix_as_fractions_with_its_progress()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;

        var goal = await CreatedAsync(api, new
        {
            name = "  Daughter's college  ", category = "education", targetAmount = 25_00_000m, startDate = Day(Today), targetDate = Day(Today.AddMonths(120)),
            monthlyContribution = 10_000m, priority = "high", riskProfile = "aggressive", expectedReturnRate = 0.12m,
            investmentMix = new Dictionary<string, decimal> { ["equity"] = 0.7m, ["debt"] = 0.2m, ["gold"] = 0.05m, ["crypto"] = 0.05m },
            description = "Engineering, four years",
        });
        var id = goal["id"]!.GetValue<Guid>();
        var (status, read) = await api.GetAsync($"goals/{id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Daughter's college", read!["name"]!.GetValue<string>());
        Assert.Equal(("education", "high", "aggressive", "active"), (read["category"]!.GetValue<string>(), read["priority"]!.GetValue<string>(),
            read["riskProfile"]!.GetValue<string>(), read["status"]!.GetValue<string>()));
        Assert.Equal((25_00_000m, 10_000m, 0.12m, 0.7m), (D(read["targetAmount"]), D(read["monthlyContribution"]), D(read["expectedReturnRate"]), D(read["investmentMix"]!["equity"])));
        Assert.Equal((0m, 0m, 120), (D(read["currentAmount"]), D(read["progressRate"]), read["monthsRemaining"]!.GetValue<int>()));
        // api.md's example: ₹10,000 a month for 120 months at 12% is ₹23,23,390.76, short of ₹25,00,000.
        Assert.Equal(23_23_390.76m, D(read["projectedAmount"]));
        Assert.False(read["onTrack"]!.GetValue<bool>());
        Assert.Equal("Engineering, four years", read["description"]!.GetValue<string>());
        // The database keeps the schema's percents.
        Assert.Equal(12.00m, await fixture.Database.OwnerScalarAsync<decimal>("SELECT expected_returns FROM goals WHERE id = $1", id));
        Assert.Equal(70m, await fixture.Database.OwnerScalarAsync<decimal>("SELECT (investment_mix->>'equity')::numeric FROM goals WHERE id = $1", id));

        var (_, edited) = await api.SendAsync(HttpMethod.Put, $"goals/{id}", new { monthlyContribution = 11_000m, description = "" });
        Assert.Equal((11_000m, "education"), (D(edited!["monthlyContribution"]), edited["category"]!.GetValue<string>()));
        Assert.Null(edited["description"]);
        var (_, list) = await api.GetAsync("goals");
        Assert.Equal(id, Assert.Single(list!["items"]!.AsArray())!["id"]!.GetValue<Guid>());
        Assert.Equal(1, list["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_goal_that_breaks_rules_is_a_400_naming_each_field()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;

        var (status, problem) = await api.PostAsync("goals", new
        {
            name = " ", category = "holiday", targetAmount = 0m, startDate = Day(Today), targetDate = Day(Today.AddDays(-1)), monthlyContribution = -5m,
            priority = "urgent", expectedReturnRate = 0.5m, investmentMix = new Dictionary<string, decimal> { ["equity"] = 0.5m, ["debt"] = 0.3m },
        });
        var (missing, nothing) = await api.PostAsync("goals", new { });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["category", "expectedReturnRate", "investmentMix", "monthlyContribution", "name", "priority", "targetAmount", "targetDate"],
            problem!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("The shares add up to 1 (100 %).", problem["errors"]!["investmentMix"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(["category", "name", "targetAmount", "targetDate"], nothing!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        var (_, list) = await api.GetAsync("goals");
        Assert.Equal(0, list!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_name_is_unique_among_the_users_live_goals_and_free_again_after_a_delete()
    {
        var (api, _) = await InvestorAsync();
        var (other, _) = await InvestorAsync();
        using var _api = api;
        using var _other = other;
        var first = await CreatedAsync(api, Goal("Retirement"));

        var (taken, problem) = await api.PostAsync("goals", Goal("retirement"));
        await CreatedAsync(other, Goal("Retirement"));
        var second = await CreatedAsync(api, Goal("Emergency fund"));
        var (renamed, renameProblem) = await api.SendAsync(HttpMethod.Put, $"goals/{second["id"]}", new { name = "Retirement" });

        Assert.Equal(HttpStatusCode.BadRequest, taken);
        Assert.Contains("already have a goal called", problem!["errors"]!["name"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, renamed);
        Assert.NotNull(renameProblem!["errors"]!["name"]);

        var (deleted, _) = await api.SendAsync(HttpMethod.Delete, $"goals/{first["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"goals/{first["id"]}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(HttpMethod.Delete, $"goals/{first["id"]}")).Status);
        await CreatedAsync(api, Goal("Retirement"));
        // The deleted row stays, soft-deleted.
        Assert.Equal(1L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM goals WHERE id = $1 AND deleted_at IS NOT NULL", first["id"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task Progress_is_the_linked_holdings_at_live_prices_plus_money_set_aside_and_never_contributions_on_top()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var (investment, symbol) = await HoldingAsync(api, 120m);
        var goal = await CreatedAsync(api, Goal("Car", 10_000m, [investment]));
        var id = goal["id"]!.GetValue<Guid>();
        Assert.Equal((1_200m, 1_200m, 0m, 0.12m), (D(goal["currentAmount"]), D(goal["linkedValue"]), D(goal["setAsideAmount"]), D(goal["progressRate"])));

        var (added, contribution) = await api.PostAsync($"goals/{id}/contributions", new { amount = 500m, contributionDate = Day(Today), note = "Diwali bonus" });
        // Money a plan put in, returns and dividends are history: the holding's value already carries them.
        await api.PostAsync($"goals/{id}/contributions", new { amount = 1_000m, contributionDate = Day(Today), source = "auto" });
        await api.PostAsync($"goals/{id}/contributions", new { amount = 40m, contributionDate = Day(Today), source = "dividend" });
        await api.PostAsync($"goals/{id}/contributions", new { amount = 60m, contributionDate = Day(Today), source = "investment_returns" });

        Assert.Equal(HttpStatusCode.Created, added);
        Assert.Equal(("manual", 500m, "Diwali bonus"), (contribution!["source"]!.GetValue<string>(), D(contribution["amount"]), contribution["note"]!.GetValue<string>()));
        Assert.Equal(1_700m, await CurrentAsync(api, id));
        Assert.Equal(1_700m, await fixture.Database.OwnerScalarAsync<decimal>("SELECT current_amount FROM goals WHERE id = $1", id));
        var (_, history) = await api.GetAsync($"goals/{id}/contributions");
        Assert.Equal(4, history!["total"]!.GetValue<int>());

        // Live: a new price moves the goal at once; the stored amount follows at the next refresh.
        await PriceAsync(symbol, 150m, "2026-11-23");
        Assert.Equal(2_000m, await CurrentAsync(api, id));

        // A holding counts toward one goal only.
        var (clash, problem) = await api.PostAsync("goals", Goal("Bike", 5_000m, [investment]));
        Assert.Equal(HttpStatusCode.BadRequest, clash);
        Assert.Contains($"{symbol} already counts toward “Car”", problem!["errors"]!["linkedInvestmentIds"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var (foreign, _) = await api.PostAsync("goals", Goal("Bike", 5_000m, [Guid.NewGuid()]));
        Assert.Equal(HttpStatusCode.BadRequest, foreign);

        // Unlinking frees the holding and leaves only the money set aside.
        var (_, unlinked) = await api.SendAsync(HttpMethod.Put, $"goals/{id}", new { linkedInvestmentIds = Array.Empty<Guid>() });
        Assert.Equal(500m, D(unlinked!["currentAmount"]));
        await CreatedAsync(api, Goal("Bike", 5_000m, [investment]));
    }

    [Fact]
    public async Task A_plans_purchases_link_to_its_goal_unless_the_holding_counts_toward_another()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var (taken, _) = await HoldingAsync(api, 120m);
        var (free, _) = await HoldingAsync(api, 50m);
        var house = (await CreatedAsync(api, Goal("House", 1_00_000m, [taken])))["id"]!.GetValue<Guid>();
        var car = (await CreatedAsync(api, Goal("Car", 1_00_000m)))["id"]!.GetValue<Guid>();

        await using (var context = fixture.Database.App(Spark.Data.DataScope.System("plan execution test")))
        {
            var linked = await Spark.Web.Services.Goals.GoalLinking.LinkPurchasesAsync(context, [(car, taken), (car, free), (car, free), (house, taken)], fixture.Clock.GetUtcNow());
            Assert.Equal(1, linked);
        }

        await using var scope = fixture.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Goals.GoalProgressService>().RefreshAsync([car, house]);
        var (_, carGoal) = await api.GetAsync($"goals/{car}");
        Assert.Equal([free], carGoal!["linkedInvestmentIds"]!.AsArray().Select(i => i!.GetValue<Guid>()));
        Assert.Equal(500m, D(carGoal["currentAmount"]));
        Assert.Equal([taken], (await api.GetAsync($"goals/{house}")).Body!["linkedInvestmentIds"]!.AsArray().Select(i => i!.GetValue<Guid>()));
        Assert.Equal(500m, await fixture.Database.OwnerScalarAsync<decimal>("SELECT current_amount FROM goals WHERE id = $1", car));
    }

    [Fact]
    public async Task Milestones_are_announced_once_each_the_goal_is_achieved_and_the_preference_is_honoured()
    {
        var (api, user) = await InvestorAsync();
        using var _api = api;
        var (investment, symbol) = await HoldingAsync(api, 120m);
        var goal = await CreatedAsync(api, Goal("Wedding", 4_000m, [investment]));
        var id = goal["id"]!.GetValue<Guid>();
        Assert.Equal(["Wedding: 25% of the way"], await MilestonesAsync(api)); // ₹1,200 of ₹4,000

        await api.PostAsync($"goals/{id}/contributions", new { amount = 900m, contributionDate = Day(Today) }); // ₹2,100: 52.5 %
        await api.PostAsync($"goals/{id}/contributions", new { amount = 100m, contributionDate = Day(Today) }); // ₹2,200: 55 %
        await PriceAsync(symbol, 90m, "2026-11-23"); // ₹1,900: 47.5 %
        await RunJobAsync();
        await PriceAsync(symbol, 120m, "2026-11-24"); // ₹2,200 again: 50 % crossed a second time
        await RunJobAsync();
        Assert.Equal(["Wedding: 25% of the way", "Wedding: 50% of the way"], await MilestonesAsync(api));

        var (_, notifications) = await api.GetAsync("notifications");
        Assert.Equal($"/goals/{id}", notifications!["items"]![0]!["link"]!.GetValue<string>());
        await api.PostAsync($"goals/{id}/contributions", new { amount = 1_800m, contributionDate = Day(Today) }); // ₹4,000: reached
        var (_, achieved) = await api.GetAsync($"goals/{id}");
        Assert.Equal(("achieved", Day(Today)), (achieved!["status"]!.GetValue<string>(), achieved["achievedDate"]!.GetValue<string>()));
        Assert.Equal(["Wedding: 25% of the way", "Wedding: 50% of the way", "Goal reached: Wedding"], await MilestonesAsync(api));

        // With goal milestones turned off, nothing is said, and turning them on later does not replay what was passed.
        var preferences = (await api.GetAsync("me/preferences")).Body!;
        preferences["pushGoalMilestones"] = false;
        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Put, "me/preferences", preferences)).Status);
        var quiet = await CreatedAsync(api, Goal("Sabbatical", 1_000m));
        await api.PostAsync($"goals/{quiet["id"]}/contributions", new { amount = 300m, contributionDate = Day(Today) });
        preferences["pushGoalMilestones"] = true;
        await api.SendAsync(HttpMethod.Put, "me/preferences", preferences);
        await RunJobAsync();
        Assert.Equal(3, (await MilestonesAsync(api)).Count);
        Assert.Equal(0.3m, D((await api.GetAsync($"goals/{quiet["id"]}")).Body!["progressRate"]));
        Assert.Equal(user.Id, await fixture.Database.OwnerScalarAsync<Guid>("SELECT user_id FROM goals WHERE id = $1", id));
    }

    [Fact]
    public async Task A_goal_pauses_resumes_and_cancels_in_order_and_a_cancelled_goal_is_read_only()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var id = (await CreatedAsync(api, Goal("Holiday home", 50_00_000m)))["id"]!.GetValue<Guid>();

        var (paused, pausedGoal) = await api.PostAsync($"goals/{id}/pause");
        var (again, _) = await api.PostAsync($"goals/{id}/pause");
        var (resumed, resumedGoal) = await api.PostAsync($"goals/{id}/resume");
        var (cancelled, cancelledGoal) = await api.PostAsync($"goals/{id}/cancel");
        var (resumeCancelled, problem) = await api.PostAsync($"goals/{id}/resume");
        var (edit, _) = await api.SendAsync(HttpMethod.Put, $"goals/{id}", new { monthlyContribution = 5_000m });
        var (contribute, _) = await api.PostAsync($"goals/{id}/contributions", new { amount = 100m, contributionDate = Day(Today) });

        Assert.Equal((HttpStatusCode.OK, "paused"), (paused, pausedGoal!["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal((HttpStatusCode.OK, "active"), (resumed, resumedGoal!["status"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.OK, "cancelled"), (cancelled, cancelledGoal!["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, resumeCancelled);
        Assert.Equal("Only a paused goal can be resumed; this one is cancelled.", problem!["detail"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (edit, contribute));
        var (_, cancelledOnly) = await api.GetAsync("goals?status=cancelled");
        Assert.Equal(1, cancelledOnly!["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("goals?status=finished")).Status);
    }

    [Fact]
    public async Task The_projection_answers_the_formula_a_seeded_probability_and_an_inflation_adjusted_target()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var id = (await CreatedAsync(api, new
        {
            name = "Corpus", category = "custom", targetAmount = 23_23_390.76m, startDate = Day(Today), targetDate = Day(Today.AddMonths(120)),
            monthlyContribution = 10_000m, expectedReturnRate = 0.12m, riskProfile = "moderate",
        }))["id"]!.GetValue<Guid>();

        var (status, projection) = await api.GetAsync($"goals/{id}/projection");
        var (_, again) = await api.GetAsync($"goals/{id}/projection");
        var (_, inflated) = await api.GetAsync($"goals/{id}/projection?inflationRate=0.06");
        var (bad, problem) = await api.GetAsync($"goals/{id}/projection?inflationRate=0.5");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((23_23_390.76m, 10_000m, 120), (D(projection!["projectedAmount"]), D(projection["requiredMonthlyContribution"]), projection["monthsRemaining"]!.GetValue<int>()));
        Assert.True(projection["onTrack"]!.GetValue<bool>());
        var series = projection["series"]!.AsArray();
        Assert.Equal(121, series.Count);
        Assert.Equal((0, 0m), (series[0]!["month"]!.GetValue<int>(), D(series[0]!["p50"])));
        Assert.True(D(series[120]!["p10"]) < D(series[120]!["p50"]) && D(series[120]!["p50"]) < D(series[120]!["p90"]));
        Assert.InRange(D(projection["successProbability"]), 0.05m, 0.95m);
        // No mix named: the moderate profile's mix is simulated (equity 60 %, debt 30 %, gold 10 %: 10.1 % expected).
        Assert.True(projection["mixFromRiskProfile"]!.GetValue<bool>());
        Assert.Equal(0.101m, D(projection["mixExpectedReturnRate"]));
        Assert.Equal(ApiClient.Json(projection), ApiClient.Json(again));

        // 6 % inflation for ten years: the target grows by 1.06^10 = 1.790848, and needs more every month.
        Assert.Equal(41_60_838.99m, D(inflated!["targetAmount"]));
        Assert.Equal(23_23_390.76m, D(inflated["goalTargetAmount"]));
        Assert.True(D(inflated["requiredMonthlyContribution"]) > 17_900m);
        Assert.False(inflated["onTrack"]!.GetValue<bool>());
        Assert.True(D(inflated["successProbability"]) < D(projection["successProbability"]));
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.NotNull(problem!["errors"]!["inflationRate"]);
    }

    [Fact]
    public async Task A_contribution_sent_twice_with_the_same_idempotency_key_is_recorded_once()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var id = (await CreatedAsync(api, Goal("Laptop", 1_00_000m)))["id"]!.GetValue<Guid>();
        var key = Guid.NewGuid().ToString();
        var body = $$"""{"amount": 2500, "contributionDate": "{{Day(Today)}}"}""";

        var first = await api.SendWithKeyAsync($"goals/{id}/contributions", body, key);
        var again = await api.SendWithKeyAsync($"goals/{id}/contributions", body, key);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.Status, again.Status));
        Assert.True(again.Replayed);
        Assert.Equal(1, (await api.GetAsync($"goals/{id}/contributions")).Body!["total"]!.GetValue<int>());
        Assert.Equal(2_500m, await CurrentAsync(api, id));
    }

    [Fact]
    public async Task Another_users_goal_is_not_found_anywhere()
    {
        var (owner, _) = await InvestorAsync();
        var (intruder, _) = await InvestorAsync();
        using var _owner = owner;
        using var _intruder = intruder;
        var id = (await CreatedAsync(owner, Goal("Private")))["id"]!.GetValue<Guid>();

        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"goals/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.SendAsync(HttpMethod.Put, $"goals/{id}", Goal("Mine now"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.PostAsync($"goals/{id}/contributions", new { amount = 1m, contributionDate = Day(Today) })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.SendAsync(HttpMethod.Delete, $"goals/{id}")).Status);
        Assert.Equal(0, (await intruder.GetAsync("goals")).Body!["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"goals/{id}")).Status);
    }

    private async Task RunJobAsync()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<GoalProgressJob>().RunAsync();
    }
}
