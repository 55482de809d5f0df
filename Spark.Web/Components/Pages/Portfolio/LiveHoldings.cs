using Spark.Core;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Components.Pages.Portfolio;

/// <summary>Which way a figure last moved, for the brief flash a screen gives it.</summary>
public enum Move { None, Up, Down }

/// <summary>
/// One holding as the screens show it. Immutable: a tick produces a new row with the next <see cref="Version"/>,
/// which screens put in an element's key so the flash animation restarts.
/// </summary>
public sealed record HoldingRow(
    Guid InvestmentId,
    Guid SecurityId,
    string Symbol,
    string Name,
    SecurityType Type,
    string Platform,
    string? Sector,
    decimal Quantity,
    decimal AveragePrice,
    decimal Invested,
    decimal? Price,
    decimal? PreviousClose,
    decimal CurrentValue,
    decimal DayChange,
    decimal? DayChangeRate,
    decimal RealizedPnl,
    decimal Income,
    decimal CostOfAllBuys,
    decimal? Xirr,
    string? XirrNote,
    DateOnly? FirstInvested,
    int Version = 0,
    Move Move = Move.None)
{
    public bool IsHeld => Quantity > 0m;

    public decimal UnrealizedPnl => CurrentValue - Invested;

    public decimal? ReturnsRate => Invested == 0m ? null : Money.Rate(UnrealizedPnl / Invested);

    /// <summary>Unrealized and realized gains plus dividends and interest.</summary>
    public decimal TotalReturn => UnrealizedPnl + RealizedPnl + Income;

    /// <summary>Total return over every rupee put in (open and sold lots): the "absolute return" Indian apps show.</summary>
    public decimal? AbsoluteReturnRate => CostOfAllBuys == 0m ? null : Money.Rate(TotalReturn / CostOfAllBuys);

    public static HoldingRow From(HoldingView view, decimal? previousClose)
    {
        ArgumentNullException.ThrowIfNull(view);
        var (info, result) = (view.Info, view.Result);
        var position = result.Position;
        var dates = position.OpenLots.Select(l => l.Date).Concat(position.Sales.Select(s => s.BuyDate)).ToList();
        return new HoldingRow(info.InvestmentId, info.SecurityId, info.Symbol, info.Name, info.Type, info.Platform, info.Sector,
            position.Quantity, position.AverageBuyPrice, position.InvestedAmount, result.CurrentPrice, previousClose, result.CurrentValue,
            result.DayChange, result.DayChangeRate, position.RealizedPnl, position.Income,
            position.InvestedAmount + position.Sales.Sum(s => s.CostBasis), result.Xirr.Rate, result.Xirr.Note,
            dates.Count == 0 ? null : dates.Min());
    }

    /// <summary>The row at a new price: value = quantity × price, day change = quantity × (price − previous close), to the paisa.</summary>
    public HoldingRow At(decimal price, decimal? previousClose)
    {
        var previous = previousClose ?? PreviousClose;
        var hasPrevious = previous is > 0m && IsHeld;
        return this with
        {
            Price = price,
            PreviousClose = previous,
            CurrentValue = Money.Paisa(Quantity * price),
            DayChange = hasPrevious ? Money.Paisa(Quantity * (price - previous!.Value)) : 0m,
            DayChangeRate = previous is > 0m ? Money.Rate((price - previous.Value) / previous.Value) : null,
            Version = Version + 1,
            Move = Price is { } old && price < old ? Move.Down : Move.Up,
        };
    }
}

