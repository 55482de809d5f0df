using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Audit;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Security;

namespace Spark.Web.Services.Accounts;

public sealed record SecurityEvent(string Action, AuditStatus Status, DateTimeOffset At, string? IpAddress, string? DeviceType, string? Error);

/// <summary>Password changes, session revocation and the user's own security activity.</summary>
public sealed class SecuritySettings(UserManager<SparkUser> users, SessionService sessions, AuditTrail audit, SparkDb db, TimeProvider clock)
{
    /// <summary>Changes the password and signs out every other session (a stolen password stops working everywhere).</summary>
    public async Task<IdentityResult> ChangePasswordAsync(SparkUser user, string current, string next, Guid? currentSession, ClientInfo? client = null)
    {
        var result = await users.ChangePasswordAsync(user, current, next);
        if (!result.Succeeded) return result;
        await using (var context = db.ForUser(user.Id))
        {
            await context.UserSecurity.Where(s => s.UserId == user.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastPasswordChange, clock.GetUtcNow()));
        }
        var revoked = await sessions.RevokeAllAsync(user.Id, except: currentSession);
        await audit.RecordAsync(AuditActions.PasswordChanged, user.Id, client, details: new { otherSessionsRevoked = revoked });
        return result;
    }

    /// <summary>
    /// Sets a new password through an emailed reset token and ends every session and refresh token: whoever knew
    /// the old password may be signed in somewhere.
    /// </summary>
    public async Task<IdentityResult> ResetPasswordAsync(SparkUser user, string token, string next, ClientInfo? client = null)
    {
        var result = await users.ResetPasswordAsync(user, token, next);
        if (!result.Succeeded) return result;
        await using (var context = db.ForUser(user.Id))
        {
            await context.UserSecurity.Where(s => s.UserId == user.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastPasswordChange, clock.GetUtcNow()));
        }
        var revoked = await sessions.RevokeAllAsync(user.Id);
        await audit.RecordAsync(AuditActions.PasswordReset, user.Id, client, details: new { sessionsRevoked = revoked });
        return result;
    }

    public async Task<bool> RevokeSessionAsync(Guid userId, Guid sessionId, ClientInfo? client = null)
    {
        if (!await sessions.RevokeAsync(userId, sessionId)) return false;
        await audit.RecordAsync(AuditActions.SessionRevoked, userId, client, entityType: "session", entityId: sessionId);
        return true;
    }

    public async Task<int> SignOutEverywhereElseAsync(Guid userId, Guid? currentSession, ClientInfo? client = null)
    {
        var revoked = await sessions.RevokeAllAsync(userId, except: currentSession);
        await audit.RecordAsync(AuditActions.SignedOutEverywhere, userId, client, details: new { sessionsRevoked = revoked });
        return revoked;
    }

    /// <summary>
    /// What "Recent security activity" lists: sign-ins, password, email and two-factor changes, sessions, and staff
    /// viewing the account (decision 0045). Row changes the database trigger records (action INSERT/UPDATE/DELETE, e.g.
    /// background repricing of investments) and other account events are not security activity (decision 0054).
    /// </summary>
    public static readonly IReadOnlyList<string> SecurityActions =
    [
        AuditActions.SignIn, AuditActions.SignInFailed, AuditActions.SignOut,
        AuditActions.TwoFactorEnabled, AuditActions.TwoFactorDisabled,
        AuditActions.PasswordChanged, AuditActions.PasswordReset, AuditActions.EmailChanged,
        AuditActions.SessionRevoked, AuditActions.SignedOutEverywhere, AuditActions.RefreshTokenReused,
        Admin.ImpersonationAuditActions.Started, Admin.ImpersonationAuditActions.Ended, Admin.ImpersonationAuditActions.PageView,
        Admin.ImpersonationAuditActions.Request, Admin.ImpersonationAuditActions.Refused, Admin.ImpersonationAuditActions.Change,
        Admin.AdminAuditActions.UserSuspended, Admin.AdminAuditActions.UserReactivated, Admin.AdminAuditActions.UserSignedOut,
        Admin.AdminAuditActions.TwoFactorReset, Admin.ImpersonationAuditActions.ConsentCreated,
    ];

    public async Task<IReadOnlyList<SecurityEvent>> RecentActivityAsync(Guid userId, int count = 20)
    {
        await using var context = db.ForUser(userId);
        return await context.AuditLogs.Where(a => a.UserId == userId && SecurityActions.Contains(a.Action))
            .OrderByDescending(a => a.CreatedAt).Take(count)
            .Select(a => new SecurityEvent(a.Action, a.Status, a.CreatedAt, a.IpAddress != null ? a.IpAddress.ToString() : null, a.DeviceType, a.ErrorMessage))
            .ToListAsync();
    }
}
