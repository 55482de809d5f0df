using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Imports;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;
using Spark.Data;
using Spark.Web.Api.Input;
using Spark.Web.Security;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record TransactionRequest(
    [property: Required, StringLength(50)] string? Symbol,
    [property: Required] TransactionType? Type,
    [property: Numeric(20, 8, TooManyDecimalsMessage = QuantityRules.TooManyDecimals)] decimal? Quantity,
    [property: Numeric(15, 4)] decimal? Price,
    [property: Numeric(15, 2)] decimal? Amount,
    [property: Numeric(10, 2)] decimal? Fees,
    [property: Numeric(10, 2)] decimal? Tax,
    [property: Numeric(10, 2)] decimal? Gst,
    [property: Required] DateOnly? TransactionDate,
    [property: StringLength(50)] string? Platform,
    [property: StringLength(255)] string? ExternalId,
    string? Description,
    [property: Numeric(20, 8)] decimal? RatioNew,
    [property: Numeric(20, 8)] decimal? RatioOld)
{
    public TransactionDraft ToDraft() => new(Symbol!.Trim().ToUpperInvariant(), Type!.Value, Quantity, Price, Amount, Fees ?? 0m, Tax ?? 0m, Gst ?? 0m,
        TransactionDate!.Value, string.IsNullOrWhiteSpace(Platform) ? PlatformNames.Manual : Platform.Trim().ToLowerInvariant(),
        string.IsNullOrWhiteSpace(ExternalId) ? null : ExternalId.Trim(), Description, RatioNew, RatioOld);
}

public sealed record InvestmentResponse(Guid Id, string Symbol, string Name, SecurityType Type, string Platform, string? Sector,
    InvestmentStatus Status, decimal Quantity, decimal AverageBuyPrice, decimal InvestedAmount, decimal? CurrentPrice, decimal CurrentValue,
    decimal RealizedPnl, decimal UnrealizedPnl, decimal DividendIncome, decimal? ReturnsRate, decimal DayChange, decimal? DayChangeRate,
    decimal? Xirr, string? XirrNote);

/// <summary>One security across its platforms (GET /portfolio/holdings): the sums of <see cref="Platforms"/>, which are /investments rows.</summary>
public sealed record HoldingGroupResponse(Guid SecurityId, string Symbol, string Name, SecurityType Type, string? Sector, InvestmentStatus Status,
    decimal Quantity, decimal AverageBuyPrice, decimal InvestedAmount, decimal? CurrentPrice, decimal CurrentValue, decimal RealizedPnl,
    decimal UnrealizedPnl, decimal DividendIncome, decimal? ReturnsRate, decimal DayChange, decimal? DayChangeRate, decimal? Xirr, string? XirrNote,
    IReadOnlyList<InvestmentResponse> Platforms);

public sealed record LotResponse(DateOnly TransactionDate, decimal Quantity, decimal RemainingQuantity, decimal Price, decimal Amount);

public sealed record InvestmentDetailResponse(InvestmentResponse Investment, IReadOnlyList<LotResponse> Lots);

public sealed record PortfolioSummaryResponse(decimal TotalInvested, decimal CurrentValue, decimal RealizedPnl, decimal UnrealizedPnl,
    decimal DividendIncome, decimal TotalReturn, decimal DayChange, decimal? DayChangeRate, decimal? ReturnsRate, decimal? Xirr, string? XirrNote,
    decimal CashBalance, int Holdings);

public sealed record PerformancePoint(DateOnly Date, decimal Value, decimal Invested);

public sealed record PerformanceResponse(decimal? Xirr, string? XirrNote, decimal? Twr, DateOnly? From, DateOnly? To, IReadOnlyList<PerformancePoint> Series);

