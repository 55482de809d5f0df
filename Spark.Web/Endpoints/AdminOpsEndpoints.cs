using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Core;
using Spark.Core.AutoInvest;
using Spark.Web.Accounts;
using Spark.Web.Shell;
using Spark.Web.Services.Admin;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Endpoints;

/// <summary>
/// The back office's operations (decision 0043): /admin/jobs (list for staff; run, pause and resume for admins, checked by
/// <see cref="AdminJobService"/> against the database and answered 403 with the reason), /admin/sync-health and the
/// plans overview (read for staff). Unknown jobs are 404; pausing a paused job or resuming a running one is 422.
/// </summary>
public static class AdminOpsEndpoints
{
    public static RouteGroupBuilder MapAdminOpsEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/admin/jobs").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice).ProducesValidationProblem();
        jobs.MapGet("", ListJobsAsync);
        jobs.MapPost("/{group}/{name}/run", RunAsync);
        jobs.MapPost("/{group}/{name}/pause", PauseAsync);
        jobs.MapPost("/{group}/{name}/resume", ResumeAsync);

        api.MapGroup("/admin/sync-health").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice)
            .MapGet("", async (AdminSyncHealthService health, CancellationToken cancellationToken) => TypedResults.Ok(await health.GetAsync(cancellationToken)));

        // This instance's part in the paper exchange (decision 0056): owner, standby or unknown, since when, and the owner's epoch.
        api.MapGroup("/admin/exchange").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice)
            .MapGet("", (Services.Orders.ExchangeOwnership ownership) => TypedResults.Ok(ExchangeRoleView.From(ownership.Role)));

        var plans = api.MapGroup("/admin/plans").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice).ProducesValidationProblem();
        plans.MapGet("", async (AdminPlanService service, DateOnly? from, DateOnly? to, CancellationToken cancellationToken) =>
            TypedResults.Ok(await service.OverviewAsync(from, to, cancellationToken)));
        plans.MapGet("/executions", ExecutionsAsync);
        return api;
    }

    private static async Task<Ok<AdminJobsPage>> ListJobsAsync(AdminJobService service, int page = 1, int pageSize = 25,
        CancellationToken cancellationToken = default) =>
        TypedResults.Ok(await service.ListAsync(page, pageSize, cancellationToken));

    private static async Task<Results<Accepted, ProblemHttpResult>> RunAsync(string group, string name, AdminReasonRequest? request,
        HttpContext http, AdminJobService service, CancellationToken cancellationToken) =>
        await service.RunNowAsync(Actor(http), group, name, request?.Reason, ClientInfo.From(http), cancellationToken)
            ? TypedResults.Accepted((string?)null)
            : Problems.NotFound("There is no such job.");

    private static async Task<Results<NoContent, ProblemHttpResult>> PauseAsync(string group, string name, AdminReasonRequest? request,
        HttpContext http, AdminJobService service, CancellationToken cancellationToken) =>
        await service.PauseAsync(Actor(http), group, name, request?.Reason, ClientInfo.From(http), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("There is no such job.");

    private static async Task<Results<NoContent, ProblemHttpResult>> ResumeAsync(string group, string name, AdminReasonRequest? request,
        HttpContext http, AdminJobService service, CancellationToken cancellationToken) =>
        await service.ResumeAsync(Actor(http), group, name, request?.Reason, ClientInfo.From(http), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("There is no such job.");

    private static async Task<Ok<Paged<AdminPlanExecutionRow>>> ExecutionsAsync(AdminPlanService service, string? status = null,
        DateOnly? from = null, DateOnly? to = null, int page = 1, int pageSize = 25, CancellationToken cancellationToken = default)
    {
        ExecutionStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!EnumWords.TryParse<ExecutionStatus>(status, out var value))
            {
                throw new FieldValidationException(new Dictionary<string, string[]> { ["status"] = ["Use one of completed, partial, failed, pending."] });
            }
            parsed = value;
        }
        return TypedResults.Ok(await service.ExecutionsAsync(new AdminPlanExecutionQuery(parsed, from, to, page, pageSize), cancellationToken));
    }

    private static Guid Actor(HttpContext http) => http.User.UserId()!.Value;
}

/// <summary>GET /admin/exchange: which part this instance plays in the paper exchange.</summary>
public sealed record ExchangeRoleView(string Role, DateTimeOffset Since, long? Epoch, string Instance)
{
    public static ExchangeRoleView From(Services.Orders.ExchangeRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return new(role.Kind.ToString().ToLowerInvariant(), role.Since, role.Epoch, role.Instance);
    }
}
