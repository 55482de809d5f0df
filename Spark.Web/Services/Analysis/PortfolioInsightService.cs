using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Accounts;
using Spark.Core.Analysis;
using Spark.Core.Goals;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Tax;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;
using Spark.Web.Services.Tax;

namespace Spark.Web.Services.Analysis;

/// <summary>An investor's portfolio insight as cached: the result, when it was made and when it stops being good.</summary>
public sealed record CachedInsight(PortfolioInsight Insight, InsightInputs Inputs, DateTimeOffset GeneratedAt, DateTimeOffset ExpiresAt, bool FromCache);

/// <summary>What an insight was computed from, beside it in the row and the API: counts, cash, profile, thresholds, index dates.</summary>
/// <param name="Securities">Securities in the ledger, held or sold.</param>
/// <param name="Flows">The investor's own buys, sells, dividends and interest that went into the comparisons.</param>
public sealed record InsightInputs(int Securities, int Flows, decimal CashBalance, string? RiskProfile, InsightThresholds Thresholds,
    DateOnly? FirstIndexLevel, DateOnly? LastIndexLevel, string? FinancialYear);

/// <summary>
/// Portfolio insights (decision 0062): <see cref="PortfolioInsights"/> over the investor's ledger (the dashboard's
/// <see cref="PortfolioService"/>), cash, risk profile, NIFTY 50 history, capital-gains statement and the live quotes,
/// cached in ai_analyses as the investor's own portfolio_insight row (user_id set, security_id NULL; row-level security
/// lets only their own context read and write it). A read returns the row while it is unexpired (the next session's close
/// plus the margin, as for securities), of the current rule version and built from the same ledger — the transactions'
/// count and latest change and the cash balance, kept in the row; otherwise it computes under an advisory lock per investor.
/// </summary>
public sealed class PortfolioInsightService(SparkDb db, PortfolioService portfolio, IndexHistory index, SecurityCatalog catalog, PriceBook prices,
    CapitalGainsStatements statements, SecurityAnalysisService securities, IOptions<InsightThresholds> thresholds, IOptions<GoalOptions> goals,
    TimeProvider clock, PortfolioInsightMemory memory)
{
    /// <summary>
    /// How soon after the last computation an investor's <c>refresh</c> computes again: within it, a refresh gets the
    /// insight just made when nothing it was made from changed (a client repeating <c>refresh=true</c> costs one
    /// computation a minute, not one a request); only the market breadth could be a minute older.
    /// </summary>
    public static readonly TimeSpan RefreshFloor = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The insight from the cache, or computed on a miss, or when <paramref name="refresh"/> asks for it and the last one
    /// is older than <see cref="RefreshFloor"/>.
    /// </summary>
    public Task<CachedInsight> GetAsync(Guid userId, bool refresh = false, CancellationToken cancellationToken = default) =>
        GetAsync(userId, refresh, force: false, cancellationToken);

    /// <summary>Computes and stores the insight whatever the cache holds (the nightly job).</summary>
    public Task<CachedInsight> RefreshAsync(Guid userId, CancellationToken cancellationToken = default) =>
        GetAsync(userId, refresh: true, force: true, cancellationToken);

    private async Task<CachedInsight> GetAsync(Guid userId, bool refresh, bool force, CancellationToken cancellationToken)
    {
        var (stamp, generatedAt) = await StampAsync(userId, cancellationToken);
        if (refresh && !force && generatedAt is { } last && clock.GetUtcNow() - last < RefreshFloor) refresh = false;
        if (!refresh && generatedAt is { } made && memory.Get(userId, stamp, made) is { } kept && kept.ExpiresAt > clock.GetUtcNow()) return kept;
        if (!refresh && await ReadAsync(userId, stamp, cancellationToken) is { } hit) return Kept(hit);
        await using var held = await AdvisoryLock.TakeAsync(db.ConnectionString, $"insight:{userId}", TimeSpan.FromSeconds(30), clock, cancellationToken);
        if (!refresh && await ReadAsync(userId, stamp, cancellationToken) is { } computed) return Kept(computed);
        return Kept(await ComputeAsync(userId, stamp, cancellationToken));

        CachedInsight Kept(CachedInsight insight)
        {
            memory.Keep(userId, stamp, insight);
            return insight;
        }
    }

    /// <summary>The insight's inputs read and computed, without the cache (tests and the benchmark).</summary>
    public async Task<PortfolioInsight> ComputeOnlyAsync(Guid userId, CancellationToken cancellationToken = default) =>
        PortfolioInsights.Compute(await InputAsync(userId, cancellationToken));

    private async Task<CachedInsight> ComputeAsync(Guid userId, string stamp, CancellationToken cancellationToken)
    {
        var input = await InputAsync(userId, cancellationToken);
        var insight = PortfolioInsights.Compute(input);
        var utc = clock.GetUtcNow();
        var now = new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
        var expires = securities.ExpiryFrom(now);
        var stored = new StoredInsight(PortfolioInsights.RuleVersion, stamp, new InsightInputs(input.Holdings.Count,
            input.Holdings.Sum(h => h.Flows.Count), input.CashBalance, input.RiskProfile?.ToString().ToLowerInvariant(), input.Thresholds,
            input.IndexLevels.Count == 0 ? null : input.IndexLevels.Keys.Min(), input.IndexLevels.Count == 0 ? null : input.IndexLevels.Keys.Max(),
            input.Tax?.Year.Label), insight);
        await using var context = db.ForUser(userId);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        await context.AiAnalyses.Where(a => a.UserId == userId && a.SecurityId == null && a.AnalysisType == AnalysisType.PortfolioInsight)
            .ExecuteDeleteAsync(cancellationToken);
        context.AiAnalyses.Add(new AiAnalysis
        {
            UserId = userId, AnalysisType = AnalysisType.PortfolioInsight,
            TechnicalIndicators = JsonSerializer.SerializeToDocument(stored, SecurityAnalysisService.Json),
            SectorAnalysis = JsonSerializer.SerializeToDocument(insight.Concentration, SecurityAnalysisService.Json),
            BenchmarkComparison = JsonSerializer.SerializeToDocument(new { insight.Index, insight.Holdings }, SecurityAnalysisService.Json),
            Pros = [], Cons = [.. insight.Concentration.Breaches],
            Explanation = string.Join(" ", [insight.RiskFit.Message, insight.IdleCash.Message]),
            GeneratedAt = now, CreatedAt = now, ExpiresAt = expires,
        });
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CachedInsight(insight, stored.Inputs, now, expires, FromCache: false);
    }

    private async Task<CachedInsight?> ReadAsync(Guid userId, string stamp, CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(userId);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var row = await context.AiAnalyses.AsNoTracking()
            .Where(a => a.UserId == userId && a.SecurityId == null && a.AnalysisType == AnalysisType.PortfolioInsight)
            .OrderByDescending(a => a.GeneratedAt)
            .Select(a => new { a.TechnicalIndicators, a.GeneratedAt, a.ExpiresAt })
            .FirstOrDefaultAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (row?.TechnicalIndicators is null || row.ExpiresAt <= clock.GetUtcNow()) return null;
        StoredInsight? stored;
        try
        {
            stored = row.TechnicalIndicators.Deserialize<StoredInsight>(SecurityAnalysisService.Json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (stored?.Insight is null || stored.Inputs is null || stored.RuleVersion != PortfolioInsights.RuleVersion || stored.LedgerStamp != stamp) return null;
        return new CachedInsight(stored.Insight, stored.Inputs, row.GeneratedAt, row.ExpiresAt, FromCache: true);
    }

    /// <summary>
    /// What the cached row must have been built from: the ledger's and the tax reference data's versions (bumped by
    /// triggers on every write to them, decision 0065; the insight's tax facts come from the capital-gains statement), and
    /// the cash account's balance and latest change; with the stored row's generated_at, which tells whether the insight
    /// kept in memory is that row. Small reads in one unit of work.
    /// </summary>
    private async Task<(string Stamp, DateTimeOffset? GeneratedAt)> StampAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(userId);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var versions = await StatementCache.StampAsync(context, cancellationToken);
        var cash = await context.CashAccounts.AsNoTracking().Select(c => new { c.Balance, c.UpdatedAt }).SingleOrDefaultAsync(cancellationToken);
        var generatedAt = await context.AiAnalyses.AsNoTracking()
            .Where(a => a.UserId == userId && a.SecurityId == null && a.AnalysisType == AnalysisType.PortfolioInsight)
            .OrderByDescending(a => a.GeneratedAt).Select(a => (DateTimeOffset?)a.GeneratedAt).FirstOrDefaultAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (string.Create(CultureInfo.InvariantCulture,
            $"v{versions.Ledger}.{versions.Reference}|{cash?.Balance ?? 0m}|{cash?.UpdatedAt.UtcTicks ?? 0}"), generatedAt);
    }

    private async Task<PortfolioInsightInput> InputAsync(Guid userId, CancellationToken cancellationToken)
    {
        var today = IndiaTime.Today(clock);
        var year = FinancialYear.Of(today);
        // The year's statement so far (no sale is dated after today) reads its own rows in its own context, or is the one
        // kept in memory for the ledger's version (decision 0065): it runs while the portfolio is valued.
        var statementTask = statements.GetAsync(userId, year, 1, 1, cancellationToken);
        var view = await portfolio.GetAsync(userId, withSeries: true, cancellationToken);
        var holdings = new List<InsightHolding>();
        foreach (var group in HoldingGroup.Of(view.Holdings))
        {
            var security = await catalog.GetAsync(group.SecurityId, cancellationToken);
            var flows = group.Platforms.SelectMany(p =>
                // The engine ends a holding's flows with its value today when it holds anything: not a flow of the investor's.
                p.Result.CurrentValue > 0m ? p.Result.Flows.Take(p.Result.Flows.Count - 1) : p.Result.Flows).ToList();
            var lots = group.Platforms.SelectMany(p => p.Result.Position.OpenLots.Select(l => (p.Info.Platform, l))).ToList();
            holdings.Add(new InsightHolding(group.SecurityId, group.Symbol, group.Name, group.Type, group.Sector, group.Quantity, group.CurrentValue,
                group.CurrentPrice, flows, lots, security is null ? null : CapitalGainsStatements.Facts(security)));
        }

        decimal cash;
        RiskProfile? profile;
        await using (var context = db.ForUser(userId))
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            cash = await context.CashAccounts.AsNoTracking().Select(c => (decimal?)c.Balance).SingleOrDefaultAsync(cancellationToken) ?? 0m;
            // users.risk_profile defaults to moderate for every account: only an answered questionnaire (audited) is a profile.
            var assessed = await context.AuditLogs.AnyAsync(a => a.UserId == userId && a.Action == Spark.Web.Security.AuditActions.RiskProfileAssessed, cancellationToken);
            profile = assessed
                ? await context.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => (RiskProfile?)u.RiskProfile).SingleOrDefaultAsync(cancellationToken)
                : null;
            await transaction.CommitAsync(cancellationToken);
        }

        var first = holdings.SelectMany(h => h.Flows).Select(f => (DateOnly?)f.Date).Min() ?? today.AddYears(-1);
        var levels = await index.Nifty50Async(first.AddDays(-10), cancellationToken);
        var statement = await statementTask;
        var long112A = statement.Totals.Where(t => t.Class == GainClass.EquityLongTerm && t.Section == "112A").ToList();
        var tax = new TaxYearSoFar(year, long112A.Sum(t => t.Taxable + t.Exemption), long112A.Sum(t => t.Exemption), CapitalGainsEngine.Exemption112A(year));
        return new PortfolioInsightInput(today, holdings, cash, profile, profile is { } p ? goals.Value.MixFor(p) : null, levels,
            view.Result.Series, tax, await BreadthAsync(cancellationToken), thresholds.Value);
    }

    /// <summary>
    /// Market breadth from the live quotes: listed shares whose price is above, below or at their previous close. The
    /// session is the India date of the newest quote. Null when no share has a previous close.
    /// </summary>
    private async Task<MarketBreadth?> BreadthAsync(CancellationToken cancellationToken)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        var stocks = (await catalog.AllAsync(cancellationToken)).Where(s => s.Type == SecurityType.Stock).Select(s => s.Id).ToHashSet();
        var quotes = prices.Snapshot().Where(q => stocks.Contains(q.Key) && q.Value.PreviousClose is > 0m).Select(q => q.Value).ToList();
        if (quotes.Count == 0) return null;
        return MarketBreadth.Of(MarketCalendar.IstDate(quotes.Max(q => q.AsOf)), quotes.Select(q => (q.Price, q.PreviousClose!.Value)));
    }

    private sealed record StoredInsight(string RuleVersion, string LedgerStamp, InsightInputs Inputs, PortfolioInsight Insight);
}
