using Spark.Core.Market;

namespace Spark.Core.Orders;

/// <summary>Whether the paper exchange takes an order of this shape, and what the ticket should tell the investor.</summary>
public sealed record OrderSupportResult(bool Accepted, string? Reason = null, string? Note = null);

/// <summary>
/// The schema keeps every order type and validity; Indian markets do not offer every combination
/// (decision 0014). This is the one place that says which are accepted and why.
/// </summary>
public static class OrderSupport
{
    public static OrderSupportResult Check(SecurityType security, OrderType type, OrderValidity validity)
    {
        if (security == SecurityType.MutualFund)
        {
            return type == OrderType.Market && validity == OrderValidity.Day
                ? new(true, Note: "Mutual funds are bought by amount and redeemed by units at the next NAV; orders after the 15:00 IST cut-off get the next day's NAV.")
                : new(false, "Mutual funds trade once a day at NAV: only a market order (by amount to buy, by units to redeem), valid for the day.");
        }
        if (type == OrderType.Bracket && security is SecurityType.Bond or SecurityType.Crypto)
        {
            return new(false, "Bracket orders are offered for stocks and ETFs only.");
        }
        if (validity == OrderValidity.Ioc && type is OrderType.StopLoss or OrderType.Bracket)
        {
            return new(false, "Immediate-or-cancel applies to orders that can fill now: market or limit.");
        }
        if (validity == OrderValidity.Gtc && security != SecurityType.Crypto)
        {
            return new(true, Note: "NSE has no good-till-cancelled orders: Spark keeps this one open until it triggers, for at most a year.");
        }
        return type == OrderType.Bracket
            ? new(true, Note: "The target and stop-loss are placed as linked orders; when one fills, the other is cancelled.")
            : new(true);
    }
}
