namespace Spark.Core.Orders.Matching;

/// <summary>
/// The paper exchange's matching engine: open orders of many securities, filled against price ticks (there is
/// no counterparty; the tick is the market). Pure and in memory: the caller persists fills and events.
/// </summary>
/// <remarks>
/// Not thread-safe, on purpose: one engine is driven by one thread (ticks, adds, modifies, cancels and the
/// close all go through the same queue), so a cancel that races a fill is decided by which reached the queue
/// first, and a tick needs no lock. To use more cores, give each engine its own share of the securities.
/// Resting orders are filed per security in price ladders (buy limits highest first, sell limits lowest first,
/// buy stops lowest trigger first, sell stops highest trigger first), so a tick touches only the orders it
/// triggers or crosses, plus market and immediate-or-cancel orders, which fill on the next tick anyway.
/// </remarks>
public sealed class OrderBook
{
    private readonly MatchingOptions _options;
    private readonly Dictionary<Guid, SecurityBook> _books = [];
    private readonly Dictionary<Guid, RestingOrder> _open = [];

    // Reused by every tick: the engine runs on one thread, and a tick should not allocate for its working set.
    private readonly List<RestingOrder> _reached = [];

    public OrderBook(MatchingOptions? options = null)
    {
        _options = options ?? new MatchingOptions();
        if (_options.TickSize <= 0)
        {
            throw new ArgumentException("The tick size must be positive.", nameof(options));
        }
        if (_options.SlippageBasisPoints is < 0 or >= 10_000)
        {
            throw new ArgumentException("Slippage must be at least 0 and under 10,000 basis points.", nameof(options));
        }
        if (_options.MaxQuantityPerTick is <= 0)
        {
            throw new ArgumentException("The liquidity cap, when set, must be positive.", nameof(options));
        }
        if (_options.GtcLifetimeYears < 1)
        {
            throw new ArgumentException("A GTC order lives at least a year.", nameof(options));
        }
    }

    public int OpenOrderCount => _open.Count;

    /// <summary>An open order (pending bracket children included); null once it is filled, cancelled or expired.</summary>
    public RestingOrder? Find(Guid orderId) => _open.GetValueOrDefault(orderId);

