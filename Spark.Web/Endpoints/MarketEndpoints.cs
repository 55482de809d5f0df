using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Core.Imports;
using Spark.Web.Api.Input;
using Spark.Core.Market;
using Spark.Core.Time;
using Spark.Web.Security;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

using Security = Spark.Core.Market.Security;

public sealed record SecurityResponse(Guid Id, string Symbol, string Name, string? Isin, SecurityType Type, string? Exchange, string? Sector,
    string? Industry, int LotSize, decimal? LastPrice, decimal? PreviousClose, decimal? DayChangeRate)
{
    /// <summary>Units traded in the instrument's latest session (<see cref="Session"/>), when the list was asked for with figures.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? Volume { get; init; }

    /// <summary>The traded value (turnover, ₹) of that session.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public decimal? TradedValue { get; init; }

    /// <summary>The India date of the session the figures are of: the last session while the market is closed.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateOnly? Session { get; init; }
}

/// <summary>GET /market/movers: the top gainers and losers of <see cref="Session"/> (decision 0052).</summary>
public sealed record MoversResponse(DateOnly? Session, IReadOnlyList<SecurityResponse> Gainers, IReadOnlyList<SecurityResponse> Losers);

public sealed record SecurityDetailResponse(Guid Id, string Symbol, string Name, string? Isin, SecurityType Type, string? Exchange, string? Sector,
    string? Industry, int LotSize, decimal? MarketCap, string Currency, decimal? LastPrice, decimal? PreviousClose, decimal? DayChangeRate,
    decimal? Week52High, decimal? Week52Low, DateTimeOffset? PriceAsOf);

public sealed record BarRequest([property: Required] string Timestamp, [property: Numeric(15, 4)] decimal Open, [property: Numeric(15, 4)] decimal High,
    [property: Numeric(15, 4)] decimal Low, [property: Numeric(15, 4)] decimal Close, long Volume);

public sealed record BarImportResponse(int Imported, IReadOnlyList<ImportError> Errors);

/// <summary>GET /market/status (decision 0051): pre_open, open, closed or holiday, in India time.</summary>
public sealed record MarketStatusResponse(string Status, string? Holiday, string? Session, DateTimeOffset? SessionOpen, DateTimeOffset? SessionClose,
    DateTimeOffset NextOpen, DateTimeOffset AsOf);

/// <summary>GET /market/indices (decision 0051): an index's level and day change against the previous session's close.</summary>
public sealed record IndexResponse(string Code, string Name, decimal Level, decimal PreviousClose, decimal Change, decimal ChangeRate, int Constituents);

