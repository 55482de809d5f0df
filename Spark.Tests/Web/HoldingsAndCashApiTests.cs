using System.Net;
using System.Text.Json.Nodes;
using Spark.Core;
using Spark.Core.Formatting;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>
/// Issue #16's cash page data (the orders blocking cash, unsettled proceeds, the ledger's pages), the holdings grouped one per
/// security across platforms (decision 0053), and the notification a cancel sends — over real HTTP.
/// </summary>
public sealed class HoldingsAndCashApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private async Task<ApiClient> TraderAsync(decimal cash = 1_00_000m)
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        if (cash > 0m) Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = cash })).Status);
        return api;
    }

    private async Task PriceAsync(string symbol, decimal close, string timestamp)
    {
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        var (status, _) = await api.PostAsync($"admin/securities/{symbol}/bars",
            new[] { new { timestamp, open = close, high = close, low = close, close, volume = 1L } });
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    private static async Task<JsonNode> UntilAsync(ApiClient api, string id, string status)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (_, order) = await api.GetAsync($"orders/{id}");
            if (order!["status"]!.GetValue<string>() == status) return order;
            if (waited.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"Order {id} is {order["status"]} instead of {status}.");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task The_open_buys_blocking_cash_are_listed_each_with_its_amount_and_they_add_up_to_blocked()
    {
        using var api = await TraderAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        await PriceAsync(security.Symbol, 100m, "2026-11-20");
        var (_, first) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 10, price = 90m, validity = "gtc" });
        var (_, second) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 3, price = 80m, validity = "gtc" });

        var (status, blocked) = await api.GetAsync("cash/blocked");
        var (_, cash) = await api.GetAsync("cash");

        Assert.Equal(HttpStatusCode.OK, status);
        var items = blocked!.AsArray();
        Assert.Equal([first!["id"]!.GetValue<string>(), second!["id"]!.GetValue<string>()], items.Select(o => o!["orderId"]!.GetValue<string>()));
        Assert.All(items, o => Assert.Equal(security.Symbol, o!["symbol"]!.GetValue<string>()));
        // Each blocks its cost with charges: 900 and 240 plus a few rupees of STT, stamp duty and exchange charges.
        Assert.InRange(D(items[0]!["blockedAmount"]), 900m, 905m);
        Assert.InRange(D(items[1]!["blockedAmount"]), 240m, 242m);
        Assert.Equal(D(cash!["blocked"]), items.Sum(o => D(o!["blockedAmount"])));

        await api.SendAsync(HttpMethod.Delete, $"orders/{first["id"]}");
        var (_, after) = await api.GetAsync("cash/blocked");
        Assert.Equal([second["id"]!.GetValue<string>()], after!.AsArray().Select(o => o!["orderId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_new_investor_has_an_empty_ledger_and_nothing_blocked_or_settling()
    {
        using var api = await TraderAsync(cash: 0m);

        var (_, ledger) = await api.GetAsync("cash/ledger");
        var (_, blocked) = await api.GetAsync("cash/blocked");
        var (_, settling) = await api.GetAsync("cash/settlements");

        Assert.Equal(0, ledger!["total"]!.GetValue<int>());
        Assert.Empty(ledger["items"]!.AsArray());
        Assert.Empty(blocked!.AsArray());
        Assert.Empty(settling!.AsArray());
    }

    [Fact]
    public async Task The_cash_ledger_pages_newest_first_and_each_balance_is_the_one_before_plus_the_amount()
    {
        using var api = await TraderAsync(cash: 0m);
        decimal[] deposits = [1000m, 250.25m, 99.99m, 5000m, 0.01m];
        foreach (var amount in deposits) Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount })).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/withdraw", new { amount = 300m })).Status);

        var pages = new List<JsonNode>();
        for (var page = 1; page <= 3; page++)
        {
            var (status, body) = await api.GetAsync($"cash/ledger?page={page}&pageSize=2");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((6, page, 2), (body!["total"]!.GetValue<int>(), body["page"]!.GetValue<int>(), body["pageSize"]!.GetValue<int>()));
            pages.AddRange(body["items"]!.AsArray()!.Select(e => e!));
        }

        Assert.Equal([-300m, 0.01m, 5000m, 99.99m, 250.25m, 1000m], pages.Select(e => D(e["amount"])));
        for (var i = 0; i < pages.Count - 1; i++) Assert.Equal(D(pages[i + 1]["balanceAfter"]) + D(pages[i]["amount"]), D(pages[i]["balanceAfter"]));
        Assert.Equal(6050.25m, D(pages[0]["balanceAfter"]));
        Assert.All(pages, e => Assert.False(string.IsNullOrWhiteSpace(e["description"]!.GetValue<string>())));
        var (_, beyond) = await api.GetAsync("cash/ledger?page=4&pageSize=2");
        Assert.Empty(beyond!["items"]!.AsArray());
    }

    [Fact]
    public async Task Sale_proceeds_wait_in_settlements_until_the_next_trading_day_and_explain_what_is_not_withdrawable()
    {
        using var api = await TraderAsync(10_000m);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        await PriceAsync(security.Symbol, 100m, "2026-11-20");
        var (_, buy) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "market", quantity = 20, validity = "day" });
        await PriceAsync(security.Symbol, 100m, "2026-11-23");
        await UntilAsync(api, buy!["id"]!.GetValue<string>(), "executed");
        var (_, sell) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "sell", type = "market", quantity = 20, validity = "day" });
        await PriceAsync(security.Symbol, 110m, "2026-11-24");
        var sold = await UntilAsync(api, sell!["id"]!.GetValue<string>(), "executed");

        var (_, settling) = await api.GetAsync("cash/settlements");
        var (_, cash) = await api.GetAsync("cash");

        var day = settling!.AsArray().Single()!;
        var proceeds = Money.Paisa(D(sold["filledQuantity"]) * D(sold["averageExecutionPrice"])) - D(sold["charges"]);
        Assert.Equal(proceeds, D(day["amount"]));
        Assert.True(DateOnly.Parse(day["settlesOn"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            > Spark.Core.Time.IndiaTime.Today(fixture.App.Clock));
        Assert.Equal(D(cash!["available"]) - D(day["amount"]), D(cash["withdrawable"]));
    }

    [Fact]
    public async Task One_security_on_two_platforms_is_one_group_whose_platform_rows_add_up_to_the_paisa()
    {
        using var api = await TraderAsync(cash: 0m);
        var eth = await TestData.NewSecurityAsync(fixture.Database, Spark.Core.Market.SecurityType.Crypto, sector: null);
        var other = await TestData.NewSecurityAsync(fixture.Database);
        await PriceAsync(eth.Symbol, 2_51_234.5678m, "2026-11-25");
        await PriceAsync(eth.Symbol, 2_63_456.7891m, "2026-11-26");
        await PriceAsync(other.Symbol, 1_001.05m, "2026-11-26");
        // Demo-like: ETH bought on a broker connection's platform and by hand, at prices and fees that leave paise to round.
        foreach (var (quantity, price, fees, platform, date) in new[]
        {
            (0.01234567m, 2_10_123.45m, 12.34m, "binance", "2025-04-10"),
            (0.03333333m, 2_45_678.91m, 7.77m, "manual", "2026-02-03"),
            (0.00500001m, 2_20_000.01m, 1.01m, "binance", "2026-06-30"),
        })
        {
            var (created, body) = await api.PostAsync("transactions", new { symbol = eth.Symbol, type = "buy", quantity, price, fees, transactionDate = date, platform });
            Assert.True(created == HttpStatusCode.Created, body?.ToJsonString());
        }
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("transactions",
            new { symbol = other.Symbol, type = "buy", quantity = 3, price = 999.99m, transactionDate = "2026-03-02", platform = "manual" })).Status);

        var (status, body2) = await api.GetAsync("portfolio/holdings");
        var (_, investments) = await api.GetAsync("investments");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body2!["total"]!.GetValue<int>());
        var group = body2["items"]!.AsArray().Single(g => g!["symbol"]!.GetValue<string>() == eth.Symbol)!;
        var platforms = group["platforms"]!.AsArray().Select(p => p!).ToList();
        Assert.Equal(["binance", "manual"], platforms.Select(p => p["platform"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        // /investments keeps one row per platform; the group's platform rows are exactly those rows.
        var rows = investments!["items"]!.AsArray().Where(i => i!["symbol"]!.GetValue<string>() == eth.Symbol).Select(i => i!).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(rows.Select(r => r["id"]!.GetValue<string>()).Order(), platforms.Select(p => p["id"]!.GetValue<string>()).Order());
        foreach (var field in new[] { "quantity", "investedAmount", "currentValue", "unrealizedPnl", "realizedPnl", "dayChange", "dividendIncome" })
        {
            Assert.Equal(platforms.Sum(p => D(p[field])), D(group[field]));
            Assert.Equal(rows.Sum(r => D(r[field])), D(group[field]));
        }

        Assert.Equal(0.05067901m, D(group["quantity"]));
        // Each platform is valued to the paisa, and the group is their sum (not the total quantity × price rounded once).
        Assert.All(platforms, p => Assert.Equal(Money.Paisa(D(p["quantity"]) * 2_63_456.7891m), D(p["currentValue"])));
        Assert.Equal(Money.UnitPrice(D(group["investedAmount"]) / D(group["quantity"])), D(group["averageBuyPrice"]));
        Assert.Equal(D(group["currentValue"]) - D(group["investedAmount"]), D(group["unrealizedPnl"]));
        Assert.Equal(2_63_456.7891m, D(group["currentPrice"]));
        Assert.Equal(Money.Rate((2_63_456.7891m - 2_51_234.5678m) / 2_51_234.5678m), D(group["dayChangeRate"]));
        Assert.NotNull(group["xirr"]?.GetValue<decimal?>());
        var single = body2["items"]!.AsArray().Single(g => g!["symbol"]!.GetValue<string>() == other.Symbol)!;
        Assert.Single(single["platforms"]!.AsArray());
        Assert.Equal(D(single["platforms"]![0]!["xirr"]), D(single["xirr"]));
        var (bad, problem) = await api.GetAsync("portfolio/holdings?status=everything");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.NotNull(problem!["errors"]!["status"]);
    }

    [Fact]
    public async Task Cancelling_an_order_notifies_like_placing_does_with_the_released_cash_in_the_users_grouping()
    {
        using var api = await TraderAsync(5_00_000m);
        var preferences = (await api.GetAsync("me/preferences")).Body!;
        preferences["numberFormat"] = "international";
        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Put, "me/preferences", preferences)).Status);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        await PriceAsync(security.Symbol, 200m, "2026-11-20");
        var (_, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 1000, price = 150m, validity = "gtc" });
        var id = order!["id"]!.GetValue<string>();
        var block = D((await api.GetAsync("cash")).Body!["blocked"]);

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, $"orders/{id}")).Status);

        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonArray items;
        do
        {
            await Task.Yield();
            items = (await api.GetAsync("notifications")).Body!["items"]!.AsArray();
        }
        while (items.All(n => n!["type"]!.GetValue<string>() != "order_cancelled") && waited.Elapsed < TimeSpan.FromSeconds(10));
        var cancelled = items.Single(n => n!["type"]!.GetValue<string>() == "order_cancelled")!;
        Assert.Equal($"Buy 1000 {security.Symbol} cancelled", cancelled["title"]!.GetValue<string>());
        Assert.Equal($"/orders/{id}", cancelled["link"]!.GetValue<string>());
        var expected = IndianFormat.Money(block, grouping: NumberGrouping.International);
        Assert.Equal($"Cancelled by you. {expected} is available again.", cancelled["message"]!.GetValue<string>());
        Assert.StartsWith("₹150,", expected, StringComparison.Ordinal);
        Assert.Contains(items, n => n!["type"]!.GetValue<string>() == "order_placed");
    }
}
