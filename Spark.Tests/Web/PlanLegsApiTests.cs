using System.Net;
using System.Text.Json.Nodes;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>
/// Issue 15, item 8, through GET /plans/{id}: a plan whose fund legs wait for the NAV counts them at their amount
/// (value ₹10,000 on ₹10,000 invested, 0 %, not ₹0 and −100 %) and lists them; legs not bought are listed with the reason.
/// </summary>
public sealed class PlanLegsApiTests(PlanApiTests.Fixture fixture) : IClassFixture<PlanApiTests.Fixture>
{
    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private static string S(JsonNode? node) => node!.GetValue<string>();

    private async Task<ApiClient> InvestorAsync(decimal cash)
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = cash })).Status);
        return api;
    }

    private async Task<string> PlanAsync(ApiClient api, string allocation, decimal monthly, int day)
    {
        var id = Guid.NewGuid();
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO auto_invest_strategies (id, name, risk_level, expected_returns, min_investment, allocation) VALUES ($1, $2, 'medium', 12, 1000, $3::jsonb)",
            id, $"Legs {id:N}", allocation);
        var (status, plan) = await api.PostAsync("plans", new { strategyId = id, monthlyInvestment = monthly, executionDay = day, autoRebalance = true });
        Assert.True(status == HttpStatusCode.Created, plan?.ToJsonString());
        return S(plan!["id"]);
    }

    private async Task RunAsync(string date)
    {
        var (status, result) = await fixture.Admin.PostAsync("admin/plans/run", new { date });
        Assert.True(status == HttpStatusCode.OK, result?.ToJsonString());
    }

    [Fact]
    public async Task Fund_legs_awaiting_the_nav_count_at_their_amount_and_a_cancelled_one_is_listed_with_its_reason()
    {
        using var api = await InvestorAsync(50_000m);
        // The whole ₹10,000 goes to the one-fund "fundy" basket (PLANFUND), bought by amount and filled only at the next NAV.
        var id = await PlanAsync(api, """{"fundy": 100}""", 10_000m, day: 17);

        await RunAsync("2026-12-17");

        var (status, plan) = await api.GetAsync($"plans/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        // Invested ₹10,000, all of it awaiting the NAV: the value is those ₹10,000, the return ₹0 and 0 %.
        Assert.Equal(10_000m, D(plan!["investedAmount"]));
        Assert.Equal(10_000m, D(plan["awaitingAmount"]));
        Assert.Equal(10_000m, D(plan["currentValue"]));
        Assert.Equal(0m, D(plan["returns"]));
        Assert.Equal(0m, D(plan["returnsRate"]));
        Assert.Empty(plan["holdings"]!.AsArray());
        var leg = Assert.Single(plan["pendingLegs"]!.AsArray())!;
        Assert.Equal(("PLANFUND", "buy", "awaiting_nav", 10_000m, "2026-12-17"),
            (S(leg["symbol"]), S(leg["side"]), S(leg["status"]), D(leg["amount"]), S(leg["executionDate"])));
        Assert.Empty(plan["failedLegs"]!.AsArray());
        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal(10_000m, D(cash!["blocked"]));

        // The investor cancels the fund order before the NAV: nothing was invested, and the plan says which leg and why.
        var (cancelled, _) = await api.SendAsync(HttpMethod.Delete, $"orders/{S(leg["orderId"])}");
        Assert.True(cancelled is HttpStatusCode.NoContent or HttpStatusCode.OK, cancelled.ToString());
        var (_, after) = await api.GetAsync($"plans/{id}");
        Assert.Equal((0m, 0m, 0m), (D(after!["investedAmount"]), D(after["currentValue"]), D(after["awaitingAmount"])));
        Assert.Null(after["returnsRate"]);
        Assert.Empty(after["pendingLegs"]!.AsArray());
        var failed = Assert.Single(after["failedLegs"]!.AsArray())!;
        Assert.Equal(("PLANFUND", "failed", 10_000m, "Cancelled by you."), (S(failed["symbol"]), S(failed["status"]), D(failed["amount"]), S(failed["reason"])));
    }

    [Fact]
    public async Task An_execution_without_the_cash_lists_every_leg_it_did_not_buy_with_the_reason()
    {
        using var api = await InvestorAsync(2_000m);
        var id = await PlanAsync(api, """{"up": 50, "fundy": 50}""", 5_000m, day: 15);

        await RunAsync("2026-12-15");

        var (_, plan) = await api.GetAsync($"plans/{id}");
        Assert.Equal((0m, 0m), (D(plan!["investedAmount"]), D(plan["currentValue"])));
        Assert.Null(plan["returnsRate"]);
        var failed = plan["failedLegs"]!.AsArray();
        // ₹2,500 to each class: 25 PLANUP at ₹100 (whole shares), ₹2,500 of PLANFUND by amount; neither placed.
        Assert.Equal(["PLANFUND", "PLANUP"], failed.Select(l => S(l!["symbol"])).Order(StringComparer.Ordinal));
        Assert.All(failed, l =>
        {
            Assert.Equal("failed", S(l!["status"]));
            Assert.Equal("2026-12-15", S(l["executionDate"]));
            Assert.StartsWith("Not enough cash", S(l["reason"]), StringComparison.Ordinal);
        });
        Assert.Equal(2_500m, D(failed.Single(l => S(l!["symbol"]) == "PLANFUND")!["amount"]));
    }
}
