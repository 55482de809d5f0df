using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;
using Spark.Web.Services.Market;

namespace Spark.Tests.Web;

/// <summary>
/// One app under test whose database connections pass through an <see cref="OutageProxy"/>, so a test can take the
/// database away from it (and only it) and give it back.
/// </summary>
public sealed class OutageAppFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public OutageAppFixture() : this([])
    {
    }

    internal OutageAppFixture(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _services = services;
    }

    /// <summary>How long each outage lasts: long enough for pools, retries and backoff to meet it, short for the suite.</summary>
    public static TimeSpan OutageLength { get; } = TimeSpan.FromSeconds(10);

    public TestDatabase Database { get; } = new();

    public OutageProxy Proxy { get; } = new(TestEnvironment.Port);

    public SparkAppFactory App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _settings["ConnectionStrings:Spark"] = Proxy.Route(Database.AppConnectionString);
        _settings["ConnectionStrings:SparkOwner"] = Proxy.Route(Database.OwnerConnectionString);
        App = new SparkAppFactory(Database, _settings, services: _services);
        _ = App.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Proxy.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>The host has not been told to stop: no background loop took the process down.</summary>
    public bool HostRunning => !App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

    /// <summary>Asks /health/ready until it answers 200, within a deadline; <paramref name="between"/> runs between asks.</summary>
    public async Task UntilReadyAsync(TimeSpan within, Action? between = null)
    {
        using var client = App.CreateHttpClient();
        var deadline = Stopwatch.StartNew();
        string last = "";
        while (deadline.Elapsed < within)
        {
            using var response = await client.GetAsync("health/ready");
            if (response.StatusCode == HttpStatusCode.OK) return;
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            between?.Invoke();
            await Task.Yield();
        }

        throw new TimeoutException($"/health/ready did not answer 200 within {within}: last {last}; loops: "
            + string.Join(", ", App.Services.GetRequiredService<BackgroundLoops>().States.Select(s => $"{s.Key}={s.Value}")));
    }

    /// <summary>Every user's cash balance equals the sum of their cash ledger, and every holding's quantity its open lots.</summary>
    public async Task AssertBooksReconcileAsync()
    {
        Assert.Equal(0L, await Database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM cash_accounts a
            WHERE a.balance <> COALESCE((SELECT sum(l.amount) FROM cash_ledger l WHERE l.user_id = a.user_id), 0)
            """));
        Assert.Equal(0L, await Database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM investments i
            WHERE i.quantity <> COALESCE((SELECT sum(h.remaining_quantity) FROM investment_holdings h WHERE h.investment_id = i.id), 0)
            """));
    }
}

/// <summary>
/// The simulator's catch-up meets a database outage across a minute boundary (what once stopped the host): it keeps
/// ticking, retries with backoff, and writes the missed minute once the database is back.
/// </summary>
[Trait("Category", "Fault")]
public sealed class SimulatorOutageTests(SimulatorOutageTests.Fixture fixture) : IClassFixture<SimulatorOutageTests.Fixture>
{
    // A Wednesday session (18 Nov 2026), ten seconds before 11:00 IST.
    private static readonly DateTimeOffset Start = new(2026, 11, 18, 10, 59, 50, TimeSpan.FromHours(5.5));

    public sealed class Fixture() : IAsyncLifetime
    {
        public FakeTimeProvider Clock { get; } = new(Start.ToUniversalTime());

        public OutageAppFixture Web { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Web = new OutageAppFixture(new()
            {
                ["Spark:Market:SimulatorEnabled"] = "true",
                ["Spark:Market:BackfillYears"] = "0",
            }, services => services.AddSingleton<TimeProvider>(Clock));
            await Web.InitializeAsync();
        }

        public Task DisposeAsync() => Web.DisposeAsync();
    }

