using Spark.Core.Formatting;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Web.Services.Accounts;

namespace Spark.Web.Components.Pages.Portfolio;

/// <summary>How holdings' figures read on screen: units by asset type, prices, labels.</summary>
public static class HoldingFormat
{
    /// <summary>Whole units for stocks, ETFs and bonds; 3 decimals for fund units; up to 8 for crypto, without trailing zeros.</summary>
    public static string Quantity(DisplayPreferences format, decimal quantity, SecurityType type)
    {
        ArgumentNullException.ThrowIfNull(format);
        var decimals = type switch
        {
            SecurityType.MutualFund => 3,
            SecurityType.Crypto => 8,
            _ => quantity == decimal.Truncate(quantity) ? 0 : 4,
        };
        var text = format.Number(quantity, decimals);
        return type == SecurityType.Crypto && text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
    }

    /// <summary>A unit price: NAVs to 4 decimals as funds publish them, everything else to the paisa.</summary>
    public static string Price(DisplayPreferences format, decimal price, SecurityType type)
    {
        ArgumentNullException.ThrowIfNull(format);
        return IndianFormat.Money(price, format.CurrencySymbol, type == SecurityType.MutualFund ? 4 : 2, format.Grouping);
    }

    public static string Platform(string platform) =>
        string.IsNullOrEmpty(platform) ? "" : char.ToUpperInvariant(platform[0]) + platform[1..];

    public static string TypeLabel(SecurityType type) => Market.Parts.MarketText.TypePlural(type);

    public static string TransactionLabel(TransactionType type) => type switch
    {
        TransactionType.Sip => "SIP",
        _ => type.ToString(),
    };

    /// <summary>The scoped CSS class that flashes a figure which just moved.</summary>
    public static string? FlashClass(Move move) => move switch
    {
        Move.Up => "flash-up",
        Move.Down => "flash-down",
        _ => null,
    };

    /// <summary>Colour class of a signed figure; callers add a sign or arrow so colour is never the only cue.</summary>
    public static string? GainClass(decimal? value) => value switch
    {
        > 0m => "spark-gain",
        < 0m => "spark-loss",
        _ => null,
    };
}
