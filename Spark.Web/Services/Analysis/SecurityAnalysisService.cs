using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Analysis;
using Spark.Core.Market;
using Spark.Core.Time;
using Spark.Data;

namespace Spark.Web.Services.Analysis;

using Security = Spark.Core.Market.Security;

/// <summary>A security's analysis as cached: the rule's result and when it was made and stops being good.</summary>
public sealed record CachedAnalysis(Security Security, SecurityAnalysis Analysis, DateTimeOffset GeneratedAt, DateTimeOffset ExpiresAt, bool FromCache);

/// <summary>Indicator series over a window of trade dates, NaN-free (null where an indicator is not yet defined).</summary>
public sealed record IndicatorSeries(DateOnly[] Dates, IReadOnlyDictionary<string, double?[]> Series);

/// <summary>
/// Security analysis (decision 0060): indicators over the stored daily bars and the rule of <see cref="SecurityAnalyzer"/>,
/// cached in ai_analyses as shared rows (user_id NULL; an investment_analysis row with the scores and inputs, a
/// recommendation row with the verdict). A read returns the cached rows while they are unexpired and built from the
/// latest bar; otherwise one process computes (a PostgreSQL advisory lock per security, so two readers of a cold security
/// compute once) and the others wait for its rows.
/// </summary>
public sealed class SecurityAnalysisService(SparkDb db, IndexHistory index, IOptions<AnalysisOptions> options, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Sessions read before a window so the 200-day averages are defined at its first date.</summary>
    private const int WarmUpDays = 450;

    /// <summary>The cached analysis, or a fresh one on a miss; null when the security has no bars at all.</summary>
    public async Task<CachedAnalysis?> GetAsync(Security security, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(security);
        var latest = await LatestBarAsync(security.Id, cancellationToken);
        if (latest is null) return null;
        if (await ReadAsync(security, latest.Value, cancellationToken) is { } hit) return hit;

        await using var held = await Services.AdvisoryLock.TakeAsync(db.ConnectionString, $"analysis:{security.Id}", TimeSpan.FromSeconds(30), clock, cancellationToken);
        // Someone else may have computed it while this one waited.
        if (await ReadAsync(security, latest.Value, cancellationToken) is { } computed) return computed;
        return await ComputeAsync(security, cancellationToken);
    }

    /// <summary>Computes and stores the analysis whatever the cache holds (the nightly job).</summary>
    public async Task<CachedAnalysis?> RefreshAsync(Security security, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(security);
        await using var held = await Services.AdvisoryLock.TakeAsync(db.ConnectionString, $"analysis:{security.Id}", TimeSpan.FromSeconds(30), clock, cancellationToken);
        return await ComputeAsync(security, cancellationToken);
    }

    /// <summary>Indicator series for trade dates from <paramref name="from"/> to <paramref name="to"/>, computed over earlier bars too.</summary>
    public async Task<IndicatorSeries> IndicatorsAsync(Security security, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(security);
        var bars = await BarsAsync(security, from.AddDays(-WarmUpDays), to, cancellationToken);
        var closes = bars.Select(b => b.Close).ToArray();
        var macd = Indicators.Macd(closes);
        var bands = Indicators.Bollinger(closes);
        var stochastic = Indicators.Stochastic(bars);
        var all = new Dictionary<string, double[]>
        {
            ["close"] = closes,
            ["sma20"] = Indicators.Sma(closes, 20), ["sma50"] = Indicators.Sma(closes, 50), ["sma200"] = Indicators.Sma(closes, 200),
            ["ema20"] = Indicators.Ema(closes, 20), ["ema50"] = Indicators.Ema(closes, 50), ["ema200"] = Indicators.Ema(closes, 200),
            ["bollingerUpper"] = bands.Upper, ["bollingerMiddle"] = bands.Middle, ["bollingerLower"] = bands.Lower,
            ["rsi14"] = Indicators.Rsi(closes), ["macd"] = macd.Line, ["macdSignal"] = macd.Signal, ["macdHistogram"] = macd.Histogram,
            ["atr14"] = Indicators.Atr(bars), ["stochasticK"] = stochastic.K, ["stochasticD"] = stochastic.D,
        };
        var first = 0;
        while (first < bars.Count && bars[first].Date < from) first++;
        var dates = bars.Skip(first).Select(b => b.Date).ToArray();
        return new IndicatorSeries(dates, all.ToDictionary(p => p.Key,
            p => p.Value.Skip(first).Select(v => double.IsNaN(v) ? (double?)null : Math.Round(v, 4)).ToArray()));
    }

    /// <summary>The securities an investor holds (quantity above zero) or watches, by their own row-level-secured rows.</summary>
    public async Task<IReadOnlyList<Guid>> HeldOrWatchedAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var ids = await context.Database.SqlQuery<Guid>($"""
            SELECT security_id AS "Value" FROM investments WHERE user_id = {userId} AND quantity > 0
            UNION SELECT i.security_id FROM watchlist_items i JOIN watchlists w ON w.id = i.watchlist_id WHERE w.user_id = {userId}
            """).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    /// <summary>When an analysis made now stops being good: the next session's close (15:30 IST) plus a margin.</summary>
    public DateTimeOffset ExpiryFrom(DateTimeOffset now)
    {
        var margin = TimeSpan.FromMinutes(options.Value.ExpiryMarginMinutes);
        var day = MarketCalendar.IstDate(now);
        if (!MarketCalendar.IsTradingDay(day) || now >= MarketCalendar.AtIst(day, MarketCalendar.CloseTime) + margin)
        {
            day = MarketCalendar.NextTradingDay(day);
        }

        // PostgreSQL's timestamptz takes UTC only.
        return (MarketCalendar.AtIst(day, MarketCalendar.CloseTime) + margin).ToUniversalTime();
    }

    private async Task<CachedAnalysis> ComputeAsync(Security security, CancellationToken cancellationToken)
    {
        var today = IndiaTime.Today(clock);
        var bars = await BarsAsync(security, today.AddYears(-2), today, cancellationToken);
        var levels = await index.Nifty50Async(today.AddYears(-2).AddDays(-7), cancellationToken);
        var metadata = security.Metadata?.RootElement;
        var analysis = SecurityAnalyzer.Analyse(new SecurityAnalysisInput(bars, levels, options.Value.RiskFreeRate,
            Number(metadata, "pe") ?? Number(metadata, "peRatio"), Number(metadata, "dividendYield")));
        // To the microsecond PostgreSQL keeps, so the computed result and the cached one carry the same time.
        var utc = clock.GetUtcNow();
        var now = new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
        var expires = ExpiryFrom(now);
        var inputs = JsonSerializer.SerializeToDocument(analysis, Json);
        var fundamentals = JsonSerializer.SerializeToDocument(new { pe = Number(metadata, "pe") ?? Number(metadata, "peRatio"), dividendYield = Number(metadata, "dividendYield") }, Json);
        await using var context = db.ForSystem("security analysis cache");
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var types = new[] { AnalysisType.InvestmentAnalysis, AnalysisType.Recommendation };
        await context.AiAnalyses.Where(a => a.SecurityId == security.Id && a.UserId == null && types.Contains(a.AnalysisType))
            .ExecuteDeleteAsync(cancellationToken);
        context.AiAnalyses.Add(new AiAnalysis
        {
            SecurityId = security.Id, AnalysisType = AnalysisType.InvestmentAnalysis,
            HealthScore = Score(analysis.Health.Value), ValuationScore = Score(analysis.Valuation.Value), RiskScore = Score(analysis.Risk.Value),
            TechnicalIndicators = inputs, Fundamentals = fundamentals, Pros = [.. analysis.Pros], Cons = [.. analysis.Cons],
            Explanation = analysis.Explanation, GeneratedAt = now, CreatedAt = now, ExpiresAt = expires,
        });
        context.AiAnalyses.Add(new AiAnalysis
        {
            SecurityId = security.Id, AnalysisType = AnalysisType.Recommendation, Recommendation = analysis.Recommendation,
            ConfidenceRate = analysis.Confidence is { } c ? (decimal)c : null, TargetPrice = analysis.TargetPrice, StopLoss = analysis.StopLoss,
            HealthScore = Score(analysis.Health.Value), ValuationScore = Score(analysis.Valuation.Value), RiskScore = Score(analysis.Risk.Value),
            Explanation = analysis.Reasoning, GeneratedAt = now, CreatedAt = now, ExpiresAt = expires,
        });
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CachedAnalysis(security, analysis, now, expires, FromCache: false);
    }

    private async Task<CachedAnalysis?> ReadAsync(Security security, DateOnly latestBar, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        var row = await context.AiAnalyses.AsNoTracking()
            .Where(a => a.SecurityId == security.Id && a.UserId == null && a.AnalysisType == AnalysisType.InvestmentAnalysis)
            .Select(a => new { a.TechnicalIndicators, a.GeneratedAt, a.ExpiresAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (row?.TechnicalIndicators is null || row.ExpiresAt <= clock.GetUtcNow()) return null;
        SecurityAnalysis? analysis;
        try
        {
            analysis = row.TechnicalIndicators.Deserialize<SecurityAnalysis>(Json);
        }
        catch (JsonException)
        {
            return null;
        }

        // Another rule version, or bars newer than the ones it was built from (an import, the day's close): build again.
        if (analysis is null || analysis.RuleVersion != SecurityAnalyzer.RuleVersion || analysis.Indicators.AsOf != latestBar) return null;
        return new CachedAnalysis(security, analysis, row.GeneratedAt, row.ExpiresAt, FromCache: true);
    }

    private async Task<DateOnly?> LatestBarAsync(Guid securityId, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        return await context.DailyBars.Where(b => b.SecurityId == securityId).MaxAsync(b => (DateOnly?)b.TradeDate, cancellationToken);
    }

    /// <summary>Daily bars as traded, taken to the continuous path by the security's splits and bonuses (so a split is not a crash).</summary>
    private async Task<List<PriceBar>> BarsAsync(Security security, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        var rows = await context.DailyBars.AsNoTracking().Where(b => b.SecurityId == security.Id && b.TradeDate >= from && b.TradeDate <= to)
            .OrderBy(b => b.TradeDate).Select(b => new { b.TradeDate, b.Open, b.High, b.Low, b.Close }).ToListAsync(cancellationToken);
        if (rows.Count == 0) return [];
        var metadata = security.Metadata?.RootElement;
        var lastFactor = SimulatedMarket.UnadjustedFactor(metadata, rows[^1].TradeDate);
        return [.. rows.Select(r =>
        {
            var scale = (double)(lastFactor / SimulatedMarket.UnadjustedFactor(metadata, r.TradeDate));
            return new PriceBar(r.TradeDate, (double)r.Open * scale, (double)r.High * scale, (double)r.Low * scale, (double)r.Close * scale);
        })];
    }

    private static decimal? Score(double? value) => value is { } v ? Math.Round((decimal)v, 2) : null;

    private static double? Number(JsonElement? metadata, string name) =>
        metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number
            && p.TryGetDouble(out var v) && double.IsFinite(v) ? v : null;
}
