using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Market;
using Spark.Web.Services.Orders;

namespace Spark.Tests.Web;

/// <summary>
/// Two Spark instances on one database (decision 0056): <see cref="First"/> starts first and wins the exchange's lock,
/// <see cref="Second"/> stands by. Both run on one test clock.
/// </summary>
public class TwoInstancesFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string?> settings;

    public TwoInstancesFixture() : this([])
    {
    }

    protected TwoInstancesFixture(Dictionary<string, string?> settings) => this.settings = settings;

    public TestClock Clock { get; } = new();

    public TestDatabase Database { get; } = new();

    public SparkAppFactory First { get; private set; } = default!;

    public SparkAppFactory Second { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        First = new SparkAppFactory(Database, settings, Clock);
        _ = First.BaseAddress;
        await ExchangeWait.UntilAsync(() => Role(First).IsOwner, "the first instance to own the exchange");
        Second = new SparkAppFactory(Database, settings, Clock);
        _ = Second.BaseAddress;
        await ExchangeWait.UntilAsync(() => Role(Second).Kind == ExchangeRoleKind.Standby, "the second instance to stand by");
    }

    public static ExchangeRole Role(SparkAppFactory app) => app.Services.GetRequiredService<ExchangeOwnership>().Role;

    /// <summary>A verified investor with two-factor sign-in on and paper cash, signed in on <paramref name="app"/>.</summary>
    public async Task<(ApiClient Api, Guid UserId)> TraderAsync(SparkAppFactory app, decimal cash)
    {
        var user = await TestData.UserAsync(Database);
        var api = new ApiClient(app.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = cash })).Status);
        return (api, user.Id);
    }

    /// <summary>A price move of <paramref name="security"/> on one instance's feed (as the simulator or a bar import publishes it there).</summary>
    public void Tick(SparkAppFactory app, Spark.Core.Market.Security security, decimal price) =>
        Tick(app.Services.GetRequiredService<IMarketFeed>(), security, price);

    public void Tick(IMarketFeed feed, Spark.Core.Market.Security security, decimal price) =>
        feed.Publish([new PriceTick(security.Id, security.Symbol, price, 100m, Clock.GetUtcNow())]);

    public virtual async Task DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Waits on a condition, with a deadline (no sleeps as synchronisation: the condition is asked again every 20 ms).</summary>
public static class ExchangeWait
{
    public static async Task<TimeSpan> UntilAsync(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > (within ?? TimeSpan.FromSeconds(20))) throw new TimeoutException($"Waited {waited.Elapsed.TotalSeconds:0.0} s for {what}.");
            await Task.Delay(20);
        }

        return waited.Elapsed;
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > (within ?? TimeSpan.FromSeconds(20))) throw new TimeoutException($"Waited {waited.Elapsed.TotalSeconds:0.0} s for {what}.");
            await Task.Delay(20);
        }
    }
}

/// <summary>One owner across two instances: placements and cancels on the standby reach it; the standby never matches.</summary>
public sealed class ExchangeOwnershipTests(TwoInstancesFixture fixture) : IClassFixture<TwoInstancesFixture>
{
    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    [Fact]
    public async Task Exactly_one_instance_owns_and_an_order_placed_on_the_standby_fills_on_the_owner_and_the_user_is_told_on_the_standby()
    {
        var (first, second) = (TwoInstancesFixture.Role(fixture.First), TwoInstancesFixture.Role(fixture.Second));
        Assert.Equal((ExchangeRoleKind.Owner, ExchangeRoleKind.Standby), (first.Kind, second.Kind));
        Assert.Equal(first.Epoch, await fixture.Database.OwnerScalarAsync<long>("SELECT epoch FROM exchange_leases WHERE name = 'paper'"));
        var (api, userId) = await fixture.TraderAsync(fixture.Second, 1_00_000m);
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var (status, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 3, price = 100m, validity = "gtc" });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = order!["id"]!.GetValue<string>();
        var owner = fixture.First.Services.GetRequiredService<PaperExchange>();
        await ExchangeWait.UntilAsync(() => owner.OpenOrders > 0, "the owner to learn of the order placed on the standby");

        // The standby sees the price too and does nothing with it; the owner fills.
        fixture.Tick(fixture.Second, security, 99m);
        Assert.Equal(0L, await ExecutionsAsync(id));
        fixture.Tick(fixture.First, security, 99m);

