using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Core.Goals;
using Spark.Web.Api;
using Spark.Web.Services.Goals;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public static class GoalEndpoints
{
    public static RouteGroupBuilder MapGoalEndpoints(this RouteGroupBuilder api)
    {
        var goals = api.MapGroup("/goals").WithTags("Goals").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        goals.MapGet("", ListAsync);
        goals.MapPost("", CreateAsync);
        goals.MapGet("/{id:guid}", GetAsync).Owns("goal");
        goals.MapPut("/{id:guid}", UpdateAsync).Owns("goal");
        goals.MapDelete("/{id:guid}", DeleteAsync).Owns("goal");
        goals.MapGet("/{id:guid}/projection", ProjectionAsync).Owns("goal");
        goals.MapGet("/{id:guid}/contributions", ContributionsAsync).Owns("goal");
        goals.MapPost("/{id:guid}/contributions", ContributeAsync).Owns("goal").Idempotent();
        goals.MapPost("/{id:guid}/pause", (Guid id, HttpContext http, GoalService service, CancellationToken ct) =>
            Answer(service.PauseAsync(Me(http), id, ct))).Owns("goal");
        goals.MapPost("/{id:guid}/resume", (Guid id, HttpContext http, GoalService service, CancellationToken ct) =>
            Answer(service.ResumeAsync(Me(http), id, ct))).Owns("goal");
        goals.MapPost("/{id:guid}/cancel", (Guid id, HttpContext http, GoalService service, CancellationToken ct) =>
            Answer(service.CancelAsync(Me(http), id, ct))).Owns("goal");
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<Results<Ok<Paged<GoalView>>, ValidationProblem>> ListAsync(HttpContext http, GoalService service, string? status = null,
        int page = 1, int pageSize = 20, CancellationToken cancellationToken = default)
    {
        GoalStatus? filter = null;
        if (status is not null)
        {
            if (!EnumWords.TryParse<GoalStatus>(status, out var parsed)) return Problems.Invalid("status", "Use active, achieved, paused or cancelled.");
            filter = parsed;
        }

        return TypedResults.Ok(await service.PageAsync(Me(http), filter, page, pageSize, cancellationToken));
    }

    private static async Task<Created<GoalView>> CreateAsync(GoalRequest request, HttpContext http, GoalService service, CancellationToken cancellationToken)
    {
        var goal = await service.CreateAsync(Me(http), request, cancellationToken);
        return TypedResults.Created($"/api/v1/goals/{goal.Id}", goal);
    }

    private static Task<Results<Ok<GoalView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, GoalService service, CancellationToken cancellationToken) =>
        Answer(service.GetAsync(Me(http), id, cancellationToken));

    private static Task<Results<Ok<GoalView>, ProblemHttpResult>> UpdateAsync(Guid id, GoalRequest request, HttpContext http, GoalService service,
        CancellationToken cancellationToken) =>
        Answer(service.UpdateAsync(Me(http), id, request, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HttpContext http, GoalService service,
        CancellationToken cancellationToken) =>
        await service.DeleteAsync(Me(http), id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound();

    private static async Task<Results<Ok<ProjectionView>, ProblemHttpResult>> ProjectionAsync(Guid id, HttpContext http, GoalService service,
        decimal? inflationRate = null, CancellationToken cancellationToken = default) =>
        await service.ProjectAsync(Me(http), id, inflationRate, cancellationToken) is { } projection ? TypedResults.Ok(projection) : Problems.NotFound();

    private static async Task<Results<Ok<Paged<ContributionView>>, ProblemHttpResult>> ContributionsAsync(Guid id, HttpContext http, GoalService service,
        int page = 1, int pageSize = 20, CancellationToken cancellationToken = default) =>
        await service.ContributionsAsync(Me(http), id, page, pageSize, cancellationToken) is { } list ? TypedResults.Ok(list) : Problems.NotFound();

    private static async Task<Results<Created<ContributionView>, ProblemHttpResult>> ContributeAsync(Guid id, ContributionRequest request, HttpContext http,
        GoalService service, CancellationToken cancellationToken) =>
        await service.AddContributionAsync(Me(http), id, request, cancellationToken) is { } contribution
            ? TypedResults.Created($"/api/v1/goals/{id}/contributions/{contribution.Id}", contribution)
            : Problems.NotFound();

    private static async Task<Results<Ok<GoalView>, ProblemHttpResult>> Answer(Task<GoalView?> work) =>
        await work is { } goal ? TypedResults.Ok(goal) : Problems.NotFound();
}
