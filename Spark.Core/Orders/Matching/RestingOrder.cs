namespace Spark.Core.Orders.Matching;

/// <summary>
/// An open order as the matching engine holds it. The caller sets the terms when adding it; the engine owns
/// the state afterwards (<see cref="Filled"/>, <see cref="Triggered"/>, <see cref="Status"/>, the bracket links),
/// so read it on the engine's thread. <see cref="Filled"/> and <see cref="Triggered"/> can be given when adding
/// so that open orders reloaded after a restart continue where they stopped.
/// </summary>
public sealed class RestingOrder
{
    private decimal _quantity;
    private decimal _filled;
    private decimal? _limitPrice;
    private decimal? _triggerPrice;
    private bool _triggered;

    public required Guid OrderId { get; init; }
    public required Guid SecurityId { get; init; }
    public required OrderSide Side { get; init; }

    /// <summary>Market, Limit or StopLoss; a bracket is three resting orders added by <see cref="OrderBook.AddBracket"/>.</summary>
    public required OrderType Type { get; init; }

    /// <summary>
    /// For a bracket child this is the entry's quantity less what the sibling has filled, so the shares bought
    /// by the entry are reserved once across target and stop.
    /// </summary>
    public required decimal Quantity { get => _quantity; init => _quantity = value; }

    public decimal Filled { get => _filled; init => _filled = value; }

    /// <summary>The limit of a limit order, or of a stop-loss once triggered (none: SL-M, at market).</summary>
    public decimal? LimitPrice { get => _limitPrice; init => _limitPrice = value; }

    /// <summary>The trigger of a stop-loss order (the ticket's <c>stop_loss</c> field).</summary>
    public decimal? TriggerPrice { get => _triggerPrice; init => _triggerPrice = value; }

    public OrderValidity Validity { get; init; } = OrderValidity.Day;

    /// <summary>When the order was placed: a day order placed after the close belongs to the next session, and GTC lasts a year from here.</summary>
    public DateTimeOffset PlacedAt { get; init; }

    /// <summary>Whether a stop-loss has been triggered and now rests as a limit or market order.</summary>
    public bool Triggered { get => _triggered; init => _triggered = value; }

    /// <summary>The bracket entry of a target or stop child.</summary>
    public Guid? ParentId { get; private set; }

    /// <summary>Shared by a bracket's target and stop: a fill of one reduces the other.</summary>
    public Guid? OcoGroup { get; private set; }

    /// <summary>Pending (a bracket child waiting for its entry to fill), Placed, PartiallyFilled, Executed or Cancelled.</summary>
    public OrderStatus Status { get; internal set; } = OrderStatus.Placed;

    public decimal Remaining => _quantity - _filled;

    public bool IsFinal => Status is OrderStatus.Executed or OrderStatus.Cancelled or OrderStatus.Rejected;

    /// <summary>Set for the three orders of a bracket.</summary>
    internal BracketLink? Bracket { get; private set; }

    /// <summary>Whether the order sits in its security's ladders (a pending bracket child does not).</summary>
    internal bool Indexed { get; set; }

    /// <summary>The price the order is filed under in its ladder, kept so a modify can find the old entry.</summary>
    internal decimal IndexKey { get; set; }

    /// <summary>
    /// What the order may fill now. A bracket child may sell only what its entry has bought and its sibling has not
    /// sold yet; any other order its unfilled rest.
    /// </summary>
    internal decimal Tradeable => Bracket is { } b && b.Entry != this ? Math.Min(Remaining, b.Available) : Remaining;

    /// <summary>Whether the order, as it stands, fills against the tick without a price condition.</summary>
    internal bool ActsAtMarket => Type == OrderType.Market || (Type == OrderType.StopLoss && _triggered && _limitPrice is null);

    internal void Link(BracketLink bracket, Guid? parentId, Guid? ocoGroup)
    {
        Bracket = bracket;
        ParentId = parentId;
        OcoGroup = ocoGroup;
    }

    internal void AddFill(decimal quantity) => _filled += quantity;

    internal void SetQuantity(decimal quantity) => _quantity = quantity;

    internal void SetLimitPrice(decimal? price) => _limitPrice = price;

    internal void SetTriggerPrice(decimal? price) => _triggerPrice = price;

    internal void MarkTriggered() => _triggered = true;
}

/// <summary>The three orders of a bracket and how much of the entry's fill the children may still sell.</summary>
internal sealed class BracketLink(RestingOrder entry, RestingOrder target, RestingOrder stop)
{
    public RestingOrder Entry { get; } = entry;
    public RestingOrder Target { get; } = target;
    public RestingOrder Stop { get; } = stop;

    /// <summary>Bought by the entry and not yet sold by either child.</summary>
    public decimal Available => Entry.Filled - Target.Filled - Stop.Filled;

    public RestingOrder SiblingOf(RestingOrder child) => child == Target ? Stop : Target;
}
