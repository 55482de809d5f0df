using System.Text.Json;
using Spark.Core.Accounts;
using Spark.Core.Audit;
using Spark.Data;
using Spark.Web.Accounts;

namespace Spark.Web.Security;

/// <summary>The security events Spark records (audit_logs.action).</summary>
public static class AuditActions
{
    public const string SignIn = "sign_in";
    public const string SignInFailed = "sign_in_failed";
    public const string SignOut = "sign_out";
    public const string TwoFactorEnabled = "two_factor_enabled";
    public const string TwoFactorDisabled = "two_factor_disabled";
    public const string PasswordChanged = "password_changed";
    public const string PasswordReset = "password_reset";
    public const string EmailChanged = "email_changed";
    public const string SessionRevoked = "session_revoked";
    public const string SignedOutEverywhere = "signed_out_everywhere";
    public const string RefreshTokenReused = "refresh_token_reused";
    public const string KycSubmitted = "kyc_submitted";
    public const string KycDecided = "kyc_decided";
    public const string RiskProfileAssessed = "risk_profile_assessed";
    public const string ProfileChanged = "profile_changed";
    public const string PreferencesChanged = "preferences_changed";
    public const string AdminAccess = "admin_access";
    public const string MarketBarsPosted = "market_bars_posted";
    public const string AnalysisSettingsChanged = "analysis_settings_changed";
    public const string PlansRun = "plans_run";
    public const string ConnectionCreated = "connection_created";
    public const string ConnectionAuthorized = "connection_authorized";
    public const string ConnectionReconnected = "connection_reconnected";
    public const string ConnectionDisconnected = "connection_disconnected";
    public const string ConnectionDeleted = "connection_deleted";
    public const string ReconciliationAccepted = "reconciliation_accepted";
    public const string JobRunRequested = "job_run_requested";
    public const string JobPaused = "job_paused";
    public const string JobResumed = "job_resumed";
}

/// <summary>
/// Writes audit_logs rows with who, what, from where (IP, user agent, device type). Written as system work:
/// an event may concern no user yet (a failed sign-in) or another user (an admin's decision).
/// <c>userId</c> is the account concerned; <c>actorId</c> who acted on it (staff, decision 0044). Without an actor,
/// a successful event is the account's own doing (actor = <c>userId</c>); a failed one has no proven actor (null).
/// </summary>
public sealed class AuditTrail(SparkDb db, IHttpContextAccessor http)
{
    public async Task RecordAsync(string action, Guid? userId, ClientInfo? client = null, AuditStatus status = AuditStatus.Success,
        string? entityType = null, Guid? entityId = null, object? details = null, string? error = null, CancellationToken cancellationToken = default,
        Guid? actorId = null)
    {
        var info = client ?? ClientInfo.From(http.HttpContext);
        var device = UserAgentParser.Parse(info.UserAgent);
        // Staff viewing this customer's account act under it: the event is theirs, not the customer's (decision 0045).
        if (actorId is null && Spark.Core.Accounts.Impersonation.Current is { } impersonation && impersonation.CustomerId == userId)
        {
            actorId = impersonation.StaffUserId;
        }
        await using var context = db.ForSystem("audit trail");
        context.AuditLogs.Add(new AuditLog
        {
            UserId = userId,
            ActorId = actorId ?? (status == AuditStatus.Success ? userId : null),
            Action = action,
            Status = status,
            EntityType = entityType,
            EntityId = entityId,
            Changes = details is null ? null : JsonSerializer.SerializeToDocument(details),
            IpAddress = info.IpAddress,
            UserAgent = SessionService.Truncate(info.UserAgent, 1000),
            DeviceType = device.DeviceType is { } type ? type.ToString().ToLowerInvariant() : null,
            ErrorMessage = error,
        });
        await context.SaveChangesAsync(cancellationToken);
    }
}
