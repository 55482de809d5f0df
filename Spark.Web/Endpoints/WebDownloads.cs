using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

/// <summary>
/// Files the signed-in web app downloads with its cookie (the API is bearer-only, and a browser download link
/// cannot carry a bearer token): CSV exports.
/// </summary>
public static class WebDownloads
{
    // No ".csv" in the path: the cookie's session check skips paths with an extension (static files), and a
    // revoked session must not keep downloading the ledger. The file name comes from Content-Disposition.
    public const string TransactionsPath = "/downloads/transactions";

    /// <summary>The fills of the user's paper orders as CSV (no extension, for the same reason).</summary>
    public const string TradesPath = "/downloads/trades";

    /// <summary>Schedule 112A or Schedule CG of a financial year as CSV (?fy=2025-26&amp;schedule=112a|cg), for the Tax page.</summary>
    public const string CapitalGainsPath = "/downloads/tax/capital-gains";

    /// <summary>The web app's cookie only; a signed-out browser is challenged, i.e. sent to sign in.</summary>
    private static readonly AuthorizationPolicy WebUser = new AuthorizationPolicyBuilder(IdentityConstants.ApplicationScheme)
        .RequireAuthenticatedUser().Build();

    public static IEndpointRouteBuilder MapWebDownloads(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var downloads = app.MapGroup("/downloads").RequireAuthorization(WebUser).ExcludeFromDescription();
        downloads.MapGet("/transactions", TransactionsAsync);
        downloads.MapGet("/trades", async (HttpContext http, Services.Orders.OrderService orders, CancellationToken cancellationToken) =>
            await TradesExport.SendAsync(http, await orders.TradesAsync(http.User.UserId()!.Value, cancellationToken), cancellationToken));
        downloads.MapGet("/tax/capital-gains", CapitalGainsAsync);
        return app;
    }

    /// <summary>The export link for a filter, with the same query names as the API's list.</summary>
    public static string TransactionsUrl(TransactionFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new Dictionary<string, string?>
        {
            ["type"] = filter.Type?.ToString().ToLowerInvariant(),
            ["symbol"] = filter.Symbol,
            ["platform"] = filter.Platform,
            ["from"] = filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return QueryHelpers.AddQueryString(TransactionsPath.TrimStart('/'), query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }

    /// <summary>The Tax page's download link for a schedule ("112a" or "cg") of a year.</summary>
    public static string CapitalGainsUrl(Spark.Core.Tax.FinancialYear year, string schedule) =>
        QueryHelpers.AddQueryString(CapitalGainsPath.TrimStart('/'), new Dictionary<string, string?> { ["fy"] = year.Label, ["schedule"] = schedule });

    /// <summary>The same files as GET /api/v1/tax/capital-gains.csv, written by its writers, for the signed-in browser.</summary>
    private static async Task<IResult> CapitalGainsAsync(HttpContext http, Services.Tax.ICapitalGainsStatements statements, TimeProvider clock,
        string? fy = null, string? schedule = null, CancellationToken cancellationToken = default)
    {
        if (Spark.Core.Tax.FinancialYear.TryParse(fy?.Trim()) is not { } year) return TypedResults.BadRequest(TaxEndpoints.FyMessage);
        if (year.From > IndiaTime.Today(clock)) return TypedResults.BadRequest($"FY {year.Label} has not begun.");
        var kind = (schedule ?? "112a").Trim().ToLowerInvariant();
        if (kind is not ("112a" or "cg")) return TypedResults.BadRequest("Use schedule=112a or schedule=cg.");

        var statement = await statements.GetAllAsync(http.User.UserId()!.Value, year, cancellationToken);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"spark-schedule-{kind}-fy{year.Label}.csv\"";
        http.Response.Headers.CacheControl = "no-store";
        await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        if (kind == "112a") await TaxEndpoints.WriteSchedule112AAsync(statement, writer, cancellationToken);
        else await TaxEndpoints.WriteScheduleCgAsync(statement, writer, cancellationToken);
        await writer.FlushAsync(cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<IResult> TransactionsAsync(HttpContext http, LedgerService ledger, TimeProvider clock, string? type = null,
        string? symbol = null, DateOnly? from = null, DateOnly? to = null, string? platform = null, CancellationToken cancellationToken = default)
    {
        TransactionType? parsedType = null;
        if (!string.IsNullOrEmpty(type))
        {
            // Names only: Enum.TryParse alone would also take "3" or "buy,sell".
            if (!Enum.GetNames<TransactionType>().Contains(type, StringComparer.OrdinalIgnoreCase)) return TypedResults.BadRequest("Unknown transaction type.");
            parsedType = Enum.Parse<TransactionType>(type, ignoreCase: true);
        }

        var userId = http.User.UserId()!.Value;
        var filter = new TransactionFilter(parsedType, symbol, from, to, platform);
        var today = IndiaTime.Today(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"spark-transactions-{today}.csv\"";
        http.Response.Headers.CacheControl = "no-store";
        await TransactionExport.SendAsync(http.Response.Body, ledger.ExportAsync(userId, filter, cancellationToken), cancellationToken);
        return TypedResults.Empty;
    }
}
