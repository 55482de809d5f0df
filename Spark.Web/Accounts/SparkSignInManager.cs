using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Accounts;
using Spark.Core.Security;
using Spark.Data.Identity;

namespace Spark.Web.Accounts;

/// <summary>
/// Identity's sign-in manager, plus sessions: every cookie sign-in starts a user_sessions row whose id rides
/// in the cookie as the "sid" claim, a cookie refresh keeps its session, and signing out revokes it.
/// </summary>
public sealed class SparkSignInManager(
    UserManager<SparkUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<SparkUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<SparkUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<SparkUser> confirmation,
    SessionService sessions,
    SignInAlerts alerts,
    Security.AuditTrail audit,
    TimeProvider clock)
    : SignInManager<SparkUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public const string SessionClaim = "sid";

    /// <summary>What a suspended account hears once its password is right (never before: it would say the account exists).</summary>
    public const string SuspendedMessage = "This account is suspended. Contact Spark support to find out why and to have it reactivated.";

    /// <summary>Web sessions last 12 hours, or 30 days when the user asks to stay signed in.</summary>
    public static TimeSpan WebLifetime(bool persistent) => persistent ? TimeSpan.FromDays(30) : TimeSpan.FromHours(12);

    private string? refreshingSession;

    public override async Task RefreshSignInAsync(SparkUser user)
    {
        refreshingSession = Context.User.FindFirstValue(SessionClaim);
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            refreshingSession = null;
        }
    }

    public override async Task SignInWithClaimsAsync(SparkUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var sessionId = refreshingSession;
        if (sessionId is null)
        {
            var session = await sessions.StartAsync(user.Id, SessionClient.Web, ClientInfo.From(Context),
                WebLifetime(authenticationProperties?.IsPersistent == true), Tokens.Hash(Tokens.New()));
            sessionId = session.Id.ToString();
            await audit.RecordAsync(Security.AuditActions.SignIn, user.Id, entityType: "session", entityId: session.Id, details: new { client = "web" });
            await alerts.NotifyIfNewDeviceAsync(user.Id, user.Email!, user.Name, session);
        }
        await base.SignInWithClaimsAsync(user, authenticationProperties, [.. additionalClaims, new Claim(SessionClaim, sessionId)]);
    }

    public override async Task SignOutAsync()
    {
        if (Guid.TryParse(Context.User.FindFirstValue(SessionClaim), out var sessionId)
            && Guid.TryParse(UserManager.GetUserId(Context.User), out var userId))
        {
            await sessions.RevokeAsync(userId, sessionId);
            await audit.RecordAsync(Security.AuditActions.SignOut, userId, entityType: "session", entityId: sessionId);
        }
        await base.SignOutAsync();
    }

    /// <summary>
    /// Identity checks the lockout on the user as this request read it, before hashing the password (~0.2 s): a guess sent
    /// in parallel with the ones that locked the account would still get in. The lockout is read again after a match.
    /// </summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(SparkUser user, string password, bool lockoutOnFailure)
    {
        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        if (!result.Succeeded || !UserManager.SupportsUserLockout) return result;
        var state = await UserManager.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => new { u.LockoutEnd, u.Status }).SingleOrDefaultAsync();
        if (state?.LockoutEnd > clock.GetUtcNow()) return SignInResult.LockedOut;
        // A suspended (or deleted) account is refused after the password matched; the caller shows SuspendedMessage.
        return state?.Status == UserStatus.Active ? result : SignInResult.NotAllowed;
    }

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure);
        if (!result.Succeeded && !result.RequiresTwoFactor)
        {
            var user = await UserManager.FindByNameAsync(userName);
            await audit.RecordAsync(Security.AuditActions.SignInFailed, user?.Id, status: Spark.Core.Audit.AuditStatus.Failed,
                details: new { email = userName, client = "web" }, error: result.IsLockedOut ? "locked out" : result.IsNotAllowed ? "account suspended" : "wrong email or password");
        }
        return result;
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (await SuspendedBetweenStepsAsync(user) is { } refused) return refused;
        var result = await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient);
        if (!result.Succeeded && user is not null)
        {
            await audit.RecordAsync(Security.AuditActions.SignInFailed, user.Id, status: Spark.Core.Audit.AuditStatus.Failed,
                details: new { client = "web" }, error: result.IsLockedOut ? "locked out" : "wrong two-factor code");
        }
        return result;
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode) =>
        await SuspendedBetweenStepsAsync(await GetTwoFactorAuthenticationUserAsync()) ?? await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);

    /// <summary>An account suspended after its password was checked and before its second factor: refused at the second step.</summary>
    private async Task<SignInResult?> SuspendedBetweenStepsAsync(SparkUser? user)
    {
        if (user is null || user.Status == UserStatus.Active) return null;
        await audit.RecordAsync(Security.AuditActions.SignInFailed, user.Id, status: Spark.Core.Audit.AuditStatus.Failed,
            details: new { client = "web" }, error: "account suspended");
        return SignInResult.NotAllowed;
    }
}
