using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Brokers;

namespace Spark.Tests.Web;

/// <summary>Spark's real Kite adapter talking to a stub of Kite Connect v3.</summary>
public sealed class KiteStubFixture : IAsyncLifetime
{
    public KiteStub Kite { get; } = new();

    public TestClock Clock { get; } = new();

    public TestDatabase Database { get; } = new();

    public SparkAppFactory App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        App = new SparkAppFactory(Database, new Dictionary<string, string?>
        {
            ["Spark:Brokers:Zerodha:BaseUrl"] = Kite.BaseUrl.ToString(),
            ["Spark:Brokers:Zerodha:LoginUrl"] = Kite.LoginUrl.ToString(),
            ["Spark:Brokers:Zerodha:RetryDelay"] = "00:00:00.010",
            ["Spark:Brokers:Zerodha:AttemptTimeout"] = "00:00:02",
        }, Clock);
        Kite.CallbackUrl = new Uri(App.BaseAddress, "connections/callback/zerodha");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
        Kite.Dispose();
    }
}

/// <summary>
/// A Kite account connected through the redirect login, synced by the real adapter over HTTP (issue #13): after the
/// sync and the accepted reconciliation the positions on the connection equal what Kite reports; the morning
/// expiry of Kite's token ends the next run with a reconnect, and a new login brings it back.
/// </summary>
public sealed class KiteSyncTests(KiteStubFixture fixture) : IClassFixture<KiteStubFixture>
{
    private static async Task<JsonNode> LatestRunAsync(ApiClient api, Guid connectionId, int expectedRuns)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (_, logs) = await api.GetAsync($"connections/{connectionId}/sync-logs");
            var items = logs!["items"]!.AsArray();
            if (items.Count >= expectedRuns && items[0]!["status"]!.GetValue<string>() is "completed" or "failed") return items[0]!;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"The run did not finish: {ApiClient.Json(logs)}");
            await Task.Delay(25);
        }
    }

    /// <summary>Follows Kite's login page (the stub redirects at once, as a signed-in Kite user would see) and finishes the login.</summary>
    private async Task<JsonNode> LoginAsync(ApiClient api, Guid connectionId, string authorizationUrl)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var redirect = await browser.GetAsync(new Uri(authorizationUrl));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var back = redirect.Headers.Location!;
        Assert.StartsWith(fixture.Kite.CallbackUrl!.ToString(), back.ToString(), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(back.Query);
        var (status, view) = await api.PostAsync($"connections/{connectionId}/authorize", new { code = query["request_token"], state = query["state"] });
        Assert.True(status == HttpStatusCode.OK, ApiClient.Json(view));
        return view!;
    }

    private async Task<decimal> PositionAsync(Guid userId, Guid securityId) =>
        await fixture.Database.OwnerScalarAsync<decimal?>(
            "SELECT quantity FROM investments WHERE user_id = $1 AND security_id = $2 AND platform = 'zerodha'", userId, securityId) ?? 0m;

    [Fact]
    public async Task After_a_sync_and_the_accepted_reconciliation_the_positions_equal_kites_and_the_morning_expiry_asks_for_a_new_login()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        var (bought, heldLonger) = (await TestData.NewSecurityAsync(fixture.Database), await TestData.NewSecurityAsync(fixture.Database));
        var now = fixture.Clock.GetUtcNow();
        // Today's fills (all Kite lists) and holdings: 'bought' only from today's buys; 'heldLonger' from before, plus 2 today.
        fixture.Kite.AddTrade("700001", bought.Symbol, TransactionType.Buy, 6, 250.50m, now.AddMinutes(-30));
        fixture.Kite.AddTrade("700002", heldLonger.Symbol, TransactionType.Buy, 2, 99m, now.AddMinutes(-20));
        fixture.Kite.AddPosition(bought.Symbol, "NSE", "CNC", 6, 0, 250.50m, 251m);
        fixture.Kite.AddPosition(heldLonger.Symbol, "NSE", "CNC", 2, 0, 99m, 101m);
        fixture.Kite.AddHolding(heldLonger.Symbol, null, SecurityType.Stock, 10, 80m, 101m);

        var (created, connection) = await api.PostAsync("connections",
            new { platform = "zerodha", apiKey = fixture.Kite.ApiKey, apiSecret = fixture.Kite.ApiSecret });
        Assert.True(created == HttpStatusCode.Created, ApiClient.Json(connection));
        var id = connection!["id"]!.GetValue<Guid>();
        Assert.Contains("v=3", connection["authorizationUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        var view = await LoginAsync(api, id, connection["authorizationUrl"]!.GetValue<string>());
        Assert.Equal(fixture.Kite.UserName, view["accountName"]!.GetValue<string>());

        var run = await LatestRunAsync(api, id, 1);
        Assert.True(run["status"]!.GetValue<string>() == "completed", ApiClient.Json(run));
        Assert.Equal(2, run["transactionsFetched"]!.GetValue<int>());
        Assert.Equal(6m, await PositionAsync(user.Id, bought.Id));
        Assert.Equal(2m, await PositionAsync(user.Id, heldLonger.Id));

        var (_, reconciliation) = await api.GetAsync($"connections/{id}/reconciliation");
        var line = Assert.Single(reconciliation!["lines"]!.AsArray())!;
        Assert.Equal((heldLonger.Symbol, 10m, "opening_balance"),
            (line["symbol"]!.GetValue<string>(), line["difference"]!.GetValue<decimal>(), line["action"]!.GetValue<string>()));
        await api.PostAsync($"connections/{id}/reconciliation");
        Assert.Equal(12m, await PositionAsync(user.Id, heldLonger.Id));
        Assert.True((await api.GetAsync($"connections/{id}/reconciliation")).Body!["inBalance"]!.GetValue<bool>());

        // 06:00 IST: Kite ends every login.
        fixture.Kite.ExpireAccessTokens();
        await api.PostAsync($"connections/{id}/sync");
        var failed = await LatestRunAsync(api, id, 2);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        var (_, expired) = await api.GetAsync($"connections/{id}");
        Assert.True(expired!["reconnectRequired"]!.GetValue<bool>());
        Assert.Equal("error", expired["status"]!.GetValue<string>());

        var (_, reconnect) = await api.PostAsync($"connections/{id}/reconnect", new { });
        await LoginAsync(api, id, reconnect!["authorizationUrl"]!.GetValue<string>());
        var again = await LatestRunAsync(api, id, 3);
        Assert.Equal("completed", again["status"]!.GetValue<string>());
        Assert.Equal(0, again["recordsCreated"]!.GetValue<int>());
        Assert.Equal(12m, await PositionAsync(user.Id, heldLonger.Id));
    }
}
