namespace Spark.Core.Accounts;

/// <summary>Why an impersonation ended (impersonation_sessions.end_reason).</summary>
public enum ImpersonationEnd
{
    /// <summary>The staff member pressed Stop.</summary>
    Stopped,

    /// <summary>Its time limit passed.</summary>
    Expired,

    /// <summary>The staff member's own session ended (signed out, revoked, suspended, idle).</summary>
    StaffSessionEnded,

    /// <summary>The same staff session started another impersonation.</summary>
    Replaced,
}

/// <summary>
/// A staff member viewing an investor's account (table impersonation_sessions): tied to the staff member's own session,
/// limited in time, read-only unless the customer's one-time consent code was given.
/// </summary>
public class ImpersonationSession
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The customer whose account is viewed.</summary>
    public Guid UserId { get; set; }

    public Guid StaffUserId { get; set; }

    /// <summary>The user_sessions row of the staff member's sign-in that started it: it ends with that session.</summary>
    public Guid StaffSessionId { get; set; }

    public required string Reason { get; set; }

    /// <summary>A support ticket reference, when there is one.</summary>
    public string? Ticket { get; set; }

    /// <summary>Placing or cancelling orders and fixing transactions on the customer's behalf, given by a consent code.</summary>
    public bool WritesAllowed { get; set; }

    public Guid? ConsentId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public ImpersonationEnd? EndReason { get; set; }
}

/// <summary>
/// A one-time code a customer creates in Settings → Security and reads out to support (table impersonation_consents):
/// valid for ten minutes and one impersonation. Only its keyed hash is stored.
/// </summary>
public class ImpersonationConsent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public Guid? ImpersonationId { get; set; }
}

/// <summary>A write refused because the caller is staff viewing a customer's account (API 403).</summary>
public sealed class ImpersonationForbiddenException(string message) : DomainException(message);

/// <summary>The impersonation a unit of work runs under, if any: who is viewed, by whom, and whether writes were consented.</summary>
public sealed record ImpersonatedScope(Guid ImpersonationId, Guid CustomerId, Guid StaffUserId, bool WritesAllowed);

/// <summary>
/// The ambient impersonation of the current request or circuit event (set by the web app's middleware and circuit
/// handler), read by services before a write and by <c>SparkDb</c> to open the customer's data read-only. Work outside
/// an impersonation (the customer's own requests, jobs) sees null and is unaffected.
/// </summary>
public static class Impersonation
{
    private static readonly AsyncLocal<ImpersonatedScope?> Ambient = new();

    public static ImpersonatedScope? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    /// <summary>Whether <paramref name="userId"/>'s data must be opened read-only in this unit of work.</summary>
    public static bool IsReadOnlyFor(Guid userId) => Current is { } scope && scope.CustomerId == userId && !scope.WritesAllowed;

    /// <summary>
    /// Refuses a write to <paramref name="userId"/>'s account by staff viewing it. <paramref name="consentable"/> writes
    /// (orders, fixing transactions) pass when the customer gave a consent code; the rest never do.
    /// </summary>
    /// <param name="what">What the write does, for the message: "place an order".</param>
    public static void EnsureMayWrite(Guid userId, string what, bool consentable = false)
    {
        if (Current is not { } scope || scope.CustomerId != userId) return;
        if (!consentable)
        {
            throw new ImpersonationForbiddenException(
                $"Staff viewing a customer's account cannot {what}, even with the customer's consent: the customer does this themselves.");
        }
        if (!scope.WritesAllowed)
        {
            throw new ImpersonationForbiddenException(
                $"You are viewing this account read-only. To {what} on the customer's behalf, start again with the one-time consent code they create in Settings → Security.");
        }
    }
}
