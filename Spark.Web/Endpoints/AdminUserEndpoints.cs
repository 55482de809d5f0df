using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Web.Accounts;
using Spark.Web.Security;
using Spark.Web.Services.Admin;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record AdminReasonRequest(string? Reason);

public sealed record AdminRolesRequest(IReadOnlyList<string>? Roles, string? Reason);

public sealed record AdminSignOutAnswer(int SessionsRevoked);

public sealed record AdminRolesAnswer(IReadOnlyList<string> Roles);

/// <summary>
/// /api/v1/admin/users: staff (admin or support, with 2FA) search and read accounts; what only admins may do is
/// checked by <see cref="AdminUserService"/> itself and answered 403 with the reason.
/// </summary>
public static class AdminUserEndpoints
{
    public static RouteGroupBuilder MapAdminUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/admin/users").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice).ProducesValidationProblem();
        users.MapGet("", SearchAsync);
        users.MapGet("/{id:guid}", GetAsync);
        users.MapPost("/{id:guid}/suspend", SuspendAsync);
        users.MapPost("/{id:guid}/reactivate", ReactivateAsync);
        users.MapPost("/{id:guid}/sign-out", SignOutAsync);
        users.MapPut("/{id:guid}/roles", SetRolesAsync);
        users.MapPost("/{id:guid}/reset-2fa", ResetTwoFactorAsync);
        users.MapPost("/{id:guid}/resend-confirmation", ResendConfirmationAsync);
        return api;
    }

    private static async Task<Ok<Paged<AdminUserRow>>> SearchAsync(AdminUserService service, string? q = null, string? kyc = null,
        string? status = null, string? role = null, DateOnly? from = null, DateOnly? to = null, string? sort = null, string? direction = null,
        int page = 1, int pageSize = 25, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var query = new AdminUserQuery
        {
            Search = q,
            Kyc = Parse<KycStatus>(kyc, "kyc", errors),
            Status = Parse<UserStatus>(status, "status", errors),
            Role = role,
            SignedUpFrom = from,
            SignedUpTo = to,
            Sort = Parse<AdminUserSort>(sort, "sort", errors) ?? AdminUserSort.Created,
            Descending = direction?.Trim().ToLowerInvariant() switch
            {
                null or "" or "desc" => true,
                "asc" => false,
                _ => Error(errors, "direction", "Use asc or desc."),
            },
            Page = page,
            PageSize = pageSize,
        };
        if (from is { } f && to is { } t && t < f) errors["to"] = ["The end of the sign-up range comes before its start."];
        if (errors.Count > 0) throw new FieldValidationException(errors);
        return TypedResults.Ok(await service.SearchAsync(query, cancellationToken));
    }

    private static async Task<Results<Ok<AdminUserDetail>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, AdminUserService service,
        AuditTrail audit, CancellationToken cancellationToken)
    {
        if (await service.GetAsync(id, cancellationToken) is not { } detail) return Problems.NotFound("There is no such account.");
        // Reading a customer's account is back-office access: recorded as a page view is.
        await audit.RecordAsync(AuditActions.AdminAccess, http.User.UserId(), ClientInfo.From(http), entityType: "user", entityId: id,
            details: new { path = $"/api/v1/admin/users/{id}" }, cancellationToken: cancellationToken);
        return TypedResults.Ok(detail);
    }

    private static Task<Results<NoContent, ProblemHttpResult>> SuspendAsync(Guid id, AdminReasonRequest request, HttpContext http,
        AdminUserService service, CancellationToken cancellationToken) =>
        ActAsync(async () => await service.SuspendAsync(Actor(http), id, request.Reason, ClientInfo.From(http), cancellationToken));

    private static Task<Results<NoContent, ProblemHttpResult>> ReactivateAsync(Guid id, AdminReasonRequest request, HttpContext http,
        AdminUserService service, CancellationToken cancellationToken) =>
        ActAsync(async () => await service.ReactivateAsync(Actor(http), id, request.Reason, ClientInfo.From(http), cancellationToken));

    private static async Task<Results<Ok<AdminSignOutAnswer>, ProblemHttpResult>> SignOutAsync(Guid id, AdminReasonRequest request,
        HttpContext http, AdminUserService service, CancellationToken cancellationToken)
    {
        try
        {
            return await service.SignOutEverywhereAsync(Actor(http), id, request.Reason, ClientInfo.From(http), cancellationToken) is { } revoked
                ? TypedResults.Ok(new AdminSignOutAnswer(revoked))
                : Problems.NotFound("There is no such account.");
        }
        catch (StaffForbiddenException e)
        {
            return Problems.Forbidden(e.Message);
        }
    }

    private static Task<Results<NoContent, ProblemHttpResult>> ResetTwoFactorAsync(Guid id, AdminReasonRequest request, HttpContext http,
        AdminUserService service, CancellationToken cancellationToken) =>
        ActAsync(async () => await service.ResetTwoFactorAsync(Actor(http), id, request.Reason, ClientInfo.From(http), cancellationToken));

    /// <summary>The body (a reason) is optional here: resending a link the customer asked for harms no one.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> ResendConfirmationAsync(Guid id, HttpContext http, AdminUserService service,
        AdminReasonRequest? request = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await service.ResendConfirmationAsync(Actor(http), id, request?.Reason, ClientInfo.From(http), cancellationToken) switch
            {
                ResendOutcome.Sent => TypedResults.NoContent(),
                ResendOutcome.TooSoon => TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too soon",
                    detail: $"A confirmation email was sent to this account less than {AdminUserService.ResendInterval.TotalMinutes:0} minute ago: wait before sending another."),
                _ => Problems.NotFound("There is no such account."),
            };
        }
        catch (StaffForbiddenException e)
        {
            return Problems.Forbidden(e.Message);
        }
    }

    private static async Task<Results<Ok<AdminRolesAnswer>, ProblemHttpResult>> SetRolesAsync(Guid id, AdminRolesRequest request,
        HttpContext http, AdminUserService service, CancellationToken cancellationToken)
    {
        try
        {
            return await service.SetRolesAsync(Actor(http), id, request.Roles, request.Reason, ClientInfo.From(http), cancellationToken) is { } roles
                ? TypedResults.Ok(new AdminRolesAnswer(roles))
                : Problems.NotFound("There is no such account.");
        }
        catch (StaffForbiddenException e)
        {
            return Problems.Forbidden(e.Message);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ActAsync(Func<Task<bool>> action)
    {
        try
        {
            return await action() ? TypedResults.NoContent() : Problems.NotFound("There is no such account.");
        }
        catch (StaffForbiddenException e)
        {
            return Problems.Forbidden(e.Message);
        }
    }

    private static Guid Actor(HttpContext http) => http.User.UserId()!.Value;

    private static TEnum? Parse<TEnum>(string? text, string field, Dictionary<string, string[]> errors) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (EnumWords.TryParse<TEnum>(text, out var value)) return value;
        errors[field] = [$"Use one of {string.Join(", ", Enum.GetValues<TEnum>().Select(v => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString())))}."];
        return null;
    }

    private static bool Error(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return true;
    }
}
