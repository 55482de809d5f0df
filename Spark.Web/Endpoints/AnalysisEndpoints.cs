using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Spark.Core.Analysis;
using Spark.Core.Time;
using Spark.Web.Api.Input;
using Spark.Web.Shell;
using Spark.Web.Services.Analysis;
using Spark.Web.Services.Market;

namespace Spark.Web.Endpoints;

/// <summary>GET /securities/{symbol}/indicators: one array per indicator, aligned with <see cref="Dates"/>; null where not yet defined.</summary>
public sealed record IndicatorsResponse(string Symbol, DateOnly From, DateOnly To, IReadOnlyList<DateOnly> Dates,
    IReadOnlyDictionary<string, double?[]> Series);

/// <summary>A score 0–100 (null: not enough data) and the parts it was made of.</summary>
public sealed record ScoreResponse(double? Value, IReadOnlyList<ScorePart> Parts);

public sealed record AnalysisScoresResponse(ScoreResponse Risk, ScoreResponse Valuation, ScoreResponse Health);

/// <summary>
/// GET /securities/{symbol}/analysis (decision 0060). With recommendations switched off by an admin, recommendation,
/// confidence, targetPrice, stopLoss and reasoning are left out and recommendationsShown is false.
/// </summary>
public sealed record SecurityAnalysisResponse(string Symbol, string RuleVersion, DateTimeOffset GeneratedAt, DateTimeOffset ExpiresAt,
    DateOnly? AsOf, AnalysisScoresResponse Scores, bool RecommendationsShown,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Recommendation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Confidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? TargetPrice,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? StopLoss,
    IReadOnlyList<string> Pros, IReadOnlyList<string> Cons, string Explanation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reasoning,
    IndicatorSnapshot Inputs, IReadOnlyList<string> NotEnoughData, string Disclaimer,
    string? Narrative = null);

/// <summary>
/// PUT /admin/analysis/settings: the switch that hides recommendations everywhere and, optionally, the language-model
/// narrative's settings (decision 0063). At least one of the two; an absent one is left as it is.
/// </summary>
public sealed record AnalysisSettingsRequest(bool? RecommendationsEnabled, NarrativeSettingsRequest? Narrative = null);

/// <summary>The narrative's settings as the admin sends them; the API key is configuration and never part of them.</summary>
public sealed record NarrativeSettingsRequest(bool? Enabled, string? Endpoint, string? Model);

/// <summary>The narrative's settings as the back office reads them: whether a key is configured, never the key.</summary>
public sealed record NarrativeSettingsResponse(bool Enabled, string? Endpoint, string? Model, bool ApiKeyConfigured, int TimeoutSeconds);

public sealed record AnalysisSettingsResponse(bool RecommendationsEnabled, NarrativeSettingsResponse? Narrative = null);

/// <summary>
/// GET /analysis/portfolio (decision 0062): the caller's own portfolio insight. Money in rupees (INR, to the paisa),
/// rates and weights as fractions, Herfindahl indices 0–1, index levels in index points, index units in units of one level.
/// </summary>
public sealed record PortfolioInsightResponse(string RuleVersion, DateTimeOffset GeneratedAt, DateTimeOffset ExpiresAt, DateOnly AsOf, bool Empty,
    InsightInputs Inputs, Concentration Concentration, RiskFit RiskFit, IdleCash IdleCash, IndexComparison Index,
    IReadOnlyList<HoldingVsIndex> Holdings, TaxFacts? Tax, MarketBreadth? Breadth, IReadOnlyList<InsightFact> Facts, string Disclaimer,
    string? Narrative = null);

public static class AnalysisEndpoints
{
    /// <summary>Shown wherever an analysis is (SEBI (Investment Advisers) Regulations, 2013: advice needs registration).</summary>
    public const string Disclaimer = "Educational information computed by Spark from past prices by a published rule. It is not investment advice "
        + "and Spark is not an investment adviser registered with SEBI. Past prices do not predict future ones; decide for yourself or ask a registered adviser.";

