using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Hosting;
using Spark.Web.Shell;

namespace Spark.Web.Security;

/// <summary>
/// The back office (admin pages and /api/v1/admin) opens only for staff whose two-factor sign-in is on: a stolen
/// staff password alone must not reach every investor's data.
/// </summary>
public sealed class StaffTwoFactorRequirement : IAuthorizationRequirement
{
    public const string Message = "The back office needs two-factor sign-in: turn it on under Settings → Security, then try again.";
}

/// <summary>Reads users.two_factor_enabled at each check, so turning 2FA on works without signing in again.</summary>
public sealed class StaffTwoFactorHandler(SparkDb db, IOptions<SparkOptions> options) : AuthorizationHandler<StaffTwoFactorRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffTwoFactorRequirement requirement)
    {
        if (!options.Value.Security.RequireTwoFactorForStaff)
        {
            context.Succeed(requirement);
            return;
        }
        // Someone who is not staff is refused by the policy's role requirement; 2FA is not what they lack.
        if (context.User.UserId() is not { } userId || !(context.User.IsInRole(Roles.Admin) || context.User.IsInRole(Roles.Support))) return;
        await using var users = db.ForUser(userId);
        if (await users.Users.Where(u => u.Id == userId).Select(u => u.TwoFactorEnabled).SingleOrDefaultAsync())
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, StaffTwoFactorRequirement.Message));
        }
    }
}

/// <summary>
/// Says why staff without 2FA are refused: the API answers 403 problem details naming the fix, a page sends them to
/// the security settings where 2FA is turned on. Every other outcome is the framework's own.
/// </summary>
public sealed class StaffTwoFactorResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public const string SetupPath = "/settings/security?twoFactorRequired=true";

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons.Any(r => r.Handler is StaffTwoFactorHandler) == true)
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Endpoints.Problems.Forbidden(StaffTwoFactorRequirement.Message).ExecuteAsync(context);
            }
            else
            {
                context.Response.Redirect(context.Request.PathBase + SetupPath);
            }
            return;
        }
        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
