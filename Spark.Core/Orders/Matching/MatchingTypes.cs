namespace Spark.Core.Orders.Matching;

/// <summary>How the paper exchange fills: slippage, tick size and liquidity.</summary>
public sealed record MatchingOptions
{
    /// <summary>What a market order loses to the tick price, in basis points: a buy pays more, a sell gets less.</summary>
    public decimal SlippageBasisPoints { get; init; }

    /// <summary>The price grid of exchange-traded securities (NSE and BSE: 5 paise); others are set per security.</summary>
    public decimal TickSize { get; init; } = 0.05m;

    /// <summary>The most one order fills on one tick (none: unlimited); a bigger order fills across ticks.</summary>
    public decimal? MaxQuantityPerTick { get; init; }

    /// <summary>How long a GTC order stays open: NSE has no GTC, so Spark keeps it as good-till-triggered for a year (decision 0014).</summary>
    public int GtcLifetimeYears { get; init; } = 1;
}

/// <summary>One execution of an order. <paramref name="Final"/> says this fill completed the order.</summary>
public sealed record Fill(Guid OrderId, decimal Quantity, decimal Price, DateTimeOffset At, bool Final);

public enum OrderEventKind
{
    /// <summary>A bracket child became active because its entry filled (pending → placed).</summary>
    Activated,
    Triggered,
    PartiallyFilled,
    Filled,
    Cancelled,
    Expired,
}

public enum CancelReason
{
    /// <summary>The investor (or the API) cancelled it.</summary>
    Requested,
    /// <summary>Immediate-or-cancel: the rest after the first tick.</summary>
    ImmediateOrCancel,
    /// <summary>The bracket sibling sold the shares this child was protecting.</summary>
    SiblingFilled,
    /// <summary>The bracket entry closed without buying the shares this child would sell.</summary>
    EntryClosed,
    /// <summary>A day order still open at the close.</summary>
    DayClose,
    /// <summary>A GTC order older than its lifetime.</summary>
    GtcLifetime,
}

/// <summary>
/// A change of an order's state. <paramref name="Filled"/> is the order's cumulative filled quantity after the
/// change; <paramref name="Reason"/> is set for Cancelled and Expired.
/// </summary>
public sealed record OrderEvent(Guid OrderId, OrderEventKind Kind, DateTimeOffset At, decimal Filled, CancelReason? Reason = null);

/// <summary>What one tick did.</summary>
public sealed record TickResult(IReadOnlyList<Fill> Fills, IReadOnlyList<OrderEvent> Events)
{
    public static TickResult None { get; } = new([], []);
}

/// <summary>
/// The outcome of a cancel. <paramref name="Unfilled"/> is the quantity cancelled, <paramref name="Filled"/> what
/// stays filled (a cancel after a partial fill keeps it). Refused (order unknown or already final) with a reason.
/// </summary>
public sealed record CancelResult(bool Accepted, decimal Unfilled, decimal Filled, IReadOnlyList<OrderEvent> Events, string? Reason = null);

public sealed record ModifyResult(bool Accepted, string? Reason = null);
