using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Core.Security;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Hosting;
using Spark.Web.Security;
using Spark.Web.Services.Notifications;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Admin;

/// <summary>An impersonation as the shell and the checks see it: who is viewed, by whom, why, until when, and whether writes were consented.</summary>
public sealed record ActiveImpersonation(Guid Id, Guid CustomerId, string CustomerName, string CustomerEmail, Guid StaffUserId, string StaffName,
    string StaffRole, string Reason, string? Ticket, bool WritesAllowed, DateTimeOffset StartedAt, DateTimeOffset ExpiresAt)
{
    public ImpersonatedScope Scope => new(Id, CustomerId, StaffUserId, WritesAllowed);
}

/// <summary>One impersonation in the back office's list.</summary>
public sealed record ImpersonationRow(Guid Id, Guid CustomerId, string CustomerEmail, string CustomerName, Guid StaffUserId, string StaffName,
    string Reason, string? Ticket, bool WritesAllowed, DateTimeOffset StartedAt, DateTimeOffset ExpiresAt, DateTimeOffset? EndedAt,
    ImpersonationEnd? EndReason, bool Active);

/// <summary>A visit as the customer sees it in Settings → Security.</summary>
public sealed record SupportVisit(Guid Id, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string StaffName, string Reason, string? Ticket,
    bool WritesAllowed, bool Active);

public sealed record ConsentCode(string Code, DateTimeOffset ExpiresAt);