        await ExchangeWait.UntilAsync(async () => (await api.GetAsync($"orders/{id}")).Body!["status"]!.GetValue<string>() == "executed", "the fill");
        var (_, filled) = await api.GetAsync($"orders/{id}");
        Assert.Equal((3m, 99m), (D(filled!["filledQuantity"]), D(filled["averageExecutionPrice"])));
        Assert.Equal(first.Epoch, await fixture.Database.OwnerScalarAsync<long>("SELECT exchange_epoch FROM order_executions WHERE order_id = $1::uuid", id));
        await ExchangeWait.UntilAsync(async () => (await api.GetAsync("notifications")).Body!["items"]!.AsArray()
            .Any(n => n!["type"]!.GetValue<string>() == "order_executed" && n["link"]!.GetValue<string>() == $"/orders/{id}"), "the executed notification on the standby");
        var (_, list) = await api.GetAsync("notifications");
        Assert.Equal(1, list!["items"]!.AsArray().Count(n => n!["type"]!.GetValue<string>() == "order_placed"));
        Assert.NotEqual(Guid.Empty, userId);
    }

    [Fact]
    public void The_owner_instrument_reads_one_on_the_owner_and_zero_on_the_standby()
    {
        var factories = new[] { fixture.First, fixture.Second }.Select(a => a.Services.GetRequiredService<IMeterFactory>()).ToArray();
        var readings = new Dictionary<object, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "spark.exchange.owner" && instrument.Meter.Name == "Spark" && instrument.Meter.Scope is { } scope && factories.Contains(scope))
            {
                l.EnableMeasurementEvents(instrument, scope);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, state) => readings[state!] = value);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal((1, 0), (readings[factories[0]], readings[factories[1]]));
    }

    [Fact]
    public async Task A_cancel_on_the_standby_takes_the_order_out_of_the_owners_book_and_a_later_price_fills_nothing()
    {
        var (api, _) = await fixture.TraderAsync(fixture.Second, 1_00_000m);
        using var __ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var (_, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 2, price = 100m, validity = "gtc" });
        var id = order!["id"]!.GetValue<string>();
        var owner = fixture.First.Services.GetRequiredService<PaperExchange>();
        var known = owner.OpenOrders;
        await ExchangeWait.UntilAsync(async () => await KnownAsync(owner, id), "the owner to learn of the order");

        var (cancelled, _) = await api.SendAsync(HttpMethod.Delete, $"orders/{id}");
        Assert.Equal(HttpStatusCode.NoContent, cancelled);
        await ExchangeWait.UntilAsync(async () => !await KnownAsync(owner, id), "the owner to let the cancelled order go");
        fixture.Tick(fixture.First, security, 90m);

        // The tick was matched (the owner's loop is past it once a later order of the same tick fills): nothing of the cancelled one.
        var (_, read) = await api.GetAsync($"orders/{id}");
        Assert.Equal(("cancelled", 0m), (read!["status"]!.GetValue<string>(), D(read["filledQuantity"])));
        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal((1_00_000m, 0m), (D(cash!["balance"]), D(cash["blocked"])));
        Assert.True(known >= 0);
    }

    [Fact]
    public async Task A_price_change_on_the_standby_reaches_the_owners_book()
    {
        var (api, _) = await fixture.TraderAsync(fixture.Second, 1_00_000m);
        using var __ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var (_, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 2, price = 100m, validity = "gtc" });
        var id = order!["id"]!.GetValue<string>();
        var owner = fixture.First.Services.GetRequiredService<PaperExchange>();
        await ExchangeWait.UntilAsync(async () => await KnownAsync(owner, id), "the owner to learn of the order");

        var (changed, _) = await api.SendAsync(HttpMethod.Put, $"orders/{id}", new { price = 90m });
        Assert.Equal(HttpStatusCode.OK, changed);
        // Until the owner applies the change, a tick at 95 would cross the old limit; the stale-fill guard refuses it either way.
        await ExchangeWait.UntilAsync(() => owner.LimitOf(Guid.Parse(id)) == 90m, "the owner's book to take the new limit");
        fixture.Tick(fixture.First, security, 95m);
        fixture.Tick(fixture.First, security, 89m);

        await ExchangeWait.UntilAsync(async () => (await api.GetAsync($"orders/{id}")).Body!["status"]!.GetValue<string>() == "executed", "the fill at the new limit");
        var (_, filled) = await api.GetAsync($"orders/{id}");
        Assert.Equal(89m, D(filled!["averageExecutionPrice"]));
    }

    private static async Task<bool> KnownAsync(PaperExchange owner, string id)
    {
        await Task.Yield();
        return owner.Knows(Guid.Parse(id));
    }

    private Task<long> ExecutionsAsync(string orderId) =>
        fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = $1::uuid", orderId);
}

