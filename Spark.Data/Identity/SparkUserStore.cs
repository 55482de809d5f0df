using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Accounts;
using Spark.Core.Security;

namespace Spark.Data.Identity;

/// <summary>
/// Identity's EF store, except for two secrets it would keep in plain text in user_tokens: the
/// authenticator key is kept encrypted in user_security.two_factor_secret, and recovery codes only as
/// keyed hashes in user_security.backup_codes.
/// </summary>
public sealed class SparkUserStore(SparkDbContext context, SparkDb db, FieldProtector protector, IOptions<IdentityOptions> identityOptions,
    TimeProvider clock, IdentityErrorDescriber? describer = null)
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

    /// <summary>
    /// Identity counts a failure in memory and saves the whole user, so parallel wrong guesses each saved "1"
    /// (or lost to a concurrency failure) and never reached the lockout. Here one statement counts the failure
    /// and, at the limit, sets the lockout; it also moves the concurrency stamp, so a save of a user read before
    /// it fails instead of writing an older count back. The user in memory takes the row's new state.
    /// </summary>
    public override async Task<int> IncrementAccessFailedCountAsync(SparkUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var lockout = identityOptions.Value.Lockout;
        var lockedUntil = clock.GetUtcNow() + lockout.DefaultLockoutTimeSpan;
        var stamp = Guid.NewGuid().ToString();
        // At the limit the count starts again from 0, as Identity's own AccessFailedAsync does when it locks.
        var state = (await Context.Database.SqlQuery<FailureState>($"""
            WITH failed AS (
                UPDATE users SET
                    access_failed_count = CASE WHEN lockout_enabled AND access_failed_count + 1 >= {lockout.MaxFailedAccessAttempts} THEN 0 ELSE access_failed_count + 1 END,
                    lockout_end = CASE WHEN lockout_enabled AND access_failed_count + 1 >= {lockout.MaxFailedAccessAttempts} THEN {lockedUntil} ELSE lockout_end END,
                    concurrency_stamp = {stamp}
                WHERE id = {user.Id}
                RETURNING access_failed_count, lockout_end)
            SELECT access_failed_count, lockout_end FROM failed
            """).ToListAsync(cancellationToken)).Single();

        user.AccessFailedCount = state.AccessFailedCount;
        user.LockoutEnd = state.LockoutEnd;
        user.ConcurrencyStamp = stamp;
        var entry = Context.Entry(user);
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.AccessFailedCount).OriginalValue = state.AccessFailedCount;
            entry.Property(u => u.LockoutEnd).OriginalValue = state.LockoutEnd;
            entry.Property(u => u.ConcurrencyStamp).OriginalValue = stamp;
        }
        await MirrorLockoutAsync(user.Id, state.AccessFailedCount, state.LockoutEnd, cancellationToken);
        return state.AccessFailedCount;
    }

    private sealed record FailureState(int AccessFailedCount, DateTimeOffset? LockoutEnd);

    // Identity keeps lockout state on users; the schema's user_security mirrors it for the security screens. An upsert,
    // because parallel failures of a user without a user_security row would otherwise both insert one.
    private async Task MirrorLockoutAsync(Guid userId, int failures, DateTimeOffset? lockedUntil, CancellationToken cancellationToken)
    {
        await using var security = db.ForUser(userId);
        await security.Database.ExecuteSqlAsync($"""
            INSERT INTO user_security (id, user_id, failed_login_attempts, account_locked_until)
            VALUES ({Guid.CreateVersion7()}, {userId}, {failures}, {lockedUntil})
            ON CONFLICT (user_id) DO UPDATE SET failed_login_attempts = EXCLUDED.failed_login_attempts,
                account_locked_until = EXCLUDED.account_locked_until
            """, cancellationToken);
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
