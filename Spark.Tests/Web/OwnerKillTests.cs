using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Market;
using Spark.Web.Services.Orders;
using Xunit.Abstractions;

namespace Spark.Tests.Web;

/// <summary>
/// Issue #17's "kill -9 of the owner during a fill flurry": the owner of the paper exchange is Spark in an OS process of
/// its own (<see cref="SparkProcess"/>: the built Spark.Web.dll under dotnet, on the machine's clock), started first so
/// it wins the election; an in-process <see cref="SparkAppFactory"/> on the same database stands by.
/// </summary>
public sealed class OwnerKillFixture : IAsyncLifetime
{
    /// <summary>One unit a tick, as in ExchangeFailoverTests: a flurry of fills spans the kill.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Spark:Exchange:MaxQuantityPerTick"] = "1",
    };

    public TestClock Clock { get; } = new();

    public TestDatabase Database { get; } = new();

    public SparkProcess Owner { get; private set; } = default!;

    /// <summary>An admin signed in on the owner process (it issued the token: each instance here has its own signing key).</summary>
    public ApiClient OwnerAdmin { get; private set; } = default!;

    /// <summary>The epoch the owner process was elected with.</summary>
    public long OwnerEpoch { get; private set; }

    public SparkAppFactory Standby { get; private set; } = default!;

    /// <summary>How long the owner process took to answer /health/ready, and the whole set-up (for the test's output).</summary>
    public (TimeSpan Owner, TimeSpan All) StartedIn { get; private set; }

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        await Database.InitializeAsync();
        var ownerStarted = Stopwatch.StartNew();
        Owner = await SparkProcess.StartAsync(Database, Settings, "spark-killed");
        var ownerStartup = ownerStarted.Elapsed;
        try
        {
            var admin = await TestData.UserAsync(Database, "Exchange Admin", Roles.Admin);
            OwnerAdmin = new ApiClient(new HttpClient { BaseAddress = Owner.BaseAddress });
            var (signedIn, _) = await OwnerAdmin.LoginAsync(admin.Email!, TestData.Password);
            Assert.Equal(HttpStatusCode.OK, signedIn);
            JsonNode? role = null;
            await ExchangeWait.UntilAsync(async () => (role = (await OwnerAdmin.GetAsync("admin/exchange")).Body)?["role"]?.GetValue<string>() == "owner",
                "the separate process to own the exchange");
            OwnerEpoch = role!["epoch"]!.GetValue<long>();

            Standby = new SparkAppFactory(Database, Settings, Clock);
            _ = Standby.BaseAddress;
            await ExchangeWait.UntilAsync(() => TwoInstancesFixture.Role(Standby).Kind == ExchangeRoleKind.Standby, "the in-process instance to stand by");
            StartedIn = (ownerStartup, started.Elapsed);
        }
        catch (Exception e)
        {
            var output = Owner.Output;
            await DisposeAsync();
            throw new InvalidOperationException($"Setting up the owner process and the standby failed: {e.Message}\nThe owner process's output:\n{output}", e);
        }
    }

    private bool disposed;

    public async Task DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        // The process first: it must never outlive the test, whatever else fails.
        if (Owner is not null) await Owner.DisposeAsync();
        OwnerAdmin?.Dispose();
        if (Standby is not null) await Standby.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// A real kill -9 of the owner's process during a flurry of fills: the standby takes over within 5 s, every order fills
