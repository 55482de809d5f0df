using Spark.Core.Orders;
using Spark.Core.Orders.Matching;

namespace Spark.Tests.Core;

public sealed class OrderBookTests
{
    private static readonly Guid Infy = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Tcs = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    // 09:15 IST, the open, on a Friday.
    private static readonly DateTimeOffset Open = new(2026, 11, 20, 9, 15, 0, TimeSpan.FromHours(5.5));
    private static readonly DateTimeOffset Close = new(2026, 11, 20, 15, 30, 0, TimeSpan.FromHours(5.5));

    private static DateTimeOffset At(int seconds) => Open.AddSeconds(seconds);

    private static RestingOrder Market(OrderSide side, decimal quantity, OrderValidity validity = OrderValidity.Day, Guid? security = null) => new()
    {
        OrderId = Guid.NewGuid(), SecurityId = security ?? Infy, Side = side, Type = OrderType.Market,
        Quantity = quantity, Validity = validity, PlacedAt = Open,
    };

    private static RestingOrder Limit(OrderSide side, decimal quantity, decimal limit, OrderValidity validity = OrderValidity.Day,
        DateTimeOffset? placedAt = null, Guid? security = null) => new()
    {
        OrderId = Guid.NewGuid(), SecurityId = security ?? Infy, Side = side, Type = OrderType.Limit,
        Quantity = quantity, LimitPrice = limit, Validity = validity, PlacedAt = placedAt ?? Open,
    };

    private static RestingOrder Stop(OrderSide side, decimal quantity, decimal trigger, decimal? limit = null,
        OrderValidity validity = OrderValidity.Day) => new()
    {
        OrderId = Guid.NewGuid(), SecurityId = Infy, Side = side, Type = OrderType.StopLoss,
        Quantity = quantity, TriggerPrice = trigger, LimitPrice = limit, Validity = validity, PlacedAt = Open,
    };

    /// <summary>The order as stored after <paramref name="filled"/> of it filled (a restart reloads it so).</summary>
    private static RestingOrder Filled(RestingOrder o, decimal filled) => new()
    {
        OrderId = o.OrderId, SecurityId = o.SecurityId, Side = o.Side, Type = o.Type, Quantity = o.Quantity, Filled = filled,
        LimitPrice = o.LimitPrice, TriggerPrice = o.TriggerPrice, Validity = o.Validity, PlacedAt = o.PlacedAt,
    };

    private static OrderEventKind[] KindsOf(TickResult result, Guid orderId) =>
        [.. result.Events.Where(e => e.OrderId == orderId).Select(e => e.Kind)];

    [Fact]
    public void A_market_buy_fills_whole_on_the_next_tick_at_the_tick_price_when_there_is_no_slippage()
    {
        var book = new OrderBook();
        var order = Market(OrderSide.Buy, 10);
        book.Add(order);

        var result = book.OnTick(Infy, 1520.35m, At(1));

        Assert.Equal([new Fill(order.OrderId, 10, 1520.35m, At(1), true)], result.Fills);
        Assert.Equal([OrderEventKind.Filled], KindsOf(result, order.OrderId));
        Assert.Equal(OrderStatus.Executed, order.Status);
        Assert.Null(book.Find(order.OrderId));
    }

    [Fact]
    public void Market_slippage_makes_a_buy_pay_more_and_a_sell_get_less_rounded_away_from_the_investor_to_five_paise()
    {
        // 7 bps of 123.45: a buy at 123.536415 rounds up to 123.55, a sell at 123.363585 down to 123.35.
        var book = new OrderBook(new MatchingOptions { SlippageBasisPoints = 7 });
        var buy = Market(OrderSide.Buy, 1);
        var sell = Market(OrderSide.Sell, 1);
        book.Add(buy);
        book.Add(sell);

        var fills = book.OnTick(Infy, 123.45m, At(1)).Fills;

        Assert.Equal(123.55m, Assert.Single(fills, f => f.OrderId == buy.OrderId).Price);
        Assert.Equal(123.35m, Assert.Single(fills, f => f.OrderId == sell.OrderId).Price);
    }

