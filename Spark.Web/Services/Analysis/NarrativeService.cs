using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Analysis;
using Spark.Data;

namespace Spark.Web.Services.Analysis;

/// <summary>
/// Where a narrative is cached: the ai_analyses row it was written from, found by its owner (null: a shared row), security
/// (null: a portfolio), type and the <paramref name="GeneratedAt"/> of the analysis. A newer analysis is a new slot, so it
/// gets a new narrative; the old row's is deleted with it.
/// </summary>
public sealed record NarrativeSlot(Guid? UserId, Guid? SecurityId, AnalysisType Type, DateTimeOffset GeneratedAt)
{
    internal string LockName => string.Create(CultureInfo.InvariantCulture,
        $"narrative:{UserId}:{SecurityId}:{Type}:{GeneratedAt.UtcTicks}");
}

/// <summary>
/// The optional language-model narrative (decision 0063). <see cref="WriteAsync"/> is the one call for any analysis: given a
/// subject, the figures Spark computed and the slot of the analysis row, it returns the accepted narrative or null (off,
/// rejected, failed, timed out). The outcome is cached in that row's <c>predictions</c> JSON under "narrative", so one
/// narrative is asked for per analysis, not per view: an accepted or a rejected reply is final for that analysis; a failure is
/// tried again after <see cref="NarrativeOptions.RetryFailedAfterMinutes"/>. Readers of the same slot wait for one request
/// (a PostgreSQL advisory lock across processes).
/// </summary>
public sealed class NarrativeService(SparkDb db, AnalysisSettings settings, NarrativeModel model, IOptions<NarrativeOptions> options, TimeProvider clock)
{
    public const string Label = "Written by a language model from Spark's figures above; every number in it was checked against them.";

    private const string Key = "narrative";

