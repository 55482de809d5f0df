using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Spark.Web.Api.Input;

namespace Spark.Web.Endpoints;

public static class ApiEndpoints
{
    /// <summary>Bearer tokens only: the API never accepts the web app's cookie (no CSRF surface).</summary>
    public static readonly AuthorizationPolicy ApiUser = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser().Build();

    public static readonly AuthorizationPolicy ApiAdmin = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser().RequireRole(Spark.Data.Identity.Roles.Admin).AddRequirements(new Security.StaffTwoFactorRequirement()).Build();

    /// <summary>The back office's staff (admin or support) with 2FA; admin-only actions are checked again by the services.</summary>
    public static readonly AuthorizationPolicy ApiBackOffice = new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser().RequireRole(Spark.Data.Identity.Roles.Admin, Spark.Data.Identity.Roles.Support)
        .AddRequirements(new Security.StaffTwoFactorRequirement()).Build();

    /// <summary>/api/v1: every endpoint demands a bearer token unless it says AllowAnonymous.</summary>
    public static RouteGroupBuilder MapSparkApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiUser).DisableAntiforgery().CheckInput();
        api.MapAuthEndpoints();
        api.MapMeEndpoints();
        api.MapAccountEndpoints();
        api.MapMarketEndpoints();
        api.MapWatchlistEndpoints();
        api.MapPortfolioEndpoints();
        api.MapCashEndpoints();
        api.MapNotificationEndpoints();
        api.MapOrderEndpoints();
        api.MapGoalEndpoints();
        api.MapStrategyEndpoints();
        api.MapPlanEndpoints();
        api.MapTaxEndpoints();
        api.MapConnectionEndpoints();
        api.MapAdminUserEndpoints();
        api.MapImpersonationEndpoints();
        api.MapAdminOpsEndpoints();
        api.MapAdminAuditEndpoints();
        api.MapAdminSecurityEndpoints();
        api.MapAdminGrandfatheringEndpoints();
        api.MapAnalysisEndpoints();
        return api;
    }
}

/// <summary>Rate limits per client address, for the endpoints that guess-and-check attacks aim at.</summary>
public static class RateLimits
{
    public const string Authentication = "authentication";

    public static IServiceCollection AddSparkRateLimits(this IServiceCollection services, bool enabled) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Authentication, http => enabled
                ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("off"));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = 429, Title = "Too many requests", Detail = "Too many attempts from this address. Wait a minute and try again." },
                });
            };
        });
}
