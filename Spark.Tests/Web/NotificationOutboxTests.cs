using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Notifications;

namespace Spark.Tests.Web;

/// <summary>The notification outbox as a table (decision 0056): transactional, at least once, delivered idempotently.</summary>
public sealed class NotificationOutboxTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task A_row_written_in_a_transaction_that_rolls_back_is_never_delivered()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        var outbox = fixture.App.Services.GetRequiredService<NotificationOutbox>();
        var db = fixture.App.Services.GetRequiredService<SparkDb>();

        await using (var context = db.ForUser(user.Id))
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            outbox.Add(context, user.Id, NotificationKinds.OrderPlaced, "Rolled back", "This order was never placed.", "/orders");
            await context.SaveChangesAsync();
            await tx.RollbackAsync();
        }

        await using (var context = db.ForUser(user.Id))
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            outbox.Add(context, user.Id, NotificationKinds.OrderPlaced, "Committed", "This one was.", "/orders");
            await context.SaveChangesAsync();
            await tx.CommitAsync();
        }

        outbox.Wake();
        await ExchangeWait.UntilAsync(async () => (await TitlesAsync(api)).Contains("Committed"), "the committed notification");
        await outbox.DispatchOnceAsync();

        Assert.DoesNotContain("Rolled back", await TitlesAsync(api));
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM notification_outbox WHERE title = 'Rolled back'"));
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM notification_outbox WHERE user_id = $1 AND sent_at IS NULL", user.Id));
    }

    [Fact]
    public async Task The_outbox_keeps_each_users_rows_to_that_user()
    {
        var (mine, theirs) = (await TestData.UserAsync(fixture.Database), await TestData.UserAsync(fixture.Database));
        await fixture.Database.OwnerExecuteAsync("""
            INSERT INTO notification_outbox (id, user_id, type, title, message, created_at, sent_at) VALUES (gen_random_uuid(), $1, 'order_placed', 'Theirs', '', now(), now())
            """, theirs.Id);
        await using var context = fixture.Database.App(Spark.Data.DataScope.ForUser(mine.Id));

        Assert.Empty(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(context.NotificationOutbox));
    }

    private static async Task<List<string>> TitlesAsync(ApiClient api)
    {
        var (status, list) = await api.GetAsync("notifications?pageSize=100");
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. list!["items"]!.AsArray().Select(n => n!["title"]!.GetValue<string>())];
    }
}

/// <summary>
/// An instance whose dispatcher never ran (it crashed after committing) leaves its rows; another instance delivers them,
/// once, and a second delivery of the same row stores nothing.
/// </summary>
public sealed class NotificationOutboxRestartTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();
    private readonly TestClock clock = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task A_row_committed_before_a_crash_is_delivered_after_the_restart_exactly_once()
    {
        var user = await TestData.UserAsync(database);
        var security = await TestData.NewSecurityAsync(database);
        string id;
        await using (var crashed = new SparkAppFactory(database, new Dictionary<string, string?> { ["Spark:Notifications:DispatcherEnabled"] = "false" }, clock))
        {
            using var api = new ApiClient(crashed.CreateHttpClient());
            await api.LoginAsync(user.Email!, TestData.Password);
            // Turned on after signing in, so the test need not compute a code.
            await database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
            await api.PostAsync("cash/deposit", new { amount = 10_000m });
            var (status, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 1, price = 100m, validity = "gtc" });
            Assert.Equal(HttpStatusCode.Created, status);
            id = order!["id"]!.GetValue<string>();
        }

        // Committed with the order, never delivered.
        Assert.Equal(1L, await database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM notification_outbox WHERE user_id = $1 AND link = $2 AND sent_at IS NULL", user.Id, $"/orders/{id}"));
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("SELECT count(*) FROM user_notifications WHERE user_id = $1", user.Id));

        await using var restarted = new SparkAppFactory(database, clock: clock);
        using var client = new ApiClient(restarted.CreateHttpClient());
        await database.OwnerExecuteAsync("UPDATE users SET two_factor_enabled = false WHERE id = $1", user.Id);
        await client.LoginAsync(user.Email!, TestData.Password);
        await ExchangeWait.UntilAsync(async () => (await PlacedAsync(client, id)) == 1, "the placed notification after the restart");
        var row = await database.OwnerScalarAsync<Guid>("SELECT id FROM notification_outbox WHERE link = $1", $"/orders/{id}");
        Assert.Equal(row, await database.OwnerScalarAsync<Guid>("SELECT id FROM user_notifications WHERE link = $1", $"/orders/{id}"));

        // Delivered again (as when a dispatcher dies between storing the notification and marking the row sent): nothing more.
        await database.OwnerExecuteAsync("UPDATE notification_outbox SET sent_at = NULL WHERE id = $1", row);
        var outbox = restarted.Services.GetRequiredService<NotificationOutbox>();
        await ExchangeWait.UntilAsync(async () =>
        {
            await outbox.DispatchOnceAsync();
            return await database.OwnerScalarAsync<long>("SELECT count(*) FROM notification_outbox WHERE id = $1 AND sent_at IS NOT NULL", row) == 1;
        }, "the row delivered again");
        Assert.Equal(1, await PlacedAsync(client, id));
    }

    private static async Task<int> PlacedAsync(ApiClient api, string orderId)
    {
        var (_, list) = await api.GetAsync("notifications?pageSize=100");
        return list!["items"]!.AsArray().Count(n => n!["type"]!.GetValue<string>() == NotificationKinds.OrderPlaced && n["link"]!.GetValue<string>() == $"/orders/{orderId}");
    }
}
