using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core;
using Spark.Core.Cash;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Orders.Matching;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Orders;

using Security = Spark.Core.Market.Security;

/// <summary>What the exchange must know of an order to persist its fills without reading it first.</summary>
internal sealed record OrderOwner(Guid UserId, Guid SecurityId, SecurityType Type);

/// <summary>
/// Spark's default broker: open orders live in an in-memory <see cref="OrderBook"/> matched against every tick of
/// the market feed. Each fill is written in one database transaction — the order and its execution, the ledger
/// (transaction, lots, holding) and the cash ledger — so cash and holdings always reconcile. The order's row
/// lock decides a race between a fill and a cancel: whichever commits first wins, the other sees the result.
/// </summary>
public sealed partial class PaperExchange(
    IMarketFeed feed, SparkDb db, SecurityCatalog catalog, IServiceScopeFactory scopes, IOptions<ExchangeOptions> options,
    IOptions<ChargeSchedule> schedule, Notifications.NotificationOutbox notifications, TimeProvider clock, Hosting.BackgroundLoops loops,
    ILogger<PaperExchange> log, Hosting.SparkMetrics metrics)
    : BackgroundService, IBrokerGateway
{
    private readonly Lock _gate = new();
    private OrderBook _book = NewBook(options.Value);
    private volatile bool _resyncNeeded;

    // Decision 0056: only the elected owner matches. _epoch is the fencing token of its last election, kept after it is
    // deposed so that a fill still in flight carries the stale token and the database refuses it. An exchange never
    // elected (a test's second exchange, built to stand for a restarted process) matches when called and writes no token.
    private volatile bool _owning;
    private long _epoch;
    private volatile bool _fenced;

    // The last tick of each security seen while not owning, with when (wall time) it came: a new owner matches those of
    // the last few seconds after reloading, so a price that came while it was being elected is not lost.
    private readonly ConcurrentDictionary<Guid, (PriceTick Tick, long At)> _unmatched = new();
    private IReadOnlyList<PriceTick>? _replay;

    /// <summary>How old a tick seen before the election may be and still be matched by the new owner.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, OrderOwner> _owners = new();

    // Fund orders wait for the next NAV, outside the book: purchases by amount, redemptions by units.
    private readonly ConcurrentDictionary<Guid, FundOrder> _fundOrders = new();
    private readonly Channel<IReadOnlyList<PriceTick>> _ticks = Channel.CreateUnbounded<IReadOnlyList<PriceTick>>(new() { SingleReader = true });

    public int OpenOrders
    {
        get
        {
            lock (_gate) return _book.OpenOrderCount;
        }
    }

    /// <summary>Whether the book holds this order open (a bracket's legs included).</summary>
    public bool Knows(Guid orderId)
    {
        lock (_gate) return _book.Find(orderId) is { IsFinal: false } || _fundOrders.ContainsKey(orderId);
    }

    /// <summary>The limit price the book holds for an open order, or null.</summary>
    public decimal? LimitOf(Guid orderId)
    {
        lock (_gate) return _book.Find(orderId)?.LimitPrice;
    }

    /// <summary>Whether this instance matches orders now (it owns the exchange: decision 0056).</summary>
    public bool IsOwning => _owning;

    /// <summary>The database refused a fill of this exchange: another instance was elected since (its epoch is newer).</summary>
    public bool Fenced => _fenced;

    /// <summary>Elected with <paramref name="epoch"/>: the book is rebuilt from the database before the next batch is matched.</summary>
    public void TakeOver(long epoch)
    {
        Interlocked.Exchange(ref _epoch, epoch);
        _fenced = false;
        _replay = [.. _unmatched.Values.Where(u => System.Diagnostics.Stopwatch.GetElapsedTime(u.At) <= ReplayWindow).Select(u => u.Tick)];
        _unmatched.Clear();
        _resyncNeeded = true;
        loops.Starting(LoopName);
        _owning = true;
        // Wakes the loop, which reloads the open orders now rather than at the next tick.
        _ticks.Writer.TryWrite([]);
    }

    /// <summary>The lock is lost (or a fill was fenced): matching stops at once and the book is let go.</summary>
    public void Depose()
    {
        _owning = false;
        lock (_gate)
        {
            _book = NewBook(options.Value);
            _owners.Clear();
            _fundOrders.Clear();
        }

        // A standby has nothing to fail at: its loop is healthy while it waits.
        loops.Healthy(LoopName);
    }

    /// <summary>Adds a placed order (and a bracket's children) to the book; a standby leaves it to the owner (told by the database).</summary>
    public void Register(TradingOrder order, IReadOnlyList<TradingOrder> children, Security security)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(security);
        if (!_owning) return;
        Add(order, children, security);
    }

    private void Add(TradingOrder order, IReadOnlyList<TradingOrder> children, Security security)
    {
        // Reloading the book from the database (after a fault) may meet an order that its placement registers at the
        // same time: whichever comes second finds it known (under the gate) and leaves it.
        if (security.Type == SecurityType.MutualFund)
        {
            lock (_gate)
            {
                if (!_owners.TryAdd(order.Id, new OrderOwner(order.UserId, security.Id, security.Type))) return;
                _fundOrders[order.Id] = new FundOrder(security.Id, order.Side, order.Amount ?? order.BlockedAmount, order.Quantity - order.FilledQuantity,
                    order.PlacedAt ?? order.CreatedAt);
            }

            return;
        }

        lock (_gate)
        {
            if (_owners.ContainsKey(order.Id)) return;
            _book.SetTickSize(security.Id, Instruments.TickSize(security));
            _owners[order.Id] = new OrderOwner(order.UserId, security.Id, security.Type);
            if (order.Type == OrderType.Bracket && children.Count == 2)
            {
                var target = children.Single(c => c.Type == OrderType.Limit);
                var stop = children.Single(c => c.Type == OrderType.StopLoss);
                _owners[target.Id] = _owners[stop.Id] = _owners[order.Id];
                _book.AddBracket(Resting(order, OrderType.Limit), Resting(target, OrderType.Limit), Resting(stop, OrderType.StopLoss));
            }
            else
            {
                _book.Add(Resting(order, order.Type == OrderType.Bracket ? OrderType.Limit : order.Type));
            }
        }
    }

    /// <summary>
    /// Changes an open order in the book (the caller holds its row lock and records the change). A standby checks the
    /// change as the owner's book would, on a book of this one order; the owner applies the committed row when the
    /// database tells it ('changed:{id}').
    /// </summary>
    public ModifyResult Modify(TradingOrder order, decimal? quantity, decimal? limitPrice, decimal? triggerPrice)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (_owning)
        {
            lock (_gate)
            {
                return _book.Modify(order.Id, quantity, limitPrice, triggerPrice);
            }
        }

        if (order.ParentOrderId is not null && quantity is not null) return new(false, "A bracket's target and stop follow the entry's quantity.");
        var scratch = NewBook(options.Value);
        // The order service has checked the price grid of the instrument already; the smallest grid accepts all it allowed.
        scratch.SetTickSize(order.SecurityId, 0.01m);
        scratch.Add(Resting(order, order.Type == OrderType.Bracket ? OrderType.Limit : order.Type));
        return scratch.Modify(order.Id, quantity, limitPrice, triggerPrice);
    }

    /// <summary>
    /// Removes an order from the book (the caller holds its row lock and records the cancel); returns what that did to
    /// other orders, for the caller to record in the same transaction.
    /// </summary>
    public IReadOnlyList<OrderEvent> Forget(Guid orderId, DateTimeOffset at)
    {
        _fundOrders.TryRemove(orderId, out _);
        lock (_gate)
        {
            return [.. _book.Cancel(orderId, at).Events.Where(e => e.OrderId != orderId)];
        }
    }

    /// <summary>Matches one batch of ticks and persists what filled; the background loop calls it for every batch.</summary>
    public async Task<int> ProcessAsync(IReadOnlyList<PriceTick> ticks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        var fills = new List<Fill>();
        var events = new List<OrderEvent>();
        var types = new Dictionary<Guid, SecurityType>();
        if (options.Value.EnforceMarketHours)
        {
            foreach (var id in ticks.Select(t => t.SecurityId).Distinct())
            {
                types[id] = (await catalog.GetAsync(id, cancellationToken))?.Type ?? SecurityType.Stock;
            }
        }

        lock (_gate)
        {
            foreach (var tick in ticks)
            {
                if (_book.OpenOrderCount == 0) break;
                if (options.Value.EnforceMarketHours && !MarketCalendar.TradesNow(types[tick.SecurityId], tick.At)) continue;
                var result = _book.OnTick(tick.SecurityId, tick.Price, tick.At);
                fills.AddRange(result.Fills);
                events.AddRange(result.Events);
            }
        }

        fills.AddRange(FundFills(ticks));
        foreach (var fill in fills)
        {
            await PersistFillAsync(fill, cancellationToken);
        }

        // An order the book completed without a last fill of its own is a bracket child with nothing left to sell.
        var completedByFill = fills.Where(f => f.Final).Select(f => f.OrderId).ToHashSet();
        foreach (var e in events.Where(e => e.Kind is OrderEventKind.Cancelled or OrderEventKind.Expired
            || (e.Kind == OrderEventKind.Filled && !completedByFill.Contains(e.OrderId))))
        {
            await CloseAsync(e, cancellationToken);
        }

        return fills.Count;
    }

    /// <summary>
    /// A fund's tick is its NAV: purchases placed before that day's 15:00 IST cut-off buy at it (later ones wait for
    /// the next NAV), as many units as the amount less stamp duty buys, to 3 decimals.
    /// </summary>
    private List<Fill> FundFills(IReadOnlyList<PriceTick> ticks)
    {
        var fills = new List<Fill>();
        foreach (var tick in ticks)
        {
            if (_fundOrders.IsEmpty || tick.Price <= 0m) break;
            var cutOff = MarketCalendar.AtIst(MarketCalendar.IstDate(tick.At), new TimeOnly(15, 0));
            foreach (var (orderId, pending) in _fundOrders.Where(f => f.Value.SecurityId == tick.SecurityId))
            {
                if (options.Value.EnforceMarketHours && pending.PlacedAt >= cutOff) continue;
                var units = pending.Side == OrderSide.Sell ? pending.Units : Math.Round((pending.Amount
                    - ChargesCalculator.CalculateMutualFundPurchase(schedule.Value, pending.Amount, MarketCalendar.IstDate(tick.At)).StampDuty) / tick.Price,
                    3, MidpointRounding.ToZero);
                if (units > 0m && _fundOrders.TryRemove(orderId, out _)) fills.Add(new Fill(orderId, units, tick.Price, tick.At, Final: true));
            }
        }

        return fills;
    }

    /// <summary>Expires open day orders at the close (the day-close job calls it).</summary>
    public async Task<int> ExpireDayOrdersAsync(DateTimeOffset close, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<OrderEvent> events;
        lock (_gate)
        {
            events = _book.ExpireDayOrders(close);
        }

        foreach (var e in events) await CloseAsync(e, cancellationToken);
        return events.Count;
    }

    /// <summary>The loop's name in /health/ready and the log.</summary>
    public const string LoopName = "paper-exchange";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Only the owner queues ticks; it is elected by ExchangeOwnership, which calls TakeOver (the loop then loads the
        // open orders, reporting not ready until it has: started while the database is away, the exchange waits for it).
        using var subscription = feed.Subscribe(batch =>
        {
            if (_owning)
            {
                _ticks.Writer.TryWrite(batch);
                return;
            }

            var at = System.Diagnostics.Stopwatch.GetTimestamp();
            foreach (var tick in batch) _unmatched[tick.SecurityId] = (tick, at);
        });
        await loops.RunAsync(LoopName, async cancellationToken =>
        {
            await foreach (var batch in _ticks.Reader.ReadAllAsync(cancellationToken))
            {
                if (!_owning) continue;
                try
                {
                    // A batch that failed half-way left the book ahead of the database (matched, not stored): the stored
                    // orders are the truth, so the book is rebuilt from them before matching again. So does an election.
                    if (_resyncNeeded)
                    {
                        await ReloadAsync(cancellationToken);
                        if (Interlocked.Exchange(ref _replay, null) is { Count: > 0 } replay) await ProcessAsync(replay, cancellationToken);
                    }

                    if (batch.Count > 0) await ProcessAsync(batch, cancellationToken);
                    if (_owning) loops.Healthy(LoopName);
                }
#pragma warning disable CA1031 // One bad batch must not stop the exchange; the orders stay open for the next tick.
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    _resyncNeeded = true;
                    loops.Faulted(LoopName, e);
                    // Rebuilt as soon as the database answers, not at the next tick, which may be far off (or never, off hours);
                    // ticks queue meanwhile and are matched after.
                    await loops.RetryTransientAsync(LoopName, ReloadAsync, cancellationToken);
                }
            }
        }, stoppingToken);
    }

    /// <summary>Empties the book and loads the stored open orders into it again.</summary>
    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        if (!_owning) return;
        lock (_gate)
        {
            _book = NewBook(options.Value);
            _owners.Clear();
            _fundOrders.Clear();
        }

        _resyncNeeded = true;
        await LoadOpenOrdersAsync(cancellationToken);
        _resyncNeeded = false;
    }

    private static OrderBook NewBook(ExchangeOptions options) => new(new MatchingOptions
    {
        SlippageBasisPoints = options.SlippageBasisPoints, MaxQuantityPerTick = options.MaxQuantityPerTick,
    });

    /// <summary>
    /// Puts the stored open orders back into the book after a restart. A bracket with any leg still open comes back
    /// whole and linked one-cancels-other, its entry open or closed with what it bought (see
    /// <see cref="OrderBook.RestoreBracket"/>); a child found to have nothing left to sell is recorded as such.
    /// </summary>
    public Task LoadOpenOrdersAsync(CancellationToken cancellationToken) => LoadAsync(null, cancellationToken);

    /// <summary>Loads the open orders among <paramref name="only"/> (top-level ids; a bracket comes with its legs), or all when null.</summary>
    private async Task LoadAsync(Guid[]? only, CancellationToken cancellationToken)
    {
        List<TradingOrder> open, brackets;
        await using (var context = db.ForSystem("paper exchange start"))
        {
            var query = context.Orders.AsNoTracking()
                .Where(o => o.Platform == ExchangeOptions.Platform
                    && (o.Status == OrderStatus.Pending || o.Status == OrderStatus.Placed || o.Status == OrderStatus.PartiallyFilled));
            if (only is not null) query = query.Where(o => only.Contains(o.Id) || (o.ParentOrderId != null && only.Contains(o.ParentOrderId.Value)));
            open = await query.ToListAsync(cancellationToken);
            var entries = open.Where(o => o.Type == OrderType.Bracket && o.ParentOrderId is null).Select(o => o.Id)
                .Concat(open.Where(o => o.ParentOrderId is not null).Select(o => o.ParentOrderId!.Value)).Distinct().ToArray();
            brackets = entries.Length == 0 ? [] : await context.Orders.AsNoTracking()
                .Where(o => entries.Contains(o.Id) || (o.ParentOrderId != null && entries.Contains(o.ParentOrderId.Value)))
                .ToListAsync(cancellationToken);
        }

        var loaded = 0;
        var cleanups = new List<OrderEvent>();
        var legs = brackets.Where(o => o.ParentOrderId is not null).ToLookup(o => o.ParentOrderId!.Value);
        foreach (var entry in brackets.Where(o => o.ParentOrderId is null))
        {
            if (await catalog.GetAsync(entry.SecurityId, cancellationToken) is not { } security) continue;
            var target = legs[entry.Id].SingleOrDefault(c => c.Type == OrderType.Limit);
            var stop = legs[entry.Id].SingleOrDefault(c => c.Type == OrderType.StopLoss);
            if (target is null || stop is null) continue;
            lock (_gate)
            {
                if (_owners.ContainsKey(entry.Id)) continue;
                _book.SetTickSize(security.Id, Instruments.TickSize(security));
                foreach (var leg in new[] { entry, target, stop }) _owners[leg.Id] = new OrderOwner(entry.UserId, security.Id, security.Type);
                cleanups.AddRange(_book.RestoreBracket(Resting(entry, OrderType.Limit), entry.Status, Resting(target, OrderType.Limit), target.Status,
                    Resting(stop, OrderType.StopLoss), stop.Status, clock.GetUtcNow()));
            }

            loaded += new[] { entry, target, stop }.Count(o => o.IsOpen);
        }

        foreach (var order in open.Where(o => o.Type != OrderType.Bracket && o.ParentOrderId is null))
        {
            if (await catalog.GetAsync(order.SecurityId, cancellationToken) is not { } security) continue;
            Add(order, [], security);
            loaded++;
        }

        foreach (var e in cleanups) await CloseAsync(e, cancellationToken);
        if (only is null) LogLoaded(log, loaded);
    }

    /// <summary>
    /// What the database told the owner (trigger trading_orders_notify, channel spark_orders): an order placed, changed or
    /// ended by any instance or code path, or a day close asked for by a standby's job.
    /// </summary>
    public async Task HandleAsync(string note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (!_owning) return;
        var colon = note.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return;
        var (what, value) = (note[..colon], note[(colon + 1)..]);
        if (what == "day-close" && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            await ExpireDayOrdersAsync(DateTimeOffset.FromUnixTimeMilliseconds(ms), cancellationToken);
            return;
        }

        if (!Guid.TryParse(value, out var id)) return;
        switch (what)
        {
            case "placed" when !_owners.ContainsKey(id):
                await LoadAsync([id], cancellationToken);
                break;
            case "changed":
                await ApplyChangeAsync(id, cancellationToken);
                break;
            case "closed":
                await ForgetClosedAsync(id, cancellationToken);
                break;
        }
    }

    /// <summary>Brings an open order in the book to its committed row (a modify committed on another instance).</summary>
    private async Task ApplyChangeAsync(Guid id, CancellationToken cancellationToken)
    {
        TradingOrder? row;
        await using (var context = db.ForSystem("paper exchange: order changed"))
        {
            row = await context.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        }

        if (row is not { IsOpen: true } || _fundOrders.ContainsKey(id)) return;
        if (!_owners.ContainsKey(id))
        {
            await LoadAsync([row.ParentOrderId ?? row.Id], cancellationToken);
            return;
        }

        var type = row.Type == OrderType.Bracket ? OrderType.Limit : row.Type;
        lock (_gate)
        {
            // Absolute values: a change this instance made itself (already in the book) applies again as a no-op.
            _book.Modify(id, row.ParentOrderId is null ? row.Quantity : null,
                type is OrderType.Limit or OrderType.StopLoss ? row.Price : null, type == OrderType.StopLoss ? row.StopLoss : null);
        }
    }

    /// <summary>
    /// An order ended in the database (cancelled on another instance, or filled here). What ended it recorded what that
    /// means for the order and its bracket where it happened (a cancel ends the legs of an entry that bought nothing);
    /// the book only lets go, without writing anything, and a bracket's open legs are restored from the database.
    /// </summary>
    private async Task ForgetClosedAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!_owners.ContainsKey(id)) return;
        Guid? entry;
        Guid[] ids = [id];
        await using (var context = db.ForSystem("paper exchange: order ended"))
        {
            var row = await context.Orders.AsNoTracking().Where(o => o.Id == id).Select(o => new { o.Type, o.ParentOrderId }).SingleOrDefaultAsync(cancellationToken);
            entry = row?.ParentOrderId ?? (row?.Type == OrderType.Bracket ? id : null);
            if (entry is { } e)
            {
                ids = [e, .. await context.Orders.AsNoTracking().Where(o => o.ParentOrderId == e).Select(o => o.Id).ToListAsync(cancellationToken)];
            }
        }

        var now = clock.GetUtcNow();
        lock (_gate)
        {
            foreach (var leg in ids) _book.Cancel(leg, now);
        }

        foreach (var leg in ids)
        {
            _owners.TryRemove(leg, out _);
            _fundOrders.TryRemove(leg, out _);
        }

        if (entry is { } bracket) await LoadAsync([bracket], cancellationToken);
    }

    /// <summary>
    /// Every few seconds the owner compares its book with the database, so that a lost notification only delays: open
    /// orders it does not know are loaded, known orders that ended are let go.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!_owning || _resyncNeeded) return;
        var known = _owners.Keys.ToArray();
        List<Guid> openIds, ended;
        await using (var context = db.ForSystem("paper exchange reconcile"))
        {
            openIds = await context.Orders.AsNoTracking()
                .Where(o => o.Platform == ExchangeOptions.Platform && o.ParentOrderId == null
                    && (o.Status == OrderStatus.Pending || o.Status == OrderStatus.Placed || o.Status == OrderStatus.PartiallyFilled))
                .Select(o => o.Id).ToListAsync(cancellationToken);
            ended = known.Length == 0 ? [] : await context.Orders.AsNoTracking()
                .Where(o => known.Contains(o.Id)
                    && !(o.Status == OrderStatus.Pending || o.Status == OrderStatus.Placed || o.Status == OrderStatus.PartiallyFilled))
                .Select(o => o.Id).ToListAsync(cancellationToken);
        }

        var missing = openIds.Where(id => !_owners.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
        {
            LogReconciled(log, missing.Length);
            await LoadAsync(missing, cancellationToken);
        }

        foreach (var id in ended) await ForgetClosedAsync(id, cancellationToken);
    }

    private async Task PersistFillAsync(Fill fill, CancellationToken cancellationToken)
    {
        // Deposed: stop at once (an elected exchange that lost its lock writes nothing more).
        var epoch = Interlocked.Read(ref _epoch);
        if (epoch != 0 && !_owning) return;
        if (!_owners.TryGetValue(fill.OrderId, out var owner)) return;
        var security = await catalog.GetAsync(owner.SecurityId, cancellationToken);
        if (security is null) return;
        await using var scope = scopes.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
        await using var context = db.ForUser(owner.UserId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var order = await context.Orders.FromSql($"SELECT * FROM trading_orders WHERE id = {fill.OrderId} FOR UPDATE").SingleAsync(cancellationToken);
        if (!order.IsOpen)
        {
            // A cancel committed first: the engine's fill never happened.
            return;
        }

        if (StaleFill(order, fill, security))
        {
            // The book is behind the row (a change committed on another instance and not yet applied here): the fill is
            // dropped and the book rebuilt from the database before the next batch.
            _resyncNeeded = true;
            LogStale(log, order.Id);
            return;
        }

        var now = clock.GetUtcNow();
        var today = IndiaTime.Today(clock);
        // The depository charges once per scrip per trading day (IST) on sells.
        var dayStart = MarketCalendar.AtIst(today, TimeOnly.MinValue).ToUniversalTime();
        var firstSellToday = order.Side == OrderSide.Buy || !await context.OrderExecutions.AnyAsync(e =>
            e.ExecutedAt >= dayStart && context.Orders.Any(o => o.Id == e.OrderId && o.SecurityId == order.SecurityId && o.Side == OrderSide.Sell),
            cancellationToken);
        var fund = security.Type == SecurityType.MutualFund;
        if (fund)
        {
            // The units are known now: the order is for exactly what the amount bought.
            order.Quantity = fill.Quantity;
        }

        var charges = fund && order.Side == OrderSide.Buy
            ? ChargesCalculator.CalculateMutualFundPurchase(schedule.Value, order.Amount ?? order.BlockedAmount, today)
            : fund
            ? Instruments.RedemptionCharges(schedule.Value, security, fill.Quantity, fill.Price, today, (await OrderService.OpenLotsAsync(context, security.Id, ExchangeOptions.Platform, cancellationToken)).Select(l => (l.Date, l.Quantity)))
            : ChargesCalculator.Calculate(schedule.Value, Instruments.Charges(security), order.Side, fill.Quantity, fill.Price, today, firstSellToday);
        var amount = Money.Paisa(fill.Quantity * fill.Price);
        var sequence = await context.OrderExecutions.CountAsync(e => e.OrderId == order.Id, cancellationToken) + 1;
        // An exit load is the fund house's fee: with the other fees, it lowers what the sale brings in.
        var draft = new TransactionDraft(security.Symbol, order.Side == OrderSide.Buy ? TransactionType.Buy : TransactionType.Sell, fill.Quantity,
            fill.Price, amount, charges.Brokerage + charges.ExchangeCharges + charges.SebiFee + charges.DpCharges + charges.ExitLoad, charges.Stt + charges.StampDuty,
            charges.Gst, today, ExchangeOptions.Platform, $"order:{order.Id}:{sequence}", $"Paper order {order.Type.ToString().ToLowerInvariant()}");
        LedgerTransaction row;
        try
        {
            row = await ledger.AppendAsync(context, owner.UserId, draft, cancellationToken);
        }
        catch (DomainException e)
        {
            await tx.RollbackAsync(cancellationToken);
            await RejectAsync(owner.UserId, order.Id, e.Message, cancellationToken);
            return;
        }

        if (charges.Tds > 0m)
        {
            // Kept on the sale for the tax statement's TDS credit; the ledger's own columns hold only charges.
            row.Metadata = System.Text.Json.JsonSerializer.SerializeToDocument(new { tds = charges.Tds });
        }

        context.OrderExecutions.Add(new OrderExecution
        {
            OrderId = order.Id, UserId = owner.UserId, Quantity = fill.Quantity, Price = fill.Price, Amount = amount, Charges = charges.Total,
            TransactionId = row.Id, ExecutedAt = fill.At.ToUniversalTime(), PlatformExecutionId = $"paper-{order.Id:N}-{sequence}",
            ExchangeEpoch = epoch == 0 ? null : epoch,
        });
        var before = order.FilledQuantity;
        order.FilledQuantity += fill.Quantity;
        order.AvgExecutionPrice = Money.UnitPrice(((order.AvgExecutionPrice ?? 0m) * before + fill.Price * fill.Quantity) / order.FilledQuantity);
        order.Fees = (order.Fees ?? 0m) + charges.Total;
        order.TotalCost = (order.TotalCost ?? 0m) + amount;
        // The book's word on completion: a bracket child may be done before its stored quantity (the entry bought fewer,
        // or the sibling sold some); it then stands for what it sold.
        order.Status = fill.Final || order.FilledQuantity >= order.Quantity ? OrderStatus.Executed : OrderStatus.PartiallyFilled;
        if (order.Status == OrderStatus.Executed && order.ParentOrderId is not null) order.Quantity = order.FilledQuantity;
        order.ExecutedAt = order.Status == OrderStatus.Executed ? fill.At.ToUniversalTime() : order.ExecutedAt;
        order.UpdatedAt = now;
        if (order.Type == OrderType.Bracket)
        {
            // The entry bought: its target and stop are live from now (the book activated them with this fill).
            await context.Orders.Where(o => o.ParentOrderId == order.Id && o.Status == OrderStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OrderStatus.Placed).SetProperty(o => o.PlacedAt, fill.At.ToUniversalTime())
                    .SetProperty(o => o.UpdatedAt, now), cancellationToken);
        }

        var account = await CashAccounts.LockAsync(context, owner.UserId, now, cancellationToken);
        if (order.Side == OrderSide.Buy)
        {
            var release = order.Status == OrderStatus.Executed ? order.BlockedAmount : Money.Paisa(order.BlockedAmount * fill.Quantity / (order.Quantity - before));
            account.Blocked = Math.Max(0m, account.Blocked - release);
            order.BlockedAmount -= release;
            account.Balance -= amount + charges.Total;
        }
        else
        {
            // Section 194S: the TDS is withheld from the proceeds (a tax credit, so it is not in the transaction's charges or P&L).
            account.Balance += amount - charges.Total - charges.Tds;
        }

        account.UpdatedAt = now;
        if (account.Balance < 0m)
        {
            await tx.RollbackAsync(cancellationToken);
            await RejectAsync(owner.UserId, order.Id, "Not enough cash for the fill at this price.", cancellationToken);
            return;
        }

        if (order.PlanExecutionId is { } planExecution && order.Status == OrderStatus.Executed)
        {
            // A plan's fund leg fills at the NAV, after its execution was written: count it, and link its holding to the plan's goal.
            await context.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE plan_executions SET orders_executed = orders_executed + 1 WHERE id = {planExecution}", cancellationToken);
            var goal = await context.PlanExecutions.Where(e => e.Id == planExecution)
                .Join(context.Plans, e => e.PlanId, p => p.Id, (e, p) => p.LinkedGoalId).SingleOrDefaultAsync(cancellationToken);
            if (goal is { } goalId && order.Side == OrderSide.Buy)
            {
                await Goals.GoalLinking.LinkPurchasesAsync(context, [(goalId, row.InvestmentId!.Value)], now, cancellationToken);
            }
        }

        context.CashLedger.Add(new CashLedgerEntry
        {
            UserId = owner.UserId, OrderId = order.Id,
            EntryType = order.Side == OrderSide.Buy ? CashEntryType.Buy : CashEntryType.Sell,
            Amount = order.Side == OrderSide.Buy ? -(amount + charges.Total) : amount - charges.Total - charges.Tds,
            BalanceAfter = account.Balance,
            // Sale proceeds settle the next trading day (T+1): they can buy again at once but be withdrawn only then.
            SettlesOn = order.Side == OrderSide.Sell ? MarketCalendar.NextTradingDay(today) : today,
            Description = $"{(order.Side == OrderSide.Buy ? "Bought" : "Sold")} {fill.Quantity:0.########} {security.Symbol} at {fill.Price:0.00##}",
            CreatedAt = now,
        });
        var executed = order.Status == OrderStatus.Executed;
        // In the fill's own transaction: a crash after the commit loses no notification (decision 0056).
        notifications.Add(context, owner.UserId,
            executed ? Notifications.NotificationKinds.OrderExecuted : Notifications.NotificationKinds.OrderPartiallyFilled,
            $"{OrderService.Describe(order)} {(executed ? "executed" : "partly filled")}",
            $"{fill.Quantity:0.########} at ₹{fill.Price:0.00##}; {order.FilledQuantity:0.########} of {order.Quantity:0.########} filled.",
            $"/orders/{order.Id}");
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: FencedState })
        {
            // The fill guard: another instance was elected since this one's epoch. Nothing was written; stop matching.
            _owning = false;
            _fenced = true;
            LogFenced(log, order.Id, epoch);
            return;
        }

        await tx.CommitAsync(cancellationToken);
        ledger.Committed(owner.UserId);
        notifications.Wake();
        LogFilled(log, order.Id, fill.Quantity, fill.Price);
        metrics.Filled(order.Side == OrderSide.Buy ? "buy" : "sell");
        if (executed) _owners.TryRemove(order.Id, out _);
    }

    /// <summary>SQLSTATE the fill guard raises (trigger order_executions_fence) for a deposed owner's fill.</summary>
    public const string FencedState = "SP409";

    /// <summary>
    /// A fill the stored order no longer allows: more than it has left (a quantity lowered elsewhere), or past its limit (a
    /// price changed elsewhere). A bracket's legs and fund orders have quantities of the book's own and are not compared.
    /// </summary>
    private static bool StaleFill(TradingOrder order, Fill fill, Security security)
    {
        if (security.Type == SecurityType.MutualFund) return false;
        if (order.ParentOrderId is null && fill.Quantity > order.Quantity - order.FilledQuantity) return true;
        return order.Type != OrderType.Market && order.Price is { } limit
            && (order.Side == OrderSide.Buy ? fill.Price > limit : fill.Price < limit);
    }

    private async Task RejectAsync(Guid userId, Guid orderId, string reason, CancellationToken cancellationToken)
    {
        Forget(orderId, clock.GetUtcNow());
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var order = await context.Orders.FromSql($"SELECT * FROM trading_orders WHERE id = {orderId} FOR UPDATE").SingleAsync(cancellationToken);
        if (order.IsOpen)
        {
            await OrderLifecycle.CloseAsync(context, order, reason, clock.GetUtcNow(), cancellationToken,
                order.FilledQuantity > 0m ? OrderStatus.Cancelled : OrderStatus.Rejected);
        }

        notifications.Add(context, userId, Notifications.NotificationKinds.OrderRejected, $"{OrderService.Describe(order)} rejected", reason,
            $"/orders/{order.Id}");
        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        notifications.Wake();
    }

    /// <summary>Records an order the book ended without a fill: cancelled, expired, or a bracket child with nothing left to sell.</summary>
    private async Task CloseAsync(OrderEvent e, CancellationToken cancellationToken)
    {
        if (!_owners.TryGetValue(e.OrderId, out var owner)) return;
        await using var context = db.ForUser(owner.UserId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var order = await context.Orders.FromSql($"SELECT * FROM trading_orders WHERE id = {e.OrderId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (order is { IsOpen: true })
        {
            await OrderLifecycle.EndAsync(context, order, e, clock.GetUtcNow(), cancellationToken);
            if (order.Status == OrderStatus.Cancelled)
            {
                notifications.Add(context, owner.UserId,
                    e.Kind == OrderEventKind.Expired ? Notifications.NotificationKinds.OrderExpired : Notifications.NotificationKinds.OrderCancelled,
                    $"{OrderService.Describe(order)} {(e.Kind == OrderEventKind.Expired ? "expired" : "cancelled")}", order.RejectionReason ?? "Cancelled.",
                    $"/orders/{order.Id}");
            }

            await context.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            notifications.Wake();
        }
        else
        {
            await tx.CommitAsync(cancellationToken);
        }

        _owners.TryRemove(e.OrderId, out _);
    }

    private static RestingOrder Resting(TradingOrder order, OrderType type) => new()
    {
        OrderId = order.Id, SecurityId = order.SecurityId, Side = order.Side, Type = type, Quantity = order.Quantity, Filled = order.FilledQuantity,
        LimitPrice = type == OrderType.StopLoss ? order.Price : type == OrderType.Limit ? order.Price : null,
        TriggerPrice = type == OrderType.StopLoss ? order.StopLoss : null,
        Validity = order.Validity, PlacedAt = order.PlacedAt ?? order.CreatedAt,
    };

    [LoggerMessage(LogLevel.Information, "Paper exchange: {Count} open orders loaded")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Paper exchange: {Count} open orders found by the reconcile, not told by notification")]
    private static partial void LogReconciled(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Paper exchange: a fill of order {OrderId} no longer fits the stored order; the book is rebuilt")]
    private static partial void LogStale(ILogger logger, Guid orderId);

    [LoggerMessage(LogLevel.Warning, "Paper exchange: the database refused a fill of order {OrderId} for epoch {Epoch}: another instance owns the exchange")]
    private static partial void LogFenced(ILogger logger, Guid orderId, long epoch);

    [LoggerMessage(LogLevel.Information, "Paper exchange filled order {OrderId}: {Quantity} at {Price}")]
    private static partial void LogFilled(ILogger logger, Guid orderId, decimal quantity, decimal price);
}

/// <summary>A fund order waiting for its NAV: a purchase by amount, or a redemption of units.</summary>
internal sealed record FundOrder(Guid SecurityId, OrderSide Side, decimal Amount, decimal Units, DateTimeOffset PlacedAt);
