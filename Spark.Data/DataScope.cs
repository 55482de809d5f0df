namespace Spark.Data;

/// <summary>
/// Whose rows a unit of work may touch under row-level security. Every context starts with
/// <see cref="None"/>, which sees no user-owned row at all (fails closed).
/// </summary>
public sealed record DataScope
{
    private DataScope(Guid? userId, string? systemReason)
    {
        UserId = userId;
        SystemReason = systemReason;
    }

    public Guid? UserId { get; }

    /// <summary>Why this unit of work bypasses row-level security; null when it does not.</summary>
    public string? SystemReason { get; }

    public bool BypassesRowSecurity => SystemReason is not null;

    public static DataScope None { get; } = new(null, null);

    public static DataScope ForUser(Guid userId) => new(userId, null);

    /// <summary>Jobs, seeding and admin work: sees every user's rows. The reason is logged by callers.</summary>
    public static DataScope System(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason);
    }
}