public static class PortfolioEndpoints
{
    public static RouteGroupBuilder MapPortfolioEndpoints(this RouteGroupBuilder api)
    {
        var transactions = api.MapGroup("/transactions").WithTags("Transactions").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        transactions.MapGet("", ListAsync);
        transactions.MapGet("/export", ExportAsync);
        transactions.MapGet("/{id:guid}", GetAsync).Owns("transaction");
        transactions.MapPost("", CreateAsync).AllowedWithConsent();
        transactions.MapPut("/{id:guid}", UpdateAsync).Owns("transaction").AllowedWithConsent();
        transactions.MapDelete("/{id:guid}", DeleteAsync).Owns("transaction").AllowedWithConsent();
        transactions.MapPost("/import", ImportAsync).Accepts<IFormFile>("multipart/form-data").ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        var investments = api.MapGroup("/investments").WithTags("Portfolio");
        investments.MapGet("", InvestmentsAsync);
        investments.MapGet("/{id:guid}", InvestmentAsync).Owns("investment");

        var portfolio = api.MapGroup("/portfolio").WithTags("Portfolio");
        portfolio.MapGet("/summary", SummaryAsync);
        portfolio.MapGet("/holdings", HoldingGroupsAsync);
        portfolio.MapGet("/performance", PerformanceAsync);
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<Results<Ok<Paged<TransactionView>>, ValidationProblem>> ListAsync(HttpContext http, LedgerService ledger,
        string? type = null, string? symbol = null, DateOnly? from = null, DateOnly? to = null, string? platform = null, int page = 1,
        int pageSize = 20, CancellationToken cancellationToken = default)
    {
        if (!TryType(type, out var kind)) return Problems.Invalid("type", "Use buy, sell, sip, dividend, bonus, split or interest.");
        return TypedResults.Ok(await ledger.ListAsync(Me(http), new TransactionFilter(kind, symbol, from, to, platform), page, pageSize, cancellationToken));
    }

    private static bool TryType(string? text, out TransactionType? type)
    {
        type = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!EnumWords.TryParse<TransactionType>(text, out var parsed)) return false;
        type = parsed;
        return true;
    }

    private static async Task ExportAsync(HttpContext http, LedgerService ledger, string? type = null, string? symbol = null,
        DateOnly? from = null, DateOnly? to = null, string? platform = null, CancellationToken cancellationToken = default)
    {
        if (!TryType(type, out var kind))
        {
            await Problems.Invalid("type", "Use buy, sell, sip, dividend, bonus, split or interest.").ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"spark-transactions.csv\"";
        await TransactionExport.SendAsync(http.Response.Body, ledger.ExportAsync(Me(http), new TransactionFilter(kind, symbol, from, to, platform),
            cancellationToken), cancellationToken);
    }

    private static async Task<Results<Ok<TransactionView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, LedgerService ledger,
        CancellationToken cancellationToken) =>
        await ledger.GetAsync(Me(http), id, cancellationToken) is { } view ? TypedResults.Ok(view) : Problems.NotFound();

    private static async Task<Created<TransactionView>> CreateAsync(TransactionRequest request, HttpContext http, LedgerService ledger,
        CancellationToken cancellationToken)
    {
        var view = await ledger.CreateAsync(Me(http), request.ToDraft(), cancellationToken);
        return TypedResults.Created($"/api/v1/transactions/{view.Id}", view);
    }