    [Fact]
    public void Slippage_rounds_to_one_paisa_for_a_security_whose_tick_size_is_set_so()
    {
        // 10 bps of 123.45: 123.57345 rounds up to 123.58 for a buy; 123.32655 down to 123.32 for a sell.
        var book = new OrderBook(new MatchingOptions { SlippageBasisPoints = 10 });
        book.SetTickSize(Tcs, 0.01m);
        var buy = Market(OrderSide.Buy, 1, security: Tcs);
        var sell = Market(OrderSide.Sell, 1, security: Tcs);
        book.Add(buy);
        book.Add(sell);

        var fills = book.OnTick(Tcs, 123.45m, At(1)).Fills;

        Assert.Equal(123.58m, Assert.Single(fills, f => f.OrderId == buy.OrderId).Price);
        Assert.Equal(123.32m, Assert.Single(fills, f => f.OrderId == sell.OrderId).Price);
    }

    [Fact]
    public void A_limit_buy_rests_above_its_limit_and_fills_at_the_tick_once_the_price_is_at_or_below_it()
    {
        var book = new OrderBook(new MatchingOptions { SlippageBasisPoints = 50 });
        var order = Limit(OrderSide.Buy, 5, 100m);
        book.Add(order);

        Assert.Empty(book.OnTick(Infy, 100.05m, At(1)).Fills);
        var fill = Assert.Single(book.OnTick(Infy, 99.40m, At(2)).Fills);

        // A limit order pays the tick, not the limit, and no slippage: it is the price that came to it.
        Assert.Equal(new Fill(order.OrderId, 5, 99.40m, At(2), true), fill);
    }

    [Fact]
    public void A_limit_sell_rests_below_its_limit_and_fills_at_the_tick_once_the_price_is_at_or_above_it()
    {
        var book = new OrderBook();
        var atLimit = Limit(OrderSide.Sell, 5, 110m);
        var above = Limit(OrderSide.Sell, 5, 110.50m);
        book.Add(atLimit);
        book.Add(above);

        Assert.Empty(book.OnTick(Infy, 109.95m, At(1)).Fills);
        var fill = Assert.Single(book.OnTick(Infy, 110m, At(2)).Fills);

        Assert.Equal(new Fill(atLimit.OrderId, 5, 110m, At(2), true), fill);
        Assert.NotNull(book.Find(above.OrderId));
    }

