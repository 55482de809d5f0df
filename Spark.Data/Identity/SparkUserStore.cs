using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Security;

namespace Spark.Data.Identity;

/// <summary>
/// Identity's EF store, except for two secrets it would keep in plain text in user_tokens: the
/// authenticator key is kept encrypted in user_security.two_factor_secret, and recovery codes only as
/// keyed hashes in user_security.backup_codes.
/// </summary>
public sealed class SparkUserStore(SparkDbContext context, SparkDb db, FieldProtector protector, IdentityErrorDescriber? describer = null)
    : UserStore<SparkUser, SparkRole, SparkDbContext, Guid>(context, describer)
{
    public const string TotpPurpose = "totp";
    public const string RecoveryCodePurpose = "recovery-code";

    public override async Task<string?> GetAuthenticatorKeyAsync(SparkUser user, CancellationToken cancellationToken = default)
    {
        await using var security = db.ForUser(user.Id);
        var secret = await security.UserSecurity.Where(s => s.UserId == user.Id).Select(s => s.TwoFactorSecret).SingleOrDefaultAsync(cancellationToken);
        return secret is null ? null : protector.Unprotect(secret, TotpPurpose);
    }

    public override Task SetAuthenticatorKeyAsync(SparkUser user, string key, CancellationToken cancellationToken = default) =>
        UpdateSecurityAsync(user.Id, s =>
        {
            s.TwoFactorSecret = protector.Protect(key, TotpPurpose);
            s.TwoFactorLastStep = null;
        }, cancellationToken);

    public override Task ReplaceCodesAsync(SparkUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken = default) =>
        UpdateSecurityAsync(user.Id, s => s.BackupCodes = [.. recoveryCodes.Select(Hash)], cancellationToken);

    public override async Task<bool> RedeemCodeAsync(SparkUser user, string code, CancellationToken cancellationToken = default)
    {
        var hash = Hash(code);
        await using var security = db.ForUser(user.Id);
        // Removing the code in one conditional statement makes a code usable once, even by two racing sign-ins.
        var redeemed = await security.Database.ExecuteSqlAsync(
            $"UPDATE user_security SET backup_codes = array_remove(backup_codes, {hash}) WHERE user_id = {user.Id} AND {hash} = ANY(backup_codes)",
            cancellationToken);
        return redeemed == 1;
    }

    public override async Task<int> CountCodesAsync(SparkUser user, CancellationToken cancellationToken = default)
    {
        await using var security = db.ForUser(user.Id);
        var codes = await security.UserSecurity.Where(s => s.UserId == user.Id).Select(s => s.BackupCodes).SingleOrDefaultAsync(cancellationToken);
        return codes?.Length ?? 0;
    }

    public override async Task SetTwoFactorEnabledAsync(SparkUser user, bool enabled, CancellationToken cancellationToken = default)
    {
        await base.SetTwoFactorEnabledAsync(user, enabled, cancellationToken);
        await UpdateSecurityAsync(user.Id, s =>
        {
            s.TwoFactorEnabled = enabled;
            s.TwoFactorMethod = enabled ? TwoFactorMethod.AuthenticatorApp : null;
        }, cancellationToken);
    }

    // Identity keeps lockout state on users; the schema's user_security mirrors it for the security screens.
    public override async Task<int> IncrementAccessFailedCountAsync(SparkUser user, CancellationToken cancellationToken = default)
    {
        var count = await base.IncrementAccessFailedCountAsync(user, cancellationToken);
        await UpdateSecurityAsync(user.Id, s => s.FailedLoginAttempts = count, cancellationToken);
        return count;
    }

    public override async Task ResetAccessFailedCountAsync(SparkUser user, CancellationToken cancellationToken = default)
    {
        await base.ResetAccessFailedCountAsync(user, cancellationToken);
        await UpdateSecurityAsync(user.Id, s => s.FailedLoginAttempts = 0, cancellationToken);
    }

    public override async Task SetLockoutEndDateAsync(SparkUser user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken = default)
    {
        await base.SetLockoutEndDateAsync(user, lockoutEnd, cancellationToken);
        await UpdateSecurityAsync(user.Id, s => s.AccountLockedUntil = lockoutEnd, cancellationToken);
    }

    private string Hash(string code) => protector.KeyedHash(code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToUpperInvariant(), RecoveryCodePurpose);

    private async Task UpdateSecurityAsync(Guid userId, Action<UserSecurity> change, CancellationToken cancellationToken)
    {
        await using var security = db.ForUser(userId);
        var row = await security.UserSecurity.SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (row is null)
        {
            row = new UserSecurity { UserId = userId };
            security.UserSecurity.Add(row);
        }
        change(row);
        await security.SaveChangesAsync(cancellationToken);
    }
}