/// <summary>
/// Staff viewing an investor's account (decision 0045). An impersonation is a row tied to the staff member's own session:
/// it is active while that row is open, its time has not run out and the staff session is active; the web app checks
/// that on every request and in the circuit's revalidation. Read-only unless the customer's one-time consent code was
/// given; never of staff. Starting and ending are audited on the customer's trail, and the customer is told.
/// </summary>
public sealed class ImpersonationService(SparkDb db, StaffAccess staffAccess, SessionService sessions, FieldProtector protector, AuditTrail audit,
    NotificationService notifications, IOptions<SparkOptions> options, TimeProvider clock)
{
    public const int MaxReasonLength = 500;
    public const int MaxTicketLength = 64;
    public const int ConsentCodeDigits = 8;
    public const string ConsentPurpose = "impersonation-consent";
    public const string NotificationType = "security_support_access";
    public const int MaxPageSize = 100;

    private static readonly TimeZoneInfo India = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    private TimeSpan Limit => TimeSpan.FromMinutes(Math.Clamp(options.Value.Security.ImpersonationMinutes, 1, 240));

    private TimeSpan ConsentLifetime => TimeSpan.FromMinutes(Math.Clamp(options.Value.Security.ConsentCodeMinutes, 1, 60));

    /// <summary>Starts viewing <paramref name="customerId"/>'s account from the staff member's session; ends any other open on that session.</summary>
    /// <returns>The impersonation, or null when there is no such account.</returns>
    public async Task<ActiveImpersonation?> StartAsync(Guid staffId, Guid staffSessionId, Guid customerId, string? reason, string? ticket,
        string? consentCode, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var why = reason?.Trim() ?? "";
        if (why.Length == 0) errors["reason"] = ["Say why you are opening this account (the customer sees it)."];
        else if (why.Length > MaxReasonLength) errors["reason"] = [$"Keep the reason to {MaxReasonLength} characters."];
        var reference = string.IsNullOrWhiteSpace(ticket) ? null : ticket.Trim();
        if (reference is { Length: > MaxTicketLength }) errors["ticket"] = [$"A ticket reference has at most {MaxTicketLength} characters."];
        else if (reference is not null && reference.Any(char.IsControl)) errors["ticket"] = ["A ticket reference is one line of text."];
        var code = NormalisedCode(consentCode);
        if (consentCode is not null && !string.IsNullOrWhiteSpace(consentCode) && code is null)
        {
            errors["consentCode"] = [$"A consent code is {ConsentCodeDigits} digits, as the customer's Security page shows it."];
        }
        if (errors.Count > 0) throw new FieldValidationException(errors);

        await using var shared = db.Shared();
        var staff = await shared.Users.AsNoTracking().Where(u => u.Id == staffId).Select(u => new { u.Name, u.Status }).SingleOrDefaultAsync(cancellationToken);
        var staffRoles = await staffAccess.RolesAsync(staffId, cancellationToken);
        if (staff is null || staff.Status != UserStatus.Active || !(staffRoles.Contains(Roles.Admin) || staffRoles.Contains(Roles.Support)))
        {
            throw new StaffForbiddenException("Only active admins and support staff may view a customer's account.");
        }
        var customer = await shared.Users.AsNoTracking().Where(u => u.Id == customerId).Select(u => new { u.Name, Email = u.Email! }).SingleOrDefaultAsync(cancellationToken);
        if (customer is null) return null;
        if (customerId == staffId) throw new StaffForbiddenException("You cannot impersonate yourself.");
        if ((await staffAccess.RolesAsync(customerId, cancellationToken)).Any(r => r is Roles.Admin or Roles.Support))
        {
            throw new StaffForbiddenException("Staff accounts cannot be impersonated: only investors' accounts can be viewed this way.");
        }

        var now = clock.GetUtcNow();
        await using var context = db.ForSystem("impersonation: start");
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        ImpersonationConsent? consent = null;
        if (code is not null)
        {
            var hash = protector.KeyedHash(code, ConsentPurpose);
            consent = await context.ImpersonationConsents
                .FromSql($"SELECT * FROM impersonation_consents WHERE user_id = {customerId} AND code_hash = {hash} FOR UPDATE")
                .SingleOrDefaultAsync(cancellationToken);
            if (consent is null || consent.UsedAt is not null || consent.ExpiresAt <= now)
            {
                throw new FieldValidationException(new Dictionary<string, string[]>
                {
                    ["consentCode"] = [$"This code is not valid for this customer: codes last {ConsentLifetime.TotalMinutes:0} minutes and work once. Ask the customer for a new one."],
                });
            }
        }
        var replaced = await context.Impersonations.Where(i => i.StaffSessionId == staffSessionId && i.EndedAt == null).ToListAsync(cancellationToken);
        foreach (var open in replaced)
        {
            open.EndedAt = now;
            open.EndReason = ImpersonationEnd.Replaced;
        }
        if (replaced.Count > 0) await context.SaveChangesAsync(cancellationToken);
        var row = new ImpersonationSession
        {
            UserId = customerId,
            StaffUserId = staffId,
            StaffSessionId = staffSessionId,
            Reason = why,
            Ticket = reference,
            WritesAllowed = consent is not null,
            ConsentId = consent?.Id,
            StartedAt = now,
            ExpiresAt = now + Limit,
        };
        context.Impersonations.Add(row);
        if (consent is not null)
        {
            consent.UsedAt = now;
            consent.ImpersonationId = row.Id;
        }
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        foreach (var open in replaced) await RecordEndAsync(open, client, cancellationToken);
        await audit.RecordAsync(ImpersonationAuditActions.Started, customerId, client, entityType: "impersonation", entityId: row.Id,
            details: new { by = staffId, impersonation = row.Id, reason = why, ticket = reference, writesAllowed = row.WritesAllowed, expiresAt = row.ExpiresAt },
            cancellationToken: cancellationToken, actorId: staffId);
        var at = TimeZoneInfo.ConvertTime(now, India).ToString("d MMM yyyy, h:mm tt", CultureInfo.GetCultureInfo("en-IN"));
        await notifications.NotifyAsync(customerId, NotificationType, "Spark support is viewing your account",
            $"{staff.Name} from Spark support started viewing your account on {at} IST{(row.WritesAllowed ? ", with your consent code to act for you" : ", read-only")}. Reason: {why}. Every visit is listed in Settings → Security.",
            "/settings/security", cancellationToken);
        return new ActiveImpersonation(row.Id, customerId, customer.Name, customer.Email, staffId, staff.Name, RoleWord(staffRoles), why, reference,
            row.WritesAllowed, row.StartedAt, row.ExpiresAt);
    }

    /// <summary>
    /// The impersonation open on this staff session, if it is still active. One indexed read per request of a staff
    /// member; an open row whose time ran out is closed here (and audited), the first time anyone asks.
    /// </summary>
    public async Task<ActiveImpersonation?> ActiveForSessionAsync(Guid staffId, Guid staffSessionId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForSystem("impersonation: check");
        var row = await context.Impersonations.AsNoTracking()
            .Where(i => i.StaffSessionId == staffSessionId && i.StaffUserId == staffId && i.EndedAt == null).SingleOrDefaultAsync(cancellationToken);
        if (row is null) return null;
        if (row.ExpiresAt <= clock.GetUtcNow())
        {
            await EndAsync(row.Id, ImpersonationEnd.Expired, null, cancellationToken);
            return null;
        }
        return await DescribeAsync(row, cancellationToken);
    }

    /// <summary>Whether the impersonation is still active: open, in time, and its staff session active. Read by the circuit's revalidation and by bearer tokens issued under it.</summary>
    public async Task<ActiveImpersonation?> ActiveAsync(Guid impersonationId, bool touch = false, CancellationToken cancellationToken = default)
    {
        ImpersonationSession? row;
        await using (var context = db.ForSystem("impersonation: check"))
        {
            row = await context.Impersonations.AsNoTracking().SingleOrDefaultAsync(i => i.Id == impersonationId, cancellationToken);
        }
        if (row is null || row.EndedAt is not null) return null;
        if (row.ExpiresAt <= clock.GetUtcNow())
        {
            await EndAsync(row.Id, ImpersonationEnd.Expired, null, cancellationToken);
            return null;
        }
        if (!await sessions.IsActiveAsync(row.StaffUserId, row.StaffSessionId, touch, cancellationToken))
        {
            await EndAsync(row.Id, ImpersonationEnd.StaffSessionEnded, null, cancellationToken);
            return null;
        }
        return await DescribeAsync(row, cancellationToken);
    }

    /// <summary>Stops an impersonation: the staff member who runs it, or an admin.</summary>
    /// <returns>False when there is no such open impersonation.</returns>
    public async Task<bool> StopAsync(Guid actorId, Guid impersonationId, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        Guid? staff;
        await using (var context = db.ForSystem("impersonation: stop"))
        {
            staff = await context.Impersonations.Where(i => i.Id == impersonationId && i.EndedAt == null).Select(i => (Guid?)i.StaffUserId).SingleOrDefaultAsync(cancellationToken);
        }
        if (staff is null) return false;
        if (staff != actorId)
        {
            if (!await staffAccess.IsAdminAsync(actorId, cancellationToken))
            {
                throw new StaffForbiddenException("Only the staff member viewing the account, or an admin, may stop this.");
            }
        }
        return await EndAsync(impersonationId, ImpersonationEnd.Stopped, client, cancellationToken, actorId);
    }

    /// <summary>The back office's list: admins see every impersonation, support their own.</summary>
    public async Task<Paged<ImpersonationRow>> ListAsync(Guid actorId, Guid? userId, Guid? staffId, bool activeOnly, int page, int pageSize,
        CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var shared = db.Shared();
        var roles = await staffAccess.RolesAsync(actorId, cancellationToken);
        if (!roles.Contains(Roles.Admin))
        {
            if (!roles.Contains(Roles.Support)) throw new StaffForbiddenException("Only staff may list impersonations.");
            // Support sees their own visits only.
            staffId = actorId;
        }
        await using var context = db.ForSystem("impersonation: list");
        var now = clock.GetUtcNow();
        var query = context.Impersonations.AsNoTracking();
        if (userId is { } u) query = query.Where(i => i.UserId == u);
        if (staffId is { } s) query = query.Where(i => i.StaffUserId == s);
        if (activeOnly) query = query.Where(i => i.EndedAt == null && i.ExpiresAt > now);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(i => i.StartedAt).ThenBy(i => i.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var people = await PeopleAsync(shared, [.. rows.SelectMany(r => new[] { r.UserId, r.StaffUserId })], cancellationToken);
        return new Paged<ImpersonationRow>([.. rows.Select(r => new ImpersonationRow(r.Id, r.UserId, people.GetValueOrDefault(r.UserId).Email ?? "",
            people.GetValueOrDefault(r.UserId).Name ?? "", r.StaffUserId, people.GetValueOrDefault(r.StaffUserId).Name ?? "", r.Reason, r.Ticket,
            r.WritesAllowed, r.StartedAt, r.ExpiresAt, r.EndedAt, r.EndReason ?? (r.ExpiresAt <= now ? ImpersonationEnd.Expired : null),
            r.EndedAt is null && r.ExpiresAt > now))], page, pageSize, total);
    }

    /// <summary>Every visit to the customer's account, newest first, as Settings → Security lists them.</summary>
    public async Task<IReadOnlyList<SupportVisit>> VisitsAsync(Guid customerId, int limit = 50, CancellationToken cancellationToken = default)
    {
        List<ImpersonationSession> rows;
        await using (var context = db.ForUser(customerId))
        {
            rows = await context.Impersonations.AsNoTracking().Where(i => i.UserId == customerId).OrderByDescending(i => i.StartedAt)
                .Take(Math.Clamp(limit, 1, 200)).ToListAsync(cancellationToken);
        }
        await using var shared = db.Shared();
        var people = await PeopleAsync(shared, [.. rows.Select(r => r.StaffUserId)], cancellationToken);
        var now = clock.GetUtcNow();
        return [.. rows.Select(r => new SupportVisit(r.Id, r.StartedAt, r.EndedAt ?? (r.ExpiresAt <= now ? r.ExpiresAt : null),
            people.GetValueOrDefault(r.StaffUserId).Name ?? "Spark support", r.Reason, r.Ticket, r.WritesAllowed, r.EndedAt is null && r.ExpiresAt > now))];
    }

    /// <summary>
    /// A new one-time consent code for the customer to read out to support; any unused earlier code stops working.
    /// Only its keyed hash is stored. Never while staff are viewing the account.
    /// </summary>
    public async Task<ConsentCode> CreateConsentCodeAsync(Guid customerId, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        Impersonation.EnsureMayWrite(customerId, "create a consent code");
        var code = string.Create(ConsentCodeDigits, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        });
        var now = clock.GetUtcNow();
        var expires = now + ConsentLifetime;
        await using (var context = db.ForUser(customerId))
        {
            await context.ImpersonationConsents.Where(c => c.UserId == customerId && c.UsedAt == null && c.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, now), cancellationToken);
            context.ImpersonationConsents.Add(new ImpersonationConsent
            {
                UserId = customerId,
                CodeHash = protector.KeyedHash(code, ConsentPurpose),
                CreatedAt = now,
                ExpiresAt = expires,
            });
            await context.SaveChangesAsync(cancellationToken);
        }
        await audit.RecordAsync(ImpersonationAuditActions.ConsentCreated, customerId, client, details: new { expiresAt = expires },
            cancellationToken: cancellationToken);
        return new ConsentCode(code, expires);
    }

    /// <summary>Formats a code as the customer reads it out: 1234 5678.</summary>
    public static string Display(string code) => code.Length == ConsentCodeDigits ? $"{code[..4]} {code[4..]}" : code;

    private async Task<bool> EndAsync(Guid impersonationId, ImpersonationEnd reason, ClientInfo? client, CancellationToken cancellationToken, Guid? actorId = null)
    {
        ImpersonationSession? row;
        await using (var context = db.ForSystem("impersonation: end"))
        {
            row = await context.Impersonations.SingleOrDefaultAsync(i => i.Id == impersonationId && i.EndedAt == null, cancellationToken);
            if (row is null) return false;
            var now = clock.GetUtcNow();
            row.EndedAt = reason == ImpersonationEnd.Expired ? row.ExpiresAt : now;
            row.EndReason = reason;
            // Two ends racing (a Stop and the expiry check): only the one that closed the row records it.
            var closed = await context.Impersonations.Where(i => i.Id == impersonationId && i.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.EndedAt, row.EndedAt).SetProperty(i => i.EndReason, reason), cancellationToken);
            if (closed == 0) return false;
        }
        await RecordEndAsync(row, client, cancellationToken, actorId);
        return true;
    }

    private Task RecordEndAsync(ImpersonationSession row, ClientInfo? client, CancellationToken cancellationToken, Guid? actorId = null) =>
        audit.RecordAsync(ImpersonationAuditActions.Ended, row.UserId, client, entityType: "impersonation", entityId: row.Id,
            details: new
            {
                by = actorId ?? row.StaffUserId,
                impersonation = row.Id,
                endReason = SnakeWord(row.EndReason),
                minutes = Math.Round((decimal)((row.EndedAt ?? clock.GetUtcNow()) - row.StartedAt).TotalMinutes, 1),
            },
            cancellationToken: cancellationToken, actorId: actorId ?? row.StaffUserId);

    private async Task<ActiveImpersonation> DescribeAsync(ImpersonationSession row, CancellationToken cancellationToken)
    {
        await using var shared = db.Shared();
        var people = await PeopleAsync(shared, [row.UserId, row.StaffUserId], cancellationToken);
        var roles = await staffAccess.RolesAsync(row.StaffUserId, cancellationToken);
        return new ActiveImpersonation(row.Id, row.UserId, people.GetValueOrDefault(row.UserId).Name ?? "", people.GetValueOrDefault(row.UserId).Email ?? "",
            row.StaffUserId, people.GetValueOrDefault(row.StaffUserId).Name ?? "", RoleWord(roles), row.Reason, row.Ticket, row.WritesAllowed,
            row.StartedAt, row.ExpiresAt);
    }

    private static string RoleWord(IReadOnlyList<string> roles) => roles.Contains(Roles.Admin) ? "admin" : "support";

    private static string? SnakeWord(ImpersonationEnd? end) => end switch
    {
        ImpersonationEnd.Stopped => "stopped",
        ImpersonationEnd.Expired => "expired",
        ImpersonationEnd.StaffSessionEnded => "staff_session_ended",
        ImpersonationEnd.Replaced => "replaced",
        _ => null,
    };

    /// <summary>The digits of a code as typed or read out ("1234 5678", "1234-5678"), or null when it is not one.</summary>
    private static string? NormalisedCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        var digits = new string([.. code.Where(c => c is not (' ' or '-'))]);
        return digits.Length == ConsentCodeDigits && digits.All(char.IsAsciiDigit) ? digits : null;
    }


    private static async Task<Dictionary<Guid, (string? Name, string? Email)>> PeopleAsync(SparkDbContext context, IReadOnlyList<Guid> ids,
        CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToArray();
        return (await context.Users.AsNoTracking().Where(u => distinct.Contains(u.Id)).Select(u => new { u.Id, u.Name, u.Email }).ToListAsync(cancellationToken))
            .ToDictionary(u => u.Id, u => ((string?)u.Name, u.Email));
    }
}

/// <summary>The audit actions of impersonation (audit_logs.action); user_id is the customer, details.by the staff member.</summary>
public static class ImpersonationAuditActions
{
    public const string Started = "impersonation_started";
    public const string Ended = "impersonation_ended";
    public const string PageView = "impersonation_page_view";
    public const string Request = "impersonation_request";
    public const string Refused = "impersonation_refused";
    public const string Change = "impersonation_change";
    public const string ConsentCreated = "impersonation_consent_created";
}
