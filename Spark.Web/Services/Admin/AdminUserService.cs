using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Core.Orders;
using Spark.Core.Portfolio;
using Spark.Core.Security;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Security;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Admin;

/// <summary>
/// The back office's view of accounts: search, detail and the actions staff take on an account. Every action
/// checks the actor's roles in the database (not the caller's claims, not the buttons the page shows), needs a
/// reason, and is audited on the target's trail with the actor and the reason.
/// </summary>
public sealed class AdminUserService(SparkDb db, SessionService sessions, FieldProtector protector, AuditTrail audit, TimeProvider clock,
    Microsoft.AspNetCore.Identity.UserManager<SparkUser> userManager, EmailAddresses emails, IMailTransport mail,
    Services.Notifications.NotificationService notifications)
{
    public const int MaxPageSize = 100;
    public const int MaxReasonLength = 500;

    private static readonly TimeSpan IndiaOffset = TimeSpan.FromMinutes(330);
    private static readonly TimeSpan RecentOrdersWindow = TimeSpan.FromDays(30);
    public const int NotificationsShown = 20;
    /// <summary>The notification type of a staff reset of two-factor sign-in (not one a preference turns off).</summary>
    public const string TwoFactorResetNotification = "security_two_factor_reset";

    public async Task<Paged<AdminUserRow>> SearchAsync(AdminUserQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var role = query.Role is null ? null : CanonicalRole(query.Role)
            ?? throw new FieldValidationException(new Dictionary<string, string[]> { ["role"] = [$"Use one of {string.Join(", ", Roles.All)}."] });

        // users and Identity's tables have no row-level security (decision 0007): the shared scope reads them.
        await using var context = db.Shared();
        var users = context.Users.AsNoTracking();
        if (query.Search?.Trim() is { Length: > 0 } text)
        {
            if (Pan.TryParse(text, out var pan, out _))
            {
                // A whole PAN is found through its keyed hash (unique index users_pan_card_hash_key), never by decrypting.
                var hash = protector.KeyedHash(pan.Value, KycService.PanPurpose);
                users = users.Where(u => u.PanCardHash == hash);
            }
            else
            {
                var pattern = "%" + EscapeLike(text) + "%";
                users = users.Where(u => EF.Functions.ILike(u.Email!, pattern, "\\") || EF.Functions.ILike(u.Name, pattern, "\\")
                    || (u.PhoneNumber != null && EF.Functions.Like(u.PhoneNumber, pattern, "\\")));
            }
        }
        if (query.Kyc is { } kyc) users = users.Where(u => u.KycStatus == kyc);
        if (query.Status is { } status) users = users.Where(u => u.Status == status);
        if (role is not null)
        {
            var roleId = context.Roles.Where(r => r.Name == role).Select(r => r.Id);
            users = users.Where(u => context.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)));
        }
        if (query.SignedUpFrom is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), IndiaOffset).ToUniversalTime();
            users = users.Where(u => u.CreatedAt >= start);
        }
        if (query.SignedUpTo is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), IndiaOffset).ToUniversalTime();
            users = users.Where(u => u.CreatedAt < end);
        }

        var total = await users.CountAsync(cancellationToken);
        var sorted = (query.Sort, query.Descending) switch
        {
            (AdminUserSort.Email, false) => users.OrderBy(u => u.Email),
            (AdminUserSort.Email, true) => users.OrderByDescending(u => u.Email),
            (AdminUserSort.Name, false) => users.OrderBy(u => u.Name),
            (AdminUserSort.Name, true) => users.OrderByDescending(u => u.Name),
            (AdminUserSort.Kyc, false) => users.OrderBy(u => u.KycStatus),
            (AdminUserSort.Kyc, true) => users.OrderByDescending(u => u.KycStatus),
            (_, false) => users.OrderBy(u => u.CreatedAt),
            _ => users.OrderByDescending(u => u.CreatedAt),
        };
        var found = await sorted.ThenBy(u => u.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(u => new { u.Id, Email = u.Email!, u.Name, u.PhoneNumber, u.KycStatus, u.Status, u.CreatedAt })
            .ToListAsync(cancellationToken);
        var roles = await RolesOfAsync(context, [.. found.Select(u => u.Id)], cancellationToken);
        return new Paged<AdminUserRow>(
            [.. found.Select(u => new AdminUserRow(u.Id, u.Email, u.Name, u.PhoneNumber, u.KycStatus, u.Status, roles.GetValueOrDefault(u.Id, []), u.CreatedAt))],
            page, pageSize, total);
    }

    public async Task<AdminUserDetail?> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        SparkUser? user;
        IReadOnlyList<string> roles;
        await using (var shared = db.Shared())
        {
            user = await shared.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null) return null;
            roles = (await RolesOfAsync(shared, [userId], cancellationToken)).GetValueOrDefault(userId, []);
        }

        var active = await sessions.ListActiveAsync(userId, cancellationToken);
        // The account's own rows, read in its own scope: row-level security keeps this to the one user.
        await using var context = db.ForUser(userId);
        var connections = await context.PlatformConnections.CountAsync(c => c.UserId == userId, cancellationToken);
        var holdings = await context.Investments.Where(i => i.UserId == userId && i.Status == InvestmentStatus.Active)
            .GroupBy(_ => 1).Select(g => new { Count = g.Count(), Invested = g.Sum(i => i.InvestedAmount) }).SingleOrDefaultAsync(cancellationToken);
        var since = clock.GetUtcNow() - RecentOrdersWindow;
        var recentOrders = await context.Orders.CountAsync(o => o.UserId == userId && o.CreatedAt >= since, cancellationToken);
        var audits = await context.AuditLogs.AsNoTracking().Where(a => a.UserId == userId).OrderByDescending(a => a.CreatedAt).Take(20)
            .ToListAsync(cancellationToken);
        var recentNotifications = await context.Notifications.AsNoTracking().Where(n => n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(NotificationsShown)
            .Select(n => new AdminNotificationView(n.Id, n.Type, n.Title, n.CreatedAt, n.IsRead)).ToListAsync(cancellationToken);

        return new AdminUserDetail(user.Id, user.Email!, user.EmailConfirmed, user.Name, user.PhoneNumber, user.Dob, user.CreatedAt,
            user.Status, user.KycStatus, MaskedPan(user), user.TwoFactorEnabled, roles, active.Count,
            [.. active.Select(s => new AdminSessionView(s.Id, s.Client, s.DeviceType, s.Browser, s.Os, s.IpAddress?.ToString(), s.CreatedAt, s.LastActivity))],
            connections, holdings?.Count ?? 0, holdings?.Invested ?? 0m, recentOrders,
            [.. audits.Select(a => new AdminAuditEntry(a.CreatedAt, a.Action, a.Status.ToString().ToLowerInvariant(), a.IpAddress?.ToString(),
                a.ErrorMessage ?? a.Changes?.RootElement.ToString()))], recentNotifications);
    }

    /// <summary>What <paramref name="actorId"/> may do to <paramref name="target"/>, for the page to say before any click.</summary>
    public async Task<AdminPermissions> PermissionsAsync(Guid actorId, AdminUserDetail target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var actor = await ActorRolesAsync(actorId, cancellationToken);
        var isAdmin = actor.Contains(Roles.Admin);
        var isStaff = isAdmin || actor.Contains(Roles.Support);
        var self = actorId == target.Id;
        var explanation = !isStaff ? "Only staff act on accounts."
            : !isAdmin ? "Support may force a sign-out and resend the confirmation email; suspending, reactivating, resetting two-factor sign-in and changing roles are for admins."
            : self ? "These are your own account's controls: another admin changes your roles or status."
            : null;
        return new AdminPermissions(
            CanSuspend: isAdmin && !self && target.Status == UserStatus.Active,
            CanReactivate: isAdmin && !self && target.Status == UserStatus.Suspended,
            CanSignOut: isStaff,
            CanChangeRoles: isAdmin && !self,
            explanation,
            CanResetTwoFactor: isAdmin && !self && target.TwoFactorEnabled,
            CanResendConfirmation: isStaff && !target.EmailConfirmed);
    }

    /// <summary>Suspends the account: its sessions end now and sign-in is refused with <see cref="SparkSignInManager.SuspendedMessage"/>.</summary>
    public async Task<bool> SuspendAsync(Guid actorId, Guid userId, string? reason, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var why = Reason(reason);
        await RequireAdminAsync(actorId, cancellationToken);
        if (actorId == userId) throw new StaffForbiddenException("You cannot suspend your own account.");
        var status = await StatusOfAsync(userId, cancellationToken);
        if (status is null) return false;
        if (status != UserStatus.Active) throw new DomainException($"Only an active account can be suspended; this one is {Word(status.Value)}.");

        await SetStatusAsync(userId, UserStatus.Suspended, cancellationToken);
        var revoked = await sessions.RevokeAllAsync(userId, cancellationToken: cancellationToken);
        await audit.RecordAsync(AdminAuditActions.UserSuspended, userId, client, entityType: "user", entityId: userId,
            details: new { by = actorId, reason = why, sessionsRevoked = revoked }, cancellationToken: cancellationToken, actorId: actorId);
        return true;
    }

    public async Task<bool> ReactivateAsync(Guid actorId, Guid userId, string? reason, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var why = Reason(reason);
        await RequireAdminAsync(actorId, cancellationToken);
        if (actorId == userId) throw new StaffForbiddenException("You cannot reactivate your own account.");
        var status = await StatusOfAsync(userId, cancellationToken);
        if (status is null) return false;
        if (status != UserStatus.Suspended) throw new DomainException($"Only a suspended account can be reactivated; this one is {Word(status.Value)}.");

        await SetStatusAsync(userId, UserStatus.Active, cancellationToken);
        await audit.RecordAsync(AdminAuditActions.UserReactivated, userId, client, entityType: "user", entityId: userId,
            details: new { by = actorId, reason = why }, cancellationToken: cancellationToken, actorId: actorId);
        return true;
    }

    /// <summary>Ends every session of the account (admin and support); the account stays as it is.</summary>
    public async Task<int?> SignOutEverywhereAsync(Guid actorId, Guid userId, string? reason, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var why = Reason(reason);
        var actor = await ActorRolesAsync(actorId, cancellationToken);
        if (!actor.Contains(Roles.Admin) && !actor.Contains(Roles.Support)) throw new StaffForbiddenException("Only staff may sign an account out.");
        if (await StatusOfAsync(userId, cancellationToken) is null) return null;

        var revoked = await sessions.RevokeAllAsync(userId, cancellationToken: cancellationToken);
        await audit.RecordAsync(AdminAuditActions.UserSignedOut, userId, client, entityType: "user", entityId: userId,
            details: new { by = actorId, reason = why, sessionsRevoked = revoked }, cancellationToken: cancellationToken, actorId: actorId);
        return revoked;
    }

    /// <summary>
    /// Turns two-factor sign-in off for an account that lost its authenticator (admin only, never one's own): the key
    /// and the recovery codes are gone, the security stamp moves, every session ends, and the customer is told by
    /// email and in the app. They sign in with their password alone and may turn 2FA on again.
    /// </summary>
    public async Task<bool> ResetTwoFactorAsync(Guid actorId, Guid userId, string? reason, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var why = Reason(reason);
        await RequireAdminAsync(actorId, cancellationToken);
        if (actorId == userId) throw new StaffForbiddenException("You cannot reset your own two-factor sign-in: ask another admin.");
        var user = await userManager.FindByIdAsync(userId.ToString());
        if (user is null) return false;
        if (!user.TwoFactorEnabled) throw new DomainException("Two-factor sign-in is already off for this account.");

        Check(await userManager.SetTwoFactorEnabledAsync(user, false));
        // A new key (never shown to anyone) replaces the lost one; zero new recovery codes replace the old ones.
        Check(await userManager.ResetAuthenticatorKeyAsync(user));
        await userManager.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
        Check(await userManager.UpdateSecurityStampAsync(user));
        var revoked = await sessions.RevokeAllAsync(userId, cancellationToken: cancellationToken);
        await audit.RecordAsync(AdminAuditActions.TwoFactorReset, userId, client, entityType: "user", entityId: userId,
            details: new { by = actorId, reason = why, sessionsRevoked = revoked }, cancellationToken: cancellationToken, actorId: actorId);

        await notifications.NotifyAsync(userId, TwoFactorResetNotification, "Two-factor sign-in was turned off",
            "Spark support turned off two-factor sign-in on your account. Turn it on again in Settings → Security.",
            "/settings/security", cancellationToken);
        await mail.SendAsync(new MailMessage(user.Email!, "Two-factor sign-in was turned off on your Spark account",
            $"<p>Hello {System.Net.WebUtility.HtmlEncode(user.Name)},</p><p>Spark support turned off two-factor sign-in on your account and signed you out everywhere. " +
            "You can sign in with your password and turn it on again under Settings → Security.</p>" +
            "<p>If you did not ask for this, contact Spark support at once.</p>"), cancellationToken);
        return true;
    }

    /// <summary>
    /// Sends the email confirmation link again (admin or support). Only for an unconfirmed email (otherwise 422), and
    /// not twice within <see cref="ResendInterval"/> (counted from this action's audit rows).
    /// </summary>
    public async Task<ResendOutcome> ResendConfirmationAsync(Guid actorId, Guid userId, string? reason, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        if (reason is { Length: > MaxReasonLength })
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["reason"] = [$"Keep the reason under {MaxReasonLength} characters."] });
        }
        var actor = await ActorRolesAsync(actorId, cancellationToken);
        if (!actor.Contains(Roles.Admin) && !actor.Contains(Roles.Support)) throw new StaffForbiddenException("Only staff may resend a confirmation email.");
        var user = await userManager.FindByIdAsync(userId.ToString());
        if (user is null) return ResendOutcome.NotFound;
        if (user.EmailConfirmed) throw new DomainException("This email is already confirmed: there is nothing to resend.");

        await using (var context = db.ForSystem("admin: confirmation resend interval"))
        {
            // Audit rows are stamped with the app's clock (SparkDbContext), so the interval is measured on it too.
            var since = clock.GetUtcNow() - ResendInterval;
            if (await context.AuditLogs.AnyAsync(a => a.UserId == userId && a.Action == AdminAuditActions.ConfirmationResent && a.CreatedAt > since, cancellationToken))
            {
                return ResendOutcome.TooSoon;
            }
        }

        await emails.SendConfirmationAsync(user);
        await audit.RecordAsync(AdminAuditActions.ConfirmationResent, userId, client, entityType: "user", entityId: userId,
            details: new { by = actorId, reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, cancellationToken: cancellationToken, actorId: actorId);
        return ResendOutcome.Sent;
    }

    public static readonly TimeSpan ResendInterval = TimeSpan.FromMinutes(1);

    private static void Check(Microsoft.AspNetCore.Identity.IdentityResult result)
    {
        if (!result.Succeeded) throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    /// <summary>
    /// Sets the account's roles (admin only, never one's own). The security stamp moves so signed-in cookies pick the
    /// new roles up; when a role is taken away, the account's sessions also end, so the old role stops working at once.
    /// </summary>
    public async Task<IReadOnlyList<string>?> SetRolesAsync(Guid actorId, Guid userId, IReadOnlyList<string>? roles, string? reason,
        ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var wanted = new List<string>();
        if (roles is null || roles.Count == 0)
        {
            errors["roles"] = ["Give the account at least one role."];
        }
        else
        {
            var unknown = roles.Where(r => CanonicalRole(r) is null).ToList();
            if (unknown.Count > 0) errors["roles"] = [$"Unknown role {string.Join(", ", unknown)}: use {string.Join(", ", Roles.All)}."];
            wanted = [.. roles.Select(CanonicalRole).OfType<string>().Distinct()];
        }
        if (ReasonError(reason) is { } reasonError) errors["reason"] = [reasonError];
        if (errors.Count > 0) throw new FieldValidationException(errors);

        await RequireAdminAsync(actorId, cancellationToken);
        if (actorId == userId) throw new StaffForbiddenException("You cannot change your own roles: ask another admin.");

        await using var context = db.Shared();
        if (!await context.Users.AnyAsync(u => u.Id == userId, cancellationToken)) return null;
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var current = await (from ur in context.UserRoles join r in context.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!)
            .ToListAsync(cancellationToken);
        var added = wanted.Except(current).ToList();
        var removed = current.Except(wanted).ToList();
        if (added.Count == 0 && removed.Count == 0) return wanted;

        var roleIds = await context.Roles.Where(r => added.Contains(r.Name!) || removed.Contains(r.Name!))
            .ToDictionaryAsync(r => r.Name!, r => r.Id, cancellationToken);
        foreach (var name in added) context.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<Guid> { UserId = userId, RoleId = roleIds[name] });
        var removedIds = removed.Select(n => roleIds[n]).ToList();
        await context.UserRoles.Where(ur => ur.UserId == userId && removedIds.Contains(ur.RoleId)).ExecuteDeleteAsync(cancellationToken);
        await context.SaveChangesAsync(cancellationToken);
        await TouchStampAsync(context, userId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var revoked = removed.Count > 0 ? await sessions.RevokeAllAsync(userId, cancellationToken: cancellationToken) : 0;
        await audit.RecordAsync(AdminAuditActions.UserRolesChanged, userId, client, entityType: "user", entityId: userId,
            details: new { by = actorId, reason = reason!.Trim(), added, removed, roles = wanted, sessionsRevoked = revoked }, cancellationToken: cancellationToken, actorId: actorId);
        return wanted;
    }

    public static string? CanonicalRole(string? role) =>
        Roles.All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string Reason(string? reason) =>
        ReasonError(reason) is { } error ? throw new FieldValidationException(new Dictionary<string, string[]> { ["reason"] = [error] }) : reason!.Trim();

    private static string? ReasonError(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "Give a reason: it is kept in the audit trail."
        : reason.Trim().Length > MaxReasonLength ? $"Keep the reason under {MaxReasonLength} characters."
        : null;

    private static string Word(UserStatus status) => status.ToString().ToLowerInvariant();

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private string? MaskedPan(SparkUser user) =>
        user.PanCard is { } stored && protector.TryUnprotect(stored, KycService.PanPurpose, out var plain) && Pan.TryParse(plain, out var pan, out _)
            ? pan.Masked
            : null;

    private async Task RequireAdminAsync(Guid actorId, CancellationToken cancellationToken)
    {
        if (!(await ActorRolesAsync(actorId, cancellationToken)).Contains(Roles.Admin))
        {
            throw new StaffForbiddenException("Only an admin may do this; support may force a sign-out.");
        }
    }

    private async Task<IReadOnlyList<string>> ActorRolesAsync(Guid actorId, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        return (await RolesOfAsync(context, [actorId], cancellationToken)).GetValueOrDefault(actorId, []);
    }

    private static async Task<Dictionary<Guid, IReadOnlyList<string>>> RolesOfAsync(SparkDbContext context, IReadOnlyList<Guid> userIds,
        CancellationToken cancellationToken)
    {
        var pairs = await (from ur in context.UserRoles
                           join r in context.Roles on ur.RoleId equals r.Id
                           where userIds.Contains(ur.UserId)
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        return pairs.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.Name!).Order(StringComparer.Ordinal)]);
    }

    private async Task<UserStatus?> StatusOfAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        return await context.Users.Where(u => u.Id == userId).Select(u => (UserStatus?)u.Status).SingleOrDefaultAsync(cancellationToken);
    }

    private async Task SetStatusAsync(Guid userId, UserStatus status, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        var now = clock.GetUtcNow();
        await context.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, status)
            .SetProperty(x => x.UpdatedAt, now)
            .SetProperty(x => x.SecurityStamp, Guid.NewGuid().ToString("N"))
            .SetProperty(x => x.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);
    }

    private static Task TouchStampAsync(SparkDbContext context, Guid userId, CancellationToken cancellationToken) =>
        context.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.SecurityStamp, Guid.NewGuid().ToString("N"))
            .SetProperty(x => x.ConcurrencyStamp, Guid.NewGuid().ToString()), cancellationToken);
}

/// <summary>The audit actions of the back office's account controls (audit_logs.action).</summary>
public static class AdminAuditActions
{
    public const string UserSuspended = "user_suspended";
    public const string UserReactivated = "user_reactivated";
    public const string UserSignedOut = "user_signed_out_by_staff";
    public const string UserRolesChanged = "user_roles_changed";
    public const string TwoFactorReset = "user_two_factor_reset";
    public const string ConfirmationResent = "user_confirmation_resent";
    public const string AuditExported = "audit_exported";
}
