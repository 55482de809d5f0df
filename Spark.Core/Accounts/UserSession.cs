using System.Net;

namespace Spark.Core.Accounts;

/// <summary>How a session signed in: the web app's cookie, or an API client's bearer and refresh tokens.</summary>
public enum SessionClient { Web, Api }

/// <summary>One signed-in device (table user_sessions); tokens are stored only as hashes.</summary>
public class UserSession
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public SessionClient Client { get; set; } = SessionClient.Web;
    public required string TokenHash { get; set; }
    public string? RefreshTokenHash { get; set; }
    public DeviceType? DeviceType { get; set; }
    public string? DeviceName { get; set; }
    public string? Browser { get; set; }
    public string? Os { get; set; }
    public IPAddress? IpAddress { get; set; }
    public string? Location { get; set; }
    public bool IsTrustedDevice { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastActivity { get; set; }
    public bool Revoked { get; set; }
}