/// to its quantity exactly once, cash and holdings agree with the fills, and every fill committed before the kill is
/// notified once (the outbox table, decision 0056).
/// </summary>
public sealed class OwnerKillTests(OwnerKillFixture fixture, ITestOutputHelper output) : IClassFixture<OwnerKillFixture>
{
    [Fact]
    public async Task Kill_9_of_the_owner_process_during_a_fill_flurry_loses_and_duplicates_nothing()
    {
        const int Orders = 8;
        const int Quantity = 6;
        const decimal Deposit = 10_00_000m;
        var database = fixture.Database;

        // The investor is signed in on both instances (each signs its own tokens). The standby runs on the test clock (a
        // Friday, 10:00 in India), the owner process on the machine's clock, which the suite moves (a Saturday morning, a
        // leap day, a night): a crypto pair trades at any hour on any date, so what is placed and filled there does not hang
        // on that clock (and market hours are off, as in every test host).
        var user = await TestData.UserAsync(database);
        using var api = new ApiClient(fixture.Standby.CreateHttpClient());
        using var ownerApi = new ApiClient(new HttpClient { BaseAddress = fixture.Owner.BaseAddress });
        Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(user.Email!, TestData.Password)).Status);
        Assert.Equal(HttpStatusCode.OK, (await ownerApi.LoginAsync(user.Email!, TestData.Password)).Status);
        await database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        var (deposited, _, _) = await api.SendWithKeyAsync("cash/deposit", string.Create(CultureInfo.InvariantCulture, $$"""{"amount":{{Deposit}}}"""), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, deposited);
        var security = await TestData.NewSecurityAsync(database, SecurityType.Crypto, sector: null);

        var ids = new List<Guid>();
        var body = $$"""{"symbol":"{{security.Symbol}}","side":"buy","type":"limit","quantity":{{Quantity}},"price":100,"validity":"gtc"}""";
        var keys = Enumerable.Range(0, Orders).Select(_ => Guid.NewGuid().ToString()).ToArray();
        for (var i = 0; i < Orders; i++)
        {
            // Half on the standby (the owner learns of them from the database's notification), half on the owner itself.
            var (status, text, replayed) = await (i % 2 == 0 ? api : ownerApi).SendWithKeyAsync("orders", body, keys[i]);
            Assert.True(status == HttpStatusCode.Created && !replayed, $"order {i}: {(int)status} {text}");
            ids.Add(Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>()));
        }

        // A client's retry of the first placement places nothing more.
        var retry = await api.SendWithKeyAsync("orders", body, keys[0]);
        Assert.Equal((HttpStatusCode.Created, true), (retry.Status, retry.Replayed));
        Assert.Equal(ids[0], Guid.Parse(JsonNode.Parse(retry.Text)!["id"]!.GetValue<string>()));

        // The flurry: an admin posts intraday bars to the owner process over HTTP, one after another; each is a tick there,
        // filling one unit of every open order.
        using var stop = new CancellationTokenSource();
        var killed = 0;
        var posted = 0;
        string? flurryFailure = null;
        var firstBar = DateTimeOffset.FromUnixTimeSeconds(fixture.Clock.GetUtcNow().ToUnixTimeSeconds());
        var flurry = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var price = i % 2 == 0 ? 99m : 98.95m;
                var at = firstBar.AddSeconds(i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                try
                {
                    var (status, body) = await fixture.OwnerAdmin.PostAsync($"admin/securities/{security.Symbol}/bars",
                        new[] { new { timestamp = at, open = price, high = price, low = price, close = price, volume = 100L } });
                    if (status != HttpStatusCode.NoContent)
                    {
                        flurryFailure = $"bar {i}: {(int)status} {ApiClient.Json(body)}";
                        return;
                    }

                    Interlocked.Increment(ref posted);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    // After the kill the owner's port answers nothing: the flurry ends there.
                    if (Volatile.Read(ref killed) == 0) flurryFailure = $"bar {i}: {e.GetType().Name}: {e.Message}";
                    return;
                }
            }
        });

        // The kill comes once half the units have filled: the owner has committed many fills and is busy with more.
        await ExchangeWait.UntilAsync(async () => flurryFailure is not null || await ExecutionsAsync(ids) >= Orders * Quantity / 2,
            "half the fills on the owner process", TimeSpan.FromSeconds(30));
        Assert.True(flurryFailure is null, $"{flurryFailure}\nThe owner process's output:\n{fixture.Owner.Output}");

        // kill -9 of the dotnet process itself (not a shell around it), in the middle of the flurry.
        var (executable, commandLine) = fixture.Owner.Image();
        Assert.Equal("dotnet", Path.GetFileName(executable));
        Assert.Contains("Spark.Web.dll", commandLine, StringComparison.Ordinal);
        // (For the record: its sessions inside a transaction just before the kill. pg_locks, since pg_stat_activity hides
        // another role's state from the owner role; every transaction holds its virtualxid.)
        var busy = await database.OwnerScalarAsync<long>("""
            SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.application_name = $1 AND l.locktype = 'virtualxid' AND l.granted
            """, fixture.Owner.ApplicationName);
        // The lock's session (ExchangeOwnership names its connection so).
        var lockSession = await database.OwnerScalarAsync<int>("""
            SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'spark exchange owner' AND a.datname = current_database()
            """);
        Volatile.Write(ref killed, 1);
        var sinceKill = Stopwatch.StartNew();
        fixture.Owner.Kill();
        // When PostgreSQL let the lock go (the killed process's session ended), and when the standby had taken over.
        var freed = Task.Run(async () =>
        {
            await ExchangeWait.UntilAsync(async () => !await database.OwnerScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'advisory')", lockSession), "the lock to be freed", TimeSpan.FromSeconds(15));
            return sinceKill.Elapsed;
        });
        await ExchangeWait.UntilAsync(() => TwoInstancesFixture.Role(fixture.Standby).IsOwner, "the standby to take over", TimeSpan.FromSeconds(15));
        var tookOver = sinceKill.Elapsed;
        var lockFreed = await freed;
        await fixture.Owner.WaitForExitAsync();
        Assert.Equal(128 + 9, fixture.Owner.ExitCode);
        var ownerFills = await ExecutionsAsync(ids, fixture.OwnerEpoch);
        output.WriteLine($"set-up: the owner process ready in {fixture.StartedIn.Owner.TotalSeconds:0.0} s, both instances in {fixture.StartedIn.All.TotalSeconds:0.0} s");
        output.WriteLine($"kill -9 after {Volatile.Read(ref posted)} bars and {ownerFills} fills; {busy} of its sessions in a transaction just before the kill; " +
            $"PostgreSQL freed the lock within {lockFreed.TotalMilliseconds:0} ms " +
            $"and the standby owned the exchange {tookOver.TotalMilliseconds:0} ms after the kill");
        Assert.True(tookOver < TimeSpan.FromSeconds(5), $"took over {tookOver.TotalSeconds:0.0} s after the kill");
        stop.Cancel();
        await flurry;
        Assert.True(flurryFailure is null, flurryFailure);
        var secondEpoch = TwoInstancesFixture.Role(fixture.Standby).Epoch!.Value;
        Assert.True(secondEpoch > fixture.OwnerEpoch);
        Assert.True(ownerFills < Orders * Quantity, "the owner process finished every order before the kill: no flurry was under way");

        // The killed process's sessions are gone with it (PostgreSQL saw the sockets close), its open fills rolled back.
        await ExchangeWait.UntilAsync(async () => await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", fixture.Owner.ApplicationName) == 0, "the killed process's sessions to end");

        // The new owner goes on from the database: the rest fills on its ticks.
        var feed = fixture.Standby.Services.GetRequiredService<IMarketFeed>();
        await ExchangeWait.UntilAsync(async () =>
        {
            feed.Publish([new PriceTick(security.Id, security.Symbol, 99m, 100m, fixture.Clock.GetUtcNow())]);
            return await database.OwnerScalarAsync<long>("SELECT count(*) FROM trading_orders WHERE id = ANY($1) AND status = 'executed'", ids.ToArray()) == Orders;
        }, "every order to fill on the new owner", TimeSpan.FromSeconds(60));
        var dates = await database.OwnerScalarAsync<string>("""
            SELECT string_agg(DISTINCT e.exchange_epoch || ': ' || t.transaction_date, ', ') FROM order_executions e JOIN transactions t ON t.id = e.transaction_id
            WHERE e.order_id = ANY($1)
            """, ids.ToArray());
        output.WriteLine($"fills: {ownerFills} by the killed owner (epoch {fixture.OwnerEpoch}), {await ExecutionsAsync(ids, secondEpoch)} by the new one " +
            $"(epoch {secondEpoch}); ledger dates by epoch (each instance's clock): {dates}");

        // Every order filled to its quantity, one unit per execution, each unit once.
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM trading_orders o
            WHERE o.id = ANY($1) AND (o.filled_quantity <> o.quantity OR o.blocked_amount <> 0
               OR o.filled_quantity <> (SELECT coalesce(sum(e.quantity), 0) FROM order_executions e WHERE e.order_id = o.id))
            """, ids.ToArray()));
        Assert.Equal((long)(Orders * Quantity), await ExecutionsAsync(ids));
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM (SELECT order_id, platform_execution_id FROM order_executions WHERE order_id = ANY($1)
                                  GROUP BY 1, 2 HAVING count(*) > 1) d
            """, ids.ToArray()));
        Assert.Equal(0L, await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM order_executions WHERE order_id = ANY($1) AND (quantity <> 1 OR exchange_epoch IS NULL OR exchange_epoch NOT IN ($2, $3))",
            ids.ToArray(), fixture.OwnerEpoch, secondEpoch));
        Assert.True(await ExecutionsAsync(ids, secondEpoch) > 0, "the new owner filled some");

        // The ledger: one transaction per execution, keyed by order and sequence, none twice; holdings equal their lots.
        Assert.Equal((long)(Orders * Quantity), await database.OwnerScalarAsync<long>("""
            SELECT count(DISTINCT t.transaction_id) FROM order_executions e JOIN transactions t ON t.id = e.transaction_id
            WHERE e.order_id = ANY($1) AND t.transaction_id = 'order:' || e.order_id || ':' || split_part(e.platform_execution_id, '-', 3)
            """, ids.ToArray()));
        Assert.Equal((long)(Orders * Quantity), await database.OwnerScalarAsync<long>("SELECT count(*) FROM transactions WHERE user_id = $1", user.Id));
        Assert.Equal((decimal)(Orders * Quantity), await database.OwnerScalarAsync<decimal>(
            "SELECT coalesce(sum(quantity), 0) FROM investments WHERE user_id = $1 AND security_id = $2", user.Id, security.Id));
        Assert.Equal((decimal)(Orders * Quantity), await database.OwnerScalarAsync<decimal>(
            "SELECT coalesce(sum(h.remaining_quantity), 0) FROM investment_holdings h JOIN investments i ON i.id = h.investment_id WHERE i.user_id = $1", user.Id));

        // Cash: the deposit less what the fills cost, equal to its ledger, nothing left blocked.
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM cash_accounts a
            WHERE a.user_id = $1 AND (a.blocked <> 0 OR a.balance <> (SELECT sum(l.amount) FROM cash_ledger l WHERE l.user_id = a.user_id)
               OR a.balance <> $2 - (SELECT sum(e.amount + e.charges) FROM order_executions e WHERE e.order_id = ANY($3)))
            """, user.Id, Deposit, ids.ToArray()));
        Assert.Equal((long)(Orders * Quantity), await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM cash_ledger WHERE user_id = $1 AND order_id = ANY($2)", user.Id, ids.ToArray()));

        // Notifications: every outbox row delivered (at least once, stored once by its id), and exactly one per fill,
        // those of the fills the killed process committed included.
        await ExchangeWait.UntilAsync(async () => await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM notification_outbox WHERE user_id = $1 AND sent_at IS NULL", user.Id) == 0, "the outbox to be delivered");
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM notification_outbox o WHERE o.user_id = $1 AND NOT EXISTS (SELECT 1 FROM user_notifications n WHERE n.id = o.id)
            """, user.Id));
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM order_executions e
            WHERE e.order_id = ANY($1) AND (SELECT count(*) FROM user_notifications n
                  WHERE n.user_id = e.user_id AND n.link = '/orders/' || e.order_id AND n.type IN ('order_partially_filled', 'order_executed')
                    AND substring(n.message from '; ([0-9]+) of ') = split_part(e.platform_execution_id, '-', 3)) <> 1
            """, ids.ToArray()));
        Assert.Equal((long)(Orders * Quantity), await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM user_notifications WHERE user_id = $1 AND type IN ('order_partially_filled', 'order_executed')", user.Id));
        Assert.Equal((long)Orders, await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM user_notifications WHERE user_id = $1 AND type = 'order_executed'", user.Id));
        Assert.Equal((long)Orders, await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM user_notifications WHERE user_id = $1 AND type = 'order_placed'", user.Id));
        Assert.Equal(0L, await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM user_notifications WHERE user_id = $1 AND type IN ('order_rejected', 'order_cancelled', 'order_expired')", user.Id));
    }

    private Task<long> ExecutionsAsync(List<Guid> ids, long? epoch = null) => epoch is { } e
        ? fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = ANY($1) AND exchange_epoch = $2", ids.ToArray(), e)
        : fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = ANY($1)", ids.ToArray());
}
