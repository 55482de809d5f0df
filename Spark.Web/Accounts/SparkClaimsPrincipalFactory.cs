using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Spark.Data.Identity;

namespace Spark.Web.Accounts;

/// <summary>Adds the user's display name to the sign-in cookie, so the shell can greet them without a query.</summary>
public sealed class SparkClaimsPrincipalFactory(
    UserManager<SparkUser> users, RoleManager<SparkRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<SparkUser, SparkRole>(users, roles, options)
{
    public const string NameClaim = "name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(SparkUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(NameClaim, user.Name));
        return identity;
    }
}
