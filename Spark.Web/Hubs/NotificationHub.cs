using System.Threading.Channels;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Spark.Web.Services.Notifications;
using Spark.Web.Shell;

namespace Spark.Web.Hubs;

/// <summary>The unread count after a change (method "unreadCount"): exact up to 100, and 100 for 100 or more.</summary>
public sealed record UnreadCountMessage(int UnreadCount);

/// <summary>
/// A user's notifications, live: each connection joins its own user's group from its claims (never from anything
/// the client sends) and receives "notification" for each new one and "unreadCount" after any change.
/// Signed-in browsers use their cookie, API clients their bearer token (as access_token on the query string).
/// </summary>
[Authorize(AuthenticationSchemes = SchemeList)]
public sealed class NotificationHub : Hub
{
    public const string Path = "/hubs/notifications";
    private const string SchemeList = "Identity.Application," + JwtBearerDefaults.AuthenticationScheme;

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.UserId() is not { } userId)
        {
            Context.Abort();
            return;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, Group(userId), Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    internal static string Group(Guid userId) => "user:" + userId;
}

/// <summary>Forwards the notification feed to each user's hub group off the publisher's thread.</summary>
public sealed class NotificationHubRelay(INotificationFeed feed, IHubContext<NotificationHub> hub, Hosting.BackgroundLoops loops) : BackgroundService
{
    private readonly Channel<NotificationChange> _queue = Channel.CreateBounded<NotificationChange>(
        new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    // A send that throws (a hub lifetime manager's fault) restarts the relay instead of stopping the host.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loops.RunAsync("notification-hub-relay", async cancellationToken =>
    {
        using var subscription = feed.SubscribeLocalOrigin(change => _queue.Writer.TryWrite(change));
        await foreach (var change in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                var user = hub.Clients.Group(NotificationHub.Group(change.UserId));
                if (change.Created is { } created) await user.SendAsync("notification", created, cancellationToken);
                await user.SendAsync("unreadCount", new UnreadCountMessage(change.UnreadCount), cancellationToken);
            }
            catch (StackExchange.Redis.RedisException)
            {
                // The backplane is down: hub clients miss this change (the bell and the API list still read the table).
            }
        }
    }, stoppingToken);
}
