using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Web.Api;
using Spark.Web.Services.Watchlists;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

/// <summary>
/// GET/POST /watchlists · PUT/DELETE /watchlists/{id} (api.md; decision 0052). Rule violations (a name, an unknown or
/// repeated symbol, a limit) are 422 with the errors map naming each field; another user's list is 404.
/// </summary>
public static class WatchlistEndpoints
{
    public static RouteGroupBuilder MapWatchlistEndpoints(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/watchlists").WithTags("Watchlists").ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        lists.MapGet("", ListAsync);
        lists.MapPost("", CreateAsync).Idempotent();
        lists.MapGet("/{id:guid}", GetAsync).Owns("watchlist");
        lists.MapPut("/{id:guid}", UpdateAsync).Owns("watchlist");
        lists.MapDelete("/{id:guid}", DeleteAsync).Owns("watchlist");
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<Ok<IReadOnlyList<WatchlistView>>> ListAsync(HttpContext http, WatchlistService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(Me(http), cancellationToken));

    private static async Task<Results<Ok<WatchlistView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, WatchlistService service,
        CancellationToken cancellationToken) =>
        await service.GetAsync(Me(http), id, cancellationToken) is { } list ? TypedResults.Ok(list) : Problems.NotFound();

    private static async Task<Results<Created<WatchlistView>, ProblemHttpResult>> CreateAsync(WatchlistRequest request, HttpContext http,
        WatchlistService service, CancellationToken cancellationToken)
    {
        try
        {
            var list = await service.CreateAsync(Me(http), request, cancellationToken);
            return TypedResults.Created($"/api/v1/watchlists/{list.Id}", list);
        }
        catch (WatchlistRuleException e)
        {
            return Unprocessable(e);
        }
    }

    private static async Task<Results<Ok<WatchlistView>, ProblemHttpResult>> UpdateAsync(Guid id, WatchlistRequest request, HttpContext http,
        WatchlistService service, CancellationToken cancellationToken)
    {
        try
        {
            return await service.UpdateAsync(Me(http), id, request, cancellationToken) is { } list ? TypedResults.Ok(list) : Problems.NotFound();
        }
        catch (WatchlistRuleException e)
        {
            return Unprocessable(e);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HttpContext http, WatchlistService service,
        CancellationToken cancellationToken) =>
        await service.DeleteAsync(Me(http), id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound();

    private static ProblemHttpResult Unprocessable(WatchlistRuleException e) =>
        TypedResults.Problem(new HttpValidationProblemDetails(e.Errors.ToDictionary(x => x.Key, x => x.Value))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The watchlist breaks a rule.",
        });
}
