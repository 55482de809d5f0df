using System.Text.Json;
using System.Text.Json.Serialization;
using Spark.Core.AutoInvest;

namespace Spark.Web.Services.AutoInvest;

/// <summary>
/// A strategy as the catalog, the API and the subscribe dialog see it. <see cref="Allocation"/> maps asset class to
/// fraction (stocks 0.5); <see cref="Subscribers"/> counts the active and paused plans on it.
/// </summary>
public sealed record StrategyView(
    Guid Id,
    string Name,
    string? Description,
    StrategyRiskLevel RiskLevel,
    decimal? ExpectedReturnRate,
    decimal MinInvestment,
    IReadOnlyDictionary<string, decimal> Allocation,
    RebalancingFrequency RebalancingFrequency,
    bool IsActive,
    int Subscribers,
    BacktestSummary Backtest,
    DateTimeOffset UpdatedAt);

/// <summary>The headline figures of a strategy's stored backtest; <see cref="Status"/> is "pending" until the job has run.</summary>
public sealed record BacktestSummary(
    string Status,
    decimal? Cagr,
    decimal? Volatility,
    decimal? MaxDrawdown,
    decimal? TotalReturnRate,
    DateOnly? StartDate,
    DateOnly? EndDate,
    DateTimeOffset? ComputedAt)
{
    public static BacktestSummary Pending { get; } = new(BacktestView.PendingStatus, null, null, null, null, null, null, null);

    /// <summary>No figures while the price history is still being written (issue 15, item 7): they would be of part of it.</summary>
    public static BacktestSummary Preparing { get; } = new(BacktestView.PreparingStatus, null, null, null, null, null, null, null);
}

/// <summary>
/// A strategy's backtest (GET /strategies/{id}/backtest and the JSON kept in backtesting_data): ₹10,000 simulated over
/// the common history of its instruments; rates are fractions, <see cref="MaxDrawdown"/> zero or negative.
/// </summary>
public sealed record BacktestView(
    Guid StrategyId,
    string Status,
    DateTimeOffset? ComputedAt,
    decimal InitialAmount,
    DateOnly? StartDate,
    DateOnly? EndDate,
    decimal? Years,
    decimal? FinalValue,
    decimal? TotalReturnRate,
    decimal? Cagr,
    decimal? Volatility,
    decimal? MaxDrawdown,
    DateOnly? MaxDrawdownPeakDate,
    DateOnly? MaxDrawdownTroughDate,
    YearReturn? BestYear,
    YearReturn? WorstYear,
    IReadOnlyList<YearReturn> YearlyReturns,
    IReadOnlyList<BacktestPoint> Growth,
    IReadOnlyList<BacktestInstrument> Instruments,
    RebalancingFrequency RebalancingFrequency,
    int Rebalances,
    IReadOnlyList<string> Notes,
    string Method)
{
    public const string PendingStatus = "pending";

    /// <summary>The price history is still being written: a backtest now would be of part of it, so there is none yet.</summary>
    public const string PreparingStatus = "preparing";

    public const string MethodText =
        "₹10,000 invested on the first day every instrument has a price, and rebalanced to the target weights on the first " +
        "trading day of each month, quarter or year at that day's closes. It uses the daily closes stored in Spark: the " +
        "built-in simulated market unless real history was imported. Brokerage, STT, stamp duty, taxes and idle cash are left " +
        "out (fund NAVs are already net of their expense ratios). Volatility is the sample standard deviation of monthly " +
        "returns × √12; CAGR counts 365-day years. Past, let alone simulated, performance does not promise future returns.";

    [JsonIgnore]
    public BacktestSummary Summary => new(Status, Cagr, Volatility, MaxDrawdown, TotalReturnRate, StartDate, EndDate, ComputedAt);

    public static BacktestView Pending(Guid strategyId, RebalancingFrequency frequency) =>
        new(strategyId, PendingStatus, null, Backtest.InitialAmount, null, null, null, null, null, null, null, null, null, null, null, null,
            [], [], [], frequency, 0, ["The backtest has not been computed yet: it runs shortly after Spark starts and after every close."], MethodText);

    public static BacktestView Preparing(Guid strategyId, RebalancingFrequency frequency) =>
        new(strategyId, PreparingStatus, null, Backtest.InitialAmount, null, null, null, null, null, null, null, null, null, null, null, null,
            [], [], [], frequency, 0, [Spark.Web.Services.Market.MarketHistory.PreparingNote], MethodText);

    public static BacktestView From(Guid strategyId, BacktestResult r, RebalancingFrequency frequency, DateTimeOffset computedAt) =>
        new(strategyId, JsonNamingPolicy.SnakeCaseLower.ConvertName(r.Status.ToString()), computedAt, r.InitialAmount, r.StartDate, r.EndDate, r.Years,
            r.FinalValue, r.TotalReturnRate, r.Cagr, r.Volatility, r.MaxDrawdown?.Rate, r.MaxDrawdown?.PeakDate, r.MaxDrawdown?.TroughDate,
            r.BestYear, r.WorstYear, r.YearlyReturns, r.Growth, r.Instruments, frequency, r.Rebalances, r.Notes, MethodText);
}

/// <summary>
/// One instrument a strategy buys: its share of its class's basket and of the whole portfolio at the target mix, and
/// whether the stored backtest could hold it (it needs stored prices).
/// </summary>
public sealed record BasketLine(string AssetClass, string Symbol, string? Name, decimal ClassWeight, decimal PortfolioWeight, bool InBacktest);

/// <summary>An admin's strategy as entered; an enum the request could not name arrives as null and is a field error.</summary>
public sealed record StrategyInput(
    string? Name,
    string? Description,
    StrategyRiskLevel? RiskLevel,
    decimal? ExpectedReturnRate,
    decimal MinInvestment,
    IReadOnlyDictionary<string, decimal>? Allocation,
    RebalancingFrequency? RebalancingFrequency,
    bool IsActive = true);

/// <summary>The JSON of backtesting_data: the API's backtest plus what tells the job whether it is still current.</summary>
internal static class StoredBacktest
{
    // 2: computed only once the price history is complete (issue 15, item 7). A version-1 backtest may have run while the
    // simulator was still writing the history, over some instruments and not others, so it is recomputed.
    public const int Version = 2;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static JsonDocument Write(BacktestView view, string fingerprint)
    {
        var node = JsonSerializer.SerializeToNode(view, Json)!.AsObject();
        node["version"] = Version;
        node["fingerprint"] = fingerprint;
        return node.Deserialize<JsonDocument>()!;
    }

    public static (BacktestView? View, string? Fingerprint) Read(JsonDocument? stored)
    {
        if (stored is null) return (null, null);
        var root = stored.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || v.GetInt32() != Version)
        {
            return (null, null);
        }
        try
        {
            return (root.Deserialize<BacktestView>(Json), root.TryGetProperty("fingerprint", out var f) ? f.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
