using System.Globalization;
using System.Text.Json;

namespace Spark.Core.Market;

/// <summary>The constants of the simulated market, shared with the demo portfolio so demo trades match the charts.</summary>
public static class SimulatedMarket
{
    public const long DefaultSeed = 2026;

    /// <summary>The date of the securities' reference prices (securities.json): each simulated path passes through it.</summary>
    public static readonly DateOnly AnchorDate = new(2026, 11, 20);

    /// <summary>The reference price the seed data keeps in the security's metadata.</summary>
    public static decimal? AnchorPrice(Security security)
    {
        ArgumentNullException.ThrowIfNull(security);
        return security.Metadata?.RootElement.TryGetProperty("referencePrice", out var p) == true && p.TryGetDecimal(out var price)
            ? price
            : null;
    }

    /// <summary>
    /// Exchanges publish prices as traded, not adjusted: before a split or bonus the price was higher by the
    /// ratio. The simulator's path is continuous (adjusted), so bars before an ex-date are scaled by the
    /// corporate actions listed in the metadata (<c>corporateActions: [{ exDate, ratioNew, ratioOld }]</c>).
    /// A 1:1 bonus doubles the prices before its ex-date.
    /// </summary>
    public static decimal UnadjustedFactor(JsonElement? metadata, DateOnly date)
    {
        if (metadata is not { ValueKind: JsonValueKind.Object } m || !m.TryGetProperty("corporateActions", out var actions)
            || actions.ValueKind != JsonValueKind.Array)
        {
            return 1m;
        }

        var factor = 1m;
        foreach (var action in actions.EnumerateArray())
        {
            if (action.TryGetProperty("exDate", out var ex) && DateOnly.TryParse(ex.GetString(), CultureInfo.InvariantCulture, out var exDate)
                && date < exDate && action.TryGetProperty("ratioNew", out var n) && action.TryGetProperty("ratioOld", out var o)
                && n.TryGetDecimal(out var ratioNew) && o.TryGetDecimal(out var ratioOld) && ratioOld > 0m)
            {
                var isBonus = action.TryGetProperty("type", out var t) && t.GetString() == "bonus";
                factor *= isBonus ? (ratioNew + ratioOld) / ratioOld : ratioNew / ratioOld;
            }
        }

        return factor;
    }

    /// <summary>Scales a simulated bar to the prices as traded on its date, on the security's tick.</summary>
    public static SimBar Unadjust(SimBar bar, JsonElement? metadata, SecurityType type)
    {
        ArgumentNullException.ThrowIfNull(bar);
        var factor = UnadjustedFactor(metadata, bar.TradeDate);
        if (factor == 1m) return bar;
        var tick = SimulationProfile.For(type).Tick;
        decimal Scale(decimal price) => Math.Round(price * factor / tick, MidpointRounding.AwayFromZero) * tick;
        return bar with { Open = Scale(bar.Open), High = Scale(bar.High), Low = Scale(bar.Low), Close = Scale(bar.Close) };
    }

    /// <summary>The close as traded on <paramref name="date"/>, or on the last day before it with a bar.</summary>
    public static decimal CloseOn(PriceSimulator simulator, string symbol, SecurityType type, decimal anchorPrice, JsonElement? metadata, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        var bar = simulator.DailyBars(symbol, type, anchorPrice, date.AddDays(-10), date).Last();
        return Unadjust(bar, metadata, type).Close;
    }
}