/// <summary>The fill guard: a fill written for an epoch that is no longer the lease's is refused by the database.</summary>
public sealed class ExchangeFenceTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task A_deposed_owners_fill_is_refused_by_the_database_and_the_order_fills_once_after_the_owner_is_elected_again()
    {
        var ownership = fixture.App.Services.GetRequiredService<ExchangeOwnership>();
        await ExchangeWait.UntilAsync(() => ownership.Role.IsOwner, "the instance to own the exchange");
        var stale = ownership.Role.Epoch!.Value;
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        await api.PostAsync("cash/deposit", new { amount = 10_000m });
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var (_, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 1, price = 100m, validity = "gtc" });
        var id = Guid.Parse(order!["id"]!.GetValue<string>());
        var exchange = fixture.App.Services.GetRequiredService<PaperExchange>();
        await ExchangeWait.UntilAsync(() => exchange.Knows(id), "the order in the book");

        // Another instance is elected (as after this one's session was lost unnoticed): the lease moves to a newer epoch.
        await fixture.Database.OwnerExecuteAsync("UPDATE exchange_leases SET epoch = nextval('exchange_epoch_seq'), holder = 'another instance' WHERE name = 'paper'");
        var feed = fixture.App.Services.GetRequiredService<IMarketFeed>();
        feed.Publish([new PriceTick(security.Id, security.Symbol, 99m, 100m, fixture.Clock.GetUtcNow())]);

        await ExchangeWait.UntilAsync(() => exchange.Fenced || ownership.Role.Epoch != stale, "the refused fill");
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = $1", id));
        Assert.Equal("placed", await fixture.Database.OwnerScalarAsync<string>("SELECT status FROM trading_orders WHERE id = $1", id));
        Assert.Equal(10_000m, await fixture.Database.OwnerScalarAsync<decimal>("SELECT balance FROM cash_accounts WHERE user_id = $1", user.Id));

        // The instance stood down, asked again, and holds the lock with a new epoch: the order fills once, under it.
        await ExchangeWait.UntilAsync(() => ownership.Role.IsOwner && ownership.Role.Epoch > stale + 1, "re-election with a newer epoch");
        var epoch = ownership.Role.Epoch!.Value;
        await ExchangeWait.UntilAsync(() => exchange.Knows(id), "the order reloaded");
        feed.Publish([new PriceTick(security.Id, security.Symbol, 99m, 100m, fixture.Clock.GetUtcNow())]);
        await ExchangeWait.UntilAsync(async () => await fixture.Database.OwnerScalarAsync<string>("SELECT status FROM trading_orders WHERE id = $1", id) == "executed",
            "the fill under the new epoch");
        Assert.Equal(epoch, await fixture.Database.OwnerScalarAsync<long>("SELECT exchange_epoch FROM order_executions WHERE order_id = $1", id));
        Assert.Equal(1L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = $1", id));

        // And any writer at all, with a stale token: refused by the trigger, whatever the code.
        var error = await Assert.ThrowsAsync<PostgresException>(() => fixture.Database.OwnerExecuteAsync("""
            INSERT INTO order_executions (id, order_id, user_id, quantity, price, amount, charges, executed_at, created_at, exchange_epoch)
            VALUES (gen_random_uuid(), $1, $2, 1, 99, 99, 0, now(), now(), $3)
            """, id, user.Id, stale));
        Assert.Equal(PaperExchange.FencedState, error.SqlState);
    }
}

/// <summary>Two instances for the failover test: orders fill one unit a tick, so a flurry of fills spans the takeover.</summary>
public sealed class FailoverFixture() : TwoInstancesFixture(new() { ["Spark:Exchange:MaxQuantityPerTick"] = "1" })
{
    public bool FirstDisposed { get; set; }

