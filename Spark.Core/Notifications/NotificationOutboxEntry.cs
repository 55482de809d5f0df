namespace Spark.Core.Notifications;

/// <summary>
/// A notification waiting to be delivered (table notification_outbox): written in the same transaction as the fill,
/// placement or cancel that causes it, turned into a <see cref="UserNotification"/> with the same id by a dispatcher
/// (at least once; the notification's id makes a second delivery a no-op).
/// </summary>
public class NotificationOutboxEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string Type { get; set; }
    public required string Title { get; set; }
    public required string Message { get; set; }
    public string? Link { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Deliveries tried and failed (a row failing ten times is left for a person to look at).</summary>
    public int Attempts { get; set; }

    /// <summary>When a dispatcher delivered it; sent rows are deleted a day later.</summary>
    public DateTimeOffset? SentAt { get; set; }
}
