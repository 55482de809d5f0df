using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Core;
using Spark.Core.Market;
using Spark.Web.Accounts;
using Spark.Web.Security;
using Spark.Web.Services.Admin;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record AdminActiveRequest(string? Reason);

/// <summary>
/// /api/v1/admin/securities (staff read; admins write, by policy and again in <see cref="AdminSecurityService"/>) and
/// /api/v1/admin/corporate-actions (admins only). The bars endpoints of the same prefix stay in <see cref="MarketEndpoints"/>.
/// </summary>
public static class AdminSecurityEndpoints
{
    /// <summary>A CSV of the whole securities master is a few hundred kilobytes; far beyond that is a mistake.</summary>
    public const long MaxImportBytes = 5 * 1024 * 1024;

    public static RouteGroupBuilder MapAdminSecurityEndpoints(this RouteGroupBuilder api)
    {
        var securities = api.MapGroup("/admin/securities").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice)
            .ProducesValidationProblem().AddEndpointFilter(RefuseStaff);
        securities.MapGet("", ListAsync);
        securities.MapGet("/{id:guid}", GetAsync);
        securities.MapPost("", CreateAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);
        securities.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);
        securities.MapPost("/{id:guid}/deactivate", DeactivateAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);
        securities.MapPost("/{id:guid}/reactivate", ReactivateAsync).RequireAuthorization(ApiEndpoints.ApiAdmin);
        securities.MapPost("/import", ImportAsync).RequireAuthorization(ApiEndpoints.ApiAdmin).Accepts<IFormFile>("multipart/form-data", "text/csv")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        var actions = api.MapGroup("/admin/corporate-actions").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiAdmin)
            .ProducesValidationProblem().AddEndpointFilter(RefuseStaff);
        actions.MapGet("", ListActionsAsync);
        actions.MapGet("/{id:guid}", GetActionAsync);
        actions.MapPost("/preview", PreviewAsync);
        actions.MapPost("", RecordAsync);
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

    private static async Task<Ok<Paged<AdminSecurityRow>>> ListAsync(AdminSecurityService service, string? q = null, string? type = null,
        string? exchange = null, string? sector = null, bool? active = null, string? sort = null, string? direction = null, int page = 1,
        int pageSize = 25, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        SecurityType? kind = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            if (EnumWords.TryParse<SecurityType>(type, out var t)) kind = t;
            else errors["type"] = ["Use stock, mutual_fund, etf, crypto or bond."];
        }
        var order = AdminSecuritySort.Symbol;
        if (!string.IsNullOrWhiteSpace(sort) && !EnumWords.TryParse(sort, out order)) errors["sort"] = ["Use symbol, name, type, exchange, sector or updated."];
        var descending = direction?.Trim().ToLowerInvariant() switch
        {
            null or "" or "asc" => false,
            "desc" => true,
            _ => Flag(errors, "direction", "Use asc or desc."),
        };
        if (exchange is { Length: > 50 }) errors["exchange"] = ["Use an exchange code such as NSE."];
        if (sector is { Length: > 100 }) errors["sector"] = ["Keep the sector under 100 characters."];
        if (q is { Length: > 200 }) errors["q"] = ["Search with up to 200 characters."];
        if (errors.Count > 0) throw new FieldValidationException(errors);
        return TypedResults.Ok(await service.ListAsync(new AdminSecurityQuery
        {
            Search = q, Type = kind, Exchange = exchange, Sector = sector, Active = active, Sort = order, Descending = descending, Page = page, PageSize = pageSize,
        }, cancellationToken));
    }

    private static async Task<Results<Ok<AdminSecurityRow>, ProblemHttpResult>> GetAsync(Guid id, AdminSecurityService service, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } row ? TypedResults.Ok(row) : Problems.NotFound("There is no such security.");

    private static async Task<Created<AdminSecurityRow>> CreateAsync(SecurityInput input, HttpContext http, AdminSecurityService service,
        CancellationToken cancellationToken)
    {
        var row = await service.CreateAsync(Actor(http), input, ClientInfo.From(http), cancellationToken);
        return TypedResults.Created($"/api/v1/admin/securities/{row.Id}", row);
    }

    private static async Task<Results<Ok<AdminSecurityRow>, ProblemHttpResult>> UpdateAsync(Guid id, SecurityInput input, HttpContext http,
        AdminSecurityService service, CancellationToken cancellationToken) =>
        await service.UpdateAsync(Actor(http), id, input, ClientInfo.From(http), cancellationToken) is { } row
            ? TypedResults.Ok(row)
            : Problems.NotFound("There is no such security.");

    private static async Task<Results<Ok<AdminSecurityRow>, ProblemHttpResult>> DeactivateAsync(Guid id, AdminActiveRequest? request, HttpContext http,
        AdminSecurityService service, CancellationToken cancellationToken) =>
        await service.SetActiveAsync(Actor(http), id, active: false, request?.Reason, ClientInfo.From(http), cancellationToken) is { } row
            ? TypedResults.Ok(row)
            : Problems.NotFound("There is no such security.");

    private static async Task<Results<Ok<AdminSecurityRow>, ProblemHttpResult>> ReactivateAsync(Guid id, AdminActiveRequest? request, HttpContext http,
        AdminSecurityService service, CancellationToken cancellationToken) =>
        await service.SetActiveAsync(Actor(http), id, active: true, request?.Reason, ClientInfo.From(http), cancellationToken) is { } row
            ? TypedResults.Ok(row)
            : Problems.NotFound("There is no such security.");

    /// <summary>A multipart upload (field <c>file</c>) or a <c>text/csv</c> body.</summary>
    private static async Task<Results<Ok<SecurityImportReport>, ProblemHttpResult, ValidationProblem>> ImportAsync(HttpContext http,
        AdminSecurityService service, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength is > MaxImportBytes) return Problems.TooLarge("Import at most 5 MB of CSV at a time.");
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(cancellationToken);
            if (form.Files.GetFile("file") is not { Length: > 0 } file) return Problems.Invalid("file", "Attach a CSV file.");
            if (file.Length > MaxImportBytes) return Problems.TooLarge("Import at most 5 MB of CSV at a time.");
            await using var upload = file.OpenReadStream();
            return TypedResults.Ok(await service.ImportAsync(Actor(http), upload, ClientInfo.From(http), cancellationToken));
        }

        // The body is read into memory (bounded above) because the CSV reader reads synchronously.
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxImportBytes) return Problems.TooLarge("Import at most 5 MB of CSV at a time.");
        if (buffer.Length == 0) return Problems.Invalid("file", "Send the CSV as the body (text/csv) or as a multipart file named file.");
        buffer.Position = 0;
        return TypedResults.Ok(await service.ImportAsync(Actor(http), buffer, ClientInfo.From(http), cancellationToken));
    }

    private static async Task<Ok<Paged<CorporateActionView>>> ListActionsAsync(HttpContext http, CorporateActionService service, string? symbol = null,
        int page = 1, int pageSize = 25, CancellationToken cancellationToken = default) =>
        TypedResults.Ok(await service.ListAsync(Actor(http), symbol, page, pageSize, cancellationToken));

    private static async Task<Results<Ok<CorporateActionDetail>, ProblemHttpResult>> GetActionAsync(Guid id, HttpContext http, CorporateActionService service,
        CancellationToken cancellationToken) =>
        await service.GetAsync(Actor(http), id, cancellationToken) is { } detail ? TypedResults.Ok(detail) : Problems.NotFound("There is no such corporate action.");

    private static async Task<Ok<CorporateActionPreview>> PreviewAsync(CorporateActionInput input, HttpContext http, CorporateActionService service,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.PreviewAsync(Actor(http), input, cancellationToken));

    /// <summary>201 when recorded now; 200 with <c>alreadyRecorded</c> when the same action was recorded before (nothing written twice).</summary>
    private static async Task<Results<Created<CorporateActionOutcome>, Ok<CorporateActionOutcome>>> RecordAsync(CorporateActionInput input, HttpContext http,
        CorporateActionService service, CancellationToken cancellationToken)
    {
        var outcome = await service.RecordAsync(Actor(http), input, ClientInfo.From(http), cancellationToken);
        return outcome.AlreadyRecorded
            ? TypedResults.Ok(outcome)
            : TypedResults.Created($"/api/v1/admin/corporate-actions/{outcome.Detail.Action.Id}", outcome);
    }

    private static Guid Actor(HttpContext http) => http.User.UserId()!.Value;

    private static bool Flag(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return false;
    }
}
