using Spark.Core.Market;

namespace Spark.Web.Components.Pages.Market.Parts;

/// <summary>How the market screens name things.</summary>
public static class MarketText
{
    /// <summary>The types in the order the filter chips show them.</summary>
    public static IReadOnlyList<SecurityType> Types { get; } =
        [SecurityType.Stock, SecurityType.Etf, SecurityType.MutualFund, SecurityType.Bond, SecurityType.Crypto];

    public static string TypeLabel(SecurityType type) => type switch
    {
        SecurityType.Stock => "Stock",
        SecurityType.Etf => "ETF",
        SecurityType.MutualFund => "Mutual fund",
        SecurityType.Bond => "Bond",
        SecurityType.Crypto => "Crypto",
        _ => type.ToString(),
    };

    public static string TypePlural(SecurityType type) => type switch
    {
        SecurityType.Stock => "Stocks",
        SecurityType.Etf => "ETFs",
        SecurityType.MutualFund => "Mutual funds",
        SecurityType.Bond => "Bonds",
        SecurityType.Crypto => "Crypto",
        _ => type.ToString(),
    };

    /// <summary>Funds are bought and sold at their NAV, published once a day; everything else has a traded price.</summary>
    public static string PriceLabel(SecurityType type) => type == SecurityType.MutualFund ? "NAV" : "Last price";

    public static string Href(string symbol) => "market/" + Uri.EscapeDataString(symbol);
}
