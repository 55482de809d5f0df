using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Accounts;
using Spark.Core.Security;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Accounts;

namespace Spark.Web.Api;

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

public enum SignInFailure { InvalidCredentials, TwoFactorRequired, InvalidCode, LockedOut, Suspended }

public sealed record ApiSignInResult(TokenPair? Tokens, SignInFailure? Failure)
{
    public static ApiSignInResult Failed(SignInFailure failure) => new(null, failure);
}

/// <summary>
/// Sign-in for API clients: a session row per sign-in, a 15-minute access token, and a refresh token that
/// rotates on every use. A refresh token presented twice was stolen: its whole session is revoked.
/// </summary>
public sealed class ApiSignIn(
    UserManager<SparkUser> users,
    SignInManager<SparkUser> signIn,
    TwoFactorCodes twoFactor,
    SessionService sessions,
    AccessTokens accessTokens,
    SparkDb db,
    IOptions<JwtOptions> options,
    Security.AuditTrail audit,
    SignInAlerts alerts,
    TimeProvider clock)
{
    public async Task<ApiSignInResult> LoginAsync(string email, string password, string? code, ClientInfo client, CancellationToken cancellationToken)
    {
        var result = await AttemptAsync(email, password, code, client, cancellationToken);
        if (result.Failure is { } failure and not SignInFailure.TwoFactorRequired)
        {
            var user = await users.FindByEmailAsync(email);
            await audit.RecordAsync(Security.AuditActions.SignInFailed, user?.Id, client, Spark.Core.Audit.AuditStatus.Failed,
                details: new { email, client = "api" }, error: failure.ToString(), cancellationToken: cancellationToken);
        }
        return result;
    }

    private async Task<ApiSignInResult> AttemptAsync(string email, string password, string? code, ClientInfo client, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null) return ApiSignInResult.Failed(SignInFailure.InvalidCredentials);

        // The same lockout and password checks as the web sign-in (failures count toward lockout).
        var check = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (check.IsLockedOut) return ApiSignInResult.Failed(SignInFailure.LockedOut);
        if (check.IsNotAllowed) return ApiSignInResult.Failed(SignInFailure.Suspended);
        if (!check.Succeeded) return ApiSignInResult.Failed(SignInFailure.InvalidCredentials);

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            if (string.IsNullOrWhiteSpace(code)) return ApiSignInResult.Failed(SignInFailure.TwoFactorRequired);
            if (!await twoFactor.VerifyAsync(user, code, cancellationToken))
            {
                await users.AccessFailedAsync(user);
                return ApiSignInResult.Failed(await users.IsLockedOutAsync(user) ? SignInFailure.LockedOut : SignInFailure.InvalidCode);
            }
            await users.ResetAccessFailedCountAsync(user);
        }

        var refresh = Tokens.New();
        var session = await sessions.StartAsync(user.Id, SessionClient.Api, client, RefreshLifetime, Tokens.Hash(Tokens.New()),
            Tokens.Hash(refresh), cancellationToken);
        await audit.RecordAsync(Security.AuditActions.SignIn, user.Id, client, entityType: "session", entityId: session.Id,
            details: new { client = "api" }, cancellationToken: cancellationToken);
        await alerts.NotifyIfNewDeviceAsync(user.Id, user.Email!, user.Name, session, cancellationToken);
        return new(await IssueAsync(user, session.Id, refresh, cancellationToken), null);
    }

    /// <summary>Spends a refresh token and issues the next pair; null when the token is unknown, spent, expired or revoked.</summary>
    public async Task<TokenPair?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var hash = Tokens.Hash(refreshToken);
        RefreshToken? stored;
        await using (var lookup = db.ForSystem("refresh token lookup (the caller has no user yet)"))
        {
            stored = await lookup.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        }
        if (stored is null) return null;

        var now = clock.GetUtcNow();
        await using var context = db.ForUser(stored.UserId);
        // Spending is a conditional update, so two concurrent refreshes with one token cannot both win.
        var spent = await context.RefreshTokens.Where(t => t.Id == stored.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (spent == 0)
        {
            await sessions.RevokeAsync(stored.UserId, stored.SessionId, cancellationToken);
            await audit.RecordAsync(Security.AuditActions.RefreshTokenReused, stored.UserId, status: Spark.Core.Audit.AuditStatus.Failed,
                entityType: "session", entityId: stored.SessionId, error: "a spent refresh token was presented again; the session was revoked",
                cancellationToken: cancellationToken);
            return null;
        }
        if (stored.ExpiresAt <= now || !await sessions.IsActiveAsync(stored.UserId, stored.SessionId, touch: true, cancellationToken))
        {
            return null;
        }
        var user = await users.FindByIdAsync(stored.UserId.ToString());
        if (user is null || user.Status != UserStatus.Active) return null;
        return await IssueAsync(user, stored.SessionId, Tokens.New(), cancellationToken);
    }

    private TimeSpan RefreshLifetime => TimeSpan.FromDays(options.Value.RefreshTokenDays);

    private async Task<TokenPair> IssueAsync(SparkUser user, Guid sessionId, string refresh, CancellationToken cancellationToken)
    {
        var roles = await users.GetRolesAsync(user);
        var access = accessTokens.Issue(user.Id, user.Email!, user.Name, roles, sessionId);
        var now = clock.GetUtcNow();
        await using var context = db.ForUser(user.Id);
        context.RefreshTokens.Add(new RefreshToken
        {
            SessionId = sessionId, UserId = user.Id, TokenHash = Tokens.Hash(refresh), ExpiresAt = now + RefreshLifetime,
        });
        await context.SaveChangesAsync(cancellationToken);
        await context.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.TokenHash, Tokens.Hash(access.Id))
            .SetProperty(s => s.RefreshTokenHash, Tokens.Hash(refresh))
            .SetProperty(s => s.ExpiresAt, now + RefreshLifetime), cancellationToken);
        return new TokenPair(access.Token, refresh, options.Value.AccessTokenMinutes * 60);
    }
}
