using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Core.Security;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Security;

namespace Spark.Web.Services.Accounts;

public sealed record KycState(KycStatus Status, string? MaskedPan, string? RejectionReason);

public sealed record KycCase(Guid UserId, string Name, string Email, string MaskedPan, DateTimeOffset SubmittedAt);

/// <summary>
/// KYC: the investor submits a PAN (format-checked, unique across Spark by keyed hash, stored encrypted,
/// shown masked), an admin verifies or rejects it with a reason. incomplete → pending → verified | rejected.
/// </summary>
public sealed class KycService(UserManager<SparkUser> users, FieldProtector protector, SparkDb db, AuditTrail audit, Admin.StaffAccess staff)
{
    public const string PanPurpose = "pan";

    public async Task<KycState> StateOfAsync(SparkUser user, CancellationToken cancellationToken = default) =>
        new(user.KycStatus, MaskedPanOf(user), user.KycStatus == KycStatus.Rejected ? await LatestRejectionAsync(user, cancellationToken) : null);

    public async Task SubmitAsync(SparkUser user, string panInput, ClientInfo? client = null)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(user.Id, "submit KYC");
        if (user.KycStatus is KycStatus.Pending or KycStatus.Verified)
        {
            throw new DomainException(user.KycStatus == KycStatus.Verified ? "Your KYC is already verified." : "Your KYC is being reviewed; you will hear from us soon.");
        }
        if (!Pan.TryParse(panInput, out var pan, out var error)) throw new DomainException(error);

        var hash = protector.KeyedHash(pan.Value, PanPurpose);
        await using (var context = db.ForSystem("PAN uniqueness across users"))
        {
            if (await context.Users.AnyAsync(u => u.PanCardHash == hash && u.Id != user.Id))
            {
                throw new DomainException("This PAN is already registered with another Spark account. Contact support if it is yours.");
            }
        }
        user.PanCard = protector.Protect(pan.Value, PanPurpose);
        user.PanCardHash = hash;
        user.KycStatus = KycStatus.Pending;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
        await audit.RecordAsync(AuditActions.KycSubmitted, user.Id, client, details: new { pan = pan.Masked });
    }

    public async Task<IReadOnlyList<KycCase>> PendingAsync()
    {
        await using var context = db.Shared();
        var pending = await context.Users.Where(u => u.KycStatus == KycStatus.Pending).OrderBy(u => u.UpdatedAt).ToListAsync();
        return [.. pending.Select(u => new KycCase(u.Id, u.Name, u.Email!, MaskedPanOf(u) ?? "", u.UpdatedAt))];
    }

    /// <summary>An admin's decision; a rejection needs a reason the investor will read.</summary>
    /// <exception cref="Admin.StaffForbiddenException">The actor is not an admin in the database (support reads the queue only).</exception>
    public async Task DecideAsync(Guid adminId, Guid userId, bool verify, string? reason, ClientInfo? client = null)
    {
        await staff.RequireAdminAsync(adminId, "verify or reject a KYC");
        if (!verify && string.IsNullOrWhiteSpace(reason)) throw new DomainException("Say why the KYC is rejected: the investor will read it.");
        var user = await users.FindByIdAsync(userId.ToString()) ?? throw new DomainException("There is no such investor.");
        if (user.KycStatus != KycStatus.Pending) throw new DomainException("Only a pending KYC can be decided.");
        user.KycStatus = verify ? KycStatus.Verified : KycStatus.Rejected;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
        await audit.RecordAsync(AuditActions.KycDecided, userId, client, entityType: "user", entityId: userId,
            details: new { decision = verify ? "verified" : "rejected", reason = reason?.Trim(), by = adminId }, actorId: adminId);
    }

    private string? MaskedPanOf(SparkUser user) =>
        user.PanCard is { } stored && protector.TryUnprotect(stored, PanPurpose, out var plain) && Pan.TryParse(plain, out var pan, out _)
            ? pan.Masked
            : null;

    private async Task<string?> LatestRejectionAsync(SparkUser user, CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(user.Id);
        var changes = await context.AuditLogs.Where(a => a.UserId == user.Id && a.Action == AuditActions.KycDecided)
            .OrderByDescending(a => a.CreatedAt).Select(a => a.Changes).FirstOrDefaultAsync(cancellationToken);
        return changes is not null && changes.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
    }
}
