namespace Spark.Web.Services.Notifications;

/// <summary>A notification as screens, the API and hub clients see it.</summary>
public sealed record NotificationView(Guid Id, string Type, string Title, string Message, string? Link, bool IsRead,
    DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>Something changed in one user's notifications: a new one arrived (<see cref="Created"/>) or some were read.</summary>
public sealed record NotificationChange(Guid UserId, NotificationView? Created, int UnreadCount);

/// <summary>
/// The seam every notification change goes through: the notification service publishes; open bells (per user)
/// and the hub relay (all users) listen. A backplane extends it across instances by publishing what it
/// receives from other nodes.
/// </summary>
public interface INotificationFeed
{
    void Publish(NotificationChange change);

    /// <summary>Every user's changes (the hub relay).</summary>
    IDisposable Subscribe(Action<NotificationChange> listener);

    /// <summary>One user's changes (an open bell). Listeners must be quick and must not throw.</summary>
    IDisposable Subscribe(Guid userId, Action<NotificationChange> listener);

    /// <summary>Only what was published in this process (the hub relay: the SignalR backplane carries it to the others).</summary>
    IDisposable SubscribeLocalOrigin(Action<NotificationChange> listener) => Subscribe(listener);
}

/// <summary>In-process fan-out; a failing listener is logged and never stops the others.</summary>
public sealed partial class InProcessNotificationFeed(ILogger<InProcessNotificationFeed> log) : INotificationFeed
{
    private readonly Lock _gate = new();
    private Listener[] _listeners = [];

    public void Publish(NotificationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            if (listener.UserId is { } userId && userId != change.UserId) continue;
            try
            {
                listener.Receive(change);
            }
#pragma warning disable CA1031 // One broken screen must not stop everyone else's notifications.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogListenerFailed(log, e);
            }
        }
    }

    public IDisposable Subscribe(Action<NotificationChange> listener) => Add(new Listener(null, listener));

    public IDisposable Subscribe(Guid userId, Action<NotificationChange> listener) => Add(new Listener(userId, listener));

    private Subscription Add(Listener listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _listeners = [.. _listeners.Where(l => l != listener)];
            }
        });
    }

    private sealed record Listener(Guid? UserId, Action<NotificationChange> Receive);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }

    [LoggerMessage(LogLevel.Warning, "A notification-feed listener failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);
}
