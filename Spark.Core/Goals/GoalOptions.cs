using Spark.Core.Accounts;

namespace Spark.Core.Goals;

/// <summary>What one asset class is assumed to do in a year: its expected return and volatility (standard deviation), as fractions.</summary>
public sealed class AssetClassAssumption
{
    public decimal ExpectedReturnRate { get; set; }
    public decimal VolatilityRate { get; set; }
}

/// <summary>
/// Settings for goals (section Spark:Goals): the per-class assumptions the Monte Carlo projection draws from, the
/// mix assumed for a goal that names none, and the size of the simulation. See decision 0030.
/// </summary>
public sealed class GoalOptions
{
    public const string Section = "Spark:Goals";

    /// <summary>The asset classes a goal's investment mix may name.</summary>
    public static IReadOnlyList<string> AssetClasses { get; } = ["equity", "debt", "gold", "crypto"];

    /// <summary>Long-run assumptions for Indian assets: broad equity, high-grade debt, gold in rupees, crypto.</summary>
    public static IReadOnlyDictionary<string, AssetClassAssumption> DefaultAssumptions { get; } = new Dictionary<string, AssetClassAssumption>(StringComparer.OrdinalIgnoreCase)
    {
        ["equity"] = new() { ExpectedReturnRate = 0.12m, VolatilityRate = 0.18m },
        ["debt"] = new() { ExpectedReturnRate = 0.07m, VolatilityRate = 0.05m },
        ["gold"] = new() { ExpectedReturnRate = 0.08m, VolatilityRate = 0.15m },
        ["crypto"] = new() { ExpectedReturnRate = 0.25m, VolatilityRate = 0.70m },
    };

    /// <summary>The mix assumed for a goal without one, by its risk profile (fractions summing to 1).</summary>
    public static IReadOnlyDictionary<RiskProfile, IReadOnlyDictionary<string, decimal>> DefaultMixes { get; } = new Dictionary<RiskProfile, IReadOnlyDictionary<string, decimal>>
    {
        [RiskProfile.Conservative] = new Dictionary<string, decimal> { ["equity"] = 0.30m, ["debt"] = 0.60m, ["gold"] = 0.10m },
        [RiskProfile.Moderate] = new Dictionary<string, decimal> { ["equity"] = 0.60m, ["debt"] = 0.30m, ["gold"] = 0.10m },
        [RiskProfile.Aggressive] = new Dictionary<string, decimal> { ["equity"] = 0.80m, ["debt"] = 0.10m, ["gold"] = 0.05m, ["crypto"] = 0.05m },
    };

    /// <summary>Asset class → assumption. Configuration replaces or adds classes one by one; the rest keep their defaults.</summary>
    public Dictionary<string, AssetClassAssumption> Assumptions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Risk profile → mix (percent-free fractions) for goals that name no mix; unset profiles keep the defaults.</summary>
    public Dictionary<RiskProfile, Dictionary<string, decimal>> Mixes { get; set; } = [];

    /// <summary>Simulated paths per projection (at least 10,000 for the success probability to be stable to about a percent).</summary>
    public int Paths { get; set; } = 10_000;

    /// <summary>The seed of every projection: the same goal and inputs give the same fan and probability every time.</summary>
    public int Seed { get; set; } = 20_261_127;

    public AssetClassAssumption AssumptionFor(string assetClass) =>
        Assumptions.TryGetValue(assetClass, out var configured) ? configured
        : DefaultAssumptions.TryGetValue(assetClass, out var fallback) ? fallback
        : throw new ArgumentException($"No assumption for the asset class '{assetClass}'.", nameof(assetClass));

    public IReadOnlyDictionary<string, decimal> MixFor(RiskProfile profile) =>
        Mixes.TryGetValue(profile, out var configured) && configured.Count > 0 ? configured : DefaultMixes[profile];

    /// <summary>The goal's own mix, or the one its risk profile implies.</summary>
    public IReadOnlyDictionary<string, decimal> EffectiveMix(IReadOnlyDictionary<string, decimal>? mix, RiskProfile profile) =>
        mix is { Count: > 0 } && mix.Values.Sum() > 0m ? mix : MixFor(profile);

    /// <summary>The yearly return the mix is expected to earn: the weighted mean of its classes' expected returns.</summary>
    public decimal ExpectedReturnOf(IReadOnlyDictionary<string, decimal> mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        var total = mix.Values.Sum();
        return total <= 0m ? 0m : Money.Rate(mix.Sum(p => p.Value * AssumptionFor(p.Key).ExpectedReturnRate) / total);
    }

    /// <summary>The simulation's inputs for a mix: each class's weight (normalised to 1), expected return and volatility.</summary>
    public IReadOnlyList<MixComponent> ComponentsOf(IReadOnlyDictionary<string, decimal> mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        var total = mix.Values.Sum();
        return [.. mix.Where(p => p.Value > 0m).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            var assumption = AssumptionFor(p.Key);
            return new MixComponent(p.Key, (double)(p.Value / total), (double)assumption.ExpectedReturnRate, (double)assumption.VolatilityRate);
        })];
    }
}

/// <summary>One asset class of a mix as the simulation uses it: weight, yearly expected return and volatility (fractions).</summary>
public sealed record MixComponent(string AssetClass, double Weight, double ExpectedReturnRate, double VolatilityRate);
