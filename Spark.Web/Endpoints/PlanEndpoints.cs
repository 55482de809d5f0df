using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Web.Api;
using Spark.Web.Services.AutoInvest;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record PauseRequest(string? Reason);

public sealed record RunPlansRequest(DateOnly? Date);

public static class PlanEndpoints
{
    public static RouteGroupBuilder MapPlanEndpoints(this RouteGroupBuilder api)
    {
        var plans = api.MapGroup("/plans").WithTags("Auto-invest").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        plans.MapPost("", SubscribeAsync).Idempotent();
        plans.MapGet("", ListAsync);
        plans.MapGet("/{id:guid}", GetAsync).Owns("plan");
        plans.MapGet("/{id:guid}/executions", ExecutionsAsync).Owns("plan");
        plans.MapGet("/{id:guid}/rebalance", RebalanceAsync).Owns("plan");
        plans.MapPost("/{id:guid}/pause", PauseAsync).Owns("plan");
        plans.MapPost("/{id:guid}/resume", ResumeAsync).Owns("plan");
        plans.MapPost("/{id:guid}/cancel", CancelAsync).Owns("plan");

        // Back-office staff; PlanExecutor.RunForAdminAsync refuses anyone but an admin (403, decision 0043).
        var admin = api.MapGroup("/admin/plans").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice);
        admin.MapPost("/run", RunAsync);
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<Created<PlanView>> SubscribeAsync(PlanRequest request, HttpContext http, PlanService plans, CancellationToken cancellationToken)
    {
        var plan = await plans.SubscribeAsync(Me(http), request, cancellationToken);
        return TypedResults.Created($"/api/v1/plans/{plan.Id}", plan);
    }

    private static async Task<Ok<IReadOnlyList<PlanView>>> ListAsync(HttpContext http, PlanService plans, CancellationToken cancellationToken) =>
        TypedResults.Ok(await plans.ListAsync(Me(http), cancellationToken));

    private static async Task<Results<Ok<PlanView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, PlanService plans, CancellationToken cancellationToken) =>
        await plans.GetAsync(Me(http), id, cancellationToken) is { } plan ? TypedResults.Ok(plan) : Problems.NotFound();

    private static async Task<Results<Ok<Paged<PlanExecutionView>>, ProblemHttpResult>> ExecutionsAsync(Guid id, HttpContext http, PlanService plans,
        int page = 1, int pageSize = 20, CancellationToken cancellationToken = default) =>
        await plans.ExecutionsAsync(Me(http), id, page, pageSize, cancellationToken) is { } list ? TypedResults.Ok(list) : Problems.NotFound();

    private static async Task<Results<Ok<RebalanceView>, ProblemHttpResult>> RebalanceAsync(Guid id, HttpContext http, PlanService plans,
        CancellationToken cancellationToken) =>
        await plans.RebalanceAsync(Me(http), id, cancellationToken) is { } view ? TypedResults.Ok(view) : Problems.NotFound();

    private static async Task<Results<Ok<PlanView>, ProblemHttpResult>> PauseAsync(Guid id, PauseRequest? request, HttpContext http, PlanService plans,
        CancellationToken cancellationToken) =>
        await plans.PauseAsync(Me(http), id, request?.Reason, cancellationToken) is { } plan ? TypedResults.Ok(plan) : Problems.NotFound();

    private static async Task<Results<Ok<PlanView>, ProblemHttpResult>> ResumeAsync(Guid id, HttpContext http, PlanService plans, CancellationToken cancellationToken) =>
        await plans.ResumeAsync(Me(http), id, cancellationToken) is { } plan ? TypedResults.Ok(plan) : Problems.NotFound();

    private static async Task<Results<Ok<PlanView>, ProblemHttpResult>> CancelAsync(Guid id, HttpContext http, PlanService plans, CancellationToken cancellationToken) =>
        await plans.CancelAsync(Me(http), id, cancellationToken) is { } plan ? TypedResults.Ok(plan) : Problems.NotFound();

    /// <summary>Runs the plans due on a date now (Development and tests: a fake clock does not reach Quartz triggers).</summary>
    private static async Task<Results<Ok<PlanRunResult>, ProblemHttpResult, ValidationProblem>> RunAsync(RunPlansRequest? request, HttpContext http,
        IHostEnvironment environment, PlanExecutor executor, Services.Admin.StaffAccess staff, CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment()) return Problems.NotFound();
        // The role before the input: support is told it is not theirs, not how to fill the form.
        await staff.RequireAdminAsync(http.User.UserId(), "run the due plans", cancellationToken);
        if (request?.Date is not { } date) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["date"] = ["Give the date to run, as YYYY-MM-DD."] });
        return TypedResults.Ok(await executor.RunForAdminAsync(date, http.User.UserId(), cancellationToken));
    }
}