    [Fact]
    public async Task An_outage_across_a_minute_boundary_leaves_the_host_running_and_the_missed_minute_is_written_after_it()
    {
        Assert.True(MarketCalendar.IsOpen(Start), "the test needs a trading session");
        var web = fixture.Web;
        var loops = web.App.Services.GetRequiredService<BackgroundLoops>();
        var reliance = await TestData.SecurityAsync(web.Database);
        var minute = new DateTimeOffset(2026, 11, 18, 10, 59, 0, TimeSpan.FromHours(5.5)).ToUniversalTime();
        await Until(() => loops.States.TryGetValue(MarketSimulatorService.LoopName, out var s) && s.IsHealthy, "the simulator to start", loops);
        Assert.Equal(0L, await MinuteBarsAsync(reliance.Id, minute));

        web.Proxy.Cut();
        using var client = web.App.CreateHttpClient();
        var outage = Stopwatch.StartNew();
        // Across 11:00: the tick that crosses the minute tries to store the 10:59 bars and cannot.
        fixture.Clock.Advance(TimeSpan.FromSeconds(15));
        await Until(() => loops.States[MarketSimulatorService.LoopName] is { IsHealthy: false, Error: not "starting" }, "the catch-up to fail", loops);
        using (var live = await client.GetAsync("health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using (var ready = await client.GetAsync("health/ready")) Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        while (outage.Elapsed < OutageAppFixture.OutageLength)
        {
            // The simulator's clock runs on through the outage (each retry fails again); the outage itself lasts in real time.
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(web.HostRunning);
        Assert.Equal(0L, await MinuteBarsAsync(reliance.Id, minute));
        web.Proxy.Restore();

        await web.UntilReadyAsync(TimeSpan.FromSeconds(30), () => fixture.Clock.Advance(TimeSpan.FromSeconds(1)));
        Assert.True(web.HostRunning);
        Assert.Equal(1L, await MinuteBarsAsync(reliance.Id, minute));
        Assert.True(web.Proxy.Refused > 0, "the outage never met the app");
    }

    private Task<long> MinuteBarsAsync(Guid securityId, DateTimeOffset start) =>
        fixture.Web.Database.OwnerScalarAsync<long>("SELECT count(*) FROM market_data WHERE security_id = $1 AND timestamp = $2", securityId, start);

    private static async Task Until(Func<bool> condition, string what, BackgroundLoops loops)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"Waited 30 s for {what}; loops: {string.Join(", ", loops.States.Select(s => $"{s.Key}={s.Value}"))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}

/// <summary>
/// Outages in the middle of real work over the HTTP API: a flurry of order placements, and a plan run. After each,
/// the app recovers by itself, every acknowledged write is there, nothing is stuck, and the books reconcile.
/// </summary>
[Trait("Category", "Fault")]
public sealed class ApiOutageTests(OutageAppFixture fixture) : IClassFixture<OutageAppFixture>
{
    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private static string S(JsonNode? node) => node!.GetValue<string>();

    private async Task<(ApiClient Api, Guid UserId)> TraderAsync(decimal cash)
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = cash })).Status);
        return (api, user.Id);
    }

    private async Task<ApiClient> AdminAsync()
    {
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        return api;
    }

    private static async Task PriceAsync(ApiClient admin, string symbol, decimal close, string timestamp)
    {
        var (status, body) = await admin.PostAsync($"admin/securities/{symbol}/bars",
            new[] { new { timestamp, open = close, high = close, low = close, close, volume = 1L } });
        Assert.True(status == HttpStatusCode.NoContent, body?.ToJsonString());
    }

    [Fact]
    public async Task A_request_during_an_outage_gets_503_problem_details_with_retry_after_and_the_app_recovers()
    {
        var (api, _) = await TraderAsync(1_000m);
        using var _api = api;
        using var client = fixture.App.CreateHttpClient();
        fixture.Proxy.Cut();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/cash");
            request.Headers.Authorization = new("Bearer", api.AccessToken);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal(503, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<int>());

            using var live = await client.GetAsync("health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            fixture.Proxy.Restore();
        }

        await fixture.UntilReadyAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("cash")).Status);
        Assert.True(fixture.HostRunning);
    }

    [Fact]
    public async Task Orders_acknowledged_around_an_outage_all_exist_once_retries_act_once_and_all_fill_afterwards()
    {
        var (api, userId) = await TraderAsync(10_00_000m);
        using var _api = api;
        using var admin = await AdminAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        await PriceAsync(admin, security.Symbol, 100m, "2026-11-20");

        const int Workers = 6, PerWorker = 8;
        var keys = Enumerable.Range(0, Workers * PerWorker).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var body = $$"""{"symbol":"{{security.Symbol}}","side":"buy","type":"limit","quantity":1,"price":95,"validity":"gtc"}""";
        var answers = new (HttpStatusCode Status, string Text)[keys.Length];
        var acknowledged = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flurry = Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (var i = w * PerWorker; i < (w + 1) * PerWorker; i++)
            {
                try
                {
                    var (status, text, _) = await api.SendWithKeyAsync("orders", body, keys[i]);
                    answers[i] = (status, text);
                    if ((int)status is >= 200 and < 300 && Interlocked.Increment(ref acknowledged) == 8) enough.TrySetResult();
                }
                catch (HttpRequestException e)
                {
                    answers[i] = (0, e.Message);
                }
            }
        })));

        // The outage begins mid-flurry, with some orders acknowledged and more on the way; a crossing tick arrives
        // while it lasts, so the exchange matches orders it cannot store.
        await Task.WhenAny(enough.Task, flurry);
        fixture.Proxy.Cut();
        var outage = Stopwatch.StartNew();
        fixture.App.Services.GetRequiredService<IMarketFeed>().Publish([new PriceTick(security.Id, security.Symbol, 94m, 100m, fixture.App.Clock.GetUtcNow())]);
        await flurry;
        Assert.True(fixture.HostRunning);
        var remaining = OutageAppFixture.OutageLength - outage.Elapsed;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        fixture.Proxy.Restore();
        await fixture.UntilReadyAsync(TimeSpan.FromSeconds(30));

        var failed = answers.Count(a => (int)a.Status is < 200 or >= 300);
        Assert.True(failed > 0, "the outage met no placement");
        Assert.All(answers.Where(a => (int)a.Status >= 500), a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));

        // Every acknowledged order is stored; every key, retried now, answers once and for one order.
        var ids = new Dictionary<string, string>();
        for (var i = 0; i < keys.Length; i++)
        {
            var acked = (int)answers[i].Status is >= 200 and < 300;
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var (status, text, replayed) = await api.SendWithKeyAsync("orders", body, keys[i]);
                // 409: a claim made just before the cut is still leased; it frees itself within the lease.
                if (status == HttpStatusCode.Conflict && deadline.Elapsed < TimeSpan.FromSeconds(45))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250));
                    continue;
                }

                Assert.True((int)status is >= 200 and < 300, $"{status} {text}");
                var id = S(JsonNode.Parse(text)!["id"]);
                if (acked)
                {
                    Assert.True(replayed);
                    Assert.Equal(S(JsonNode.Parse(answers[i].Text)!["id"]), id);
                }

                ids[keys[i]] = id;
                break;
            }
        }

        Assert.Equal(keys.Length, ids.Values.Distinct().Count());
        Assert.Equal((long)keys.Length, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM trading_orders WHERE user_id = $1 AND security_id = $2", userId, security.Id));

        // None is stuck: the next crossing price fills every one, including those the outage's tick matched and lost.
        await PriceAsync(admin, security.Symbol, 94m, "2026-11-23");
        var until = Stopwatch.StartNew();
        long open;
        while ((open = await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM trading_orders WHERE user_id = $1 AND status <> 'executed'", userId)) > 0)
        {
            Assert.True(until.Elapsed < TimeSpan.FromSeconds(30), $"{open} orders still open");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal(0m, D(cash!["blocked"]));
        var (_, holdings) = await api.GetAsync("investments");
        Assert.Equal((decimal)keys.Length, D(holdings!["items"]!.AsArray().Single(h => S(h!["symbol"]) == security.Symbol)!["quantity"]));
        await fixture.AssertBooksReconcileAsync();
        Assert.True(fixture.HostRunning);
    }

    [Fact]
    public async Task A_plan_run_cut_by_an_outage_executes_each_plan_once_after_recovery_with_nothing_stuck()
    {
        using var admin = await AdminAsync();
        foreach (var (symbol, close) in new Dictionary<string, decimal> { ["ITC"] = 450m, ["BEL"] = 400m, ["BANKBARODA"] = 250m, ["NIFTYBEES"] = 280m, ["GOLDBEES"] = 106m })
        {
            await PriceAsync(admin, symbol, close, "2026-11-20");
        }

        var strategy = Guid.NewGuid();
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO auto_invest_strategies (id, name, risk_level, expected_returns, min_investment, allocation) VALUES ($1, $2, 'medium', 12, 1000, '{\"stocks\": 60, \"etfs\": 40}'::jsonb)",
            strategy, $"Fault strategy {strategy:N}");
        var investors = new List<(ApiClient Api, Guid UserId)>();
        for (var i = 0; i < 12; i++)
        {
            var investor = await TraderAsync(50_000m);
            investors.Add(investor);
            var (status, plan) = await investor.Api.PostAsync("plans", new { strategyId = strategy, monthlyInvestment = 10_000m, executionDay = 3, autoRebalance = false });
            Assert.True(status == HttpStatusCode.Created, plan?.ToJsonString());
        }

        // Due on a fixed Wednesday, whatever today is.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE auto_invest_plans SET start_date = '2027-03-01', next_execution_date = '2027-03-03', execution_day = 3 WHERE strategy_id = $1", strategy);
        const string Plans = "SELECT id FROM auto_invest_plans WHERE strategy_id = $1";

        var run = admin.PostAsync("admin/plans/run", new { date = "2027-03-03" });
        var started = Stopwatch.StartNew();
        while (!run.IsCompleted && await fixture.Database.OwnerScalarAsync<long>($"SELECT count(*) FROM plan_executions WHERE plan_id IN ({Plans})", strategy) == 0)
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), "the run never began");
            await Task.Yield();
        }

        fixture.Proxy.Cut();
        var outage = Stopwatch.StartNew();
        var (cutStatus, _) = await run;
        Assert.True(cutStatus is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"the cut run answered {cutStatus}");
        Assert.True(fixture.HostRunning);
        var remaining = OutageAppFixture.OutageLength - outage.Elapsed;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        fixture.Proxy.Restore();
        await fixture.UntilReadyAsync(TimeSpan.FromSeconds(30));

        // A claim the outage left pending is taken over only once stale (PlanClaims.StaleAfter): age it rather than wait.
        await fixture.Database.OwnerExecuteAsync(
            $"UPDATE plan_executions SET created_at = created_at - interval '16 minutes' WHERE status = 'pending' AND plan_id IN ({Plans})", strategy);
        var (again, result) = await admin.PostAsync("admin/plans/run", new { date = "2027-03-03" });
        Assert.True(again == HttpStatusCode.OK, result?.ToJsonString());
        var (twice, _) = await admin.PostAsync("admin/plans/run", new { date = "2027-03-03" });
        Assert.Equal(HttpStatusCode.OK, twice);

        // Each plan executed exactly once, for its date, and completed.
        Assert.Equal(12L, await fixture.Database.OwnerScalarAsync<long>(
            $"SELECT count(*) FROM plan_executions WHERE execution_date = '2027-03-03' AND status = 'completed' AND plan_id IN ({Plans})", strategy));
        Assert.Equal(12L, await fixture.Database.OwnerScalarAsync<long>($"SELECT count(*) FROM plan_executions WHERE plan_id IN ({Plans})", strategy));
        var users = investors.Select(i => i.UserId).ToArray();
        var until = Stopwatch.StartNew();
        long open;
        while ((open = await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM trading_orders WHERE user_id = ANY($1) AND status IN ('pending', 'placed', 'partially_filled')", users)) > 0)
        {
            Assert.True(until.Elapsed < TimeSpan.FromSeconds(30), $"{open} plan orders still open");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM cash_accounts WHERE user_id = ANY($1) AND blocked <> 0", users));
        Assert.Equal(60L, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM trading_orders WHERE user_id = ANY($1) AND status = 'executed'", users));
        await fixture.AssertBooksReconcileAsync();
        Assert.True(fixture.HostRunning);
        foreach (var (api, _) in investors) api.Dispose();
    }
}
