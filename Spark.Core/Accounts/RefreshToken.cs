namespace Spark.Core.Accounts;

/// <summary>
/// One refresh token of an API session (table refresh_tokens), stored as a hash. Each refresh spends the
/// current token and issues the next; presenting a spent token again means it was stolen, and the session
/// is revoked.
/// </summary>
public class RefreshToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SessionId { get; set; }
    public Guid UserId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
