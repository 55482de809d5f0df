using Spark.Core;
using Spark.Core.Market;
using Spark.Core.Portfolio;

namespace Spark.Web.Services.Portfolio;

/// <summary>
/// One security across every platform it is held on: how the holdings screen, the dashboard's movers and
/// GET /portfolio/holdings present the (user, security, platform) investments, which stay separate underneath
/// (FIFO and tax run per platform, api.md "Investment").
/// </summary>
/// <remarks>
/// Every money figure is the plain sum of the platform rows, each already rounded to the paisa, so the group adds up
/// to the paisa by construction. The average price is the weighted one, invested ÷ quantity, rounded to 4 decimals as a
/// single holding's is. The day change rate is the security's (one price, one previous close); XIRR is solved once over
/// the platforms' flows together.
/// </remarks>
public sealed record HoldingGroup(Guid SecurityId, string Symbol, string Name, SecurityType Type, string? Sector, IReadOnlyList<HoldingView> Platforms)
{
    public decimal Quantity => Platforms.Sum(p => p.Result.Position.Quantity);

    public decimal InvestedAmount => Platforms.Sum(p => p.Result.Position.InvestedAmount);

    public decimal AverageBuyPrice => Quantity == 0m ? 0m : Money.UnitPrice(InvestedAmount / Quantity);

    public decimal? CurrentPrice => Platforms.Select(p => p.Result.CurrentPrice).FirstOrDefault(p => p is not null);

    public decimal CurrentValue => Platforms.Sum(p => p.Result.CurrentValue);

    public decimal RealizedPnl => Platforms.Sum(p => p.Result.Position.RealizedPnl);

    public decimal UnrealizedPnl => CurrentValue - InvestedAmount;

    public decimal DividendIncome => Platforms.Sum(p => p.Result.Position.Income);

    public decimal? ReturnsRate => InvestedAmount == 0m ? null : Money.Rate(UnrealizedPnl / InvestedAmount);

    public decimal DayChange => Platforms.Sum(p => p.Result.DayChange);

    public decimal? DayChangeRate => Platforms.Where(p => p.Result.Position.Quantity > 0m).Select(p => p.Result.DayChangeRate).FirstOrDefault(r => r is not null)
        ?? Platforms.Select(p => p.Result.DayChangeRate).FirstOrDefault(r => r is not null);

    public XirrResult Xirr => Platforms.Count == 1 ? Platforms[0].Result.Xirr : CombinedXirr(Platforms.Select(p => p.Result));

    public bool IsHeld => Quantity > 0m;

    /// <summary>The XIRR of several holdings of one security taken together: one solve over all their flows.</summary>
    public static XirrResult CombinedXirr(IEnumerable<HoldingResult> holdings) =>
        Spark.Core.Portfolio.Xirr.Solve(holdings.SelectMany(h => h.Flows));

    /// <summary>The holdings grouped by security, in the order of their first appearance; platforms by value, then name.</summary>
    public static List<HoldingGroup> Of(IEnumerable<HoldingView> holdings)
    {
        ArgumentNullException.ThrowIfNull(holdings);
        return [.. holdings.GroupBy(h => h.Info.SecurityId).Select(g =>
        {
            var platforms = g.OrderByDescending(h => h.Result.CurrentValue).ThenBy(h => h.Info.Platform, StringComparer.Ordinal).ToList();
            var first = platforms[0].Info;
            return new HoldingGroup(g.Key, first.Symbol, first.Name, first.Type, first.Sector, platforms);
        })];
    }
}