    /// <summary>The price grid of one security when it differs from the default (crypto trades in paise: 0.01).</summary>
    public void SetTickSize(Guid securityId, decimal tickSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tickSize);
        BookOf(securityId).TickSize = tickSize;
    }

    /// <summary>Adds a market, limit or stop-loss order. Malformed orders throw: the ticket validates before placing.</summary>
    public void Add(RestingOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var book = BookOf(order.SecurityId);
        Validate(order, book);
        _open.Add(order.OrderId, order);
        order.Status = order.Filled > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Placed;
        book.Index(order);
    }

    /// <summary>
    /// Adds a bracket: the entry rests now; the target (a limit on the other side) and the stop (a stop-loss on the
    /// other side) wait as pending and become active for whatever the entry fills. They share an OCO group (the
    /// entry's id): a fill of one reduces the other by as much, so the entry's shares are sold once.
    /// </summary>
    public void AddBracket(RestingOrder entry, RestingOrder target, RestingOrder stop)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(stop);
        var book = BookOf(entry.SecurityId);
        Validate(entry, book);
        Validate(target, book);
        Validate(stop, book);
        ValidateBracket(entry, target, stop);
        RestoreBracket(entry, OrderStatus.Placed, target, OrderStatus.Pending, stop, OrderStatus.Pending, entry.PlacedAt);
    }

    /// <summary>
    /// Puts a stored bracket back as it stood (after a restart): the entry open, or closed with what it bought; the
    /// target and stop pending, active or closed; linked one-cancels-other again. The children's quantities follow
    /// from the entry and each other's fills as they would have in this book. Returns the events of children that
    /// turn out to have nothing left to sell, for the caller to record.
    /// </summary>
    public IReadOnlyList<OrderEvent> RestoreBracket(RestingOrder entry, OrderStatus entryStatus, RestingOrder target, OrderStatus targetStatus,
        RestingOrder stop, OrderStatus stopStatus, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(stop);
        var book = BookOf(entry.SecurityId);
        var link = new BracketLink(entry, target, stop);
        entry.Link(link, null, null);
        target.Link(link, entry.OrderId, entry.OrderId);
        stop.Link(link, entry.OrderId, entry.OrderId);
        entry.Status = entryStatus;
        target.Status = targetStatus;
        stop.Status = stopStatus;
        var events = new List<OrderEvent>();
        if (!entry.IsFinal)
        {
            _open.Add(entry.OrderId, entry);
            book.Index(entry);
        }

        // What each child may sell in all: the entry's quantity while it is open, what it bought once it closed; less what the sibling sold.
        var basis = entry.IsFinal ? entry.Filled : entry.Quantity;
        foreach (var child in new[] { target, stop })
        {
            if (child.IsFinal) continue;
            child.SetQuantity(basis - link.SiblingOf(child).Filled);
            _open.Add(child.OrderId, child);
            if (child.Remaining <= 0)
            {
                CloseSpent(child, book, link.SiblingOf(child).Filled > 0 ? CancelReason.SiblingFilled : CancelReason.EntryClosed, at, events);
            }
            else if (child.Status != OrderStatus.Pending)
            {
                book.Index(child);
            }
        }

        return events;
    }

    /// <summary>
    /// Changes the quantity, limit or trigger of an open order. Refused when the order is final, when the new
    /// quantity does not exceed what has filled, or when the change does not fit the order's type.
    /// </summary>
    public ModifyResult Modify(Guid orderId, decimal? quantity = null, decimal? limitPrice = null, decimal? triggerPrice = null)
    {
        if (!_open.TryGetValue(orderId, out var order))
        {
            return new(false, "The order is no longer open: it has filled, been cancelled or expired.");
        }
        if (quantity is null && limitPrice is null && triggerPrice is null)
        {
            return new(false, "Nothing to change.");
        }
        var book = _books[order.SecurityId];
        var isChild = order.Bracket is { } b && b.Entry != order;
        if (quantity is { } q)
        {
            if (isChild)
            {
                return new(false, "A bracket's target and stop follow the entry's quantity.");
            }
            if (q <= order.Filled)
            {
                return new(false, $"The new quantity must exceed what has filled ({order.Filled}).");
            }
        }
        if (limitPrice is { } limit)
        {
            if (order.Type == OrderType.Market)
            {
                return new(false, "A market order has no limit price.");
            }
            if (!OnGrid(limit, book.TickSize))
            {
                return new(false, $"The limit must be a positive multiple of the tick size {book.TickSize}.");
            }
        }
        if (triggerPrice is { } trigger)
        {
            if (order.Type != OrderType.StopLoss)
            {
                return new(false, "Only a stop-loss order has a trigger.");
            }
            if (order.Triggered)
            {
                return new(false, "The stop-loss has already triggered.");
            }
            if (!OnGrid(trigger, book.TickSize))
            {
                return new(false, $"The trigger must be a positive multiple of the tick size {book.TickSize}.");
            }
        }

        // Re-filed after the change: the ladders are keyed by the very prices being changed.
        var wasIndexed = order.Indexed;
        book.Unindex(order);
        if (quantity is { } newQuantity)
        {
            var delta = newQuantity - order.Quantity;
            order.SetQuantity(newQuantity);
            if (order.Bracket is { } bracket)
            {
                foreach (var child in new[] { bracket.Target, bracket.Stop })
                {
                    if (!child.IsFinal)
                    {
                        child.SetQuantity(child.Quantity + delta);
                    }
                }
            }
        }
        if (limitPrice is not null)
        {
            order.SetLimitPrice(limitPrice);
        }
        if (triggerPrice is not null)
        {
            order.SetTriggerPrice(triggerPrice);
        }
        if (wasIndexed)
        {
            book.Index(order);
        }
        return new(true);
    }

    /// <summary>
    /// Cancels the unfilled rest of an open order; what has filled stays filled. Cancelling a bracket entry that
    /// bought nothing cancels its children; one that bought some leaves them protecting what it bought.
    /// </summary>
    public CancelResult Cancel(Guid orderId, DateTimeOffset at)
    {
        if (!_open.TryGetValue(orderId, out var order))
        {
            return new(false, 0, 0, [], "The order is no longer open: it has filled, been cancelled or expired.");
        }
        var events = new List<OrderEvent>();
        var unfilled = order.Remaining;
        Close(order, OrderEventKind.Cancelled, CancelReason.Requested, at, events);
        return new(true, unfilled, order.Filled, events);
    }

    /// <summary>
    /// Run at the session's close: expires the day and immediate-or-cancel orders placed before it (an order placed
    /// after the close is an after-market order for the next session) and GTC orders past their lifetime.
    /// </summary>
    public IReadOnlyList<OrderEvent> ExpireDayOrders(DateTimeOffset close)
    {
        var events = new List<OrderEvent>();
        foreach (var order in _open.Values.ToList())
        {
            if (order.IsFinal)
            {
                continue; // closed earlier in this loop with its bracket entry
            }
            if (order.Validity is OrderValidity.Day or OrderValidity.Ioc && order.PlacedAt <= close)
            {
                Close(order, OrderEventKind.Expired, CancelReason.DayClose, close, events);
            }
            else if (order.Validity == OrderValidity.Gtc && GtcLapsed(order, close))
            {
                Close(order, OrderEventKind.Expired, CancelReason.GtcLifetime, close, events);
            }
        }
        return events;
    }

    /// <summary>
    /// Matches one price tick of one security: triggers the stops it reaches (they then fill on this same tick as
    /// limit or market orders), fills market orders at the tick with slippage and limits the tick crosses at the
    /// tick or better, then cancels what immediate-or-cancel orders left. Bracket children activated by this tick
    /// match from the next one.
    /// </summary>
    public TickResult OnTick(Guid securityId, decimal price, DateTimeOffset at)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(price);
        if (!_books.TryGetValue(securityId, out var book))
        {
            return TickResult.None;
        }
        List<Fill>? fills = null;
        List<OrderEvent>? events = null;

        _reached.Clear();
        book.SellStops.CollectCrossing(price, _reached);
        book.BuyStops.CollectCrossing(price, _reached);
        foreach (var order in _reached)
        {
            if (order.IsFinal)
            {
                continue; // closed earlier in this tick with its bracket entry
            }
            if (GtcLapsed(order, at))
            {
                Close(order, OrderEventKind.Expired, CancelReason.GtcLifetime, at, events ??= []);
                continue;
            }
            book.Unindex(order);
            order.MarkTriggered();
            book.Index(order);
            (events ??= []).Add(new(order.OrderId, OrderEventKind.Triggered, at, order.Filled));
        }

        _reached.Clear();
        _reached.AddRange(book.AtMarket);
        book.BuyLimits.CollectCrossing(price, _reached);
        book.SellLimits.CollectCrossing(price, _reached);
        foreach (var order in _reached)
        {
            if (order.IsFinal)
            {
                continue; // its bracket sibling sold the shares earlier in this tick
            }
            if (GtcLapsed(order, at))
            {
                Close(order, OrderEventKind.Expired, CancelReason.GtcLifetime, at, events ??= []);
                continue;
            }
            var quantity = Math.Min(order.Tradeable, _options.MaxQuantityPerTick ?? decimal.MaxValue);
            if (quantity <= 0)
            {
                continue; // a bracket child whose entry has bought nothing it may sell yet
            }
            var fillPrice = order.ActsAtMarket
                ? WithSlippage(price, order.Side, book.TickSize)
                : order.Side == OrderSide.Buy ? Math.Min(price, order.LimitPrice!.Value) : Math.Max(price, order.LimitPrice!.Value);
            ApplyFill(order, book, quantity, fillPrice, at, fills ??= [], events ??= []);
        }

        if (book.ImmediateOrCancel.Count > 0)
        {
            // Every IOC order here was placed before this tick: this was its one chance.
            foreach (var order in book.ImmediateOrCancel.ToList())
            {
                Close(order, OrderEventKind.Cancelled, CancelReason.ImmediateOrCancel, at, events ??= []);
            }
        }

        return fills is null && events is null ? TickResult.None : new(fills ?? [], events ?? []);
    }

    /// <summary>
    /// A market order pays the slippage (a buy more, a sell less), rounded to the grid away from the investor:
    /// a paper fill must never look better than a real one would have been.
    /// </summary>
    private decimal WithSlippage(decimal price, OrderSide side, decimal tickSize) =>
        MarketFillPrice(price, side, _options.SlippageBasisPoints, tickSize);

    /// <summary>The price a market order fills at against <paramref name="price"/>: slippage against the investor, on the grid.</summary>
    public static decimal MarketFillPrice(decimal price, OrderSide side, decimal slippageBasisPoints, decimal tickSize)
    {
        var factor = slippageBasisPoints / 10_000m;
        if (side == OrderSide.Buy)
        {
            return Math.Ceiling(price * (1 + factor) / tickSize) * tickSize;
        }
        return Math.Max(tickSize, Math.Floor(price * (1 - factor) / tickSize) * tickSize);
    }

    private void ApplyFill(RestingOrder order, SecurityBook book, decimal quantity, decimal price, DateTimeOffset at,
        List<Fill> fills, List<OrderEvent> events)
    {
        order.AddFill(quantity);
        var final = order.Remaining == 0;
        fills.Add(new(order.OrderId, quantity, price, at, final));
        if (final)
        {
            order.Status = OrderStatus.Executed;
            Remove(order, book);
            events.Add(new(order.OrderId, OrderEventKind.Filled, at, order.Filled));
        }
        else
        {
            order.Status = OrderStatus.PartiallyFilled;
            events.Add(new(order.OrderId, OrderEventKind.PartiallyFilled, at, order.Filled));
        }

        if (order.Bracket is not { } bracket)
        {
            return;
        }
        if (order == bracket.Entry)
        {
            foreach (var child in new[] { bracket.Target, bracket.Stop })
            {
                if (child.Status == OrderStatus.Pending)
                {
                    child.Status = OrderStatus.Placed;
                    book.Index(child);
                    events.Add(new(child.OrderId, OrderEventKind.Activated, at, child.Filled));
                }
            }
            return;
        }
        var sibling = bracket.SiblingOf(order);
        if (!sibling.IsFinal)
        {
            sibling.SetQuantity(sibling.Quantity - quantity);
            if (sibling.Remaining <= 0)
            {
                CloseSpent(sibling, book, CancelReason.SiblingFilled, at, events);
            }
        }
    }

    /// <summary>
    /// Ends an open order with its unfilled rest cancelled or expired. A bracket entry's children then protect only
    /// what it bought: each shrinks to that, and one with nothing left to sell closes.
    /// </summary>
    private void Close(RestingOrder order, OrderEventKind kind, CancelReason reason, DateTimeOffset at, List<OrderEvent> events)
    {
        var book = _books[order.SecurityId];
        order.Status = OrderStatus.Cancelled;
        Remove(order, book);
        events.Add(new(order.OrderId, kind, at, order.Filled, reason));

        if (order.Bracket is { } bracket && order == bracket.Entry)
        {
            foreach (var child in new[] { bracket.Target, bracket.Stop })
            {
                if (child.IsFinal)
                {
                    continue;
                }
                child.SetQuantity(order.Filled - bracket.SiblingOf(child).Filled);
                if (child.Remaining <= 0)
                {
                    CloseSpent(child, book, CancelReason.EntryClosed, at, events);
                }
            }
        }
    }

    /// <summary>A bracket child with nothing left to sell: executed if it sold some, otherwise cancelled.</summary>
    private void CloseSpent(RestingOrder child, SecurityBook book, CancelReason reason, DateTimeOffset at, List<OrderEvent> events)
    {
        Remove(child, book);
        if (child.Filled > 0)
        {
            child.Status = OrderStatus.Executed;
            events.Add(new(child.OrderId, OrderEventKind.Filled, at, child.Filled));
        }
        else
        {
            child.Status = OrderStatus.Cancelled;
            events.Add(new(child.OrderId, OrderEventKind.Cancelled, at, child.Filled, reason));
        }
    }

    private void Remove(RestingOrder order, SecurityBook book)
    {
        book.Unindex(order);
        _open.Remove(order.OrderId);
    }

    private bool GtcLapsed(RestingOrder order, DateTimeOffset at) =>
        order.Validity == OrderValidity.Gtc && at >= order.PlacedAt.AddYears(_options.GtcLifetimeYears);

    private SecurityBook BookOf(Guid securityId)
    {
        if (!_books.TryGetValue(securityId, out var book))
        {
            book = new SecurityBook(_options.TickSize);
            _books.Add(securityId, book);
        }
        return book;
    }

    private static bool OnGrid(decimal price, decimal tickSize) => price > 0 && price % tickSize == 0;

    private void Validate(RestingOrder order, SecurityBook book)
    {
        if (_open.ContainsKey(order.OrderId))
        {
            throw new InvalidOperationException($"Order {order.OrderId} is already in the book.");
        }
        if (order.Bracket is not null)
        {
            throw new ArgumentException("The order already belongs to a bracket.", nameof(order));
        }
        if (order.Quantity <= 0 || order.Filled < 0 || order.Filled >= order.Quantity)
        {
            throw new ArgumentException("The quantity must be positive and more than what has filled.", nameof(order));
        }
        if (order.Validity == OrderValidity.Ioc && order.Type == OrderType.StopLoss)
        {
            throw new ArgumentException("Immediate-or-cancel applies to orders that can fill now: market or limit.", nameof(order));
        }
        switch (order.Type)
        {
            case OrderType.Market when order.LimitPrice is not null || order.TriggerPrice is not null:
                throw new ArgumentException("A market order has no limit or trigger.", nameof(order));
            case OrderType.Market:
                break;
            case OrderType.Limit when order.TriggerPrice is not null:
                throw new ArgumentException("A limit order has no trigger.", nameof(order));
            case OrderType.Limit when order.LimitPrice is not { } limit || !OnGrid(limit, book.TickSize):
                throw new ArgumentException($"A limit order needs a limit on the tick grid ({book.TickSize}).", nameof(order));
            case OrderType.Limit:
                break;
            case OrderType.StopLoss when order.TriggerPrice is not { } trigger || !OnGrid(trigger, book.TickSize):
                throw new ArgumentException($"A stop-loss order needs a trigger on the tick grid ({book.TickSize}).", nameof(order));
            case OrderType.StopLoss when order.LimitPrice is { } stopLimit && !OnGrid(stopLimit, book.TickSize):
                throw new ArgumentException($"A stop-loss limit must be on the tick grid ({book.TickSize}).", nameof(order));
            case OrderType.StopLoss:
                break;
            default:
                throw new ArgumentException("A bracket is added with AddBracket, as its entry, target and stop.", nameof(order));
        }
    }

    private static void ValidateBracket(RestingOrder entry, RestingOrder target, RestingOrder stop)
    {
        if (entry.Type is not (OrderType.Market or OrderType.Limit))
        {
            throw new ArgumentException("A bracket's entry is a market or limit order.", nameof(entry));
        }
        if (target.Type != OrderType.Limit || stop.Type != OrderType.StopLoss)
        {
            throw new ArgumentException("A bracket's target is a limit order and its stop a stop-loss order.", nameof(target));
        }
        if (target.SecurityId != entry.SecurityId || stop.SecurityId != entry.SecurityId)
        {
            throw new ArgumentException("A bracket's orders are for one security.", nameof(target));
        }
        if (target.Side == entry.Side || stop.Side == entry.Side)
        {
            throw new ArgumentException("A bracket's target and stop close the entry: they are on the other side.", nameof(target));
        }
        if (target.Quantity != entry.Quantity || stop.Quantity != entry.Quantity || entry.Filled != 0 || target.Filled != 0 || stop.Filled != 0)
        {
            throw new ArgumentException("A new bracket's target and stop carry the entry's quantity, and nothing has filled.", nameof(target));
        }
        if (entry.Validity == OrderValidity.Ioc || target.Validity == OrderValidity.Ioc || stop.Validity == OrderValidity.Ioc)
        {
            throw new ArgumentException("Immediate-or-cancel does not apply to bracket orders.", nameof(entry));
        }
        if (stop.Triggered)
        {
            throw new ArgumentException("A new bracket's stop has not triggered.", nameof(stop));
        }
        // Otherwise one price could both take profit and stop out, and the stop would fire at entry.
        var profitAbove = target.Side == OrderSide.Sell
            ? target.LimitPrice > stop.TriggerPrice
            : target.LimitPrice < stop.TriggerPrice;
        if (!profitAbove)
        {
            throw new ArgumentException("A bracket's target must lie beyond its stop, on the profitable side.", nameof(target));
        }
    }
}
