using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Spark.Data.Identity;
using Spark.Web.Security;
using Spark.Web.Shell;

namespace Spark.Web.Components.Account;

// Revalidates the security stamp of a connected circuit, so a password change or revoked account signs it out.

internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options,
        IOptions<Spark.Web.Hosting.SparkOptions> spark)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    // A revoked, expired or idle session signs an open circuit out within a minute.
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(spark.Value.Security.CircuitRevalidationSeconds);

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // Get the user manager from a new scope to ensure it fetches fresh data
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<SparkUser>>();
        var principal = authenticationState.User;
        // Staff viewing a customer: valid while the impersonation is (open, in time, its staff session active), decision 0045.
        if (principal.Impersonation() is { } impersonation)
        {
            return await scope.ServiceProvider.GetRequiredService<Services.Admin.ImpersonationService>()
                .ActiveAsync(impersonation.ImpersonationId, touch: false, cancellationToken) is not null;
        }
        if (principal.UserId() is not { } userId || principal.SessionId() is not { } sessionId
            || !await scope.ServiceProvider.GetRequiredService<Accounts.SessionService>().IsActiveAsync(userId, sessionId, touch: false, cancellationToken))
        {
            return false;
        }
        return await ValidateSecurityStampAsync(userManager, principal);
    }

    private async Task<bool> ValidateSecurityStampAsync(UserManager<SparkUser> userManager, ClaimsPrincipal principal)
    {
        var user = await userManager.GetUserAsync(principal);
        if (user is null)
        {
            return false;
        }
        else if (!userManager.SupportsUserSecurityStamp)
        {
            return true;
        }
        else
        {
            var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
            var userStamp = await userManager.GetSecurityStampAsync(user);
            return principalStamp == userStamp;
        }
    }
}
