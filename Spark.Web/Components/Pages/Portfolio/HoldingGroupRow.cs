using Spark.Core;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;

namespace Spark.Web.Components.Pages.Portfolio;

/// <summary>
/// One security as the holdings table and the dashboard's movers show it: the live rows of every platform holding it,
/// summed (decision 0053). Money figures are plain sums of the platform rows, each already rounded to the paisa, so
/// the group adds up to the paisa; the average price is the weighted one, invested ÷ quantity to 4 decimals.
/// </summary>
/// <param name="CombinedXirr">The XIRR of all the platforms' flows together, solved when the screen loaded; null for one platform.</param>
public sealed record HoldingGroupRow(Guid SecurityId, IReadOnlyList<HoldingRow> Platforms, XirrResult? CombinedXirr = null)
{
    private HoldingRow First => Platforms[0];

    public string Symbol => First.Symbol;

    public string Name => First.Name;

    public SecurityType Type => First.Type;

    public bool IsSplit => Platforms.Count > 1;

    public bool IsHeld => Quantity > 0m;

    /// <summary>Whether the paper exchange holds any of it (only that part can be sold with a paper order).</summary>
    public HoldingRow? Paper => Platforms.FirstOrDefault(p => p.Platform == PlatformNames.Paper && p.IsHeld);

    public decimal Quantity => Platforms.Sum(p => p.Quantity);

    public decimal Invested => Platforms.Sum(p => p.Invested);

    public decimal AveragePrice => Quantity == 0m ? 0m : Money.UnitPrice(Invested / Quantity);

    public decimal? Price => Platforms.Select(p => p.Price).FirstOrDefault(p => p is not null);

    public decimal CurrentValue => Platforms.Sum(p => p.CurrentValue);

    public decimal DayChange => Platforms.Sum(p => p.DayChange);

    /// <summary>The security's move today (one price, one previous close, whichever platform holds it).</summary>
    public decimal? DayChangeRate => Platforms.Select(p => p.DayChangeRate).FirstOrDefault(r => r is not null);

    public decimal RealizedPnl => Platforms.Sum(p => p.RealizedPnl);

    public decimal Income => Platforms.Sum(p => p.Income);

    public decimal CostOfAllBuys => Platforms.Sum(p => p.CostOfAllBuys);

    public decimal UnrealizedPnl => CurrentValue - Invested;

    public decimal? ReturnsRate => Invested == 0m ? null : Money.Rate(UnrealizedPnl / Invested);

    public decimal TotalReturn => UnrealizedPnl + RealizedPnl + Income;

    public decimal? AbsoluteReturnRate => CostOfAllBuys == 0m ? null : Money.Rate(TotalReturn / CostOfAllBuys);

    public decimal? Xirr => IsSplit ? CombinedXirr?.Rate : First.Xirr;

    public string? XirrNote => IsSplit ? CombinedXirr?.Note ?? "Shown per platform: expand the row." : First.XirrNote;

    public DateOnly? FirstInvested => Platforms.Select(p => p.FirstInvested).Where(d => d is not null).Min();

    /// <summary>Changes with any platform row's tick, for the flash animation's key.</summary>
    public int Version => Platforms.Sum(p => p.Version);

    public Move Move => Platforms.Select(p => p.Move).FirstOrDefault(m => m != Move.None);

    /// <summary>Where the group leads: the holding itself when on one platform.</summary>
    public string Href => IsSplit ? $"portfolio?expand={Uri.EscapeDataString(Symbol)}" : $"portfolio/holdings/{First.InvestmentId}";

    /// <summary>
    /// Groups rows by security, keeping the order of first appearance; platforms by value (largest first), then name.
    /// <paramref name="combined"/> is used for a group only when it holds every platform it was solved over.
    /// </summary>
    public static List<HoldingGroupRow> Of(IEnumerable<HoldingRow> rows, IReadOnlyDictionary<Guid, (XirrResult Xirr, int Platforms)>? combined = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return [.. rows.GroupBy(r => r.SecurityId).Select(g =>
        {
            var platforms = g.OrderByDescending(r => r.CurrentValue).ThenBy(r => r.Platform, StringComparer.Ordinal).ToList();
            XirrResult? xirr = combined is not null && combined.TryGetValue(g.Key, out var c) && c.Platforms == platforms.Count ? c.Xirr : null;
            return new HoldingGroupRow(g.Key, platforms, xirr);
        })];
    }
}
