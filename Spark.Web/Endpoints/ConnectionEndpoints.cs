using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Spark.Core;
using Spark.Core.Platforms;
using Spark.Web.Services.Connections;
using Spark.Web.Services.Portfolio;
using Spark.Web.Api;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

/// <summary>
/// Broker connections (<c>/api/v1/connections</c>) and the web callback a broker's login returns to
/// (<c>/connections/callback/{platform}</c>). Another investor's connection is 404, like everything owned.
/// </summary>
public static class ConnectionEndpoints
{
    public const string CallbackPath = "/connections/callback";

    public static RouteGroupBuilder MapConnectionEndpoints(this RouteGroupBuilder api)
    {
        var connections = api.MapGroup("/connections").WithTags("Connections").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        connections.MapGet("", async (HttpContext http, ConnectionService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(Me(http), ct)));
        connections.MapPost("", CreateAsync).Idempotent();
        connections.MapGet("/{id:guid}", async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> (Guid id, HttpContext http, ConnectionService service,
            CancellationToken ct) => Answer(await service.GetAsync(Me(http), id, ct))).Owns("connection");
        connections.MapPatch("/{id:guid}", async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> (Guid id, ConnectionUpdate update, HttpContext http,
            ConnectionService service, CancellationToken ct) => Answer(await service.UpdateAsync(Me(http), id, update, ct))).Owns("connection");
        connections.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext http, ConnectionService service,
            bool deleteHistory = false, CancellationToken ct = default) =>
            await service.DisconnectAsync(Me(http), id, deleteHistory, ct) ? TypedResults.NoContent() : Problems.NotFound()).Owns("connection");
        connections.MapPost("/{id:guid}/authorize", async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> (Guid id, ConnectionAuthorization request,
            HttpContext http, ConnectionService service, CancellationToken ct) =>
        {
            if (await service.GetAsync(Me(http), id, ct) is null) return Problems.NotFound();
            var view = await service.AuthorizeAsync(Me(http), request.Code, request.State, ct);
            return view is not null && view.Id == id ? TypedResults.Ok(view) : Problems.NotFound();
        }).Owns("connection");
        connections.MapPost("/{id:guid}/reconnect", async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> (Guid id, ReconnectRequest request,
            HttpContext http, ConnectionService service, CancellationToken ct) => Answer(await service.ReconnectAsync(Me(http), id, request, ct))).Owns("connection");
        connections.MapPost("/{id:guid}/sync", async Task<Results<Accepted<SyncLogView>, ProblemHttpResult>> (Guid id, HttpContext http, SyncService sync,
            CancellationToken ct) => await sync.RequestAsync(Me(http), id, SyncType.Manual, ct) is { } run
                ? TypedResults.Accepted($"/api/v1/connections/{id}/sync-logs/{run.Id}", run)
                : Problems.NotFound()).Owns("connection");
        connections.MapGet("/{id:guid}/sync-logs", async Task<Results<Ok<Paged<SyncLogView>>, ProblemHttpResult>> (Guid id, HttpContext http, SyncService sync,
            int page = 1, int pageSize = 20, CancellationToken ct = default) =>
            await sync.LogsAsync(Me(http), id, page, pageSize, ct) is { } logs ? TypedResults.Ok(logs) : Problems.NotFound()).Owns("connection");
        connections.MapGet("/{id:guid}/sync-logs/{logId:guid}", async Task<Results<Ok<SyncLogView>, ProblemHttpResult>> (Guid id, Guid logId, HttpContext http,
            SyncService sync, CancellationToken ct) => Answer(await sync.LogAsync(Me(http), id, logId, ct))).Owns("connection");
        connections.MapGet("/{id:guid}/reconciliation", async Task<Results<Ok<ReconciliationView>, ProblemHttpResult>> (Guid id, HttpContext http,
            ReconciliationService reconciliation, CancellationToken ct) => Answer(await reconciliation.GetAsync(Me(http), id, ct))).Owns("connection");
        connections.MapPost("/{id:guid}/reconciliation", async Task<Results<Ok<ReconciliationResult>, ProblemHttpResult>> (Guid id, HttpContext http,
            ReconciliationService reconciliation, CancellationToken ct) => Answer(await reconciliation.AcceptAsync(Me(http), id, ct)))
            .Owns("connection").Idempotent();
        return api;
    }

    /// <summary>The page a broker's login sends the investor back to, signed in with the web app's cookie.</summary>
    public static IEndpointRouteBuilder MapConnectionCallback(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var webUser = new AuthorizationPolicyBuilder(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser().Build();
        app.MapGet(CallbackPath + "/{platform}", async (string platform, HttpContext http, ConnectionService service, CancellationToken ct) =>
        {
            var query = http.Request.Query;
            // Kite: request_token, status=success|cancelled (Kite Connect v3 "Login flow"); Upstox: code, or error (OAuth 2).
            var code = query["request_token"].FirstOrDefault() ?? query["code"].FirstOrDefault();
            var state = query["state"].FirstOrDefault();
            var status = query["status"].FirstOrDefault();
            if (!PlatformNames.Connectable.Contains(platform)) return Results.Redirect("/settings/connections?error=" + Uri.EscapeDataString("Unknown broker."));
            if (status is not null && status != "success" || query.ContainsKey("error"))
            {
                return Results.Redirect("/settings/connections?error=" + Uri.EscapeDataString($"The login at {BrokerNames.Display(platform)} was cancelled or refused."));
            }

            try
            {
                var view = await service.AuthorizeAsync(http.User.UserId()!.Value, code, state, ct);
                return view is null
                    ? Results.Redirect("/settings/connections?error=" + Uri.EscapeDataString("That connection no longer exists; start again."))
                    : Results.Redirect($"/settings/connections?connected={view.Id}");
            }
            catch (DomainException e)
            {
                return Results.Redirect("/settings/connections?error=" + Uri.EscapeDataString(e.Message));
            }
        }).RequireAuthorization(webUser).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Created<ConnectionView>, ProblemHttpResult>> CreateAsync(ConnectionRequest request, HttpContext http,
        ConnectionService service, CancellationToken cancellationToken)
    {
        var view = await service.ConnectAsync(Me(http), request, cancellationToken);
        return TypedResults.Created($"/api/v1/connections/{view.Id}", view);
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(T? value) where T : class =>
        value is not null ? TypedResults.Ok(value) : Problems.NotFound();
}
