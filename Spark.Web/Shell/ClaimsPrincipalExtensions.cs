using System.Security.Claims;

namespace Spark.Web.Shell;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id, or null for a visitor.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? principal.FindFirstValue("sub"), out var id) ? id : null;

    /// <summary>The user_sessions row this sign-in belongs to (cookie or bearer token).</summary>
    public static Guid? SessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(Accounts.SparkSignInManager.SessionClaim), out var id) ? id : null;

    /// <summary>The signed-in user's account, from a cookie or a bearer token (whose id is the "sub" claim).</summary>
    public static async Task<Spark.Data.Identity.SparkUser?> CurrentAsync(
        this Microsoft.AspNetCore.Identity.UserManager<Spark.Data.Identity.SparkUser> users, ClaimsPrincipal principal) =>
        principal.UserId() is { } id ? await users.FindByIdAsync(id.ToString()) : null;

    public static string DisplayName(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(Accounts.SparkClaimsPrincipalFactory.NameClaim) ?? principal.Identity?.Name ?? "";
}