/// <summary>The portfolio's totals, summed from its rows so they move with the live prices.</summary>
public sealed record PortfolioTotals(decimal CurrentValue, decimal Invested, decimal DayChange, decimal RealizedPnl, decimal Income,
    decimal CostOfAllBuys, int Held)
{
    // Held counts securities, not platform rows: one row per holding (decision 0053).
    public static readonly PortfolioTotals Empty = new(0m, 0m, 0m, 0m, 0m, 0m, 0);

    public decimal UnrealizedPnl => CurrentValue - Invested;

    public decimal? ReturnsRate => Invested == 0m ? null : Money.Rate(UnrealizedPnl / Invested);

    /// <summary>Measured from yesterday's value of what is held, as the engine does.</summary>
    public decimal? DayChangeRate => CurrentValue - DayChange is > 0m and var before ? Money.Rate(DayChange / before) : null;

    public decimal TotalReturn => UnrealizedPnl + RealizedPnl + Income;

    public decimal? AbsoluteReturnRate => CostOfAllBuys == 0m ? null : Money.Rate(TotalReturn / CostOfAllBuys);

    public static PortfolioTotals Of(IReadOnlyCollection<HoldingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new PortfolioTotals(rows.Sum(r => r.CurrentValue), rows.Sum(r => r.Invested), rows.Sum(r => r.DayChange), rows.Sum(r => r.RealizedPnl),
            rows.Sum(r => r.Income), rows.Sum(r => r.CostOfAllBuys), rows.Where(r => r.IsHeld).Select(r => r.SecurityId).Distinct().Count());
    }
}

/// <summary>
/// A screen's holdings kept current by live ticks. Not thread-safe: apply batches on the circuit's
/// dispatcher (inside InvokeAsync).
/// </summary>
public sealed class LiveHoldings
{
    private List<HoldingRow> _rows;

    public LiveHoldings(IEnumerable<HoldingRow> rows)
    {
        _rows = [.. rows];
        Totals = PortfolioTotals.Of(_rows);
        SecurityIds = _rows.Select(r => r.SecurityId).ToHashSet();
    }

    /// <summary>A new list after every change, so components given it see a new parameter.</summary>
    public IReadOnlyList<HoldingRow> Rows => _rows;

    public PortfolioTotals Totals { get; private set; }

    /// <summary>Bumped when the current value total changes; <see cref="TotalsMove"/> says which way.</summary>
    public int TotalsVersion { get; private set; }

    public Move TotalsMove { get; private set; }

    public IReadOnlySet<Guid> SecurityIds { get; }

    /// <summary>
    /// The server time of the newest tick that moved a row (null before the first): script/load pairs the moment a figure
    /// changes in the browser with it to measure tick-to-DOM latency (decision 0067).
    /// </summary>
    public DateTimeOffset? TickAt { get; private set; }

    /// <summary>For each security held on several platforms, the XIRR of them together (solved at load, like each row's).</summary>
    public IReadOnlyDictionary<Guid, (XirrResult Xirr, int Platforms)> CombinedXirr { get; private init; } =
        new Dictionary<Guid, (XirrResult, int)>();

    /// <summary>
    /// Raised by <see cref="Apply"/> after a tick moved a row, on the thread that applied it (the circuit's dispatcher):
    /// a <see cref="LiveRegion"/> renders only its own part of the screen on it, so a tick re-renders the few live
    /// figures, not the whole page (decision 0068).
    /// </summary>
    public event Action? Changed;

    public static LiveHoldings From(PortfolioView view, PriceBook prices)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(prices);
        return new LiveHoldings(view.Holdings.Select(h =>
            HoldingRow.From(h, prices.TryGet(h.Info.SecurityId, out var quote) ? quote.PreviousClose : null)))
        {
            CombinedXirr = view.Holdings.GroupBy(h => h.Info.SecurityId).Where(g => g.Count() > 1)
                .ToDictionary(g => g.Key, g => (HoldingGroup.CombinedXirr(g.Select(h => h.Result)), g.Count())),
        };
    }

    /// <returns>True when a row's price changed (the screen should render).</returns>
    public bool Apply(IReadOnlyDictionary<Guid, PriceTick> ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        var changed = false;
        var next = new List<HoldingRow>(_rows.Count);
        foreach (var row in _rows)
        {
            if (ticks.TryGetValue(row.SecurityId, out var tick) && tick.Price != row.Price)
            {
                next.Add(row.At(tick.Price, tick.PreviousClose));
                changed = true;
                if (TickAt is not { } newest || tick.At > newest) TickAt = tick.At;
            }
            else
            {
                next.Add(row);
            }
        }

        if (!changed) return false;
        _rows = next;
        var totals = PortfolioTotals.Of(_rows);
        if (totals.CurrentValue != Totals.CurrentValue)
        {
            TotalsMove = totals.CurrentValue > Totals.CurrentValue ? Move.Up : Move.Down;
            TotalsVersion++;
        }

        Totals = totals;
        Changed?.Invoke();
        return true;
    }
}
