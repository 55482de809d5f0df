using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Accounts;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Hubs;
using Spark.Web.Services.Notifications;

namespace Spark.Tests.Web;

/// <summary>The notification centre over real HTTP and WebSockets: list, unread count, mark read, preferences, the hub.</summary>
public sealed class NotificationApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private NotificationService Notifications => fixture.App.Services.GetRequiredService<NotificationService>();

    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return (user, api);
    }

    private Task<NotificationView?> NotifyAsync(Guid userId, string title, string type = NotificationKinds.OrderExecuted, string? link = null) =>
        Notifications.NotifyAsync(userId, type, title, "Bought 10 TCS at ₹3,600.00.", link);

    [Fact]
    public async Task The_list_is_newest_first_with_the_unread_count_and_marking_read_lowers_it()
    {
        var (user, api) = await SignedInAsync();
        using var _ = api;
        var orderId = Guid.NewGuid();
        var first = await NotifyAsync(user.Id, "Order placed", NotificationKinds.OrderPlaced, $"/orders/{orderId}");
        await NotifyAsync(user.Id, "Order partially filled", NotificationKinds.OrderPartiallyFilled);
        await NotifyAsync(user.Id, "Order executed");

        var (status, list) = await api.GetAsync("notifications?page=1&pageSize=2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((3, 3, 1, 2), (list!["total"]!.GetValue<int>(), list["unreadCount"]!.GetValue<int>(), list["page"]!.GetValue<int>(), list["pageSize"]!.GetValue<int>()));
        Assert.Equal(["Order executed", "Order partially filled"], list["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()));
        Assert.False(list["items"]![0]!["isRead"]!.GetValue<bool>());

        var (read, _) = await api.PostAsync($"notifications/{first!.Id}/read");
        Assert.Equal(HttpStatusCode.NoContent, read);
        var (again, _) = await api.PostAsync($"notifications/{first.Id}/read");
        Assert.Equal(HttpStatusCode.NoContent, again);
        var (_, after) = await api.GetAsync("notifications?page=2&pageSize=2");
        var placed = after!["items"]!.AsArray().Single()!;
        Assert.Equal((true, $"/orders/{orderId}"), (placed["isRead"]!.GetValue<bool>(), placed["link"]!.GetValue<string>()));
        Assert.NotNull(placed["readAt"]);
        Assert.Equal(2, after["unreadCount"]!.GetValue<int>());
        var (_, unread) = await api.GetAsync("notifications?unreadOnly=true");
        Assert.Equal(2, unread!["total"]!.GetValue<int>());
        Assert.Equal(2, await Notifications.UnreadCountAsync(user.Id));
    }

    [Fact]
    public async Task Mark_all_read_clears_the_unread_count()
    {
        var (user, api) = await SignedInAsync();
        using var _ = api;
        await NotifyAsync(user.Id, "Order executed");
        await NotifyAsync(user.Id, "Order expired", NotificationKinds.OrderExpired);

        var (status, _) = await api.PostAsync("notifications/read-all");

        Assert.Equal(HttpStatusCode.NoContent, status);
        var (_, list) = await api.GetAsync("notifications");
        Assert.Equal(0, list!["unreadCount"]!.GetValue<int>());
        Assert.All(list["items"]!.AsArray(), i => Assert.True(i!["isRead"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Another_users_notification_is_not_found_and_stays_unread()
    {
        var (owner, ownerApi) = await SignedInAsync();
        var (_, intruder) = await SignedInAsync();
        using var a = ownerApi;
        using var b = intruder;
        var theirs = await NotifyAsync(owner.Id, "Order rejected", NotificationKinds.OrderRejected);

        var (status, _) = await intruder.PostAsync($"notifications/{theirs!.Id}/read");
        Assert.Equal(HttpStatusCode.NotFound, status);
        var (missing, _) = await intruder.PostAsync($"notifications/{Guid.NewGuid()}/read");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        await intruder.PostAsync("notifications/read-all");
        var (_, intrudersList) = await intruder.GetAsync("notifications");
        Assert.Equal(0, intrudersList!["total"]!.GetValue<int>());
        var (_, ownersList) = await ownerApi.GetAsync("notifications");
        Assert.Equal(1, ownersList!["unreadCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_outbox_batch_stores_and_pushes_each_users_wanted_notifications_with_their_unread_counts()
    {
        var (quiet, quietApi) = await SignedInAsync();
        var (keen, keenApi) = await SignedInAsync();
        using var _q = quietApi;
        using var _k = keenApi;
        await TestData.SaveAsync(fixture.Database, quiet.Id, new UserPreferences { UserId = quiet.Id, PushPortfolioChanges = false });
        var pushed = new List<NotificationChange>();
        var feed = fixture.App.Services.GetRequiredService<INotificationFeed>();
        using var s1 = feed.Subscribe(quiet.Id, pushed.Add);
        using var s2 = feed.Subscribe(keen.Id, pushed.Add);

        var stored = await Notifications.NotifyManyAsync(
        [
            new(quiet.Id, "order_executed", "Silenced", "Portfolio changes are off.", "/orders"),
            new(keen.Id, "order_executed", "First", "One.", "/orders"),
            new(quiet.Id, "goal_milestone", "Milestone", "Goals are on.", "/goals"),
            new(keen.Id, "order_placed", "Second", "Two.", "/orders"),
        ]);

        Assert.Equal(3, stored);
        Assert.Equal(["Milestone"], (await quietApi.GetAsync("notifications")).Body!["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()));
        var (_, keenList) = await keenApi.GetAsync("notifications");
        Assert.Equal((2, 2), (keenList!["items"]!.AsArray().Count, keenList["unreadCount"]!.GetValue<int>()));
        Assert.Equal(["First:2", "Milestone:1", "Second:2"], pushed.Select(c => $"{c.Created!.Title}:{c.UnreadCount}").Order().ToArray());
    }

    [Fact]
    public async Task A_pushed_unread_count_stops_counting_at_the_cap_while_the_list_stays_exact()
    {
        var (user, api) = await SignedInAsync();
        using var _ = api;
        var batch = Enumerable.Range(1, NotificationService.PushedUnreadCap + 4)
            .Select(i => new PendingNotification(user.Id, NotificationKinds.OrderPlaced, $"Order {i} placed", "Open on the paper exchange.", "/orders")).ToList();
        var pushed = new List<NotificationChange>();
        using var subscription = fixture.App.Services.GetRequiredService<INotificationFeed>().Subscribe(user.Id, pushed.Add);

        await Notifications.NotifyManyAsync(batch[..2]);
        await Notifications.NotifyManyAsync(batch[2..]);
        var (_, list) = await api.GetAsync("notifications");

        Assert.Equal([2, 2], pushed.Take(2).Select(c => c.UnreadCount));
        Assert.All(pushed.Skip(2), c => Assert.Equal(NotificationService.PushedUnreadCap, c.UnreadCount));
        Assert.Equal(NotificationService.PushedUnreadCap + 4, list!["unreadCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_kind_the_user_turned_off_is_neither_stored_nor_pushed()
    {
        var (user, api) = await SignedInAsync();
        using var _ = api;
        await TestData.SaveAsync(fixture.Database, user.Id, new UserPreferences { UserId = user.Id, PushPortfolioChanges = false });
        var pushed = new List<NotificationChange>();
        using var subscription = fixture.App.Services.GetRequiredService<INotificationFeed>().Subscribe(user.Id, pushed.Add);

        var silenced = await NotifyAsync(user.Id, "Order executed");
        var stillOn = await NotifyAsync(user.Id, "Goal reached", "goal_milestone");

        Assert.Null(silenced);
        Assert.NotNull(stillOn);
        var (_, list) = await api.GetAsync("notifications");
        Assert.Equal(["Goal reached"], list!["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()));
        Assert.Equal(["Goal reached"], pushed.Select(c => c.Created!.Title));
    }

    [Fact]
    public async Task A_link_outside_the_app_is_refused()
    {
        var user = await TestData.UserAsync(fixture.Database);
        await Assert.ThrowsAsync<ArgumentException>(() => NotifyAsync(user.Id, "Phish", link: "https://evil.example/"));
        await Assert.ThrowsAsync<ArgumentException>(() => NotifyAsync(user.Id, "Phish", link: "//evil.example/"));
    }

    [Fact]
    public async Task The_hub_delivers_a_notification_to_its_users_connections_only()
    {
        var (alice, aliceApi) = await SignedInAsync();
        var (bob, bobApi) = await SignedInAsync();
        using var a = aliceApi;
        using var b = bobApi;
        await using var aliceHub = await ConnectAsync(aliceApi.AccessToken!);
        await using var bobHub = await ConnectAsync(bobApi.AccessToken!);
        var aliceGot = Channel.CreateUnbounded<NotificationView>();
        var bobGot = Channel.CreateUnbounded<NotificationView>();
        aliceHub.On<NotificationView>("notification", n => aliceGot.Writer.TryWrite(n));
        bobHub.On<NotificationView>("notification", n => bobGot.Writer.TryWrite(n));
        await aliceHub.StartAsync();
        await bobHub.StartAsync();

        await NotifyAsync(alice.Id, "For Alice", link: "/orders/1");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await aliceGot.Reader.ReadAsync(timeout.Token);
        Assert.Equal(("For Alice", "/orders/1", false), (received.Title, received.Link, received.IsRead));

        // Messages to one connection arrive in order: Bob's first is his own, so Alice's never reached him.
        await NotifyAsync(bob.Id, "For Bob");
        Assert.Equal("For Bob", (await bobGot.Reader.ReadAsync(timeout.Token)).Title);
        Assert.False(bobGot.Reader.TryRead(out _));
    }

    [Fact]
    public async Task The_hub_refuses_a_client_without_a_token()
    {
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.App.BaseAddress, NotificationHub.Path.TrimStart('/'))).Build();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private Task<HubConnection> ConnectAsync(string token) => Task.FromResult(new HubConnectionBuilder()
        .WithUrl(new Uri(fixture.App.BaseAddress, NotificationHub.Path.TrimStart('/')), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .Build());
}
