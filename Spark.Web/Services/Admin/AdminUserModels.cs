using Spark.Core.Accounts;

namespace Spark.Web.Services.Admin;

public enum AdminUserSort { Created, Email, Name, Kyc }

/// <summary>A back-office user search: free text (email, name, phone, or a whole PAN), filters, sort and a page.</summary>
public sealed record AdminUserQuery
{
    public string? Search { get; init; }
    public KycStatus? Kyc { get; init; }
    public UserStatus? Status { get; init; }
    public string? Role { get; init; }
    /// <summary>Signed up on or after this Indian date.</summary>
    public DateOnly? SignedUpFrom { get; init; }
    /// <summary>Signed up on or before this Indian date.</summary>
    public DateOnly? SignedUpTo { get; init; }
    public AdminUserSort Sort { get; init; } = AdminUserSort.Created;
    public bool Descending { get; init; } = true;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;
}

public sealed record AdminUserRow(Guid Id, string Email, string Name, string? Phone, KycStatus KycStatus, UserStatus Status,
    IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);

public sealed record AdminSessionView(Guid Id, SessionClient Client, DeviceType? DeviceType, string? Browser, string? Os, string? IpAddress,
    DateTimeOffset CreatedAt, DateTimeOffset LastActivity);

public sealed record AdminAuditEntry(DateTimeOffset At, string Action, string Status, string? IpAddress, string? Details);

/// <summary>What staff see of one account. The PAN is masked for everyone: no rule gives anyone the full PAN.</summary>
public sealed record AdminUserDetail(
    Guid Id, string Email, bool EmailConfirmed, string Name, string? Phone, DateOnly? DateOfBirth, DateTimeOffset CreatedAt,
    UserStatus Status, KycStatus KycStatus, string? MaskedPan, bool TwoFactorEnabled, IReadOnlyList<string> Roles,
    int ActiveSessionCount, IReadOnlyList<AdminSessionView> Sessions, int Connections, int Holdings, decimal Invested,
    int RecentOrders, IReadOnlyList<AdminAuditEntry> RecentAudit, IReadOnlyList<AdminNotificationView>? Notifications = null);

/// <summary>One of the account's notifications, as the back office lists them (title, kind, when, read).</summary>
public sealed record AdminNotificationView(Guid Id, string Type, string Title, DateTimeOffset CreatedAt, bool IsRead);

public enum ResendOutcome { Sent, NotFound, TooSoon }

/// <summary>What the caller may do to an account; the service checks the same rules on every action.</summary>
public sealed record AdminPermissions(bool CanSuspend, bool CanReactivate, bool CanSignOut, bool CanChangeRoles, string? Explanation,
    bool CanResetTwoFactor = false, bool CanResendConfirmation = false);

/// <summary>Staff asked for something their role, or the rules, do not give them (API 403).</summary>
public sealed class StaffForbiddenException : Exception
{
    public StaffForbiddenException()
        : base("Staff may not do this.")
    {
    }

    public StaffForbiddenException(string message)
        : base(message)
    {
    }

    public StaffForbiddenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
