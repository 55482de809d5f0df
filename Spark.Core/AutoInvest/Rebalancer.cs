namespace Spark.Core.AutoInvest;

/// <summary>How far one asset class is from its target share of a plan.</summary>
public sealed record Drift(string AssetClass, decimal TargetRate, decimal CurrentRate, decimal Value)
{
    /// <summary>Current share minus target share (0.07 = 7 percentage points overweight).</summary>
    public decimal DriftRate => CurrentRate - TargetRate;
}

/// <summary>
/// What rebalancing would do: where this month's money goes (underweight classes first) and, when that is not
/// enough, the trades per class that restore the target (positive buys, negative sells).
/// </summary>
public sealed record RebalanceProposal(
    IReadOnlyList<Drift> Drifts,
    bool Needed,
    IReadOnlyDictionary<string, decimal> NewMoney,
    IReadOnlyDictionary<string, decimal> Trades)
{
    public bool HasTrades => Trades.Values.Any(t => t != 0m);
}

/// <summary>
/// Drift and rebalancing of a plan's holdings by asset class. A class is out of band when its share differs from
/// the target by more than the threshold. New money is steered first: it fills the underweight classes in
/// proportion to their shortfall, and only what is left follows the target mix. If the plan is still out of band
/// after that, the proposal adds the buys and sells that bring every class back to target.
/// </summary>
public static class Rebalancer
{
    public static RebalanceProposal Propose(
        IReadOnlyDictionary<string, decimal> target, IReadOnlyDictionary<string, decimal> values, decimal newMoney, decimal thresholdRate)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(newMoney);
        var classes = target.Keys.Union(values.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        decimal Target(string c) => target.TryGetValue(c, out var t) ? t : 0m;
        decimal Value(string c) => values.TryGetValue(c, out var v) ? Math.Max(0m, v) : 0m;

        var total = classes.Sum(Value);
        var drifts = classes.Select(c => new Drift(c, Target(c), total > 0m ? Value(c) / total : 0m, Value(c))).ToList();
        var needed = total > 0m && drifts.Any(d => Math.Abs(d.DriftRate) > thresholdRate);

        var after = total + newMoney;
        Dictionary<string, decimal> split;
        if (!needed)
        {
            split = classes.ToDictionary(c => c, c => newMoney * Target(c), StringComparer.OrdinalIgnoreCase);
        }
        else
        {
            var shortfall = classes.ToDictionary(c => c, c => Math.Max(0m, Target(c) * after - Value(c)), StringComparer.OrdinalIgnoreCase);
            var gap = shortfall.Values.Sum();
            split = gap >= newMoney && gap > 0m
                ? classes.ToDictionary(c => c, c => newMoney * shortfall[c] / gap, StringComparer.OrdinalIgnoreCase)
                : classes.ToDictionary(c => c, c => shortfall[c] + (newMoney - gap) * Target(c), StringComparer.OrdinalIgnoreCase);
        }

        var newMoneySplit = RoundToTotal(split, newMoney);
        var trades = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        if (needed && after > 0m)
        {
            var stillOut = classes.Any(c => Math.Abs((Value(c) + newMoneySplit[c]) / after - Target(c)) > thresholdRate);
            if (stillOut)
            {
                var raw = classes.ToDictionary(c => c, c => Target(c) * after - Value(c) - newMoneySplit[c], StringComparer.OrdinalIgnoreCase);
                trades = RoundToTotal(raw, 0m);
            }
        }

        return new RebalanceProposal(drifts, needed, newMoneySplit, trades);
    }

    /// <summary>Rounds each amount to the paisa and puts the rounding difference on the largest, so they add up to <paramref name="total"/>.</summary>
    private static Dictionary<string, decimal> RoundToTotal(Dictionary<string, decimal> amounts, decimal total)
    {
        var rounded = amounts.ToDictionary(a => a.Key, a => Money.Paisa(a.Value), StringComparer.OrdinalIgnoreCase);
        var difference = total - rounded.Values.Sum();
        if (difference != 0m && rounded.Count > 0)
        {
            var largest = rounded.OrderByDescending(a => Math.Abs(a.Value)).ThenBy(a => a.Key, StringComparer.Ordinal).First().Key;
            rounded[largest] += difference;
        }

        return rounded;
    }
}