    [Fact]
    public void No_limit_order_ever_fills_at_a_price_worse_than_its_limit()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 3, SlippageBasisPoints = 25 });
        var limits = new Dictionary<Guid, (OrderSide Side, decimal Limit)>();
        for (var i = 0; i < 40; i++)
        {
            var side = i % 2 == 0 ? OrderSide.Buy : OrderSide.Sell;
            var order = Limit(side, 10, 95m + (i * 0.25m), OrderValidity.Gtc);
            limits[order.OrderId] = (side, order.LimitPrice!.Value);
            book.Add(order);
        }
        var random = new Random(7);
        var price = 100m;
        var fills = new List<Fill>();
        for (var t = 0; t < 500; t++)
        {
            price = Math.Max(0.05m, price + (random.Next(-20, 21) * 0.05m));
            fills.AddRange(book.OnTick(Infy, price, At(t)).Fills);
        }

        Assert.NotEmpty(fills);
        Assert.All(fills, f =>
        {
            var (side, limit) = limits[f.OrderId];
            Assert.True(side == OrderSide.Buy ? f.Price <= limit : f.Price >= limit, $"{side} limit {limit} filled at {f.Price}");
        });
    }

    [Fact]
    public void A_stop_loss_market_sell_triggers_only_when_the_price_falls_to_its_trigger_and_then_sells_at_market()
    {
        var book = new OrderBook();
        var order = Stop(OrderSide.Sell, 20, 95m);
        book.Add(order);

        var above = book.OnTick(Infy, 95.05m, At(1));
        var crossing = book.OnTick(Infy, 94.80m, At(2));

        Assert.Same(TickResult.None, above);
        Assert.Equal([OrderEventKind.Triggered, OrderEventKind.Filled], KindsOf(crossing, order.OrderId));
        Assert.Equal(new Fill(order.OrderId, 20, 94.80m, At(2), true), Assert.Single(crossing.Fills));
    }

    [Fact]
    public void A_stop_loss_limit_sell_once_triggered_waits_for_its_limit()
    {
        var book = new OrderBook();
        var order = Stop(OrderSide.Sell, 20, 95m, limit: 94.50m);
        book.Add(order);

        var triggered = book.OnTick(Infy, 94m, At(1));

        Assert.Equal([OrderEventKind.Triggered], KindsOf(triggered, order.OrderId));
        Assert.Empty(triggered.Fills);
        Assert.True(book.Find(order.OrderId)!.Triggered);

        var filled = book.OnTick(Infy, 94.60m, At(2));

        Assert.Equal(new Fill(order.OrderId, 20, 94.60m, At(2), true), Assert.Single(filled.Fills));
        Assert.DoesNotContain(OrderEventKind.Triggered, KindsOf(filled, order.OrderId));
    }

    [Fact]
    public void A_stop_loss_buy_triggers_when_the_price_rises_to_its_trigger()
    {
        var book = new OrderBook();
        var order = Stop(OrderSide.Buy, 8, 105m);
        book.Add(order);

        Assert.Same(TickResult.None, book.OnTick(Infy, 104.95m, At(1)));
        Assert.False(book.Find(order.OrderId)!.Triggered);
        var crossing = book.OnTick(Infy, 105.50m, At(2));

        Assert.Equal([OrderEventKind.Triggered, OrderEventKind.Filled], KindsOf(crossing, order.OrderId));
        Assert.Equal(105.50m, Assert.Single(crossing.Fills).Price);
    }

    [Fact]
    public void A_stop_does_not_trigger_on_prices_on_its_safe_side_however_many()
    {
        var book = new OrderBook();
        var sellStop = Stop(OrderSide.Sell, 1, 95m);
        var buyStop = Stop(OrderSide.Buy, 1, 105m);
        book.Add(sellStop);
        book.Add(buyStop);

        foreach (var price in new[] { 95.05m, 100m, 104.95m, 99m, 95.10m })
        {
            Assert.Same(TickResult.None, book.OnTick(Infy, price, At(1)));
        }

        Assert.False(sellStop.Triggered);
        Assert.False(buyStop.Triggered);
    }

    [Fact]
    public void The_liquidity_cap_fills_a_large_order_across_ticks()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 40 });
        var order = Limit(OrderSide.Buy, 100, 100m);
        book.Add(order);

        var first = book.OnTick(Infy, 99m, At(1));
        var second = book.OnTick(Infy, 101m, At(2));
        var third = book.OnTick(Infy, 98m, At(3));
        var fourth = book.OnTick(Infy, 97m, At(4));

        Assert.Equal(new Fill(order.OrderId, 40, 99m, At(1), false), Assert.Single(first.Fills));
        Assert.Equal([OrderEventKind.PartiallyFilled], KindsOf(first, order.OrderId));
        Assert.Empty(second.Fills);
        Assert.Equal(new Fill(order.OrderId, 40, 98m, At(3), false), Assert.Single(third.Fills));
        Assert.Equal(new Fill(order.OrderId, 20, 97m, At(4), true), Assert.Single(fourth.Fills));
        Assert.Equal([OrderEventKind.Filled], KindsOf(fourth, order.OrderId));
    }

    [Fact]
    public void An_immediate_or_cancel_order_fills_what_the_next_tick_allows_and_the_rest_is_cancelled()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 30 });
        var order = Limit(OrderSide.Buy, 100, 100m, OrderValidity.Ioc);
        book.Add(order);

        var result = book.OnTick(Infy, 99.50m, At(1));

        Assert.Equal(new Fill(order.OrderId, 30, 99.50m, At(1), false), Assert.Single(result.Fills));
        Assert.Equal(
            [new OrderEvent(order.OrderId, OrderEventKind.PartiallyFilled, At(1), 30),
             new OrderEvent(order.OrderId, OrderEventKind.Cancelled, At(1), 30, CancelReason.ImmediateOrCancel)],
            result.Events);
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Empty(book.OnTick(Infy, 99m, At(2)).Fills);
    }

    [Fact]
    public void An_immediate_or_cancel_limit_the_next_tick_does_not_reach_is_cancelled_whole()
    {
        var book = new OrderBook();
        var order = Limit(OrderSide.Sell, 10, 110m, OrderValidity.Ioc);
        book.Add(order);

        var result = book.OnTick(Infy, 109m, At(1));

        Assert.Empty(result.Fills);
        Assert.Equal([new OrderEvent(order.OrderId, OrderEventKind.Cancelled, At(1), 0, CancelReason.ImmediateOrCancel)], result.Events);
    }

    [Fact]
    public void Day_orders_expire_at_the_close_while_gtc_orders_and_after_market_orders_stay()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 4 });
        var day = Limit(OrderSide.Buy, 10, 100m);
        var gtc = Limit(OrderSide.Buy, 10, 90m, OrderValidity.Gtc);
        var afterMarket = Limit(OrderSide.Buy, 10, 90m, placedAt: Close.AddMinutes(20));
        book.Add(day);
        book.Add(gtc);
        book.Add(afterMarket);
        book.OnTick(Infy, 99m, At(1));

        var events = book.ExpireDayOrders(Close);

        Assert.Equal([new OrderEvent(day.OrderId, OrderEventKind.Expired, Close, 4, CancelReason.DayClose)], events);
        Assert.Equal(OrderStatus.Cancelled, day.Status);
        Assert.Equal(4, day.Filled);
        Assert.NotNull(book.Find(gtc.OrderId));
        Assert.NotNull(book.Find(afterMarket.OrderId));
    }

    [Fact]
    public void A_gtc_order_expires_a_year_after_it_was_placed()
    {
        var book = new OrderBook();
        var order = Limit(OrderSide.Buy, 10, 90m, OrderValidity.Gtc);
        book.Add(order);

        Assert.Empty(book.ExpireDayOrders(Open.AddYears(1).AddDays(-1)));
        var events = book.ExpireDayOrders(Open.AddYears(1));

        Assert.Equal([new OrderEvent(order.OrderId, OrderEventKind.Expired, Open.AddYears(1), 0, CancelReason.GtcLifetime)], events);
    }

    [Fact]
    public void A_gtc_order_past_its_year_expires_rather_than_fills_when_a_tick_reaches_it_before_the_close()
    {
        var book = new OrderBook();
        var order = Limit(OrderSide.Buy, 10, 90m, OrderValidity.Gtc);
        book.Add(order);

        var result = book.OnTick(Infy, 89m, Open.AddYears(1).AddMinutes(1));

        Assert.Empty(result.Fills);
        Assert.Equal([OrderEventKind.Expired], KindsOf(result, order.OrderId));
    }

    [Fact]
    public void Modifying_a_limit_refiles_the_order_at_its_new_price()
    {
        var book = new OrderBook();
        var order = Limit(OrderSide.Buy, 10, 100m);
        book.Add(order);

        Assert.True(book.Modify(order.OrderId, limitPrice: 98m).Accepted);

        Assert.Empty(book.OnTick(Infy, 99m, At(1)).Fills);
        Assert.Equal(98m, Assert.Single(book.OnTick(Infy, 98m, At(2)).Fills).Price);
    }

    [Fact]
    public void Modifying_a_stop_trigger_and_a_quantity_takes_effect_on_the_next_tick()
    {
        var book = new OrderBook();
        var order = Stop(OrderSide.Sell, 10, 95m);
        book.Add(order);

        Assert.True(book.Modify(order.OrderId, quantity: 15, triggerPrice: 97m).Accepted);
        var result = book.OnTick(Infy, 96.50m, At(1));

        Assert.Equal(new Fill(order.OrderId, 15, 96.50m, At(1), true), Assert.Single(result.Fills));
    }

    [Fact]
    public void A_modify_is_refused_for_a_final_order_a_quantity_not_above_the_filled_part_or_a_price_off_the_grid()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 6 });
        var partly = Limit(OrderSide.Buy, 10, 100m);
        var done = Market(OrderSide.Buy, 5);
        book.Add(partly);
        book.Add(done);
        book.OnTick(Infy, 100m, At(1));

        Assert.False(book.Modify(done.OrderId, quantity: 8).Accepted);
        Assert.False(book.Modify(partly.OrderId, quantity: 6).Accepted);
        Assert.False(book.Modify(partly.OrderId, limitPrice: 99.98m).Accepted);
        Assert.False(book.Modify(partly.OrderId, triggerPrice: 99m).Accepted);
        Assert.True(book.Modify(partly.OrderId, quantity: 7).Accepted);
        Assert.Equal(new Fill(partly.OrderId, 1, 100m, At(2), true), Assert.Single(book.OnTick(Infy, 100m, At(2)).Fills));
    }

    [Fact]
    public void A_cancel_after_a_partial_fill_keeps_the_filled_part_and_cancels_the_rest()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 40 });
        var order = Limit(OrderSide.Buy, 100, 100m);
        book.Add(order);
        book.OnTick(Infy, 99m, At(1));

        var result = book.Cancel(order.OrderId, At(2));

        Assert.True(result.Accepted);
        Assert.Equal(60, result.Unfilled);
        Assert.Equal(40, result.Filled);
        Assert.Equal([new OrderEvent(order.OrderId, OrderEventKind.Cancelled, At(2), 40, CancelReason.Requested)], result.Events);
        Assert.Empty(book.OnTick(Infy, 99m, At(3)).Fills);
        Assert.False(book.Cancel(order.OrderId, At(4)).Accepted);
    }

    [Fact]
    public void A_bracket_target_fill_cancels_the_stop()
    {
        var book = new OrderBook();
        var entry = Market(OrderSide.Buy, 100);
        var target = Limit(OrderSide.Sell, 100, 110m);
        var stop = Stop(OrderSide.Sell, 100, 95m);
        book.AddBracket(entry, target, stop);

        Assert.Equal(OrderStatus.Pending, stop.Status);
        Assert.Equal(entry.OrderId, target.ParentId);
        Assert.Equal(target.OcoGroup, stop.OcoGroup);

        var entered = book.OnTick(Infy, 100m, At(1));

        Assert.Equal([OrderEventKind.Activated], KindsOf(entered, target.OrderId));
        Assert.Equal([OrderEventKind.Activated], KindsOf(entered, stop.OrderId));

        var profit = book.OnTick(Infy, 110.20m, At(2));

        Assert.Equal(new Fill(target.OrderId, 100, 110.20m, At(2), true), Assert.Single(profit.Fills));
        Assert.Equal([new OrderEvent(stop.OrderId, OrderEventKind.Cancelled, At(2), 0, CancelReason.SiblingFilled)],
            profit.Events.Where(e => e.OrderId == stop.OrderId));
        Assert.Same(TickResult.None, book.OnTick(Infy, 90m, At(3)));
        Assert.Equal(0, book.OpenOrderCount);
    }

    [Fact]
    public void A_restored_bracket_whose_entry_filled_keeps_its_one_cancels_other_link()
    {
        var book = new OrderBook();
        var entry = Filled(Limit(OrderSide.Buy, 50, 100m), 50);
        var target = Limit(OrderSide.Sell, 50, 110m);
        var stop = Stop(OrderSide.Sell, 50, 95m);

        var cleanups = book.RestoreBracket(entry, OrderStatus.Executed, target, OrderStatus.Placed, stop, OrderStatus.Placed, At(1));
        var stopped = book.OnTick(Infy, 94.50m, At(2));

        Assert.Empty(cleanups);
        Assert.Equal(new Fill(stop.OrderId, 50, 94.50m, At(2), true), Assert.Single(stopped.Fills));
        Assert.Equal([OrderEventKind.Cancelled], KindsOf(stopped, target.OrderId));
        Assert.Same(TickResult.None, book.OnTick(Infy, 111m, At(3)));
        Assert.Equal(0, book.OpenOrderCount);
    }

    [Fact]
    public void A_restored_bracket_sells_only_what_its_closed_entry_bought_less_what_the_sibling_sold()
    {
        var book = new OrderBook();
        // The entry bought 30 of 50 and was cancelled; the target had sold 10 of them before the restart.
        var entry = Filled(Limit(OrderSide.Buy, 50, 100m), 30);
        var target = Filled(Limit(OrderSide.Sell, 50, 110m), 10);
        var stop = Stop(OrderSide.Sell, 50, 95m);

        book.RestoreBracket(entry, OrderStatus.Cancelled, target, OrderStatus.PartiallyFilled, stop, OrderStatus.Placed, At(1));
        var stopped = book.OnTick(Infy, 94.50m, At(2));

        Assert.Equal(new Fill(stop.OrderId, 20, 94.50m, At(2), true), Assert.Single(stopped.Fills));
        Assert.Equal([new OrderEvent(target.OrderId, OrderEventKind.Filled, At(2), 10)], stopped.Events.Where(e => e.OrderId == target.OrderId));
        Assert.Equal(0, book.OpenOrderCount);
    }

    [Fact]
    public void A_restored_bracket_with_an_open_entry_activates_its_pending_children_on_the_entry_fill()
    {
        var book = new OrderBook();
        var entry = Limit(OrderSide.Buy, 50, 100m);
        var target = Limit(OrderSide.Sell, 50, 110m);
        var stop = Stop(OrderSide.Sell, 50, 95m);

        book.RestoreBracket(entry, OrderStatus.Placed, target, OrderStatus.Pending, stop, OrderStatus.Pending, At(1));
        Assert.Same(TickResult.None, book.OnTick(Infy, 112m, At(2)));
        var entered = book.OnTick(Infy, 100m, At(3));
        var profit = book.OnTick(Infy, 110m, At(4));

        Assert.Equal([OrderEventKind.Activated], KindsOf(entered, target.OrderId));
        Assert.Equal(new Fill(target.OrderId, 50, 110m, At(4), true), Assert.Single(profit.Fills));
        Assert.Equal([OrderEventKind.Cancelled], KindsOf(profit, stop.OrderId));
    }

    [Fact]
    public void A_restored_child_with_nothing_left_to_sell_is_closed_at_once()
    {
        var book = new OrderBook();
        // Before the restart the stop sold everything the entry bought, but the target's cancel was never recorded.
        var entry = Filled(Limit(OrderSide.Buy, 40, 100m), 40);
        var target = Limit(OrderSide.Sell, 40, 110m);
        var stop = Filled(Stop(OrderSide.Sell, 40, 95m), 40);

        var cleanups = book.RestoreBracket(entry, OrderStatus.Executed, target, OrderStatus.Placed, stop, OrderStatus.Executed, At(1));

        Assert.Equal([new OrderEvent(target.OrderId, OrderEventKind.Cancelled, At(1), 0, CancelReason.SiblingFilled)], cleanups);
        Assert.Equal(0, book.OpenOrderCount);
    }

    [Fact]
    public void A_bracket_stop_fill_cancels_the_target()
    {
        var book = new OrderBook();
        var entry = Limit(OrderSide.Buy, 50, 100m);
        var target = Limit(OrderSide.Sell, 50, 110m);
        var stop = Stop(OrderSide.Sell, 50, 95m);
        book.AddBracket(entry, target, stop);
        book.OnTick(Infy, 100m, At(1));

        var stopped = book.OnTick(Infy, 94.50m, At(2));

        Assert.Equal(new Fill(stop.OrderId, 50, 94.50m, At(2), true), Assert.Single(stopped.Fills));
        Assert.Equal([OrderEventKind.Cancelled], KindsOf(stopped, target.OrderId));
        Assert.Same(TickResult.None, book.OnTick(Infy, 111m, At(3)));
    }

    [Fact]
    public void A_partial_entry_fill_activates_the_bracket_children_for_that_quantity_only()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 40 });
        var entry = Limit(OrderSide.Buy, 100, 100m);
        var target = Limit(OrderSide.Sell, 100, 110m);
        var stop = Stop(OrderSide.Sell, 100, 95m);
        book.AddBracket(entry, target, stop);

        var entered = book.OnTick(Infy, 100m, At(1));
        var firstProfit = book.OnTick(Infy, 111m, At(2));
        var nothingLeft = book.OnTick(Infy, 111m, At(3));

        Assert.Equal(new Fill(entry.OrderId, 40, 100m, At(1), false), Assert.Single(entered.Fills));
        Assert.Equal(new Fill(target.OrderId, 40, 111m, At(2), false), Assert.Single(firstProfit.Fills));
        // The cap would allow 40 more, but the entry has bought only 40 and the target sold them.
        Assert.Empty(nothingLeft.Fills);
        Assert.Equal(60, stop.Quantity);

        book.OnTick(Infy, 99m, At(4));           // the entry buys 40 more: 80
        var cancelled = book.Cancel(entry.OrderId, At(5));
        var stopped = book.OnTick(Infy, 94m, At(6));

        Assert.Equal(20, cancelled.Unfilled);
        Assert.Equal(new Fill(stop.OrderId, 40, 94m, At(6), true), Assert.Single(stopped.Fills));
        // The entry closed at 80 bought, and the children have sold all 80 between them: both are done.
        Assert.Equal(OrderStatus.Executed, target.Status);
        Assert.Equal(OrderStatus.Executed, stop.Status);
        Assert.Equal(entry.Filled, target.Filled + stop.Filled);
        Assert.Equal(0, book.OpenOrderCount);
    }

    [Fact]
    public void Cancelling_a_bracket_entry_that_bought_nothing_cancels_its_children()
    {
        var book = new OrderBook();
        var entry = Limit(OrderSide.Buy, 10, 100m);
        var target = Limit(OrderSide.Sell, 10, 110m);
        var stop = Stop(OrderSide.Sell, 10, 95m);
        book.AddBracket(entry, target, stop);

        var result = book.Cancel(entry.OrderId, At(1));

        Assert.Equal(
            [new OrderEvent(entry.OrderId, OrderEventKind.Cancelled, At(1), 0, CancelReason.Requested),
             new OrderEvent(target.OrderId, OrderEventKind.Cancelled, At(1), 0, CancelReason.EntryClosed),
             new OrderEvent(stop.OrderId, OrderEventKind.Cancelled, At(1), 0, CancelReason.EntryClosed)],
            result.Events);
        Assert.Equal(0, book.OpenOrderCount);
    }

    [Fact]
    public void A_bracket_entry_cancelled_after_a_partial_fill_leaves_its_children_guarding_what_it_bought()
    {
        var book = new OrderBook(new MatchingOptions { MaxQuantityPerTick = 30 });
        var entry = Limit(OrderSide.Buy, 100, 100m);
        var target = Limit(OrderSide.Sell, 100, 110m);
        var stop = Stop(OrderSide.Sell, 100, 95m);
        book.AddBracket(entry, target, stop);
        book.OnTick(Infy, 100m, At(1));

        book.Cancel(entry.OrderId, At(2));

        Assert.Equal(30, target.Quantity);
        Assert.Equal(30, stop.Quantity);
        Assert.Equal(new Fill(stop.OrderId, 30, 94m, At(3), true), Assert.Single(book.OnTick(Infy, 94m, At(3)).Fills));
        Assert.Equal(OrderStatus.Cancelled, target.Status);
    }

    [Fact]
    public void A_tick_moves_only_the_orders_of_its_own_security()
    {
        var book = new OrderBook();
        var infy = Limit(OrderSide.Buy, 1, 100m);
        var tcs = Limit(OrderSide.Buy, 1, 100m, security: Tcs);
        book.Add(infy);
        book.Add(tcs);

        var result = book.OnTick(Tcs, 99m, At(1));

        Assert.Equal(tcs.OrderId, Assert.Single(result.Fills).OrderId);
        Assert.NotNull(book.Find(infy.OrderId));
        Assert.Same(TickResult.None, book.OnTick(Guid.NewGuid(), 99m, At(2)));
    }

    [Fact]
    public void Orders_the_exchange_does_not_take_are_refused_when_added()
    {
        var book = new OrderBook();
        var order = Limit(OrderSide.Buy, 1, 100m);
        book.Add(order);

        Assert.Throws<InvalidOperationException>(() => book.Add(order));
        Assert.Throws<ArgumentException>(() => book.Add(Limit(OrderSide.Buy, 1, 100.02m)));
        Assert.Throws<ArgumentException>(() => book.Add(Stop(OrderSide.Sell, 1, 95m, validity: OrderValidity.Ioc)));
        Assert.Throws<ArgumentException>(() => book.AddBracket(
            Market(OrderSide.Buy, 10), Limit(OrderSide.Sell, 10, 94m), Stop(OrderSide.Sell, 10, 95m)));
    }
}
