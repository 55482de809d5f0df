using System.Text.Json;

namespace Spark.Core.Notifications;

public enum NotificationPriority { High, Normal, Low }

/// <summary>An in-app notification (table user_notifications).</summary>
public class UserNotification
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string Type { get; set; }
    public required string Title { get; set; }
    public required string Message { get; set; }
    public string? Icon { get; set; }
    public string? Link { get; set; }
    public bool IsRead { get; set; }
    public NotificationPriority Priority { get; set; } = NotificationPriority.Normal;
    public JsonDocument? Metadata { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
