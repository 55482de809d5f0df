namespace Spark.Core.AutoInvest;

/// <summary>One instrument of an asset class's basket and its share of that class (weights of a basket sum to 1).</summary>
public sealed class BasketItem
{
    public string Symbol { get; set; } = "";
    public decimal Weight { get; set; } = 1m;
}

/// <summary>
/// Settings for auto-invest (section Spark:AutoInvest). A strategy's allocation names asset classes (the keys of
/// its allocation JSON: stocks, mutual_funds, etfs, crypto, debt); each class is bought through its basket.
/// The same baskets drive plan executions and strategy backtests.
/// </summary>
public sealed class AutoInvestOptions
{
    public const string Section = "Spark:AutoInvest";

    /// <summary>Asset class → instruments. Configuration replaces a class's basket as a whole.</summary>
    public Dictionary<string, BasketItem[]> Baskets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Nominal dates missed while Spark was down are caught up once each when they are at most this many days old.</summary>
    public int CatchUpDays { get; set; } = 7;

    /// <summary>A class drifting from its target by more than this fraction (0.05 = 5 percentage points) triggers rebalancing.</summary>
    public decimal RebalanceThresholdRate { get; set; } = 0.05m;

    /// <summary>The defaults used when configuration names no basket for a class.</summary>
    public static IReadOnlyDictionary<string, BasketItem[]> DefaultBaskets { get; } = new Dictionary<string, BasketItem[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["stocks"] = [new() { Symbol = "ITC", Weight = 0.4m }, new() { Symbol = "BEL", Weight = 0.3m }, new() { Symbol = "BANKBARODA", Weight = 0.3m }],
        ["mutual_funds"] = [new() { Symbol = "UTI-NIFTY50-DG", Weight = 0.6m }, new() { Symbol = "PPFAS-FLEXI-DG", Weight = 0.4m }],
        ["etfs"] = [new() { Symbol = "NIFTYBEES", Weight = 0.7m }, new() { Symbol = "GOLDBEES", Weight = 0.3m }],
        ["crypto"] = [new() { Symbol = "BTCINR", Weight = 0.6m }, new() { Symbol = "ETHINR", Weight = 0.4m }],
        ["debt"] = [new() { Symbol = "ICICI-CORPBOND-DG", Weight = 1m }],
    };

    /// <summary>The basket for a class: configured, else the default, else none.</summary>
    public IReadOnlyList<BasketItem> BasketFor(string assetClass) =>
        Baskets.TryGetValue(assetClass, out var configured) && configured.Length > 0 ? configured
        : DefaultBaskets.TryGetValue(assetClass, out var fallback) ? fallback : [];
}
