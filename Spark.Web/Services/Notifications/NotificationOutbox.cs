using System.Threading.Channels;

namespace Spark.Web.Services.Notifications;

/// <summary>A notification to send, queued by work that should not wait for it (order placement, fills).</summary>
public sealed record PendingNotification(Guid UserId, string Type, string Title, string Message, string? Link);

/// <summary>
/// Order events are told to the user a moment later, off the request: placing an order waits for its own
/// commit, not for the notification's. A notification lost to a crash between the two is not retried — the
/// order itself, its fills and its cash are what must not be lost, and they are committed first.
/// </summary>
public sealed partial class NotificationOutbox(NotificationService notifications, Hosting.BackgroundLoops loops, ILogger<NotificationOutbox> log)
    : BackgroundService
{
    private readonly Channel<PendingNotification> _queue = Channel.CreateBounded<PendingNotification>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Notifications queued and not yet taken for sending.</summary>
    public int Queued => _queue.Reader.Count;

    public void Post(Guid userId, string type, string title, string message, string? link) =>
        _queue.Writer.TryWrite(new PendingNotification(userId, type, title, message, link));

    /// <summary>Sends whatever has queued up together (up to <see cref="BatchSize"/> at a time): one unit of work per batch.</summary>
    /// <summary>The loop's name in /health/ready and the log.</summary>
    public const string LoopName = "notification-outbox";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loops.RunAsync(LoopName, async cancellationToken =>
    {
        var batch = new List<PendingNotification>(BatchSize);
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var n)) batch.Add(n);
            try
            {
                // Through a database outage the batch waits (the queue is bounded and drops its oldest) rather than being lost.
                await loops.RetryTransientAsync(LoopName, ct => notifications.NotifyManyAsync(batch, ct), cancellationToken);
            }
#pragma warning disable CA1031 // One batch that cannot be stored must not stop the others.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogFailed(log, e, batch.Count);
            }
        }
    }, stoppingToken);

    public const int BatchSize = 500;

    [LoggerMessage(LogLevel.Warning, "A batch of {Count} notifications could not be sent")]
    private static partial void LogFailed(ILogger logger, Exception exception, int count);
}
