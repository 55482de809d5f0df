using System.Net;
using System.Text.Json;

namespace Spark.Core.Audit;

public enum AuditStatus { Success, Failed }

/// <summary>One audit event (table audit_logs, partitioned by month of <see cref="CreatedAt"/>; key (Id, CreatedAt)).</summary>
public class AuditLog
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? UserId { get; set; }
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