    private static async Task<Results<Ok<TransactionView>, ProblemHttpResult>> UpdateAsync(Guid id, TransactionRequest request, HttpContext http,
        LedgerService ledger, CancellationToken cancellationToken) =>
        await ledger.UpdateAsync(Me(http), id, request.ToDraft(), cancellationToken) is { } view ? TypedResults.Ok(view) : Problems.NotFound();

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HttpContext http, LedgerService ledger,
        CancellationToken cancellationToken) =>
        await ledger.DeleteAsync(Me(http), id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound();

    /// <summary>
    /// The form is read here rather than bound, so that a file over <see cref="ImportOptions.MaxUploadBytes"/> is answered
    /// with a 413 that says so (before anything is read when the length is declared) instead of a generic 400.
    /// </summary>
    private static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> ImportAsync(HttpContext http, LedgerService ledger,
        IOptions<ImportOptions> options, string format = "generic", string? platform = null, CancellationToken cancellationToken = default)
    {
        if (format is not ("generic" or "zerodha")) return Problems.Invalid("format", "Use generic or zerodha.");
        var limits = options.Value;
        if (http.Request.ContentLength > limits.MaxUploadBytes + MultipartFraming) return Problems.TooLarge(limits.TooLargeMessage);
        if (!http.Request.HasFormContentType) return Problems.Invalid("file", "Attach a CSV file.");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxUploadBytes + MultipartFraming;
        }

        // Files over 64 KB are buffered to a temporary file by the form reader, not in memory.
        http.Features.Set<IFormFeature>(new FormFeature(http.Request, new FormOptions { MultipartBodyLengthLimit = limits.MaxUploadBytes }));
        IFormFile? file;
        try
        {
            file = (await http.Request.ReadFormAsync(cancellationToken)).Files.GetFile("file");
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.TooLarge(limits.TooLargeMessage);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge(limits.TooLargeMessage);
        }
        catch (InvalidDataException)
        {
            return Problems.Invalid("file", "The upload is not a readable multipart form; attach the CSV file as the field 'file'.");
        }

        if (file is null || file.Length == 0) return Problems.Invalid("file", "Attach a CSV file.");
        if (file.Length > limits.MaxUploadBytes) return Problems.TooLarge(limits.TooLargeMessage);
        await using var stream = file.OpenReadStream();
        var report = await TransactionImport.RunAsync(ledger, Me(http), stream, format, platform, cancellationToken);
        return TypedResults.Ok(report);
    }

    /// <summary>What a multipart request adds around the file: boundaries, part headers, a short field or two.</summary>
    private const long MultipartFraming = 64 * 1024;

    private static async Task<Ok<Paged<InvestmentResponse>>> InvestmentsAsync(HttpContext http, PortfolioService portfolio, string status = "active",
        int page = 1, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        if (status is not ("active" or "sold" or "all")) throw new Spark.Core.FieldValidationException(new Dictionary<string, string[]> { ["status"] = ["Use active, sold or all."] });
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        var view = await portfolio.GetAsync(Me(http), withSeries: false, cancellationToken);
        var all = view.Holdings
            .Where(h => status switch { "sold" => h.Info.Status == InvestmentStatus.Sold, "all" => true, _ => h.Result.Position.Quantity > 0m })
            .OrderByDescending(h => h.Result.CurrentValue).ThenBy(h => h.Info.Symbol, StringComparer.Ordinal)
            .ToList();
        var items = all.Skip((page - 1) * pageSize).Take(pageSize).Select(ToResponse).ToList();
        return TypedResults.Ok(new Paged<InvestmentResponse>(items, page, pageSize, all.Count));
    }

    /// <summary>
    /// The investments grouped by security, each with its platform rows (decision 0053); /investments stays one row per
    /// platform. With status=active a group lists only the platforms still holding it.
    /// </summary>
    private static async Task<Ok<Paged<HoldingGroupResponse>>> HoldingGroupsAsync(HttpContext http, PortfolioService portfolio, string status = "active",
        int page = 1, int pageSize = 100, CancellationToken cancellationToken = default)
    {
        if (status is not ("active" or "sold" or "all")) throw new Spark.Core.FieldValidationException(new Dictionary<string, string[]> { ["status"] = ["Use active, sold or all."] });
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        var view = await portfolio.GetAsync(Me(http), withSeries: false, cancellationToken);
        var rows = status == "active" ? view.Holdings.Where(h => h.Result.Position.Quantity > 0m) : view.Holdings;
        var all = HoldingGroup.Of(rows)
            .Where(g => status != "sold" || !g.IsHeld)
            .OrderByDescending(g => g.CurrentValue).ThenBy(g => g.Symbol, StringComparer.Ordinal)
            .ToList();
        var items = all.Skip((page - 1) * pageSize).Take(pageSize).Select(g =>
        {
            var xirr = g.Xirr;
            return new HoldingGroupResponse(g.SecurityId, g.Symbol, g.Name, g.Type, g.Sector, g.IsHeld ? InvestmentStatus.Active : InvestmentStatus.Sold,
                g.Quantity, g.AverageBuyPrice, g.InvestedAmount, g.CurrentPrice, g.CurrentValue, g.RealizedPnl, g.UnrealizedPnl, g.DividendIncome,
                g.ReturnsRate, g.DayChange, g.DayChangeRate, xirr.Rate, xirr.Note, [.. g.Platforms.Select(ToResponse)]);
        }).ToList();
        return TypedResults.Ok(new Paged<HoldingGroupResponse>(items, page, pageSize, all.Count));
    }

    private static async Task<Results<Ok<InvestmentDetailResponse>, ProblemHttpResult>> InvestmentAsync(Guid id, HttpContext http,
        PortfolioService portfolio, SparkDb db, CancellationToken cancellationToken)
    {
        var view = await portfolio.GetAsync(Me(http), withSeries: false, cancellationToken);
        if (view.Holdings.FirstOrDefault(h => h.Info.InvestmentId == id) is not { } holding) return Problems.NotFound();
        await using var context = db.ForUser(Me(http));
        var lots = await context.InvestmentLots.AsNoTracking().Where(l => l.InvestmentId == id && l.Type == LotSide.Buy)
            .OrderBy(l => l.TransactionDate).ThenBy(l => l.Id)
            .Select(l => new LotResponse(l.TransactionDate, l.Quantity, l.RemainingQuantity, l.Price, l.Amount))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new InvestmentDetailResponse(ToResponse(holding), lots));
    }

    private static async Task<Ok<PortfolioSummaryResponse>> SummaryAsync(HttpContext http, PortfolioService portfolio, SparkDb db,
        CancellationToken cancellationToken)
    {
        var view = await portfolio.GetAsync(Me(http), withSeries: false, cancellationToken);
        await using var context = db.ForUser(Me(http));
        var cash = await context.CashAccounts.AsNoTracking().Select(c => (decimal?)c.Balance).SingleOrDefaultAsync(cancellationToken) ?? 0m;
        var r = view.Result;
        return TypedResults.Ok(new PortfolioSummaryResponse(r.Invested, r.CurrentValue, r.RealizedPnl, r.UnrealizedPnl, r.Income, r.TotalReturn,
            r.DayChange, r.DayChangeRate, r.ReturnsRate, r.Xirr.Rate, r.Xirr.Note, cash, view.Holdings.Count(h => h.Result.Position.Quantity > 0m)));
    }

    /// <summary>
    /// Value series, TWR and XIRR, all of the window when one is given (api.md: the value at the start of <c>from</c> is
    /// paid in, the value at the end of <c>to</c> received). A window that covers the whole history is the whole history.
    /// </summary>
    private static async Task<Results<Ok<PerformanceResponse>, ValidationProblem>> PerformanceAsync(HttpContext http, PortfolioService portfolio,
        DateOnly? from = null, DateOnly? to = null, CancellationToken cancellationToken = default)
    {
        if (from is { } f && to is { } t && f > t) return Problems.Invalid("to", "The end of the period must be on or after its start.");
        var view = await portfolio.GetAsync(Me(http), withSeries: true, cancellationToken);
        var series = view.Result.Series.Where(p => (from is null || p.Date >= from) && (to is null || p.Date <= to))
            .Select(p => new PerformancePoint(p.Date, p.Value, p.Invested)).ToList();
        var days = view.Result.Days;
        var whole = (from is null || days.Count == 0 || from <= days[0].Date) && (to is null || to >= view.ValuationDate);
        var twr = from is null && to is null ? view.Result.Twr : PortfolioEngine.TwrBetween(days, from, to);
        var xirr = whole ? view.Result.Xirr : PortfolioEngine.XirrBetween(days, from, to);
        return TypedResults.Ok(new PerformanceResponse(xirr.Rate, xirr.Note, twr,
            series.Count > 0 ? series[0].Date : null, series.Count > 0 ? series[^1].Date : null, series));
    }

    internal static InvestmentResponse ToResponse(HoldingView h)
    {
        var p = h.Result.Position;
        return new InvestmentResponse(h.Info.InvestmentId, h.Info.Symbol, h.Info.Name, h.Info.Type, h.Info.Platform, h.Info.Sector,
            p.Quantity > 0m ? InvestmentStatus.Active : InvestmentStatus.Sold, p.Quantity, p.AverageBuyPrice, p.InvestedAmount, h.Result.CurrentPrice,
            h.Result.CurrentValue, p.RealizedPnl, h.Result.UnrealizedPnl, p.Income, h.Result.ReturnsRate, h.Result.DayChange, h.Result.DayChangeRate,
            h.Result.Xirr.Rate, h.Result.Xirr.Note);
    }
}
