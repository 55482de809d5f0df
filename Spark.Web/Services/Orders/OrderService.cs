using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Core.Formatting;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Hosting;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Orders;

using Security = Spark.Core.Market.Security;

/// <summary>
/// Places, modifies and cancels orders on the paper exchange. Placing checks every rule of the ticket, blocks the
/// cash an open buy may need, and hands the order to the exchange; the user's cash account row is locked while
/// it does, so concurrent orders of one user serialise and cannot spend or sell the same thing twice.
/// </summary>
public sealed class OrderService(
    SparkDb db, SecurityCatalog catalog, PriceBook prices, IBrokerGateway exchange,
    IOptions<SparkOptions> options, IOptions<ExchangeOptions> exchangeOptions, IOptions<ChargeSchedule> schedule,
    Notifications.NotificationOutbox notifications, Api.IdempotencyTicket idempotency, TimeProvider clock,
    Tax.IGrandfatheringPrices grandfathering, MarketStatusService market, Hosting.SparkMetrics metrics, Tax.StatementCache? statements = null)
{
    /// <summary>Null when the account may trade now; otherwise what to do first (KYC, two-factor sign-in), in the investor's words.</summary>
    public async Task<string?> EligibilityAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var user = await context.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.KycStatus, u.TwoFactorEnabled })
            .SingleOrDefaultAsync(cancellationToken);
        return user is null ? "Sign in again." : TradingEligibility.Check(user.KycStatus, user.TwoFactorEnabled, options.Value.Security.RequireTwoFactorForTrading);
    }

    /// <summary>Places an order, timing it for the spark.orders.placement.duration histogram (accepted or refused).</summary>
    public async Task<OrderView> PlaceAsync(Guid userId, OrderRequest request, CancellationToken cancellationToken = default)
    {
        var started = clock.GetTimestamp();
        var outcome = "refused";
        try
        {
            var placed = await PlaceCoreAsync(userId, request, cancellationToken);
            outcome = "accepted";
            return placed;
        }
        finally
        {
            metrics.Placed(clock.GetElapsedTime(started), outcome);
        }
    }

    private async Task<OrderView> PlaceCoreAsync(Guid userId, OrderRequest request, CancellationToken cancellationToken)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "place an order", consentable: true);
        ArgumentNullException.ThrowIfNull(request);
        var (security, side, type, validity, quantity) = await CheckFieldsAsync(request, cancellationToken);
        var support = OrderSupport.Check(security.Type, type, validity);
        if (!support.Accepted) throw new DomainException(support.Reason!);

        var now = clock.GetUtcNow();
        var open = !exchangeOptions.Value.EnforceMarketHours || MarketCalendar.TradesNow(security.Type, now);
        if (!open && validity == OrderValidity.Ioc)
        {
            throw new DomainException("The market is closed: an immediate-or-cancel order needs an open market. Use a day order to queue it for the next session.");
        }

        // A day order placed while no session trades (closed, holiday, pre-open) waits for the next open: an after-market order.
        var afterMarket = IsAfterMarket(security, validity, out var sendsAt);
        var fund = security.Type == SecurityType.MutualFund;
        var estimate = fund ? 0m : BlockPrice(security, side, type, request);
        var charges = fund ? null : ChargesCalculator.Calculate(schedule.Value, Instruments.Charges(security), side, quantity, estimate, IndiaTime.Today(clock));
        // A fund purchase blocks its amount; a redemption, like any sell, blocks nothing.
        var block = side == OrderSide.Sell ? 0m : fund ? request.Amount!.Value : Money.Paisa(quantity * estimate) + charges!.Total;

        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var (account, kyc, twoFactor) = await CashAccounts.LockForTradingAsync(context, userId, now, cancellationToken);
        if (TradingEligibility.Check(kyc, twoFactor, options.Value.Security.RequireTwoFactorForTrading) is { } why)
        {
            throw new DomainException(why);
        }

        if (side == OrderSide.Buy && block > account.Available)
        {
            throw new DomainException(string.Create(CultureInfo.InvariantCulture,
                $"Not enough cash: this order may need {IndianFormat.Money(block)} with charges, and {IndianFormat.Money(account.Available)} is available. Add paper cash under Orders → Cash."));
        }

        if (side == OrderSide.Sell) await EnsureHeldAsync(context, security, quantity, null, cancellationToken);

        var order = NewOrder(userId, security, side, type, quantity, validity, now);
        order.Price = request.Price;
        order.StopLoss = request.StopLoss;
        order.TargetPrice = request.TargetPrice;
        order.Amount = fund && side == OrderSide.Buy ? request.Amount : null;
        order.BlockedAmount = block;
        order.AfterMarket = afterMarket;
        context.Orders.Add(order);
        var children = new List<Spark.Core.Orders.TradingOrder>();
        if (type == OrderType.Bracket)
        {
            var exit = side == OrderSide.Buy ? OrderSide.Sell : OrderSide.Buy;
            var target = NewOrder(userId, security, exit, OrderType.Limit, quantity, OrderValidity.Gtc, now);
            target.Price = request.TargetPrice;
            var stop = NewOrder(userId, security, exit, OrderType.StopLoss, quantity, OrderValidity.Gtc, now);
            stop.StopLoss = request.StopLoss;
            foreach (var child in new[] { target, stop })
            {
                child.ParentOrderId = order.Id;
                child.Status = OrderStatus.Pending;
                child.PlacedAt = null;
                children.Add(child);
                context.Orders.Add(child);
            }
        }

        account.Blocked += block;
        account.UpdatedAt = now;
        var view = OrderView.From(order, children: [.. children.Select(c => OrderView.From(c))]);
        // A request holding an Idempotency-Key stores its answer in the same batch and transaction: one durable commit for both.
        idempotency.Complete(context, StatusCodes.Status201Created, view);
        // So is the notification (decision 0056); the insert also tells the exchange's owner through the database (NOTIFY on commit).
        notifications.Add(context, userId, Notifications.NotificationKinds.OrderPlaced,
            $"{Describe(order)} placed", afterMarket
                ? $"Your after-market {order.Type.ToString().ToLowerInvariant()} order is sent at the next session's open: {MarketStatusText.SessionTime(sendsAt)}."
                : $"Your {order.Type.ToString().ToLowerInvariant()} order is open on the paper exchange.", $"/orders/{order.Id}");
        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        exchange.Register(order, children, security);
        notifications.Wake();
        return view;
    }

    public async Task<OrderView?> CancelAsync(Guid userId, Guid orderId, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "cancel an order", consentable: true);
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var order = await context.Orders.FromSql($"SELECT * FROM trading_orders WHERE id = {orderId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (order is null) return null;
        if (!order.IsOpen) throw new OrderFinalException(order.Status);

        // Under the order's row lock a fill of it cannot commit meanwhile; the engine forgets the rest at once.
        var released = order.BlockedAmount;
        var ended = exchange.Forget(order.Id, clock.GetUtcNow());
        await OrderLifecycle.CloseAsync(context, order, "Cancelled by you.", clock.GetUtcNow(), cancellationToken);
        var children = await context.Orders.FromSql($"SELECT * FROM trading_orders WHERE parent_order_id = {orderId} FOR UPDATE").ToListAsync(cancellationToken);
        // A bracket entry that bought some leaves its target and stop protecting that; one with nothing left to sell ends.
        foreach (var e in ended)
        {
            if (children.Find(c => c.Id == e.OrderId) is { } child) await OrderLifecycle.EndAsync(context, child, e, clock.GetUtcNow(), cancellationToken);
        }

        foreach (var child in children.Where(c => c.IsOpen && order.FilledQuantity == 0m))
        {
            exchange.Forget(child.Id, clock.GetUtcNow());
            await OrderLifecycle.CloseAsync(context, child, "Its entry order was cancelled before buying anything.", clock.GetUtcNow(), cancellationToken);
        }

        var grouping = await context.UserPreferences.AsNoTracking().Where(p => p.UserId == userId)
            .Select(p => (NumberFormat?)p.NumberFormat).SingleOrDefaultAsync(cancellationToken) == NumberFormat.International
            ? NumberGrouping.International : NumberGrouping.Indian;
        // Told like placing and filling are (same kind family, same "portfolio changes" preference), in the cancel's own transaction.
        notifications.Add(context, userId, Notifications.NotificationKinds.OrderCancelled, $"{Describe(order)} cancelled",
            CancelledMessage(order, released, grouping), $"/orders/{order.Id}");
        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        notifications.Wake();
        return OrderView.From(order);
    }

    /// <summary>What a cancel notification says: what had filled, and the cash the cancel released, in the user's number grouping.</summary>
    public static string CancelledMessage(Spark.Core.Orders.TradingOrder order, decimal released, NumberGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(order);
        var text = order.FilledQuantity > 0m
            ? $"Cancelled by you after {IndianFormat.Number(order.FilledQuantity, QuantityDecimals(order.FilledQuantity), grouping)} of {IndianFormat.Number(order.Quantity, QuantityDecimals(order.Quantity), grouping)} filled."
            : "Cancelled by you.";
        return released > 0m ? $"{text} {IndianFormat.Money(released, grouping: grouping)} is available again." : text;
    }

    /// <summary>The decimals a quantity needs (10, 0.002, 1.5), at most crypto's 8.</summary>
    private static int QuantityDecimals(decimal quantity) => Math.Min(8, (int)(quantity / 1.000000000000000000000000000000000m).Scale);

    /// <summary>Changes an open order's quantity, price or trigger; an open buy's cash block follows the new estimate.</summary>
    public async Task<OrderView?> ModifyAsync(Guid userId, Guid orderId, OrderChange change, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "change an order", consentable: true);
        ArgumentNullException.ThrowIfNull(change);
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var order = await context.Orders.FromSql($"SELECT * FROM trading_orders WHERE id = {orderId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (order is null) return null;
        if (!order.IsOpen) throw new OrderFinalException(order.Status);
        var security = await catalog.GetAsync(order.SecurityId, cancellationToken) ?? throw new DomainException("The security is no longer listed.");
        var request = new OrderRequest(order.Symbol, order.Side, order.Type, change.Quantity ?? order.Quantity, change.Price ?? order.Price,
            change.StopLoss ?? order.StopLoss, order.TargetPrice, order.Validity, order.Platform);
        var (_, _, _, _, quantity) = await CheckFieldsAsync(request, cancellationToken);
        // Raising a sell past the holding would be refused only at fill time, after the order sat on the book (issue #12).
        if (order.Side == OrderSide.Sell && order.ParentOrderId is null && quantity > order.Quantity)
        {
            await EnsureHeldAsync(context, security, quantity - order.FilledQuantity, order.Id, cancellationToken);
        }
        var now = clock.GetUtcNow();
        var account = await CashAccounts.LockAsync(context, userId, now, cancellationToken);
        var block = 0m;
        if (order.Side == OrderSide.Buy)
        {
            var estimate = BlockPrice(security, order.Side, order.Type, request);
            var remaining = quantity - order.FilledQuantity;
            block = Money.Paisa(remaining * estimate)
                + ChargesCalculator.Calculate(schedule.Value, Instruments.Charges(security), order.Side, remaining, estimate, IndiaTime.Today(clock)).Total;
            if (block - order.BlockedAmount > account.Available)
            {
                throw new DomainException($"Not enough cash for the change: it needs {IndianFormat.Money(block - order.BlockedAmount)} more, and {IndianFormat.Money(account.Available)} is available.");
            }
        }

        var result = exchange.Modify(order, change.Quantity, change.Price, order.Type is OrderType.StopLoss ? change.StopLoss : null);
        if (!result.Accepted) throw new DomainException(result.Reason ?? "The exchange refused the change.");
        if (order.Side == OrderSide.Buy)
        {
            account.Blocked += block - order.BlockedAmount;
            account.UpdatedAt = now;
            order.BlockedAmount = block;
        }

        if (order.Type == OrderType.Bracket && quantity != order.Quantity)
        {
            // The book moved the open target and stop by as much (they protect the entry's quantity): so does the record.
            var delta = quantity - order.Quantity;
            await context.Orders.Where(o => o.ParentOrderId == order.Id
                    && (o.Status == OrderStatus.Pending || o.Status == OrderStatus.Placed || o.Status == OrderStatus.PartiallyFilled))
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.Quantity, o => o.Quantity + delta).SetProperty(o => o.UpdatedAt, now), cancellationToken);
        }

        order.Quantity = quantity;
        order.Price = request.Price;
        order.StopLoss = request.StopLoss;
        order.UpdatedAt = now;
        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return OrderView.From(order);
    }

    /// <summary>A sell (new, or an open one raised) may not exceed the holding less what other open sells already offer.</summary>
    private static async Task EnsureHeldAsync(SparkDbContext context, Security security, decimal quantity, Guid? changing,
        CancellationToken cancellationToken)
    {
        var held = await context.Investments.Where(i => i.SecurityId == security.Id && i.Platform == ExchangeOptions.Platform)
            .Select(i => (decimal?)i.Quantity).SingleOrDefaultAsync(cancellationToken) ?? 0m;
        var selling = await context.Orders
            .Where(o => o.SecurityId == security.Id && o.Side == OrderSide.Sell && o.Platform == ExchangeOptions.Platform && o.ParentOrderId == null
                && o.Id != changing
                && (o.Status == OrderStatus.Pending || o.Status == OrderStatus.Placed || o.Status == OrderStatus.PartiallyFilled))
            .SumAsync(o => (decimal?)(o.Quantity - o.FilledQuantity), cancellationToken) ?? 0m;
        if (quantity > held - selling)
        {
            throw new DomainException(string.Create(CultureInfo.InvariantCulture,
                $"You can sell up to {Units(held - selling)} {security.Symbol} on the paper exchange: {Units(held)} held, {Units(selling)} already in open sell orders."));
        }
    }

    public async Task<Paged<OrderView>> ListAsync(Guid userId, string? status, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        await using var context = db.ForUser(userId);
        var query = context.Orders.AsNoTracking().Where(o => o.ParentOrderId == null);
        query = status switch
        {
            null or "" or "all" => query,
            "open" => query.Where(o => o.Status == OrderStatus.Pending || o.Status == OrderStatus.Placed || o.Status == OrderStatus.PartiallyFilled),
            "executed" => query.Where(o => o.Status == OrderStatus.Executed),
            "cancelled" => query.Where(o => o.Status == OrderStatus.Cancelled || o.Status == OrderStatus.Rejected),
            // A filter word nobody defined answering everything reads as "this filter matched all": refuse it instead.
            _ => throw new FieldValidationException(new Dictionary<string, string[]> { ["status"] = ["Use open, executed, cancelled or all."] }),
        };
        var total = await query.CountAsync(cancellationToken);
        var orders = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        var tds = await ListTdsAsync(context, orders, cancellationToken);
        return new Paged<OrderView>([.. orders.Select(o => OrderView.From(o) with { Tds = tds.GetValueOrDefault(o.Id) })], page, pageSize, total);
    }

    /// <summary>
    /// The TDS withheld on the filled crypto sells among <paramref name="orders"/> (section 194S), as GET /orders/{id}
    /// reports it: one query for the page's executions and one for their sale rows, whatever the page holds.
    /// </summary>
    private async Task<Dictionary<Guid, decimal>> ListTdsAsync(SparkDbContext context, List<TradingOrder> orders, CancellationToken cancellationToken)
    {
        var sells = orders.Where(o => o.Side == OrderSide.Sell && o.FilledQuantity > 0m).ToList();
        if (sells.Count == 0) return [];
        var securityIds = sells.Select(o => o.SecurityId).Distinct().ToList();
        var crypto = (await context.Securities.AsNoTracking().Where(s => securityIds.Contains(s.Id) && s.Type == SecurityType.Crypto)
            .Select(s => s.Id).ToListAsync(cancellationToken)).ToHashSet();
        var cryptoSells = sells.Where(o => crypto.Contains(o.SecurityId)).Select(o => o.Id).ToList();
        if (cryptoSells.Count == 0) return [];
        var executions = await context.OrderExecutions.AsNoTracking().Where(e => cryptoSells.Contains(e.OrderId)).ToListAsync(cancellationToken);
        var kept = await KeptTdsAsync(context, executions, cancellationToken);
        return executions.GroupBy(e => e.OrderId).ToDictionary(g => g.Key, g => g.Sum(e => CryptoSellTds(e, kept)));
    }

    /// <summary>Every fill of the user's orders, oldest first, for the trades export.</summary>
    public async Task<IReadOnlyList<Spark.Core.Imports.TradeRow>> TradesAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await context.OrderExecutions.AsNoTracking()
            .Join(context.Orders, e => e.OrderId, o => o.Id, (e, o) => new { e, o })
            .OrderBy(x => x.e.ExecutedAt)
            .Select(x => new Spark.Core.Imports.TradeRow(x.e.ExecutedAt, x.o.Id, x.o.Symbol, x.o.Side, x.o.Type, x.e.Quantity, x.e.Price, x.e.Amount, x.e.Charges))
            .ToListAsync(cancellationToken);
    }

    public async Task<OrderView?> GetAsync(Guid userId, Guid orderId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var order = await context.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null) return null;
        var executions = await context.OrderExecutions.AsNoTracking().Where(e => e.OrderId == orderId).OrderBy(e => e.ExecutedAt)
            .ToListAsync(cancellationToken);
        var fills = await FillsWithTdsAsync(context, order, executions, cancellationToken);
        var children = await context.Orders.AsNoTracking().Where(o => o.ParentOrderId == orderId).OrderBy(o => o.Type).ToListAsync(cancellationToken);
        return OrderView.From(order, fills, [.. children.Select(c => OrderView.From(c))]) with { Tds = fills.Sum(f => f.Tds) };
    }

    /// <summary>
    /// The fills with the TDS of section 194S withheld on each (a crypto sell's): the amount the fill's sale transaction
    /// kept in its metadata (<c>{"tds": …}</c>), or for an older fill without it, the charge schedule's TDS at the fill's
    /// date and value. Zero for every other fill. TDS is a tax credit, never part of <see cref="FillView.Charges"/>.
    /// </summary>
    private async Task<List<FillView>> FillsWithTdsAsync(SparkDbContext context, TradingOrder order, List<OrderExecution> executions,
        CancellationToken cancellationToken)
    {
        var cryptoSell = order.Side == OrderSide.Sell
            && await context.Securities.AnyAsync(s => s.Id == order.SecurityId && s.Type == SecurityType.Crypto, cancellationToken);
        var kept = cryptoSell ? await KeptTdsAsync(context, executions, cancellationToken) : [];
        return [.. executions.Select(e => new FillView(e.Quantity, e.Price, e.Charges, e.ExecutedAt) { Tds = cryptoSell ? CryptoSellTds(e, kept) : 0m })];
    }

    /// <summary>The TDS each fill's sale transaction kept in its metadata (<c>{"tds": …}</c>), by transaction id.</summary>
    private static async Task<Dictionary<Guid, decimal>> KeptTdsAsync(SparkDbContext context, List<OrderExecution> executions, CancellationToken cancellationToken)
    {
        var kept = new Dictionary<Guid, decimal>();
        var transactionIds = executions.Where(e => e.TransactionId != null).Select(e => e.TransactionId!.Value).ToList();
        if (transactionIds.Count == 0) return kept;
        var rows = await context.Transactions.AsNoTracking().Where(t => transactionIds.Contains(t.Id) && t.Metadata != null)
            .Select(t => new { t.Id, t.Metadata }).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            if (row.Metadata!.RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root
                && root.TryGetProperty("tds", out var tds) && tds.TryGetDecimal(out var amount))
            {
                kept[row.Id] = amount;
            }
        }

        return kept;
    }

    /// <summary>A crypto sell fill's TDS: what its sale row kept, or for an older fill without it, the schedule's at the fill's date and value.</summary>
    private decimal CryptoSellTds(OrderExecution fill, Dictionary<Guid, decimal> kept) =>
        fill.TransactionId is { } id && kept.TryGetValue(id, out var amount) ? amount
            : ChargesCalculator.Calculate(schedule.Value, new ChargeInstrument(SecurityType.Crypto, null, false), OrderSide.Sell, fill.Quantity, fill.Price,
                DateOnly.FromDateTime(IndiaTime.ToIst(fill.ExecutedAt).DateTime)).Tds;

    /// <summary>The ticket's estimate: charges at the order's price (or the live price) and, for a sell, the tax split by FIFO lots.</summary>
    public async Task<ChargesPreview> PreviewAsync(Guid userId, OrderRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (security, side, type, validity, quantity) = await CheckFieldsAsync(request, cancellationToken);
        var today = IndiaTime.Today(clock);
        var afterMarket = IsAfterMarket(security, validity, out var sendsAt);
        var amo = new ChargesPreview.Amo(afterMarket, afterMarket ? sendsAt : null);
        var fund = security.Type == SecurityType.MutualFund;
        if (fund && side == OrderSide.Buy)
        {
            var purchase = ChargesCalculator.CalculateMutualFundPurchase(schedule.Value, request.Amount!.Value, today);
            return new ChargesPreview(purchase, prices.TryGet(security.Id, out var nav) ? nav.Price : 0m, request.Amount.Value, null) { BlockedAmount = request.Amount.Value, AfterMarket = amo.AfterMarket, SendsAt = amo.SendsAt };
        }

        // A redemption is estimated at the last NAV.
        var price = fund ? (prices.TryGet(security.Id, out var last) ? last.Price : 0m) : EstimatePrice(security, type, request);
        List<OpenLot> lots = [];
        if (side == OrderSide.Sell)
        {
            await using var context = db.ForUser(userId);
            lots = await OpenLotsAsync(context, security.Id, request.Platform ?? ExchangeOptions.Platform, cancellationToken);
        }

        var charges = fund ? Instruments.RedemptionCharges(schedule.Value, security, quantity, price, today, lots.Select(l => (l.Date, l.Quantity)))
            : ChargesCalculator.Calculate(schedule.Value, Instruments.Charges(security), side, quantity, price, today);
        CapitalGainsEstimate? gains = null;
        if (side == OrderSide.Sell && lots.Sum(l => l.Quantity) >= quantity)
        {
            var taxClass = Instruments.Tax(security);
            var realizedThisYear = 0m;
            decimal shortTermLossLeft = 0m, longTermLossLeft = 0m;
            var gainLots = lots;
            Func<DateOnly, decimal?>? fairMarketValue = null;
            if (taxClass == TaxClass.Equity)
            {
                await using var context = db.ForUser(userId);
                // What the capital-gains statement sees of the year so far (decision 0047): long-term gains after the
                // section 70 set-off, and the losses that set-off left, which this sale may absorb.
                var soFar = await LongTermEquityGainsThisYearAsync(context, today, cancellationToken);
                (realizedThisYear, shortTermLossLeft, longTermLossLeft) = soFar;
                gainLots = await SectionFortyEightLotsAsync(context, security, request.Platform ?? ExchangeOptions.Platform, today, lots, cancellationToken);
                // Section 55(2)(ac): lots bought on or before 31 January 2018 may take that day's fair market value as cost;
                // it is looked up only when the sale consumes such a lot of an equity share or equity-oriented fund unit.
                if (ConsumesLotOnOrBefore(gainLots, quantity, CapitalGainsEstimator.GrandfatheringDate)
                    && (await grandfathering.GetAsync([security.Id], cancellationToken)).TryGetValue(security.Id, out var fmv))
                {
                    fairMarketValue = date => date == CapitalGainsEstimator.GrandfatheringDate ? fmv : null;
                }
            }
            // Proviso to section 48: STT is not deducted from the capital gain, only the other transfer expenses.
            gains = CapitalGainsEstimator.Estimate(gainLots, quantity, price, charges.TransferExpenses, today, taxClass, realizedThisYear, fairMarketValue,
                shortTermLossLeft, longTermLossLeft);
        }

        // A crypto sell's TDS is withheld from what the sale brings in, though it is a tax credit rather than a charge.
        var cost = side == OrderSide.Buy ? Money.Paisa(quantity * price) + charges.Total : Money.Paisa(quantity * price) - charges.Total - charges.Tds;
        var blocked = 0m;
        if (side == OrderSide.Buy)
        {
            // What placing the order blocks, as PlaceAsync computes it: at the buffered price for a market buy.
            var blockPrice = BlockPrice(security, side, type, request);
            blocked = blockPrice == price ? cost
                : Money.Paisa(quantity * blockPrice) + ChargesCalculator.Calculate(schedule.Value, Instruments.Charges(security), side, quantity, blockPrice, today).Total;
        }
        return new ChargesPreview(charges, price, cost, gains) { BlockedAmount = blocked, AfterMarket = amo.AfterMarket, SendsAt = amo.SendsAt };
    }

    /// <summary>
    /// The year so far as the capital-gains statement computes it (decision 0047), on every platform (section 112A's
    /// exemption is once a year per person): the section 112A gains left after the section 70 set-off, which use up
    /// the exemption first, and the short- and long-term losses the set-off left, which this sale may absorb. Costs
    /// carry no STT and sales deduct none (proviso to section 48).
    /// </summary>
    private async Task<(decimal LongTermGains, decimal ShortTermLossLeft, decimal LongTermLossLeft)> LongTermEquityGainsThisYearAsync(
        SparkDbContext context, DateOnly today, CancellationToken cancellationToken)
    {
        // The year so far is computed each time (a sale may have just been recorded in this unit of work); the earlier
        // years' losses it brings forward are kept between tickets under the ledger's version (decision 0065).
        var statement = await Tax.CapitalGainsStatements.ComputeAsync(context, grandfathering, schedule.Value, Spark.Core.Tax.FinancialYear.Of(today), today,
            1, 1, cancellationToken, statements);
        var longTerm = statement.Totals.Where(t => t.Class == Spark.Core.Tax.GainClass.EquityLongTerm && t.Section == "112A").Sum(t => t.Taxable + t.Exemption);
        // The losses still usable by this sale: the year's own that its set-off left, and the earlier years' it brought
        // forward and has not used (section 74, decision 0064) — the same ones the statement sets off.
        return (longTerm, statement.ShortTermLossCarriedForward + statement.ShortTermLossBroughtForwardLeft,
            statement.LongTermLossCarriedForward + statement.LongTermLossBroughtForwardLeft);
    }

    /// <summary>
    /// The holding's open lots costed as section 48 costs them (a buy's STT left out), from its ledger; the stored lots
    /// when the ledger does not account for them (a holding written without transactions).
    /// </summary>
    private async Task<List<OpenLot>> SectionFortyEightLotsAsync(SparkDbContext context, Security security, string platform, DateOnly today,
        List<OpenLot> stored, CancellationToken cancellationToken)
    {
        var investmentId = await context.Investments.AsNoTracking().Where(i => i.SecurityId == security.Id && i.Platform == platform)
            .Select(i => (Guid?)i.Id).SingleOrDefaultAsync(cancellationToken);
        if (investmentId is null) return stored;
        var holdings = await Tax.CapitalGainsStatements.HoldingsAsync(context, [investmentId.Value], today, cancellationToken);
        if (holdings.Count != 1) return stored;
        var lots = Spark.Core.Tax.CapitalGainsEngine.OpenLots(holdings[0], schedule.Value);
        return lots.Sum(l => l.Quantity) == stored.Sum(l => l.Quantity) ? [.. lots] : stored;
    }

    /// <summary>Whether selling <paramref name="quantity"/> units FIFO consumes a lot dated on or before <paramref name="date"/>.</summary>
    internal static bool ConsumesLotOnOrBefore(IReadOnlyList<OpenLot> lotsOldestFirst, decimal quantity, DateOnly date)
    {
        var left = quantity;
        foreach (var lot in lotsOldestFirst)
        {
            if (left <= 0m) break;
            if (lot.Quantity <= 0m) continue;
            if (lot.Date <= date) return true;
            left -= lot.Quantity;
        }
        return false;
    }

    /// <summary>A holding's open buy lots, oldest first: what a sale's capital gains and a redemption's exit load are counted on.</summary>
    internal static Task<List<OpenLot>> OpenLotsAsync(SparkDbContext context, Guid securityId, string platform, CancellationToken cancellationToken) =>
        context.InvestmentLots.AsNoTracking()
            .Where(l => l.Type == LotSide.Buy && l.RemainingQuantity > 0m
                && context.Investments.Any(i => i.Id == l.InvestmentId && i.SecurityId == securityId && i.Platform == platform))
            .OrderBy(l => l.TransactionDate).ThenBy(l => l.Id)
            .Select(l => new OpenLot(l.TransactionDate, l.RemainingQuantity, l.Quantity, l.Price, Money.Paisa(l.RemainingQuantity * l.Price)))
            .ToListAsync(cancellationToken);

    private async Task<(Security Security, OrderSide Side, OrderType Type, OrderValidity Validity, decimal Quantity)> CheckFieldsAsync(
        OrderRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var security = string.IsNullOrWhiteSpace(request.Symbol) ? null : await catalog.FindAsync(request.Symbol, cancellationToken);
        if (security is null) errors["symbol"] = [$"No security has the symbol '{request.Symbol}'."];
        if (request.Side is null) errors["side"] = ["Choose buy or sell."];
        if (request.Type is null) errors["type"] = ["Choose market, limit, stop_loss or bracket."];
        // A deactivated security (back office, decision 0042) is closed to new buying; holders can still sell.
        if (security is { IsActive: false } && request.Side == OrderSide.Buy) errors["symbol"] = [$"{security.Symbol} is no longer offered: it can be sold but not bought."];
        var fund = security?.Type == SecurityType.MutualFund;
        var redemption = fund && request.Side == OrderSide.Sell;
        if (redemption)
        {
            // Units are redeemed at the next NAV: the amount is known only then.
            if (request.Quantity is not > 0m) errors["quantity"] = ["Enter the units to redeem."];
            else if (decimal.Round(request.Quantity.Value, 3) != request.Quantity.Value) errors["quantity"] = ["Fund units have at most three decimals."];
            if (request.Amount is not null) errors["amount"] = ["Redeem by units, not by amount."];
        }
        else if (fund)
        {
            // Funds are bought by amount at the next NAV; the units are known only then.
            if (request.Amount is not > 0m) errors["amount"] = ["Enter the amount to invest."];
            else if (decimal.Round(request.Amount.Value, 2) != request.Amount.Value) errors["amount"] = ["Use at most two decimals (paise)."];
        }
        else if (request.Quantity is not > 0m)
        {
            errors["quantity"] = ["Enter a quantity above zero."];
        }
        if (request.Platform is { Length: > 0 } platform && platform != ExchangeOptions.Platform)
        {
            errors["platform"] = ["Orders go to the paper exchange; broker connections come later."];
        }

        if (security is not null && !fund && request.Quantity is > 0m && request.Type is not null)
        {
            var quantity = request.Quantity.Value;
            if (decimal.Round(quantity, Instruments.UnitDecimals(security)) != quantity) errors["quantity"] = [Instruments.UnitsMessage(security)];
            else if (security.LotSize > 1 && quantity % security.LotSize != 0m) errors["quantity"] = [$"This security trades in lots of {security.LotSize}."];
            var tick = Instruments.TickSize(security);
            void Price(string field, decimal? value, bool required, string what)
            {
                if (value is null)
                {
                    if (required) errors[field] = [$"Enter the {what}."];
                }
                else if (value <= 0m)
                {
                    errors[field] = [$"The {what} must be above zero."];
                }
                else if (value.Value % tick != 0m)
                {
                    errors[field] = [string.Create(CultureInfo.InvariantCulture, $"Prices move in steps of ₹{tick:0.00}: use a multiple of it.")];
                }
            }

            var type = request.Type.Value;
            Price("price", request.Price, type is OrderType.Limit or OrderType.Bracket, "limit price");
            Price("stopLoss", request.StopLoss, type is OrderType.StopLoss or OrderType.Bracket, "stop-loss trigger");
            Price("targetPrice", request.TargetPrice, type is OrderType.Bracket, "target price");
            if (type == OrderType.Bracket && request.Price is { } p && request.StopLoss is { } sl && request.TargetPrice is { } tp && errors.Count == 0)
            {
                var buy = request.Side == OrderSide.Buy;
                if (buy ? !(sl < p && p < tp) : !(tp < p && p < sl))
                {
                    errors["targetPrice"] = [buy ? "For a buy, the stop-loss goes below the price and the target above it." : "For a sell, the target goes below the price and the stop-loss above it."];
                }
            }
        }

        if (errors.Count > 0) throw new FieldValidationException(errors);
        return (security!, request.Side!.Value, request.Type!.Value, request.Validity ?? OrderValidity.Day,
            fund && !redemption ? FundUnits(security!, request.Amount!.Value) : request.Quantity!.Value);
    }

    /// <summary>An estimate of the units an amount buys at the last NAV (the order's quantity until its NAV is struck).</summary>
    private decimal FundUnits(Security fund, decimal amount)
    {
        if (!prices.TryGet(fund.Id, out var nav) || nav.Price <= 0m) throw new DomainException($"{fund.Symbol} has no NAV yet.");
        return Math.Max(0.001m, Math.Round(amount / nav.Price, 3, MidpointRounding.ToZero));
    }

    /// <summary>The price an order is expected to fill at: its limit, else its trigger, else the live price with the block buffer for buys.</summary>
    /// <summary>The price the ticket estimates the order at: its limit or trigger, or the last price for a market order.</summary>
    private decimal EstimatePrice(Security security, OrderType type, OrderRequest request)
    {
        if (type is OrderType.Limit or OrderType.Bracket && request.Price is { } limit) return limit;
        if (type == OrderType.StopLoss && (request.Price ?? request.StopLoss) is { } trigger) return trigger;
        if (!prices.TryGet(security.Id, out var quote)) throw new DomainException($"{security.Symbol} has no price yet, so a market order cannot be estimated. Use a limit order.");
        return quote.Price;
    }

    /// <summary>
    /// The price cash is blocked at: the estimate, plus the buffer for a market buy, whose fill price is not known
    /// (issue 15: the buffer is shown as the amount blocked, never as the estimated price).
    /// </summary>
    private decimal BlockPrice(Security security, OrderSide side, OrderType type, OrderRequest request)
    {
        var estimate = EstimatePrice(security, type, request);
        var market = !(type is OrderType.Limit or OrderType.Bracket && request.Price is not null)
            && !(type == OrderType.StopLoss && (request.Price ?? request.StopLoss) is not null);
        return side == OrderSide.Buy && market ? estimate * (1m + exchangeOptions.Value.BlockBuffer) : estimate;
    }

    private static Spark.Core.Orders.TradingOrder NewOrder(Guid userId, Security security, OrderSide side, OrderType type, decimal quantity,
        OrderValidity validity, DateTimeOffset now) => new()
        {
            UserId = userId, SecurityId = security.Id, Symbol = security.Symbol, Side = side, Type = type, Quantity = quantity, Validity = validity,
            Platform = ExchangeOptions.Platform, Status = OrderStatus.Placed, CreatedAt = now, PlacedAt = now, UpdatedAt = now,
        };

    /// <summary>
    /// Whether a new order would be an after-market order (decision 0051): a day order on an instrument of the equity session
    /// (not crypto, which trades around the clock; not a fund, which follows NAV cut-offs) placed while no session trades.
    /// </summary>
    private bool IsAfterMarket(Security security, OrderValidity validity, out DateTimeOffset sendsAt)
    {
        var afterMarket = market.IsAfterMarket(security.Type, exchangeOptions.Value.EnforceMarketHours, out sendsAt);
        return afterMarket && validity == OrderValidity.Day;
    }

    private static string Units(decimal quantity) => quantity.ToString("0.########", CultureInfo.InvariantCulture);

    /// <summary>"Buy 10 TCS", as notifications and the orders page title an order.</summary>
    public static string Describe(Spark.Core.Orders.TradingOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return $"{(order.Side == OrderSide.Buy ? "Buy" : "Sell")} {Units(order.Quantity)} {order.Symbol}";
    }
}

/// <summary>The order is already executed, cancelled or rejected.</summary>
public sealed class OrderFinalException(OrderStatus status) : ConflictException($"This order is already {status.ToString().ToLowerInvariant()}.");
