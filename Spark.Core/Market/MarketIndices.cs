namespace Spark.Core.Market;

/// <summary>
/// A broad market index computed from its constituents (decision 0051). Both NSE Indices ("Methodology document of
/// NIFTY equity indices": free-float market capitalisation weighted, index value = current free-float market value ÷
/// base market value × base index value) and S&amp;P BSE (SENSEX methodology, free-float market capitalisation) weight
/// constituents by free-float market value. With share counts held fixed, that is a base-weighted sum of price relatives:
/// level = reference level × Σ wᵢ · (Pᵢ / Rᵢ) / Σ wᵢ, where wᵢ is the constituent's free-float weight on the reference
/// date and Rᵢ its price then. Spark's reference date is the simulated market's anchor date (20 Nov 2026), where each
/// security passes through its reference price and each index stands at its reference level.
/// </summary>
public sealed record MarketIndex(string Code, string Name, decimal ReferenceLevel, IReadOnlyDictionary<string, decimal> Weights);

/// <summary>A constituent's prices on the simulated market's continuous (split-adjusted) path: reference, last, previous close.</summary>
public readonly record struct ConstituentPrice(decimal Reference, decimal Last, decimal? PreviousClose);

/// <summary>An index's level and day change (last against the previous session's close).</summary>
public sealed record IndexLevel(string Code, string Name, decimal Level, decimal PreviousClose, int Constituents)
{
    public decimal Change => Level - PreviousClose;

    public decimal ChangeRate => PreviousClose > 0m ? Math.Round((Level - PreviousClose) / PreviousClose, 6) : 0m;
}

public static class MarketIndices
{
    // Approximate free-float weights in per cent, from the indices' published factsheets of late 2025 (NSE Indices'
    // NIFTY 50 and NIFTY Bank factsheets, BSE's SENSEX factsheet), limited to the constituents Spark's simulated market
    // lists (no KOTAKBANK, TATAMOTORS, FEDERALBNK, IDFCFIRSTB, AUBANK or CANBK): the weights left are renormalised. They are
    // held fixed; the real indices drift with prices and are rebalanced twice a year, which a simulation need not follow.
    public static MarketIndex Nifty50 { get; } = new("NIFTY50", "NIFTY 50", 26_000m, new Dictionary<string, decimal>
    {
        ["HDFCBANK"] = 13.0m, ["ICICIBANK"] = 8.9m, ["RELIANCE"] = 8.4m, ["INFY"] = 5.0m, ["BHARTIARTL"] = 4.7m, ["LT"] = 3.9m,
        ["ITC"] = 3.4m, ["TCS"] = 2.9m, ["AXISBANK"] = 3.0m, ["SBIN"] = 3.1m, ["M&M"] = 2.6m, ["BAJFINANCE"] = 2.3m,
        ["HINDUNILVR"] = 2.0m, ["SUNPHARMA"] = 1.6m, ["HCLTECH"] = 1.6m, ["MARUTI"] = 1.7m, ["NTPC"] = 1.4m, ["ETERNAL"] = 1.4m,
        ["TITAN"] = 1.3m, ["ULTRACEMCO"] = 1.2m, ["BEL"] = 1.2m, ["TATASTEEL"] = 1.2m, ["POWERGRID"] = 1.1m, ["ADANIPORTS"] = 0.9m,
        ["ASIANPAINT"] = 0.9m, ["BAJAJFINSV"] = 0.9m, ["JIOFIN"] = 0.9m, ["TRENT"] = 0.8m, ["HINDALCO"] = 0.9m, ["GRASIM"] = 0.8m,
        ["TECHM"] = 0.8m, ["JSWSTEEL"] = 0.8m, ["SHRIRAMFIN"] = 0.8m, ["BAJAJ-AUTO"] = 0.8m, ["ONGC"] = 0.7m, ["CIPLA"] = 0.7m,
        ["COALINDIA"] = 0.7m, ["EICHERMOT"] = 0.7m, ["SBILIFE"] = 0.7m, ["HDFCLIFE"] = 0.7m, ["NESTLEIND"] = 0.7m,
        ["TATACONSUM"] = 0.6m, ["APOLLOHOSP"] = 0.6m, ["DRREDDY"] = 0.6m, ["WIPRO"] = 0.6m, ["ADANIENT"] = 0.5m,
        ["HEROMOTOCO"] = 0.5m, ["INDUSINDBK"] = 0.4m,
    });

    public static MarketIndex NiftyBank { get; } = new("NIFTYBANK", "NIFTY Bank", 59_000m, new Dictionary<string, decimal>
    {
        ["HDFCBANK"] = 28.0m, ["ICICIBANK"] = 24.5m, ["SBIN"] = 9.5m, ["AXISBANK"] = 8.5m, ["INDUSINDBK"] = 3.0m,
        ["BANKBARODA"] = 3.0m, ["PNB"] = 2.5m,
    });

    public static MarketIndex Sensex { get; } = new("SENSEX", "SENSEX", 85_000m, new Dictionary<string, decimal>
    {
        ["HDFCBANK"] = 15.5m, ["ICICIBANK"] = 10.4m, ["RELIANCE"] = 10.0m, ["INFY"] = 5.9m, ["BHARTIARTL"] = 5.6m, ["LT"] = 4.6m,
        ["ITC"] = 4.0m, ["TCS"] = 3.5m, ["AXISBANK"] = 3.5m, ["SBIN"] = 3.6m, ["M&M"] = 3.1m, ["BAJFINANCE"] = 2.7m,
        ["HINDUNILVR"] = 2.3m, ["SUNPHARMA"] = 1.9m, ["HCLTECH"] = 1.9m, ["MARUTI"] = 2.0m, ["NTPC"] = 1.7m, ["ETERNAL"] = 1.6m,
        ["TITAN"] = 1.5m, ["ULTRACEMCO"] = 1.4m, ["BEL"] = 1.4m, ["TATASTEEL"] = 1.4m, ["POWERGRID"] = 1.3m, ["ADANIPORTS"] = 1.1m,
        ["ASIANPAINT"] = 1.1m, ["BAJAJFINSV"] = 1.1m, ["TRENT"] = 1.0m, ["TECHM"] = 0.9m,
    });

    /// <summary>The indices Spark shows, in the order shown.</summary>
    public static IReadOnlyList<MarketIndex> All { get; } = [Nifty50, NiftyBank, Sensex];

    /// <summary>
    /// The index's level and previous close from the constituents that have prices (keyed by symbol). A constituent
    /// without a price (or without a previous close) is left out of both sums and the rest renormalised, so the day
    /// change compares like with like. Null when no constituent has a price. Levels are rounded to 0.01, as published.
    /// </summary>
    public static IndexLevel? Compute(MarketIndex index, IReadOnlyDictionary<string, ConstituentPrice> prices)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(prices);
        decimal weights = 0m, last = 0m, previous = 0m;
        var count = 0;
        foreach (var (symbol, weight) in index.Weights)
        {
            if (!prices.TryGetValue(symbol, out var p) || p.Reference <= 0m || p.Last <= 0m || p.PreviousClose is not > 0m) continue;
            weights += weight;
            last += weight * p.Last / p.Reference;
            previous += weight * p.PreviousClose.Value / p.Reference;
            count++;
        }

        if (count == 0) return null;
        return new IndexLevel(index.Code, index.Name, Math.Round(index.ReferenceLevel * last / weights, 2, MidpointRounding.AwayFromZero),
            Math.Round(index.ReferenceLevel * previous / weights, 2, MidpointRounding.AwayFromZero), count);
    }
}
