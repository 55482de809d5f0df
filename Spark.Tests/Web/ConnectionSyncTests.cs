using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Brokers;
using Spark.Web.Services.Connections;

namespace Spark.Tests.Web;

/// <summary>Spark with scripted brokers in front of the real adapters: Groww (keys) and Zerodha (redirect login).</summary>
public sealed class ScriptedBrokersFixture : IAsyncLifetime
{
    public ScriptedBroker Groww { get; } = new(PlatformNames.Groww);

    public ScriptedBroker Zerodha { get; } = new(PlatformNames.Zerodha, BrokerAuthFlow.Redirect);

    public TestClock Clock { get; } = new();

    public TestDatabase Database { get; } = new();

    public SparkAppFactory App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        App = new SparkAppFactory(Database, new Dictionary<string, string?> { ["Spark:PublicUrl"] = "http://localhost/" }, Clock, services =>
        {
            services.AddSingleton<IBrokerAdapter>(Groww);
            services.AddSingleton<IBrokerAdapter>(Zerodha);
        });
        _ = App.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// Broker syncs over real HTTP and PostgreSQL (issue #13): what a run writes, that it writes it once, that a failure
/// writes nothing, one run per connection, reconciliation, secrets at rest and bad input.
/// </summary>
public sealed class ConnectionSyncTests(ScriptedBrokersFixture fixture) : IClassFixture<ScriptedBrokersFixture>
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    private async Task<(ApiClient Api, SparkUser User)> InvestorAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return (api, user);
    }

    private DateTimeOffset DaysAgo(int days) => fixture.Clock.GetUtcNow().AddDays(-days);

    private static BrokerTrade Trade(string id, Security security, TransactionType side, decimal quantity, decimal price, DateTimeOffset at) =>
        new(id, "order-" + id, new BrokerInstrument(security.Symbol, "NSE", security.Isin, security.Type, security.Name), side, quantity, price, at);

    private static BrokerHolding Holding(Security security, decimal quantity, decimal average, decimal? last = null) =>
        new(new BrokerInstrument(security.Symbol, "NSE", security.Isin, security.Type, security.Name), quantity, average, last);

    /// <summary>Connects a key broker (its first sync starts at once) and answers the connection.</summary>
    private static async Task<JsonNode> ConnectAsync(ApiClient api, BrokerScript script, string platform = PlatformNames.Groww)
    {
        var (status, body) = await api.PostAsync("connections", new { platform, apiKey = script.ApiKey, apiSecret = "s3cret-value-for-tests" });
        Assert.True(status == HttpStatusCode.Created, $"{status}: {ApiClient.Json(body)}");
        return body!;
    }

    /// <summary>Polls the connection's newest run until it has finished (the queue runs it in the background).</summary>
    private static async Task<JsonNode> LatestRunAsync(ApiClient api, Guid connectionId, int expectedRuns)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (_, logs) = await api.GetAsync($"connections/{connectionId}/sync-logs");
            var items = logs!["items"]!.AsArray();
            if (items.Count >= expectedRuns && items[0]!["status"]!.GetValue<string>() is "completed" or "failed") return items[0]!;
            Assert.True(watch.Elapsed < RunTimeout, $"The run did not finish: {ApiClient.Json(logs)}");
            await Task.Delay(25);
        }
    }

    private async Task<decimal> PositionAsync(Guid userId, Guid securityId, string platform) =>
        await fixture.Database.OwnerScalarAsync<decimal?>(
            "SELECT quantity FROM investments WHERE user_id = $1 AND security_id = $2 AND platform = $3", userId, securityId, platform) ?? 0m;

    private async Task<long> TransactionsAsync(Guid userId, string platform) =>
        await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM transactions WHERE user_id = $1 AND platform = $2", userId, platform);

    private async Task<long> NotificationsAsync(Guid userId, string type) =>
        await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM user_notifications WHERE user_id = $1 AND type = $2", userId, type);

    private static Guid Id(JsonNode node) => node["id"]!.GetValue<Guid>();

    private static int Int(JsonNode node, string name) => node[name]!.GetValue<int>();

    [Fact]
    public async Task A_sync_writes_every_page_of_trades_on_the_brokers_platform_and_a_second_sync_adds_nothing()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var script = fixture.Groww.NewAccount();
        script.Trades.AddRange([
            Trade("T1", security, TransactionType.Buy, 10, 100m, DaysAgo(30)),
            Trade("T2", security, TransactionType.Buy, 5, 110m, DaysAgo(20)),
            Trade("T3", security, TransactionType.Sell, 3, 120m, DaysAgo(10)),
        ]);
        script.Holdings.Add(Holding(security, 12, 103.33m, 130m));

        var connection = await ConnectAsync(api, script);
        var first = await LatestRunAsync(api, Id(connection), 1);
        Assert.Equal("completed", first["status"]!.GetValue<string>());
        Assert.Equal("auto", first["syncType"]!.GetValue<string>());
        Assert.Equal((1, 3, 3), (Int(first, "holdingsFetched"), Int(first, "transactionsFetched"), Int(first, "recordsCreated")));
        Assert.Equal(3, await TransactionsAsync(user.Id, PlatformNames.Groww));
        Assert.Equal(12m, await PositionAsync(user.Id, security.Id, PlatformNames.Groww));
        var (_, view) = await api.GetAsync($"connections/{Id(connection)}");
        Assert.Equal("connected", view!["status"]!.GetValue<string>());
        Assert.Equal(1, Int(view, "holdingsCount"));
        Assert.Equal(1560m, view["totalValue"]!.GetValue<decimal>());

        var (accepted, run) = await api.PostAsync($"connections/{Id(connection)}/sync");
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        Assert.Equal("manual", run!["syncType"]!.GetValue<string>());
        var second = await LatestRunAsync(api, Id(connection), 2);
        Assert.Equal("completed", second["status"]!.GetValue<string>());
        Assert.Equal(0, Int(second, "recordsCreated"));
        Assert.Equal(3, await TransactionsAsync(user.Id, PlatformNames.Groww));
        // The second run resumed from where the first ended, not from the beginning.
        Assert.Equal(new[] { "", "2", "3" }, script.CursorsAsked.Select(c => c ?? ""));
    }

    [Fact]
    public async Task Two_sync_requests_while_a_run_is_in_flight_get_that_run_and_the_broker_is_read_once()
    {
        var (api, _) = await InvestorAsync();
        using var __ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var script = fixture.Groww.NewAccount();
        script.Trades.Add(Trade("T1", security, TransactionType.Buy, 1, 100m, DaysAgo(3)));
        script.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = await ConnectAsync(api, script);

        var asked = await Task.WhenAll(api.PostAsync($"connections/{Id(connection)}/sync"), api.PostAsync($"connections/{Id(connection)}/sync"));
        Assert.All(asked, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
        var (_, logs) = await api.GetAsync($"connections/{Id(connection)}/sync-logs");
        var only = Assert.Single(logs!["items"]!.AsArray());
        Assert.All(asked, a => Assert.Equal(Id(only!), Id(a.Body!)));

        script.Gate.SetResult();
        var run = await LatestRunAsync(api, Id(connection), 1);
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal(1, script.HoldingsCalls);
    }

    [Fact]
    public async Task A_failure_mid_paging_writes_nothing_tells_the_investor_once_and_the_next_run_starts_from_the_old_cursor()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var script = fixture.Groww.NewAccount();
        for (var i = 1; i <= 5; i++) script.Trades.Add(Trade($"T{i}", security, TransactionType.Buy, 1, 100m + i, DaysAgo(10 - i)));
        script.FailOnPage = 2;

        var connection = await ConnectAsync(api, script);
        var failed = await LatestRunAsync(api, Id(connection), 1);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("503", failed["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("after 1 pages", failed["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await TransactionsAsync(user.Id, PlatformNames.Groww));
        var (_, view) = await api.GetAsync($"connections/{Id(connection)}");
        Assert.Equal("error", view!["status"]!.GetValue<string>());
        Assert.False(view["reconnectRequired"]!.GetValue<bool>());

        await api.PostAsync($"connections/{Id(connection)}/sync");
        Assert.Equal("failed", (await LatestRunAsync(api, Id(connection), 2))["status"]!.GetValue<string>());
        Assert.Equal(1, await NotificationsAsync(user.Id, SyncService.FailedKind));

        script.FailOnPage = null;
        await api.PostAsync($"connections/{Id(connection)}/sync");
        var good = await LatestRunAsync(api, Id(connection), 3);
        Assert.Equal("completed", good["status"]!.GetValue<string>());
        Assert.Equal(5, Int(good, "recordsCreated"));
        Assert.Equal(5m, await PositionAsync(user.Id, security.Id, PlatformNames.Groww));
        // Every run began at the start: a failed run leaves the cursor where the last good one put it.
        Assert.Equal(3, script.CursorsAsked.Count(c => c is null));
    }

    [Fact]
    public async Task A_broker_that_pages_without_end_fails_the_run_and_writes_nothing()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var script = fixture.Groww.NewAccount();
        script.Endless = true;
        var connection = await ConnectAsync(api, script);
        var run = await LatestRunAsync(api, Id(connection), 1);
        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Contains("kept sending pages", run["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await TransactionsAsync(user.Id, PlatformNames.Groww));
    }

    [Fact]
    public async Task An_expired_login_needs_a_reconnect_the_investor_is_told_once_and_a_reconnect_syncs_again()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var script = fixture.Groww.NewAccount();
        script.ExpiresAt = fixture.Clock.GetUtcNow().AddHours(1);
        var connection = await ConnectAsync(api, script);
        Assert.Equal("completed", (await LatestRunAsync(api, Id(connection), 1))["status"]!.GetValue<string>());

        fixture.Clock.Advance(TimeSpan.FromHours(2));
        // The API's own access token lives 15 minutes on the same clock.
        await api.LoginAsync(user.Email!, TestData.Password);
        await api.PostAsync($"connections/{Id(connection)}/sync");
        var expired = await LatestRunAsync(api, Id(connection), 2);
        Assert.Equal("failed", expired["status"]!.GetValue<string>());
        Assert.Contains("expired", expired["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        await api.PostAsync($"connections/{Id(connection)}/sync");
        await LatestRunAsync(api, Id(connection), 3);
        var (_, view) = await api.GetAsync($"connections/{Id(connection)}");
        Assert.True(view!["reconnectRequired"]!.GetValue<bool>());
        Assert.Equal(1, await NotificationsAsync(user.Id, SyncService.ReconnectKind));

        script.ExpiresAt = null;
        var (status, reconnected) = await api.PostAsync($"connections/{Id(connection)}/reconnect", new { });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(reconnected!["reconnectRequired"]!.GetValue<bool>());
        Assert.Equal("completed", (await LatestRunAsync(api, Id(connection), 4))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tradebook_import_then_a_sync_through_the_redirect_login_writes_each_trade_once()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var day = fixture.Clock.Today.AddDays(-5);
        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 15)), TimeSpan.FromHours(5.5));
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = "symbol,isin,trade_date,exchange,segment,series,trade_type,auction,quantity,price,trade_id,order_id,order_execution_time\n"
            + $"{security.Symbol},,{date},NSE,EQ,EQ,buy,false,10,100,5001,9001,{date}T10:15:00\n"
            + $"{security.Symbol},,{date},NSE,EQ,EQ,buy,false,4,101,5002,9001,{date}T10:15:01\n";
        var (imported, report) = await api.UploadAsync("transactions/import?format=zerodha", csv, "tradebook.csv");
        Assert.True(imported == HttpStatusCode.OK, ApiClient.Json(report));
        Assert.Equal(2, await TransactionsAsync(user.Id, PlatformNames.Zerodha));

        var script = fixture.Zerodha.NewAccount();
        script.Trades.AddRange([
            Trade("5001", security, TransactionType.Buy, 10, 100m, at),
            Trade("5002", security, TransactionType.Buy, 4, 101m, at.AddSeconds(1)),
            Trade("5003", security, TransactionType.Sell, 6, 105m, at.AddDays(2)),
        ]);
        var connection = await ConnectAsync(api, script, PlatformNames.Zerodha);
        Assert.Equal("disconnected", connection["status"]!.GetValue<string>());
        Assert.True(connection["reconnectRequired"]!.GetValue<bool>());
        var login = new Uri(connection["authorizationUrl"]!.GetValue<string>());
        var state = System.Web.HttpUtility.ParseQueryString(login.Query)["state"];
        Assert.False(string.IsNullOrEmpty(state));

        var (refused, _) = await api.PostAsync($"connections/{Id(connection)}/authorize", new { code = "good-code", state = state + "x" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        var (authorized, view) = await api.PostAsync($"connections/{Id(connection)}/authorize", new { code = "good-code", state });
        Assert.True(authorized == HttpStatusCode.OK, ApiClient.Json(view));
        Assert.Equal("Test Investor", view!["accountName"]!.GetValue<string>());

        var run = await LatestRunAsync(api, Id(connection), 1);
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal(1, Int(run, "recordsCreated"));
        Assert.Equal(3, await TransactionsAsync(user.Id, PlatformNames.Zerodha));
        Assert.Equal(8m, await PositionAsync(user.Id, security.Id, PlatformNames.Zerodha));
    }

    [Fact]
    public async Task Accepting_the_reconciliation_brings_the_positions_to_what_the_broker_holds_and_accepting_again_writes_nothing()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var older = await TestData.NewSecurityAsync(fixture.Database);
        var untraded = await TestData.NewSecurityAsync(fixture.Database);
        var soldElsewhere = await TestData.NewSecurityAsync(fixture.Database);
        var script = fixture.Groww.NewAccount();
        script.Trades.AddRange([
            Trade("R1", older, TransactionType.Buy, 5, 120m, DaysAgo(40)),
            Trade("R2", soldElsewhere, TransactionType.Buy, 4, 50m, DaysAgo(30)),
        ]);
        // The broker holds more of 'older' (bought before its history reaches), all of 'untraded', and none of 'soldElsewhere'.
        script.Holdings.AddRange([Holding(older, 15, 90m, 130m), Holding(untraded, 7, 200m, 210m)]);
        var connection = await ConnectAsync(api, script);
        await LatestRunAsync(api, Id(connection), 1);

        var (_, before) = await api.GetAsync($"connections/{Id(connection)}/reconciliation");
        Assert.False(before!["inBalance"]!.GetValue<bool>());
        var lines = before["lines"]!.AsArray().ToDictionary(l => l!["symbol"]!.GetValue<string>(), l => l!);
        Assert.Equal(10m, lines[older.Symbol]["difference"]!.GetValue<decimal>());
        Assert.Equal("opening_balance", lines[older.Symbol]["action"]!.GetValue<string>());
        Assert.Equal(90m, lines[older.Symbol]["price"]!.GetValue<decimal>());
        Assert.Equal(7m, lines[untraded.Symbol]["difference"]!.GetValue<decimal>());
        Assert.Equal(-4m, lines[soldElsewhere.Symbol]["difference"]!.GetValue<decimal>());
        Assert.Equal("unpriced", lines[soldElsewhere.Symbol]["action"]!.GetValue<string>());

        var (accepted, result) = await api.PostAsync($"connections/{Id(connection)}/reconciliation");
        Assert.True(accepted == HttpStatusCode.OK, ApiClient.Json(result));
        Assert.Equal(2, Int(result!, "written"));
        Assert.Equal(15m, await PositionAsync(user.Id, older.Id, PlatformNames.Groww));
        Assert.Equal(7m, await PositionAsync(user.Id, untraded.Id, PlatformNames.Groww));
        var description = await fixture.Database.OwnerScalarAsync<string>(
            "SELECT description FROM transactions WHERE user_id = $1 AND security_id = $2 AND transaction_id LIKE 'reconcile:%'", user.Id, older.Id);
        Assert.StartsWith("Opening balance", description, StringComparison.Ordinal);
        var entryDate = await fixture.Database.OwnerScalarAsync<DateOnly>(
            "SELECT transaction_date FROM transactions WHERE user_id = $1 AND security_id = $2 AND transaction_id LIKE 'reconcile:%'", user.Id, older.Id);
        Assert.Equal(fixture.Clock.Today, entryDate);

        var (_, again) = await api.PostAsync($"connections/{Id(connection)}/reconciliation");
        Assert.Equal(0, Int(again!, "written"));
        // Only the unpriced sale is left for the investor to record by hand.
        Assert.Equal(soldElsewhere.Symbol, Assert.Single(again!["remaining"]!.AsArray())!["symbol"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reconciling_sale_at_the_brokers_last_price_brings_a_position_the_broker_no_longer_holds_down()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var script = fixture.Groww.NewAccount();
        script.Trades.Add(Trade("S1", security, TransactionType.Buy, 10, 100m, DaysAgo(15)));
        script.Holdings.Add(Holding(security, 6, 100m, 111m));
        var connection = await ConnectAsync(api, script);
        await LatestRunAsync(api, Id(connection), 1);

        var (_, result) = await api.PostAsync($"connections/{Id(connection)}/reconciliation");
        Assert.Equal(1, Int(result!, "written"));
        Assert.Equal(6m, await PositionAsync(user.Id, security.Id, PlatformNames.Groww));
        Assert.Equal(111m, await fixture.Database.OwnerScalarAsync<decimal>(
            "SELECT price FROM transactions WHERE user_id = $1 AND type = 'sell' AND transaction_id LIKE 'reconcile:%'", user.Id));
        var (_, after) = await api.GetAsync($"connections/{Id(connection)}/reconciliation");
        Assert.True(after!["inBalance"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Unknown_instruments_are_reported_and_not_written_while_a_crypto_asset_in_rupees_is_created()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var coin = "Z" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var script = fixture.Groww.NewAccount();
        script.Trades.AddRange([
            new BrokerTrade("U1", null, new BrokerInstrument("NOSUCHCO", "NYSE", null, SecurityType.Stock, "No Such Co"), TransactionType.Buy, 2, 10m, DaysAgo(5)),
            new BrokerTrade("C1", null, new BrokerInstrument(coin + "INR", "CRYPTO", null, SecurityType.Crypto, "Zed Coin"), TransactionType.Buy, 0.12345678m,
                2500m, DaysAgo(4), Note: "ZUSDT 29.76 USDT × ₹84.00 per USDT"),
        ]);
        var connection = await ConnectAsync(api, script);
        var run = await LatestRunAsync(api, Id(connection), 1);
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal(1, Int(run, "recordsCreated"));
        var findings = run["findings"]!;
        Assert.Equal("NOSUCHCO", Assert.Single(findings["unknownInstruments"]!.AsArray())!["symbol"]!.GetValue<string>());
        Assert.Equal(coin + "INR", Assert.Single(findings["createdSecurities"]!.AsArray())!.GetValue<string>());
        Assert.Equal("crypto", await fixture.Database.OwnerScalarAsync<string>("SELECT type FROM securities WHERE symbol = $1", coin + "INR"));
        Assert.Contains("₹84.00 per USDT", await fixture.Database.OwnerScalarAsync<string>(
            "SELECT description FROM transactions WHERE user_id = $1 AND transaction_id = 'C1'", user.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_are_encrypted_at_rest_never_answered_and_shown_masked()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var script = fixture.Groww.NewAccount();
        var connection = await ConnectAsync(api, script);
        var stored = await fixture.Database.OwnerScalarAsync<string>(
            "SELECT api_key || ' ' || api_secret || ' ' || additional_auth::text FROM platform_connections WHERE user_id = $1", user.Id);
        Assert.DoesNotContain(script.ApiKey, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value-for-tests", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("access-token-", stored, StringComparison.Ordinal);
        Assert.StartsWith("v1.", stored, StringComparison.Ordinal);

        var (_, list) = await api.GetAsync("connections");
        var text = ApiClient.Json(list);
        Assert.DoesNotContain(script.ApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.Equal("••••" + script.ApiKey[^4..], connection["apiKeyMasked"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_connection_requests_get_field_errors_and_a_second_connection_of_one_broker_a_conflict()
    {
        var (api, _) = await InvestorAsync();
        using var __ = api;
        async Task<JsonNode> Invalid(object body)
        {
            var (status, problem) = await api.PostAsync("connections", body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {ApiClient.Json(problem)}");
            return problem!["errors"]!;
        }

        Assert.NotNull((await Invalid(new { platform = "robinhood", apiKey = "k", apiSecret = "s" }))["platform"]);
        Assert.NotNull((await Invalid(new { platform = "groww", apiKey = "", apiSecret = "s" }))["apiKey"]);
        Assert.NotNull((await Invalid(new { platform = "upstox", apiKey = "k" }))["apiSecret"]);
        Assert.NotNull((await Invalid(new { platform = "groww", apiKey = "k", syncFrequencyMinutes = 7 }))["syncFrequencyMinutes"]);
        Assert.NotNull((await Invalid(new { platform = "groww", apiKey = "not-a-key-the-broker-knows" }))["apiKey"]);
        var trading = fixture.Groww.NewAccount();
        trading.CanTrade = true;
        Assert.Contains("read-only", (await Invalid(new { platform = "groww", apiKey = trading.ApiKey }))["apiKey"]![0]!.GetValue<string>(),
            StringComparison.Ordinal);

        var script = fixture.Groww.NewAccount();
        var connection = await ConnectAsync(api, script);
        var (conflict, _) = await api.PostAsync("connections", new { platform = "groww", apiKey = script.ApiKey });
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        var (badUpdate, _) = await api.SendAsync(HttpMethod.Patch, $"connections/{Id(connection)}", new { syncFrequencyMinutes = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, badUpdate);
        var (updated, view) = await api.SendAsync(HttpMethod.Patch, $"connections/{Id(connection)}", new { syncFrequencyMinutes = 240, autoSyncEnabled = false });
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal((240, false), (Int(view!, "syncFrequencyMinutes"), view!["autoSyncEnabled"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Disconnecting_keeps_the_history_unless_asked_to_delete_it()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var script = fixture.Groww.NewAccount();
        script.Trades.Add(Trade("D1", security, TransactionType.Buy, 3, 100m, DaysAgo(2)));
        var connection = await ConnectAsync(api, script);
        await LatestRunAsync(api, Id(connection), 1);

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, $"connections/{Id(connection)}")).Status);
        var (_, kept) = await api.GetAsync($"connections/{Id(connection)}");
        Assert.Equal("disconnected", kept!["status"]!.GetValue<string>());
        Assert.Equal(1, await TransactionsAsync(user.Id, PlatformNames.Groww));
        Assert.Equal("", await fixture.Database.OwnerScalarAsync<string>("SELECT api_secret FROM platform_connections WHERE id = $1", Id(connection)));
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"connections/{Id(connection)}/sync")).Status);

        var again = await ConnectAsync(api, script);
        await LatestRunAsync(api, Id(again), 1);
        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, $"connections/{Id(again)}?deleteHistory=true")).Status);
        Assert.Equal(0, await TransactionsAsync(user.Id, PlatformNames.Groww));
        Assert.Equal(0m, await PositionAsync(user.Id, security.Id, PlatformNames.Groww));
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"connections/{Id(again)}")).Status);
    }

    [Fact]
    public async Task A_scheduled_run_is_logged_as_scheduled_and_skips_a_connection_that_waits_for_a_reconnect_or_has_auto_sync_off()
    {
        var (api, user) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var script = fixture.Groww.NewAccount();
        var connection = await ConnectAsync(api, script);
        await LatestRunAsync(api, Id(connection), 1);
        script.Trades.Add(Trade("Q1", security, TransactionType.Buy, 2, 100m, DaysAgo(1)));

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var sync = scope.ServiceProvider.GetRequiredService<SyncService>();
            var run = await sync.RunScheduledAsync(user.Id, Id(connection));
            Assert.NotNull(run);
            Assert.Equal(("scheduled", "completed", 1), (run.SyncType, run.Status, run.RecordsCreated));

            await fixture.Database.OwnerExecuteAsync("UPDATE platform_connections SET reconnect_required = true WHERE id = $1", Id(connection));
            Assert.Null(await sync.RunScheduledAsync(user.Id, Id(connection)));
            await fixture.Database.OwnerExecuteAsync(
                "UPDATE platform_connections SET reconnect_required = false, auto_sync_enabled = false WHERE id = $1", Id(connection));
            Assert.Null(await sync.RunScheduledAsync(user.Id, Id(connection)));
        }

        var (_, logs) = await api.GetAsync($"connections/{Id(connection)}/sync-logs");
        Assert.Equal(2, Int(logs!, "total"));
    }
}
