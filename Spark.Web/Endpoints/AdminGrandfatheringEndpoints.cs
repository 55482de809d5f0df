using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Web.Accounts;
using Spark.Web.Security;
using Spark.Web.Services.Admin;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

/// <summary>
/// 31 January 2018 fair market values for section 55(2)(ac) of the Income-tax Act 1961 (decision 0048):
/// /api/v1/admin/grandfathered-values[/{isin}] and /api/v1/admin/securities/{id}/grandfathering. Staff read; admins
/// set and clear, by policy and again in <see cref="GrandfatheredValueService"/>; every write takes a reason.
/// </summary>
public static class AdminGrandfatheringEndpoints
{
    public static RouteGroupBuilder MapAdminGrandfatheringEndpoints(this RouteGroupBuilder api)
    {
        var values = api.MapGroup("/admin/grandfathered-values").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice)
            .ProducesValidationProblem().AddEndpointFilter(RefuseStaff);
        values.MapGet("", ListAsync);
        values.MapGet("/{isin}", GetAsync);
        values.MapPut("/{isin}", SetAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);
        values.MapDelete("/{isin}", ClearAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);

        var security = api.MapGroup("/admin/securities/{id:guid}/grandfathering").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice)
            .ProducesValidationProblem().AddEndpointFilter(RefuseStaff);
        security.MapGet("", GetForSecurityAsync);
        security.MapPut("", SetForSecurityAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);
        security.MapDelete("", ClearForSecurityAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);
        return api;
    }

    private static async ValueTask<object?> RefuseStaff(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (StaffForbiddenException e)
        {
            return Problems.Forbidden(e.Message);
        }
    }

    private static async Task<Ok<Paged<GrandfatheredValueRow>>> ListAsync(GrandfatheredValueService service, int page = 1, int pageSize = 25,
        CancellationToken cancellationToken = default) =>
        TypedResults.Ok(await service.ListAsync(page, pageSize, cancellationToken));

    private static async Task<Results<Ok<GrandfatheringStatus>, ProblemHttpResult>> GetAsync(string isin, GrandfatheredValueService service,
        CancellationToken cancellationToken) =>
        await service.GetByIsinAsync(isin, cancellationToken) is { } status ? TypedResults.Ok(status) : NoSuchIsin(isin);

    private static async Task<Results<Ok<GrandfatheringStatus>, ProblemHttpResult>> SetAsync(string isin, GrandfatheredValueInput input, HttpContext http,
        GrandfatheredValueService service, CancellationToken cancellationToken) =>
        await service.SetAsync(Actor(http), isin, input, ClientInfo.From(http), cancellationToken) is { } status ? TypedResults.Ok(status) : NoSuchIsin(isin);

    /// <summary>The reason comes as a query parameter (<c>?reason=</c>): a DELETE has no body.</summary>
    private static async Task<Results<Ok<GrandfatheringStatus>, ProblemHttpResult>> ClearAsync(string isin, HttpContext http,
        GrandfatheredValueService service, string? reason = null, CancellationToken cancellationToken = default) =>
        await service.ClearAsync(Actor(http), isin, reason, ClientInfo.From(http), cancellationToken) is { } status ? TypedResults.Ok(status) : NoSuchIsin(isin);

    private static async Task<Results<Ok<GrandfatheringStatus>, ProblemHttpResult>> GetForSecurityAsync(Guid id, GrandfatheredValueService service,
        CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } status ? TypedResults.Ok(status) : Problems.NotFound("There is no such security.");

    private static async Task<Results<Ok<GrandfatheringStatus>, ProblemHttpResult>> SetForSecurityAsync(Guid id, GrandfatheredValueInput input,
        HttpContext http, GrandfatheredValueService service, CancellationToken cancellationToken) =>
        await service.SetForSecurityAsync(Actor(http), id, input, ClientInfo.From(http), cancellationToken) is { } status
            ? TypedResults.Ok(status)
            : Problems.NotFound("There is no such security.");

    private static async Task<Results<Ok<GrandfatheringStatus>, ProblemHttpResult>> ClearForSecurityAsync(Guid id, HttpContext http,
        GrandfatheredValueService service, string? reason = null, CancellationToken cancellationToken = default) =>
        await service.ClearForSecurityAsync(Actor(http), id, reason, ClientInfo.From(http), cancellationToken) is { } status
            ? TypedResults.Ok(status)
            : Problems.NotFound("There is no such security.");

    private static ProblemHttpResult NoSuchIsin(string isin) => Problems.NotFound($"No security has the ISIN {isin.Trim().ToUpperInvariant()}.");

    private static Guid Actor(HttpContext http) => http.User.UserId()!.Value;
}