public static class MarketEndpoints
{
    public static RouteGroupBuilder MapMarketEndpoints(this RouteGroupBuilder api)
    {
        var securities = api.MapGroup("/securities").WithTags("Market");
        securities.MapGet("", SearchAsync).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/market/movers", MoversAsync).WithTags("Market").ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        securities.MapGet("/{symbol}", GetAsync).Shared("security");
        securities.MapGet("/{symbol}/bars", BarsAsync).Shared("security");

        var market = api.MapGroup("/market").WithTags("Market");
        market.MapGet("/status", (MarketStatusService status) => StatusResponse(status.Now()));
        market.MapGet("/indices", async (IndexBook indices, CancellationToken cancellationToken) =>
            TypedResults.Ok((await indices.LevelsAsync(cancellationToken))
                .Select(i => new IndexResponse(i.Code, i.Name, i.Level, i.PreviousClose, i.Change, i.ChangeRate, i.Constituents)).ToList()));

        var admin = api.MapGroup("/admin/securities").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiAdmin);
        admin.MapPost("/{symbol}/bars", PostBarsAsync);
        admin.MapPost("/{symbol}/bars/import", ImportBarsAsync);
        return api;
    }

    /// <summary>
    /// The market list: search, filter by type and sector, and sort by name, dayChangeRate, volume or tradedValue in
    /// dir asc or desc (decision 0052). Without a sort, search relevance then symbol, as before. A word outside these is 422.
    /// </summary>
    private static async Task<Results<Ok<Paged<SecurityResponse>>, ValidationProblem, ProblemHttpResult>> SearchAsync(MarketList market,
        PriceBook prices, string? query = null, string? type = null, string? sector = null, string? sort = null, string? dir = null, int page = 1,
        int pageSize = 20, CancellationToken cancellationToken = default)
    {
        SecurityType? kind = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            if (!EnumWords.TryParse<SecurityType>(type, out var parsed)) return Problems.Invalid("type", "Use stock, etf, mutual_fund, bond or crypto.");
            kind = parsed;
        }

        var errors = new Dictionary<string, string[]>();
        if (!MarketListing.TryParseSort(sort, out var by)) errors["sort"] = ["Use name, dayChangeRate, volume or tradedValue."];
        if (dir is not (null or "" or "asc" or "desc")) errors["dir"] = ["Use asc or desc."];
        if (sector is { Length: > 100 } || sector?.Any(char.IsControl) == true) errors["sector"] = ["Use a sector's name, as the securities list shows it."];
        if (errors.Count > 0) return Unprocessable(errors);
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var sorted = !string.IsNullOrWhiteSpace(sort);
        var descending = dir is "desc" || (string.IsNullOrEmpty(dir) && sorted && MarketListing.DescendingByDefault(by));
        var found = await market.RowsAsync(query, kind, sector, sorted ? by : null, descending, cancellationToken);
        var items = found.Skip((page - 1) * pageSize).Take(pageSize).Select(r => ToResponse(r, prices)).ToList();
        return TypedResults.Ok(new Paged<SecurityResponse>(items, page, pageSize, found.Count));
    }

    private static async Task<Results<Ok<MoversResponse>, ValidationProblem, ProblemHttpResult>> MoversAsync(MarketList market, PriceBook prices,
        int count = 5, string? type = null, CancellationToken cancellationToken = default)
    {
        SecurityType? kind = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            if (!EnumWords.TryParse<SecurityType>(type, out var parsed)) return Problems.Invalid("type", "Use stock, etf, mutual_fund, bond or crypto.");
            kind = parsed;
        }

        if (count is < 1 or > 50) return Unprocessable(new Dictionary<string, string[]> { ["count"] = ["Ask for 1 to 50 of each."] });
        var movers = await market.MoversAsync(count, kind, cancellationToken);
        return TypedResults.Ok(new MoversResponse(movers.Session, [.. movers.Gainers.Select(r => ToResponse(r, prices))],
            [.. movers.Losers.Select(r => ToResponse(r, prices))]));
    }

    private static ProblemHttpResult Unprocessable(Dictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "One or more values are not ones this list knows.",
        });

    private static SecurityResponse ToResponse(MarketRow row, PriceBook prices) =>
        ToResponse(row.Security, prices) with { Volume = row.Volume, TradedValue = row.TradedValue, Session = row.Session };

    private static async Task<Results<Ok<SecurityDetailResponse>, ProblemHttpResult>> GetAsync(string symbol, SecurityCatalog catalog,
        PriceBook prices, MarketDataService market, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(symbol, cancellationToken) is not { } s) return Problems.NotFound($"No security has the symbol '{symbol}'.");
        await prices.EnsureLoadedAsync(cancellationToken);
        var year = await market.RecentDailyAsync(s.Id, IndiaTime.Today(clock).AddYears(-1), cancellationToken);
        var quote = prices.TryGet(s.Id, out var q) ? q : (Quote?)null;
        return TypedResults.Ok(new SecurityDetailResponse(s.Id, s.Symbol, s.Name, s.Isin, s.Type, s.Exchange, s.Sector, s.Industry, s.LotSize,
            s.MarketCap, s.Currency, quote?.Price, quote?.PreviousClose, Rate(quote),
            year.Count == 0 ? null : year.Max(b => b.High), year.Count == 0 ? null : year.Min(b => b.Low), quote?.AsOf));
    }

    private static async Task<Results<Ok<IReadOnlyList<BarView>>, ProblemHttpResult, ValidationProblem>> BarsAsync(string symbol,
        SecurityCatalog catalog, MarketDataService market, string? from = null, string? to = null, string interval = "1d",
        CancellationToken cancellationToken = default)
    {
        if (await catalog.FindAsync(symbol, cancellationToken) is not { } s) return Problems.NotFound($"No security has the symbol '{symbol}'.");
        var kind = interval switch { "1d" => BarInterval.Day, "1m" => BarInterval.Minute, _ => (BarInterval?)null };
        if (kind is null) return Problems.Invalid("interval", "Use 1d or 1m.");
        if (!TryInstant(from, start: true, out var f)) return Problems.Invalid("from", "Use a date (2024-01-31) or an ISO 8601 timestamp, from 1900 to 2100.");
        if (!TryInstant(to, start: false, out var t)) return Problems.Invalid("to", "Use a date (2024-01-31) or an ISO 8601 timestamp, from 1900 to 2100.");
        return TypedResults.Ok(await market.BarsAsync(s.Id, kind.Value, f, t, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> PostBarsAsync(string symbol, List<BarRequest> bars,
        HttpContext http, SecurityCatalog catalog, MarketDataService market, AuditTrail audit, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(symbol, cancellationToken) is not { } s) return Problems.NotFound($"No security has the symbol '{symbol}'.");
        if (bars.Count == 0) return Problems.Invalid("", "Send at least one bar.");
        var errors = new Dictionary<string, string[]>();
        var daily = new List<DayBar>();
        var minutes = new List<MinuteBar>();
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var problem = BarRules.Check(b.Open, b.High, b.Low, b.Close, b.Volume);
            if (problem is not null) { errors[$"[{i}]"] = [problem]; continue; }
            if (DateOnly.TryParseExact(b.Timestamp, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                daily.Add(new DayBar(s.Id, date, b.Open, b.High, b.Low, b.Close, b.Volume));
            }
            else if (DateTimeOffset.TryParse(b.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && HasOffset(b.Timestamp))
            {
                minutes.Add(new MinuteBar(s.Id, at.ToUniversalTime(), b.Open, b.High, b.Low, b.Close, b.Volume));
            }
            else
            {
                errors[$"[{i}].timestamp"] = ["Use a date (2024-01-31) for a daily bar or an ISO 8601 timestamp with offset for an intraday bar."];
            }
        }

        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        await market.WriteDailyAsync(daily, publish: minutes.Count == 0, cancellationToken);
        await market.WriteMinutesAsync(minutes, publish: true, cancellationToken);
        await audit.RecordAsync(AuditActions.MarketBarsPosted, http.User.UserId(), entityType: "security", entityId: s.Id,
            details: new { s.Symbol, daily = daily.Count, intraday = minutes.Count }, cancellationToken: cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<BarImportResponse>, ProblemHttpResult, ValidationProblem>> ImportBarsAsync(string symbol, IFormFile? file,
        HttpContext http, SecurityCatalog catalog, MarketImport import, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(symbol, cancellationToken) is not { } s) return Problems.NotFound($"No security has the symbol '{symbol}'.");
        if (file is null || file.Length == 0) return Problems.Invalid("file", "Attach a CSV file.");
        await using var stream = file.OpenReadStream();
        var report = await import.ImportAsync(s, stream, http.User.UserId(), cancellationToken);
        return TypedResults.Ok(report);
    }

    internal static Ok<MarketStatusResponse> StatusResponse(MarketStatus s) => TypedResults.Ok(new MarketStatusResponse(
        MarketStatusText.Word(s.Phase), s.Holiday, s.SessionName, s.SessionOpen, s.SessionClose, s.NextOpen, s.AsOf));

    internal static SecurityResponse ToResponse(Security s, PriceBook prices)
    {
        var quote = prices.TryGet(s.Id, out var q) ? q : (Quote?)null;
        return new SecurityResponse(s.Id, s.Symbol, s.Name, s.Isin, s.Type, s.Exchange, s.Sector, s.Industry, s.LotSize, quote?.Price,
            quote?.PreviousClose, Rate(quote));
    }

    private static decimal? Rate(Quote? quote) =>
        quote is { PreviousClose: { } p and > 0m } q ? Spark.Core.Money.Rate((q.Price - p) / p) : null;

    private static bool HasOffset(string text) => text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > 10;

    internal static bool TryInstant(string? text, bool start, out DateTimeOffset? instant)
    {
        instant = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            // Year 1 less the India offset is before DateTimeOffset.MinValue (issue #12: a 500 on from=0001-01-01).
            if (!InputLimits.InRange(d)) return false;
            var day = start ? d : d.AddDays(1);
            instant = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), IndiaTime.Zone.BaseUtcOffset).AddTicks(start ? 0 : -1);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) && InputLimits.InRange(t))
        {
            instant = t;
            return true;
        }

        return false;
    }
}