    public override async Task DisposeAsync()
    {
        if (!FirstDisposed)
        {
            await base.DisposeAsync();
            return;
        }

        await Second.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// The owner's lock session is terminated (pg_terminate_backend, as when its process dies) and its host stopped during a
/// flurry of fills: the standby takes over within 5 s and the books add up, nothing lost and nothing doubled.
/// </summary>
public sealed class ExchangeFailoverTests(FailoverFixture fixture) : IClassFixture<FailoverFixture>
{
    [Fact]
    public async Task The_standby_takes_over_within_five_seconds_of_the_owners_death_and_every_fill_adds_up()
    {
        const int Orders = 8;
        const decimal Quantity = 5m;
        var (api, userId) = await fixture.TraderAsync(fixture.Second, 10_00_000m);
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var ids = new List<Guid>();
        for (var i = 0; i < Orders; i++)
        {
            var (status, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = Quantity, price = 100m, validity = "gtc" });
            Assert.Equal(HttpStatusCode.Created, status);
            ids.Add(Guid.Parse(order!["id"]!.GetValue<string>()));
        }

        var first = fixture.First.Services.GetRequiredService<PaperExchange>();
        await ExchangeWait.UntilAsync(() => ids.All(first.Knows), "the owner to learn of every order");
        var firstEpoch = TwoInstancesFixture.Role(fixture.First).Epoch!.Value;

        // The flurry: a tick every few milliseconds on the owner, each filling one unit of every open order.
        using var stop = new CancellationTokenSource();
        var firstFeed = fixture.First.Services.GetRequiredService<IMarketFeed>();
        var flurry = Task.Run(async () =>
        {
            var price = 99m;
            while (!stop.IsCancellationRequested)
            {
                fixture.Tick(firstFeed, security, price);
                price = price == 99m ? 98.95m : 99m;
                await Task.Delay(5);
            }
        });
        await ExchangeWait.UntilAsync(async () => await ExecutionsAsync(ids) >= Orders, "fills under way on the first instance");

        // The owner dies: its lock session ends (as when the process is killed) and its host stops.
        await fixture.Database.OwnerExecuteAsync("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """);
        var freed = Stopwatch.StartNew();
        var takeover = ExchangeWait.UntilAsync(() => TwoInstancesFixture.Role(fixture.Second).IsOwner, "the standby to take over", TimeSpan.FromSeconds(15));
        await fixture.First.DisposeAsync();
        fixture.FirstDisposed = true;
        stop.Cancel();
        await flurry;
        await takeover;
        var tookOver = freed.Elapsed;
        Assert.True(tookOver < TimeSpan.FromSeconds(5), $"took over after {tookOver.TotalSeconds:0.0} s");
        var secondEpoch = TwoInstancesFixture.Role(fixture.Second).Epoch!.Value;
        Assert.True(secondEpoch > firstEpoch);

        // The new owner goes on from the database: the rest fills on its ticks.
        var second = fixture.Second.Services.GetRequiredService<PaperExchange>();
        await ExchangeWait.UntilAsync(async () =>
        {
            fixture.Tick(fixture.Second, security, 99m);
            return await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM trading_orders WHERE id = ANY($1) AND status = 'executed'", ids.ToArray()) == Orders;
        }, "every order to fill on the new owner", TimeSpan.FromSeconds(60));

        // Nothing lost, nothing doubled.
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM trading_orders o
            WHERE o.id = ANY($1) AND (o.filled_quantity <> o.quantity
               OR o.filled_quantity <> (SELECT coalesce(sum(e.quantity), 0) FROM order_executions e WHERE e.order_id = o.id))
            """, ids.ToArray()));
        Assert.Equal((long)(Orders * Quantity), await ExecutionsAsync(ids));
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM (SELECT order_id, platform_execution_id FROM order_executions WHERE order_id = ANY($1)
                                  GROUP BY 1, 2 HAVING count(*) > 1) d
            """, ids.ToArray()));
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM order_executions WHERE order_id = ANY($1) AND (exchange_epoch IS NULL OR exchange_epoch NOT IN ($2, $3))
            """, ids.ToArray(), firstEpoch, secondEpoch));
        Assert.True(await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = ANY($1) AND exchange_epoch = $2",
            ids.ToArray(), secondEpoch) > 0, "the new owner filled some");
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("""
            SELECT count(*) FROM cash_accounts a
            WHERE a.user_id = $1 AND (a.blocked <> 0 OR a.balance <> (SELECT sum(l.amount) FROM cash_ledger l WHERE l.user_id = a.user_id))
            """, userId));
        Assert.Equal(Orders * Quantity, await fixture.Database.OwnerScalarAsync<decimal>(
            "SELECT coalesce(sum(quantity), 0) FROM investments WHERE user_id = $1 AND security_id = $2", userId, security.Id));
        Assert.Equal(Orders * Quantity, await fixture.Database.OwnerScalarAsync<decimal>(
            "SELECT coalesce(sum(h.remaining_quantity), 0) FROM investment_holdings h JOIN investments i ON i.id = h.investment_id WHERE i.user_id = $1", userId));
        Assert.Equal((long)(Orders * Quantity), await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM transactions WHERE user_id = $1", userId));
        Assert.NotNull(second);
    }

    private Task<long> ExecutionsAsync(List<Guid> ids) =>
        fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = ANY($1)", ids.ToArray());
}