    public static RouteGroupBuilder MapAnalysisEndpoints(this RouteGroupBuilder api)
    {
        var securities = api.MapGroup("/securities").WithTags("Analysis");
        securities.MapGet("/{symbol}/indicators", IndicatorsAsync).Shared("security").ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        securities.MapGet("/{symbol}/analysis", AnalysisAsync).Shared("security");
        api.MapGroup("/analysis").WithTags("Analysis").MapGet("/portfolio", PortfolioAsync).ProducesValidationProblem();
        var admin = api.MapGroup("/admin/analysis").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiAdmin);
        admin.MapGet("/settings", SettingsAsync);
        admin.MapPut("/settings", SetAsync).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    private static async Task<Ok<AnalysisSettingsResponse>> SettingsAsync(AnalysisSettings settings, IOptions<NarrativeOptions> narrative,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new AnalysisSettingsResponse(await settings.RecommendationsEnabledAsync(cancellationToken),
            ToResponse(await settings.NarrativeAsync(cancellationToken), narrative.Value)));

    private static async Task<Results<Ok<AnalysisSettingsResponse>, ValidationProblem, ProblemHttpResult>> SetAsync(AnalysisSettingsRequest request,
        HttpContext http, AnalysisSettings settings, IOptions<NarrativeOptions> narrative, CancellationToken cancellationToken)
    {
        if (request.RecommendationsEnabled is null && request.Narrative is null) return Problems.Invalid("recommendationsEnabled", "Say true or false.");
        NarrativeSettings? asked = null;
        if (request.Narrative is { } n)
        {
            var problems = n.Enabled is { } on
                ? (asked = new NarrativeSettings(on, n.Endpoint, n.Model).Normalised()).Problems()
                : new Dictionary<string, string[]> { ["enabled"] = ["Say true or false."] };
            if (problems.Count > 0)
            {
                return TypedResults.Problem(new HttpValidationProblemDetails(problems.ToDictionary(p => "narrative." + p.Key, p => p.Value))
                {
                    Status = StatusCodes.Status422UnprocessableEntity,
                    Title = "The narrative's settings cannot be used.",
                });
            }
        }

        var admin = http.User.UserId();
        if (request.RecommendationsEnabled is { } enabled) await settings.SetRecommendationsEnabledAsync(enabled, admin, cancellationToken);
        if (asked is not null) await settings.SetNarrativeAsync(asked, admin, cancellationToken);
        return TypedResults.Ok(new AnalysisSettingsResponse(await settings.RecommendationsEnabledAsync(cancellationToken),
            ToResponse(await settings.NarrativeAsync(cancellationToken), narrative.Value)));
    }

    private static NarrativeSettingsResponse ToResponse(NarrativeSettings s, NarrativeOptions options) =>
        new(s.Enabled, s.Endpoint, s.Model, !string.IsNullOrWhiteSpace(options.ApiKey), options.TimeoutSeconds);