    /// <summary>The accepted narrative of a security's analysis (its figures from <see cref="SecurityFacts"/>), or null.</summary>
    public Task<string?> ForSecurityAsync(CachedAnalysis cached, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cached);
        var s = cached.Security;
        return WriteAsync($"{s.Name} ({s.Symbol})", SecurityFacts(cached.Analysis),
            new NarrativeSlot(null, s.Id, AnalysisType.InvestmentAnalysis, cached.GeneratedAt), cancellationToken);
    }

    /// <summary>The accepted narrative of an investor's portfolio insight (its figures from <see cref="PortfolioFacts"/>), or null.</summary>
    public Task<string?> ForPortfolioAsync(Guid userId, CachedInsight cached, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cached);
        if (cached.Insight.Empty) return Task.FromResult<string?>(null);
        return WriteAsync("the investor's portfolio", PortfolioFacts(cached.Insight.Facts),
            new NarrativeSlot(userId, null, AnalysisType.PortfolioInsight, cached.GeneratedAt), cancellationToken);
    }

    /// <summary>
    /// The portfolio insight's facts (decision 0062) as a narrative cites them: rupees as ₹ to the paisa, fractions as
    /// percent to one decimal (as the Analysis page shows them), indices and counts as plain numbers.
    /// </summary>
    public static IReadOnlyList<NarrativeFact> PortfolioFacts(IEnumerable<InsightFact> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return [.. facts.Select(f => f.Unit switch
        {
            "INR" => new NarrativeFact(f.Label, Shown(f.Value, 2), NarrativeFact.Rupees),
            "fraction" => new NarrativeFact(f.Label, Shown(f.Value * 100m, 1), NarrativeFact.Percent),
            "fraction a year" => new NarrativeFact(f.Label + " (a year)", Shown(f.Value * 100m, 1), NarrativeFact.Percent),
            _ => new NarrativeFact(f.Label, f.Value),
        })];
    }

    // Rounded half away from zero and with its trailing zeros, so the prompt says "100.0 %" as the Analysis page does.
    private static decimal Shown(decimal value, int decimals) =>
        decimal.Parse(Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            CultureInfo.InvariantCulture);

    /// <summary>
    /// The narrative of <paramref name="facts"/> about <paramref name="subject"/> cached in <paramref name="slot"/>: the cached
    /// one if that analysis already has it, else one asked for now (within the configured timeout). Null when the narrative is
    /// switched off, the reply cited a number not among the facts, the endpoint failed, or the slot's row is gone.
    /// </summary>
    public async Task<string?> WriteAsync(string subject, IReadOnlyList<NarrativeFact> facts, NarrativeSlot slot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(slot);
        var current = await settings.NarrativeAsync(cancellationToken);
        if (!current.Enabled || facts.Count == 0) return null;
        var cached = await ReadAsync(slot, cancellationToken);
        if (cached is Cached.Final final) return final.Text;
        if (cached is Cached.Missing) return null;

        var wait = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds) + 2);
        await using var held = await AdvisoryLock.TakeAsync(db.ConnectionString, slot.LockName, wait, clock, cancellationToken);
        if (held is null) return null;
        // Another reader may have asked while this one waited.
        cached = await ReadAsync(slot, cancellationToken);
        if (cached is Cached.Final again) return again.Text;
        if (cached is Cached.Missing) return null;

        var outcome = await model.AskAsync(current, subject, facts, cancellationToken);
        await StoreAsync(slot, outcome, current.Model, cancellationToken);
        return outcome.Status == NarrativeStatus.Accepted ? outcome.Text : null;
    }

    /// <summary>
    /// The figures of a security's analysis a narrative may cite, rounded as Spark shows them. The recommendation, its
    /// confidence, target and stop-loss are left out: the narrative describes, it never advises (and an admin may hide them).
    /// </summary>
    public static IReadOnlyList<NarrativeFact> SecurityFacts(SecurityAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var x = analysis.Indicators;
        NarrativeFact?[] facts =
        [
            NarrativeFact.Of("Last close", x.Close, 2, NarrativeFact.Rupees),
            NarrativeFact.Of("RSI 14", x.Rsi14, 1),
            NarrativeFact.Of("50-day average", x.Sma50, 2, NarrativeFact.Rupees),
            NarrativeFact.Of("200-day average", x.Sma200, 2, NarrativeFact.Rupees),
            NarrativeFact.Of("Last close against the 200-day average", x.Close / x.Sma200 * 100 - 100, 1, NarrativeFact.Percent),
            NarrativeFact.Of("MACD 12, 26", x.Macd, 2),
            NarrativeFact.Of("MACD signal 9", x.MacdSignal, 2),
            NarrativeFact.Of("Annualised volatility", x.Volatility * 100, 1, NarrativeFact.Percent),
            NarrativeFact.Of("Largest fall from a peak within the year", x.MaxDrawdown * 100, 1, NarrativeFact.Percent),
            NarrativeFact.Of("Beta against NIFTY 50", x.Beta, 2),
            NarrativeFact.Of("52-week low", x.Week52Low, 2, NarrativeFact.Rupees),
            NarrativeFact.Of("52-week high", x.Week52High, 2, NarrativeFact.Rupees),
            NarrativeFact.Of("Health score out of 100 (trend and momentum, higher is stronger)", analysis.Health.Value, 0),
            NarrativeFact.Of("Valuation score out of 100 (against its own price history, higher is cheaper)", analysis.Valuation.Value, 0),
            NarrativeFact.Of("Risk score out of 100 (higher is riskier)", analysis.Risk.Value, 0),
        ];
        return [.. facts.OfType<NarrativeFact>()];
    }

    private abstract record Cached
    {
        /// <summary>An accepted (text) or rejected (null) narrative for this analysis: do not ask again.</summary>
        public sealed record Final(string? Text) : Cached;

        /// <summary>Nothing yet, or a failure old enough to try again.</summary>
        public sealed record Ask : Cached;

        /// <summary>No such row (a newer analysis replaced it): nothing to cache against.</summary>
        public sealed record Missing : Cached;
    }

    private async Task<Cached> ReadAsync(NarrativeSlot slot, CancellationToken cancellationToken)
    {
        await using var context = Open(slot);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var row = await Row(context, slot).AsNoTracking().Select(a => new { a.Predictions }).FirstOrDefaultAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (row is null) return new Cached.Missing();
        if (row.Predictions?.RootElement is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty(Key, out var n)
            || n.ValueKind != JsonValueKind.Object)
        {
            return new Cached.Ask();
        }

        var status = n.TryGetProperty("status", out var st) ? st.GetString() : null;
        if (status == "accepted" && n.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } t) return new Cached.Final(t);
        if (status == "rejected") return new Cached.Final(null);
        var retry = TimeSpan.FromMinutes(Math.Max(0, options.Value.RetryFailedAfterMinutes));
        if (status == "failed" && n.TryGetProperty("at", out var at) && at.TryGetDateTimeOffset(out var when) && clock.GetUtcNow() - when < retry)
        {
            return new Cached.Final(null);
        }

        return new Cached.Ask();
    }

    private async Task StoreAsync(NarrativeSlot slot, NarrativeOutcome outcome, string? modelName, CancellationToken cancellationToken)
    {
        await using var context = Open(slot);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var row = await Row(context, slot).FirstOrDefaultAsync(cancellationToken);
        if (row is null) return;
        var predictions = row.Predictions is null ? new JsonObject() : JsonNode.Parse(row.Predictions.RootElement.GetRawText()) as JsonObject ?? new JsonObject();
        predictions[Key] = new JsonObject
        {
            ["status"] = outcome.Status switch { NarrativeStatus.Accepted => "accepted", NarrativeStatus.Rejected => "rejected", _ => "failed" },
            ["text"] = outcome.Text,
            ["model"] = modelName,
            ["at"] = clock.GetUtcNow().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            // What the check found, for the admin reading the row: the numbers the model made up.
            ["unmatched"] = new JsonArray([.. outcome.Unmatched.Select(u => (JsonNode?)JsonValue.Create(u))]),
        };
        row.Predictions = JsonDocument.Parse(predictions.ToJsonString());
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // A shared row (a security's) is system work under row-level security; a user's row is theirs.
    private SparkDbContext Open(NarrativeSlot slot) => slot.UserId is { } user ? db.ForUser(user) : db.ForSystem("analysis narrative cache");

    private static IQueryable<AiAnalysis> Row(SparkDbContext context, NarrativeSlot slot) =>
        context.AiAnalyses.Where(a => a.UserId == slot.UserId && a.SecurityId == slot.SecurityId && a.AnalysisType == slot.Type
            && a.GeneratedAt == slot.GeneratedAt);
}
