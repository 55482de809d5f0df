using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Spark.Tests.Infrastructure;
using Spark.Web.Hubs;
using Spark.Web.Services.Cluster;
using Spark.Web.Services.Market;
using Spark.Web.Services.Notifications;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>Two instances on one database and a private redis-server (decision 0057).</summary>
public sealed class RedisInstancesFixture : IAsyncLifetime
{
    public TestClock Clock { get; } = new();

    public TestDatabase Database { get; } = new();

    public RedisServer Redis { get; } = new();

    public SparkAppFactory A { get; private set; } = default!;

    public SparkAppFactory B { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Redis.StartAsync();
        await Database.InitializeAsync();
        A = Instance("spark-a");
        B = Instance("spark-b");
        _ = A.BaseAddress;
        _ = B.BaseAddress;
    }

    private SparkAppFactory Instance(string name) => new(Database, new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = Redis.Configuration,
        ["Spark:InstanceName"] = name,
    }, Clock);

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
        await Redis.DisposeAsync();
    }
}

public sealed class ScaleOutRedisTests(RedisInstancesFixture fixture) : IClassFixture<RedisInstancesFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_tick_a_notification_and_a_cache_invalidation_made_on_one_instance_reach_the_other_at_once()
    {
        Assert.IsType<ClusterMarketFeed>(fixture.B.Services.GetRequiredService<IMarketFeed>());
        using var http = fixture.A.CreateHttpClient();
        using var live = await http.GetAsync("health/live");
        Assert.Equal("spark-a", live.Headers.GetValues("X-Spark-Instance").Single());

        await BothConnectedAsync();

        // A tick published on A: B's price book (what B's screens value holdings at) moves.
        var bookB = fixture.B.Services.GetRequiredService<PriceBook>();
        var securityId = Guid.NewGuid();
        Assert.True(await ReceiveTickOnBAsync(securityId, 1234.55m));
        Assert.Equal(1234.55m, bookB.PriceOf(securityId));

        // A notification created on A: B's open bell hears it, and a hub client connected to B receives it (backplane).
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.B.CreateHttpClient());
        using var _ = api;
        await api.LoginAsync(user.Email!, TestData.Password);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.B.BaseAddress, NotificationHub.Path.TrimStart('/')), o => o.AccessTokenProvider = () => Task.FromResult<string?>(api.AccessToken))
            .Build();
        var hubGot = Channel.CreateUnbounded<NotificationView>();
        hub.On<NotificationView>("notification", n => hubGot.Writer.TryWrite(n));
        await hub.StartAsync();
        // SignalR joins the hub group in the hub's OnConnectedAsync, after the handshake StartAsync waits for, and B's
        // backplane subscribes the group's Redis channel then: a message published before that is lost (pub/sub keeps
        // nothing), so wait until Redis lists B's subscription (a flake on a loaded machine otherwise).
        await using (var probe = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(fixture.Redis.Configuration))
        {
            var server = probe.GetServer(probe.GetEndPoints()[0]);
            var channel = StackExchange.Redis.RedisChannel.Pattern($"*:group:{Spark.Web.Hubs.NotificationHub.Group(user.Id)}");
            await ExchangeWait.UntilAsync(async () => (await server.SubscriptionChannelsAsync(channel)).Length > 0,
                "B's backplane to subscribe the user's group", Patience);
        }
        var bell = new TaskCompletionSource<NotificationChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var bellSubscription = fixture.B.Services.GetRequiredService<INotificationFeed>().Subscribe(user.Id, c => bell.TrySetResult(c));
        await fixture.A.Services.GetRequiredService<NotificationService>()
            .NotifyAsync(user.Id, NotificationKinds.OrderExecuted, "Bought on A", "Bought 10 TCS at ₹3,600.00.", null);
        using var timeout = new CancellationTokenSource(Patience);
        Assert.Equal("Bought on A", (await bell.Task.WaitAsync(timeout.Token)).Created!.Title);
        Assert.Equal("Bought on A", (await hubGot.Reader.ReadAsync(timeout.Token)).Title);
        Assert.False(hubGot.Reader.TryRead(out var twice), $"the hub delivered {twice?.Title} twice");

        // A write on A drops B's cached portfolio (not "within 2 minutes") and tells B's open screens.
        var cacheB = fixture.B.Services.GetRequiredService<PortfolioCache>();
        cacheB.Set(user.Id, new LoadedLedger([], [], 0, fixture.Clock.GetUtcNow()));
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(Guid id)
        {
            if (id == user.Id) changed.TrySetResult();
        }

        cacheB.Changed += OnChanged;
        try
        {
            fixture.A.Services.GetRequiredService<PortfolioCache>().Invalidate(user.Id);
            await changed.Task.WaitAsync(timeout.Token);
            Assert.Null(cacheB.Get(user.Id));
        }
        finally
        {
            cacheB.Changed -= OnChanged;
        }
    }

    [Fact]
    public async Task With_Redis_down_both_instances_keep_serving_and_report_degraded_then_deliver_again_when_it_returns()
    {
        await fixture.Redis.StopAsync();
        try
        {
            foreach (var app in new[] { fixture.A, fixture.B })
            {
                using var http = app.CreateHttpClient();
                // Degraded, not Unhealthy: 200 with "Degraded", so a proxy keeps sending users to the instance.
                await Eventually(async () =>
                {
                    using var ready = await http.GetAsync("health/ready");
                    return ready.StatusCode == HttpStatusCode.OK && await ready.Content.ReadAsStringAsync() == "Degraded";
                });
                using var page = await http.GetAsync("Account/Login");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            // Each instance keeps its own ticks: a publish on A reaches A's price book and throws nothing.
            var (bookA, bookB) = (fixture.A.Services.GetRequiredService<PriceBook>(), fixture.B.Services.GetRequiredService<PriceBook>());
            var local = Guid.NewGuid();
            fixture.A.Services.GetRequiredService<IMarketFeed>().Publish([new PriceTick(local, "LOCAL", 10.5m, 10m, fixture.Clock.GetUtcNow())]);
            Assert.Equal(10.5m, bookA.PriceOf(local));
            Assert.Null(bookB.PriceOf(local));
        }
        finally
        {
            await fixture.Redis.StartAsync();
        }

        await BothConnectedAsync();

        // Both reconnected and re-subscribed by themselves: a tick on A reaches B again.
        Assert.True(await ReceiveTickOnBAsync(Guid.NewGuid(), 77.25m));
    }

    private async Task BothConnectedAsync()
    {
        foreach (var app in new[] { fixture.A, fixture.B })
        {
            using var http = app.CreateHttpClient();
            await Eventually(async () =>
            {
                using var ready = await http.GetAsync("health/ready");
                return await ready.Content.ReadAsStringAsync() == "Healthy";
            });
        }
    }

    /// <summary>
    /// Publishes a tick on A until B's feed delivers it (right after a reconnection the re-subscription may still be on
    /// its way); waits on B's feed, never on a clock.
    /// </summary>
    private async Task<bool> ReceiveTickOnBAsync(Guid securityId, decimal price)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = fixture.B.Services.GetRequiredService<IMarketFeed>().Subscribe(ticks =>
        {
            if (ticks.Any(t => t.SecurityId == securityId && t.Price == price)) arrived.TrySetResult();
        });
        var feedA = fixture.A.Services.GetRequiredService<IMarketFeed>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            feedA.Publish([new PriceTick(securityId, "XTEST", price, price - 1m, fixture.Clock.GetUtcNow())]);
            if (await Task.WhenAny(arrived.Task, Task.Delay(100)) == arrived.Task) return true;
        }
        while (watch.Elapsed < Patience);
        return false;
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < Patience, "the condition did not hold in time");
            await Task.Delay(50);
        }
    }
}