    private static async Task<Results<Ok<IndicatorsResponse>, ProblemHttpResult>> IndicatorsAsync(string symbol, SecurityCatalog catalog,
        SecurityAnalysisService analyses, IOptions<AnalysisOptions> options, TimeProvider clock, string? from = null, string? to = null,
        CancellationToken cancellationToken = default)
    {
        if (await catalog.FindAsync(symbol, cancellationToken) is not { } s) return Problems.NotFound($"No security has the symbol '{symbol}'.");
        var errors = new Dictionary<string, string[]>();
        var end = IndiaTime.Today(clock);
        if (!string.IsNullOrWhiteSpace(to))
        {
            if (TryDate(to, out var parsed)) end = parsed;
            else errors["to"] = ["Use a date such as 2026-01-31, from 1900 to 2100."];
        }

        var start = end.AddYears(-1);
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (TryDate(from, out var parsed)) start = parsed;
            else errors["from"] = ["Use a date such as 2025-01-31, from 1900 to 2100."];
        }
        if (errors.Count == 0 && start > end) errors["from"] = ["Choose a from date on or before the to date."];
        var longest = options.Value.MaxIndicatorDays;
        if (errors.Count == 0 && end.DayNumber - start.DayNumber > longest)
        {
            errors["from"] = [string.Create(CultureInfo.InvariantCulture, $"Ask for at most {longest} days at a time.")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "One or more dates cannot be used.",
            });
        }

        var series = await analyses.IndicatorsAsync(s, start, end, cancellationToken);
        return TypedResults.Ok(new IndicatorsResponse(s.Symbol, start, end, series.Dates, series.Series));
    }

    private static async Task<Results<Ok<PortfolioInsightResponse>, ValidationProblem>> PortfolioAsync(HttpContext http, PortfolioInsightService insights,
        NarrativeService narratives, string? refresh = null, CancellationToken cancellationToken = default)
    {
        var again = false;
        if (!string.IsNullOrEmpty(refresh) && !bool.TryParse(refresh, out again)) return Problems.Invalid("refresh", "Say true or false.");
        var userId = http.User.UserId()!.Value;
        var cached = await insights.GetAsync(userId, again, cancellationToken);
        var i = cached.Insight;
        // Off: no request. On: the insight's cached narrative, or one asked for now within the configured timeout.
        var narrative = await narratives.ForPortfolioAsync(userId, cached, cancellationToken);
        return TypedResults.Ok(new PortfolioInsightResponse(i.RuleVersion, cached.GeneratedAt, cached.ExpiresAt, i.AsOf, i.Empty, cached.Inputs,
            i.Concentration, i.RiskFit, i.IdleCash, i.Index, i.Holdings, i.Tax, i.Breadth, i.Facts, Disclaimer, narrative));
    }

    private static async Task<Results<Ok<SecurityAnalysisResponse>, ProblemHttpResult>> AnalysisAsync(string symbol, SecurityCatalog catalog,
        SecurityAnalysisService analyses, AnalysisSettings settings, NarrativeService narratives, CancellationToken cancellationToken)
    {
        if (await catalog.FindAsync(symbol, cancellationToken) is not { } s) return Problems.NotFound($"No security has the symbol '{symbol}'.");
        if (await analyses.GetAsync(s, cancellationToken) is not { } cached)
        {
            return Problems.NotFound($"{s.Symbol} has no stored prices yet, so there is nothing to analyse.");
        }

        // Off: no request. On: the cached narrative, or one asked for now within the configured timeout (once per analysis).
        var narrative = await narratives.ForSecurityAsync(cached, cancellationToken);
        return TypedResults.Ok(ToResponse(cached, await settings.RecommendationsEnabledAsync(cancellationToken), narrative));
    }

    internal static SecurityAnalysisResponse ToResponse(CachedAnalysis cached, bool showRecommendations, string? narrative = null)
    {
        var a = cached.Analysis;
        var show = showRecommendations && a.Recommendation is not null;
        return new SecurityAnalysisResponse(cached.Security.Symbol, a.RuleVersion, cached.GeneratedAt, cached.ExpiresAt, a.Indicators.AsOf,
            new AnalysisScoresResponse(new(a.Risk.Value, a.Risk.Parts), new(a.Valuation.Value, a.Valuation.Parts), new(a.Health.Value, a.Health.Parts)),
            showRecommendations,
            show ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(a.Recommendation!.Value.ToString()) : null, show ? a.Confidence : null, show ? a.TargetPrice : null, show ? a.StopLoss : null,
            a.Pros, a.Cons, a.Explanation, showRecommendations ? a.Reasoning : null, a.Indicators, a.NotEnoughData, Disclaimer, narrative);
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date) && InputLimits.InRange(date);
}
