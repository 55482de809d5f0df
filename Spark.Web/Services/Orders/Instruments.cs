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

    /// <summary>
    /// A fund's exit load on <paramref name="date"/>: its own terms when its metadata has <c>exitLoad: { rate, withinDays }</c>
    /// (a rate of 0 for none), otherwise the schedule's default for equity-oriented funds; none for anything but a fund.
    /// </summary>
    public static ExitLoadTerms ExitLoad(Security security, ChargeSchedule schedule, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(security);
        if (security.Type != SecurityType.MutualFund) return ExitLoadTerms.None;
        if (security.Metadata?.RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } metadata
            && metadata.TryGetProperty("exitLoad", out var own) && own.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            var rate = own.TryGetProperty("rate", out var r) && r.TryGetDecimal(out var rv) ? rv : 0m;
            var days = own.TryGetProperty("withinDays", out var d) && d.TryGetInt32(out var dv) ? dv : 0;
            return new ExitLoadTerms(rate, days);
        }

        return ChargesCalculator.DefaultExitLoad(schedule, IsEquityOriented(security), date);
    }

    /// <summary>A fund redemption's charges: STT, and the exit load on the units (oldest lots first) redeemed within the load period.</summary>
    public static ChargesBreakdown RedemptionCharges(ChargeSchedule schedule, Security security, decimal units, decimal nav, DateOnly date,
        IEnumerable<(DateOnly Bought, decimal Units)> lotsOldestFirst)
    {
        var load = ExitLoad(security, schedule, date);
        var underLoad = load.Applies ? ExitLoads.UnitsUnderLoad(lotsOldestFirst, units, date, load.WithinDays) : 0m;
        return ChargesCalculator.CalculateMutualFundRedemption(schedule, units, nav, date, IsEquityOriented(security), load, underLoad);
    }

    /// <summary>Prices move in 5 paise on NSE and BSE; crypto in 1 paisa.</summary>
    public static decimal TickSize(Security security) => security.Type == SecurityType.Crypto ? 0.01m : 0.05m;

    public static int UnitDecimals(Security security) => TransactionRules.UnitDecimals(security.Type);

    /// <summary>Why a quantity with too many decimals is refused, in the security's own terms (api.md, Units).</summary>
    public static string UnitsMessage(Security security)
    {
        ArgumentNullException.ThrowIfNull(security);
        var decimals = UnitDecimals(security);
        return security.Type switch
        {
            SecurityType.Crypto => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Crypto allows at most {decimals} decimals in a quantity (0.00000001 is the smallest unit)."),
            SecurityType.Etf => "ETFs trade in whole units.",
            SecurityType.Bond => "Bonds trade in whole units.",
            _ when decimals == 0 => "Shares trade in whole units.",
            _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Use at most {decimals} decimals for the quantity."),
        };
    }
}
