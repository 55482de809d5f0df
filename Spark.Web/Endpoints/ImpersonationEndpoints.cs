using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Web.Accounts;
using Spark.Web.Api;
using Spark.Web.Security;
using Spark.Web.Services.Admin;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record ImpersonationStartRequest(Guid? UserId, string? Reason, string? Ticket, string? ConsentCode);

/// <summary>
/// An impersonation just started: a bearer token for the customer's account with the staff member beside them (the
/// RFC 8693 "act" claim), read-only unless consented, ending with the impersonation; there is no refresh token.
/// </summary>
public sealed record ImpersonationStarted(Guid Id, Guid UserId, string UserName, bool WritesAllowed, DateTimeOffset ExpiresAt,
    string AccessToken, DateTimeOffset AccessTokenExpiresAt);

public sealed record ConsentCodeAnswer(string Code, DateTimeOffset ExpiresAt);

/// <summary>/api/v1/admin/impersonations (staff) and the customer's side in /api/v1/me/security (decision 0045).</summary>
public static class ImpersonationEndpoints
{
    public static RouteGroupBuilder MapImpersonationEndpoints(this RouteGroupBuilder api)
    {
        var staff = api.MapGroup("/admin/impersonations").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice).ProducesValidationProblem();
        staff.MapGet("", ListAsync);
        staff.MapPost("", StartAsync);
        staff.MapPost("/{id:guid}/stop", StopAsync);

        var me = api.MapGroup("/me/security").WithTags("Me");
        me.MapGet("/support-visits", async (HttpContext http, ImpersonationService service, CancellationToken cancellationToken) =>
            TypedResults.Ok(await service.VisitsAsync(http.User.UserId()!.Value, 50, cancellationToken)));
        me.MapPost("/consent-code", async (HttpContext http, ImpersonationService service, CancellationToken cancellationToken) =>
        {
            var code = await service.CreateConsentCodeAsync(http.User.UserId()!.Value, ClientInfo.From(http), cancellationToken);
            return TypedResults.Ok(new ConsentCodeAnswer(code.Code, code.ExpiresAt));
        });
        return api;
    }

    private static async Task<Ok<Paged<ImpersonationRow>>> ListAsync(HttpContext http, ImpersonationService service, Guid? userId = null,
        Guid? staffId = null, bool active = false, int page = 1, int pageSize = 25, CancellationToken cancellationToken = default) =>
        TypedResults.Ok(await service.ListAsync(http.User.UserId()!.Value, userId, staffId, active, page, pageSize, cancellationToken));

    private static async Task<Results<Created<ImpersonationStarted>, ProblemHttpResult>> StartAsync(ImpersonationStartRequest request, HttpContext http,
        ImpersonationService service, AccessTokens tokens, CancellationToken cancellationToken)
    {
        if (request.UserId is not { } userId)
        {
            throw new Spark.Core.FieldValidationException(new Dictionary<string, string[]> { ["userId"] = ["Name the account to view."] });
        }
        var staffSession = http.User.SessionId()!.Value;
        var active = await service.StartAsync(http.User.UserId()!.Value, staffSession, userId, request.Reason, request.Ticket, request.ConsentCode,
            ClientInfo.From(http), cancellationToken);
        if (active is null) return Problems.NotFound("There is no such account.");
        var token = tokens.IssueImpersonation(active, staffSession);
        return TypedResults.Created($"/api/v1/admin/impersonations/{active.Id}",
            new ImpersonationStarted(active.Id, active.CustomerId, active.CustomerName, active.WritesAllowed, active.ExpiresAt, token.Token, token.ExpiresAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> StopAsync(Guid id, HttpContext http, ImpersonationService service,
        CancellationToken cancellationToken) =>
        await service.StopAsync(http.User.UserId()!.Value, id, ClientInfo.From(http), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("There is no open impersonation with this id.");
}
