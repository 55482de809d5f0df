using System.Security.Claims;

namespace Spark.Web.Shell;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id, or null for a visitor.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static string DisplayName(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(Accounts.SparkClaimsPrincipalFactory.NameClaim) ?? principal.Identity?.Name ?? "";
}
