namespace Spark.Core.Orders.Matching;

/// <summary>
/// Orders of one kind for one security, filed by price with the first to cross the tick at the front, so a tick
/// walks only the orders it crosses and stops at the first level it does not.
/// </summary>
internal sealed class PriceLadder(IComparer<decimal> frontFirst)
{
    /// <summary>Lowest price first: sell limits (fill when the tick is at or above) and buy stops (trigger at or above).</summary>
    public static readonly IComparer<decimal> Ascending = Comparer<decimal>.Default;

    /// <summary>Highest price first: buy limits (fill when the tick is at or below) and sell stops (trigger at or below).</summary>
    public static readonly IComparer<decimal> Descending = Comparer<decimal>.Create((a, b) => b.CompareTo(a));

    private readonly SortedDictionary<decimal, List<RestingOrder>> _levels = new(frontFirst);

    public void Add(RestingOrder order, decimal price)
    {
        if (!_levels.TryGetValue(price, out var level))
        {
            level = [];
            _levels.Add(price, level);
        }
        level.Add(order);
    }

    public void Remove(RestingOrder order, decimal price)
    {
        if (_levels.TryGetValue(price, out var level) && level.Remove(order) && level.Count == 0)
        {
            _levels.Remove(price);
        }
    }

    /// <summary>Appends the orders whose price the tick reaches, front first, in the order they were filed within a level.</summary>
    public void CollectCrossing(decimal tick, List<RestingOrder> into)
    {
        foreach (var (price, level) in _levels)
        {
            if (frontFirst.Compare(price, tick) > 0)
            {
                break;
            }
            into.AddRange(level);
        }
    }
}

/// <summary>The open orders of one security, indexed by how a tick can reach them.</summary>
internal sealed class SecurityBook(decimal tickSize)
{
    public decimal TickSize { get; set; } = tickSize;

    public PriceLadder BuyLimits { get; } = new(PriceLadder.Descending);
    public PriceLadder SellLimits { get; } = new(PriceLadder.Ascending);
    public PriceLadder BuyStops { get; } = new(PriceLadder.Ascending);
    public PriceLadder SellStops { get; } = new(PriceLadder.Descending);

    /// <summary>Market orders and triggered SL-M orders: every tick fills them.</summary>
    public List<RestingOrder> AtMarket { get; } = [];

    /// <summary>Immediate-or-cancel orders: the next tick fills what it can and cancels the rest.</summary>
    public List<RestingOrder> ImmediateOrCancel { get; } = [];

    public void Index(RestingOrder order)
    {
        if (order.Type == OrderType.StopLoss && !order.Triggered)
        {
            order.IndexKey = order.TriggerPrice!.Value;
            (order.Side == OrderSide.Buy ? BuyStops : SellStops).Add(order, order.IndexKey);
        }
        else if (order.ActsAtMarket)
        {
            AtMarket.Add(order);
        }
        else
        {
            order.IndexKey = order.LimitPrice!.Value;
            (order.Side == OrderSide.Buy ? BuyLimits : SellLimits).Add(order, order.IndexKey);
        }
        if (order.Validity == OrderValidity.Ioc)
        {
            ImmediateOrCancel.Add(order);
        }
        order.Indexed = true;
    }

    /// <summary>Takes the order out of wherever its current state filed it; call before changing that state.</summary>
    public void Unindex(RestingOrder order)
    {
        if (!order.Indexed)
        {
            return;
        }
        if (order.Type == OrderType.StopLoss && !order.Triggered)
        {
            (order.Side == OrderSide.Buy ? BuyStops : SellStops).Remove(order, order.IndexKey);
        }
        else if (order.ActsAtMarket)
        {
            AtMarket.Remove(order);
        }
        else
        {
            (order.Side == OrderSide.Buy ? BuyLimits : SellLimits).Remove(order, order.IndexKey);
        }
        if (order.Validity == OrderValidity.Ioc)
        {
            ImmediateOrCancel.Remove(order);
        }
        order.Indexed = false;
    }
}
