using System.Threading.Channels;

namespace Spark.Web.Services.Notifications;

/// <summary>A notification to send, queued by work that should not wait for it (order placement, fills).</summary>
public sealed record PendingNotification(Guid UserId, string Type, string Title, string Message, string? Link);

/// <summary>
/// Order events are told to the user a moment later, off the request: placing an order waits for its own
/// commit, not for the notification's. A notification lost to a crash between the two is not retried — the
/// order itself, its fills and its cash are what must not be lost, and they are committed first.
/// </summary>
public sealed partial class NotificationOutbox(NotificationService notifications, ILogger<NotificationOutbox> log) : BackgroundService
{
    private readonly Channel<PendingNotification> _queue = Channel.CreateBounded<PendingNotification>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Post(Guid userId, string type, string title, string message, string? link) =>
        _queue.Writer.TryWrite(new PendingNotification(userId, type, title, message, link));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var n in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await notifications.NotifyAsync(n.UserId, n.Type, n.Title, n.Message, n.Link, stoppingToken);
            }
#pragma warning disable CA1031 // One notification that cannot be stored must not stop the others.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogFailed(log, e, n.Type);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "A {Type} notification could not be sent")]
    private static partial void LogFailed(ILogger logger, Exception exception, string type);
}
