using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
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
    SessionService sessions)
    : SignInManager<SparkUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public const string SessionClaim = "sid";

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
        }
        await base.SignInWithClaimsAsync(user, authenticationProperties, [.. additionalClaims, new Claim(SessionClaim, sessionId)]);
    }

    public override async Task SignOutAsync()
    {
        if (Guid.TryParse(Context.User.FindFirstValue(SessionClaim), out var sessionId)
            && Guid.TryParse(UserManager.GetUserId(Context.User), out var userId))
        {
            await sessions.RevokeAsync(userId, sessionId);
        }
        await base.SignOutAsync();
    }
}
