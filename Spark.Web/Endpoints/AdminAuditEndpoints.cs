using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Spark.Core;
using Spark.Core.Audit;
using Spark.Core.Time;
using Spark.Web.Accounts;
using Spark.Web.Hosting;
using Spark.Web.Security;
using Spark.Web.Services.Admin;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

/// <summary>
/// /api/v1/admin/audit (paged JSON, or CSV with format=csv or at /admin/audit.csv) for bearer tokens, and
/// /downloads/admin-audit, the same CSV for the back-office page's cookie. Who sees what is decided by
/// <see cref="AuditLogService"/> (admins everything, support their own actions).
/// </summary>
public static class AdminAuditEndpoints
{
    public const string DownloadPath = "/downloads/admin-audit";

    // The cookie's policy for the page's download link: the API is bearer-only and a link cannot carry a token.
    private static readonly AuthorizationPolicy WebBackOffice = new AuthorizationPolicyBuilder(IdentityConstants.ApplicationScheme)
        .RequireAuthenticatedUser().RequireRole(Spark.Data.Identity.Roles.Admin, Spark.Data.Identity.Roles.Support)
        .AddRequirements(new StaffTwoFactorRequirement()).Build();

    public static RouteGroupBuilder MapAdminAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/admin").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice).ProducesValidationProblem();
        audit.MapGet("/audit", ListAsync);
        audit.MapGet("/audit.csv", (HttpContext http, AuditLogService service, AuditTrail trail, TimeProvider clock, string? actor, string? account,
            string[]? action, string? entityType, DateOnly? from, DateOnly? to, string? status, CancellationToken cancellationToken) =>
            CsvAsync(http, service, trail, clock, Query(actor, account, action, entityType, from, to, status, 1, 1), cancellationToken));
        return api;
    }

    /// <summary>The CSV for the back-office page, with its cookie (no extension in the path: see <see cref="WebDownloads"/>).</summary>
    public static IEndpointRouteBuilder MapAdminAuditDownload(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(DownloadPath, (HttpContext http, AuditLogService service, AuditTrail trail, TimeProvider clock, string? actor, string? account,
            string[]? action, string? entityType, DateOnly? from, DateOnly? to, string? status, CancellationToken cancellationToken) =>
            CsvAsync(http, service, trail, clock, Query(actor, account, action, entityType, from, to, status, 1, 1), cancellationToken))
            .RequireAuthorization(WebBackOffice).ExcludeFromDescription();
        return app;
    }

    /// <summary>The download link for a query, with the API's query names.</summary>
    public static string DownloadUrl(AuditLogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pairs = new List<KeyValuePair<string, string?>>
        {
            new("actor", query.Actor), new("account", query.Account), new("entityType", query.EntityType),
            new("from", query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("to", query.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("status", query.Status?.ToString().ToLowerInvariant()),
        };
        pairs.AddRange((query.Actions ?? []).Select(a => new KeyValuePair<string, string?>("action", a)));
        return QueryHelpers.AddQueryString(DownloadPath.TrimStart('/'), pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)));
    }

    private static async Task<IResult> ListAsync(HttpContext http, AuditLogService service, AuditTrail trail, TimeProvider clock,
        string? actor = null, string? account = null, string[]? action = null, string? entityType = null, DateOnly? from = null, DateOnly? to = null,
        string? status = null, string? format = null, int page = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        var query = Query(actor, account, action, entityType, from, to, status, page, pageSize);
        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)) return await CsvAsync(http, service, trail, clock, query, cancellationToken);
        if (format is { Length: > 0 } && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["format"] = ["Use json or csv."] });
        }
        try
        {
            return TypedResults.Ok(await service.SearchAsync(Actor(http), query, cancellationToken));
        }
        catch (StaffForbiddenException e)
        {
            return Problems.Forbidden(e.Message);
        }
    }

    private static async Task<IResult> CsvAsync(HttpContext http, AuditLogService service, AuditTrail trail, TimeProvider clock, AuditLogQuery query,
        CancellationToken cancellationToken)
    {
        IAsyncEnumerable<AuditLogRow> rows;
        try
        {
            rows = await service.ExportAsync(Actor(http), query, cancellationToken);
        }
        catch (StaffForbiddenException e)
        {
            return Problems.Forbidden(e.Message);
        }
        var today = IndiaTime.Today(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"spark-audit-{today}.csv\"";
        http.Response.Headers.CacheControl = "no-store";
        // A file of exactly this many rows was cut there: narrower filters get the rest.
        http.Response.Headers["Spark-Export-Limit"] = AuditLogService.ExportCap.ToString(CultureInfo.InvariantCulture);
        var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await using (writer)
        {
            var written = await AuditLogService.WriteCsvAsync(rows, writer, cancellationToken);
            await writer.FlushAsync(cancellationToken);
            // Taking a copy of the trail is itself back-office access.
            await trail.RecordAsync(AdminAuditActions.AuditExported, Actor(http), ClientInfo.From(http),
                details: new
                {
                    rows = written, actor = query.Actor, account = query.Account, actions = query.Actions, entityType = query.EntityType,
                    from = query.From, to = query.To, status = query.Status?.ToString().ToLowerInvariant(),
                },
                cancellationToken: CancellationToken.None);
        }
        return TypedResults.Empty;
    }

    private static AuditLogQuery Query(string? actor, string? account, string[]? action, string? entityType, DateOnly? from, DateOnly? to,
        string? status, int page, int pageSize)
    {
        AuditStatus? parsed = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            parsed = status.Trim().ToLowerInvariant() switch
            {
                "success" => AuditStatus.Success,
                "failed" => AuditStatus.Failed,
                _ => throw new FieldValidationException(new Dictionary<string, string[]> { ["status"] = ["Use success or failed."] }),
            };
        }
        return new AuditLogQuery
        {
            Actor = actor,
            Account = account,
            Actions = action?.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            EntityType = entityType,
            From = from,
            To = to,
            Status = parsed,
            Page = page,
            PageSize = pageSize,
        };
    }

    private static Guid Actor(HttpContext http) => http.User.UserId()!.Value;
}
