using System.Net;
using System.Text.Json;

namespace Spark.Core.Audit;

public enum AuditStatus { Success, Failed }

/// <summary>One audit event (table audit_logs, partitioned by month of <see cref="CreatedAt"/>; key (Id, CreatedAt)).</summary>
public class AuditLog
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? UserId { get; set; }
    /// <summary>
    /// Who did it: staff acting on <see cref="UserId"/>'s account (or impersonating them), or the account itself for
    /// its own successful actions; null for failed events (no proven actor) and system work.
    /// </summary>
    public Guid? ActorId { get; set; }
    public required string Action { get; set; }
    public string? EntityType { get; set; }
    public Guid? EntityId { get; set; }
    public JsonDocument? Changes { get; set; }
    public IPAddress? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public string? DeviceType { get; set; }
    public string? Location { get; set; }
    public AuditStatus Status { get; set; } = AuditStatus.Success;
    public string? ErrorMessage { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
