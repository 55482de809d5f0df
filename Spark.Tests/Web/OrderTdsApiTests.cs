using System.Net;
using System.Text.Json.Nodes;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary><c>GET /orders/{id}</c> reports the TDS of section 194S withheld on a crypto sell's fills, apart from its charges (decision 0048).</summary>
public sealed class OrderTdsApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private async Task PriceAsync(string symbol, decimal close, string timestamp)
    {
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        var (status, _) = await api.PostAsync($"admin/securities/{symbol}/bars",
            new[] { new { timestamp, open = close, high = close, low = close, close, volume = 1L } });
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    /// <summary>Waits for the exchange (a background loop fed by the ticks) to bring the order to a status, reading the API.</summary>
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
    public async Task A_crypto_sells_detail_reports_its_tds_apart_from_charges_and_a_buy_reports_none()
    {
        // Section 194S: 1 % of the sale consideration. 2 units sold at ₹1,500: turnover ₹3,000, TDS ₹30.00. Charges: fee
        // 0.1 % = ₹3.00, GST 18 % = ₹0.54, total ₹3.54, without the TDS. The buy of 2 at ₹1,000 has no TDS.
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = 10_000m })).Status);
        var coin = await TestData.NewSecurityAsync(fixture.Database, Spark.Core.Market.SecurityType.Crypto, null);
        var (_, buy) = await api.PostAsync("orders", new { symbol = coin.Symbol, side = "buy", type = "limit", quantity = 2, price = 1_000m, validity = "gtc" });
        await PriceAsync(coin.Symbol, 1_000m, "2026-11-23");
        var bought = await UntilAsync(api, buy!["id"]!.GetValue<string>(), "executed");
        var (_, sell) = await api.PostAsync("orders", new { symbol = coin.Symbol, side = "sell", type = "limit", quantity = 2, price = 1_500m, validity = "gtc" });
        await PriceAsync(coin.Symbol, 1_500m, "2026-11-24");
        var sellId = sell!["id"]!.GetValue<string>();

        var sold = await UntilAsync(api, sellId, "executed");

        Assert.Equal((30m, 3.54m), (D(sold["tds"]), D(sold["charges"])));
        Assert.Equal((30m, 3.54m), (D(sold["fills"]!.AsArray().Single()!["tds"]), D(sold["fills"]![0]!["charges"])));
        Assert.Equal(0m, D(bought["tds"]));
        Assert.Equal(0m, D(bought["fills"]![0]!["tds"]));
        // The list reports the same per order: ₹30.00 on the sell, nothing on the buy.
        var (_, list) = await api.GetAsync("orders");
        var listed = list!["items"]!.AsArray().ToDictionary(o => o!["id"]!.GetValue<string>(), o => D(o!["tds"]));
        Assert.Equal((30m, 0m), (listed[sellId], listed[buy["id"]!.GetValue<string>()]));

        // A fill whose sale transaction kept no TDS (an older fill) has it recomputed from the schedule at the fill: the same ₹30.00.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE transactions SET metadata = NULL WHERE user_id = $1 AND id IN (SELECT transaction_id FROM order_executions WHERE order_id = $2)",
            user.Id, Guid.Parse(sellId));
        var (_, again) = await api.GetAsync($"orders/{sellId}");
        Assert.Equal(30m, D(again!["tds"]));
    }
}
