using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;

namespace Spark.Web.Services.Orders;

using Security = Spark.Core.Market.Security;

/// <summary>How a security is charged and taxed, and its price grid.</summary>
public static class Instruments
{
    private static readonly string[] NonEquityWords = ["gold", "silver", "debt", "liquid", "gilt", "bond", "government"];

    /// <summary>Equity ETFs and funds pay STT and are taxed as equity; gold, silver and debt ones are not.</summary>
    public static bool IsEquityOriented(Security security)
    {
        ArgumentNullException.ThrowIfNull(security);
        if (security.Type == SecurityType.Stock) return true;
        if (security.Type is not (SecurityType.Etf or SecurityType.MutualFund)) return false;
        var words = $"{security.Name} {security.Sector} {security.Industry}";
        return !NonEquityWords.Any(w => words.Contains(w, StringComparison.OrdinalIgnoreCase));
    }

    public static ChargeInstrument Charges(Security security) =>
        new(security.Type, security.Exchange is "NSE" or "BSE" ? security.Exchange : null, IsEquityOriented(security));

    public static TaxClass Tax(Security security) => security.Type switch
    {
        SecurityType.Crypto => TaxClass.VirtualDigitalAsset,
        _ when IsEquityOriented(security) => TaxClass.Equity,
        _ => TaxClass.Other,
    };

    /// <summary>Prices move in 5 paise on NSE and BSE; crypto in 1 paisa.</summary>
    public static decimal TickSize(Security security) => security.Type == SecurityType.Crypto ? 0.01m : 0.05m;

    public static int UnitDecimals(Security security) => TransactionRules.UnitDecimals(security.Type);
}
