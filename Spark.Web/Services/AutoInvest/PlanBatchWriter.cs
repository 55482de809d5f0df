using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core;
using Spark.Core.AutoInvest;
using Spark.Core.Cash;
using Spark.Core.Formatting;
using Spark.Core.Goals;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Orders.Matching;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Market;
using Spark.Web.Services.Goals;
using Spark.Web.Services.Orders;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.AutoInvest;

using Security = Spark.Core.Market.Security;

/// <summary>
/// Writes a batch of claimed plan executions in one unit of work: the order engine's batch path. Each plan's money
/// is split by asset class (steered to underweight classes, rebalanced when due) into basket instruments; market
/// orders on instruments trading now fill at once at the paper exchange's market price (slippage on the tick
/// grid) with the same charges, ledger rows, lots and cash entries as any fill; fund purchases wait for the NAV and
/// orders on a closed market wait for the session, both with their cash blocked. A plan without the cash for all
/// of it buys nothing and is recorded as failed with the reason.
/// </summary>
public sealed class PlanBatchWriter(
    SparkDb db, SecurityCatalog catalog, PriceBook prices, LedgerService ledger, IBrokerGateway exchange,
    IOptions<AutoInvestOptions> options, IOptions<ExchangeOptions> exchangeOptions, IOptions<ChargeSchedule> schedule, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] ExecutionColumns =
    [
        nameof(PlanExecution.Status), nameof(PlanExecution.AmountInvested), nameof(PlanExecution.OrdersPlaced), nameof(PlanExecution.OrdersExecuted),
        nameof(PlanExecution.AllocationDetails), nameof(PlanExecution.ErrorMessage), nameof(PlanExecution.ExecutedAt),
    ];
    private static readonly string[] PlanColumns =
        [nameof(AutoInvestPlan.InvestedAmount), nameof(AutoInvestPlan.LastExecutionDate), nameof(AutoInvestPlan.NextExecutionDate), nameof(AutoInvestPlan.UpdatedAt)];
    private static readonly string[] AccountColumns = [nameof(CashAccount.Balance), nameof(CashAccount.Blocked), nameof(CashAccount.UpdatedAt)];

    public async Task<IReadOnlyList<PlanOutcome>> WriteAsync(DateOnly date, IReadOnlyList<(DuePlan Plan, Guid ExecutionId)> work,
        CancellationToken cancellationToken)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var today = IndiaTime.Today(clock);
        await using var context = db.ForSystem("auto-invest: execute plans");
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);

        // Another scheduler may have taken a stale claim over and finished it: only pending executions are ours.
        var executionIds = work.Select(w => w.ExecutionId).ToArray();
        var executions = (await context.PlanExecutions
            .FromSql($"SELECT * FROM plan_executions WHERE id = ANY({executionIds}) AND status = 'pending' ORDER BY id FOR UPDATE")
            .AsNoTracking().ToListAsync(cancellationToken)).ToDictionary(e => e.Id);
        work = [.. work.Where(w => executions.ContainsKey(w.ExecutionId))];
        if (work.Count == 0) return [];

        // The plans' rows are locked too: a pause or cancel that lands between the claim and now wins, and its claim is withdrawn.
        var claimedPlans = work.Select(w => w.Plan.Id).ToArray();
        var plans = (await context.Plans.FromSql($"SELECT * FROM auto_invest_plans WHERE id = ANY({claimedPlans}) ORDER BY id FOR UPDATE")
            .AsNoTracking().ToListAsync(cancellationToken)).ToDictionary(p => p.Id);
        var stopped = work.Where(w => plans[w.Plan.Id].Status != PlanStatus.Active).Select(w => w.ExecutionId).ToArray();
        if (stopped.Length > 0)
        {
            await context.PlanExecutions.Where(e => stopped.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
            work = [.. work.Where(w => !stopped.Contains(w.ExecutionId))];
            if (work.Count == 0)
            {
                await tx.CommitAsync(cancellationToken);
                return [];
            }
        }

        var planIds = work.Select(w => w.Plan.Id).ToArray();
        var strategyIds = work.Select(w => w.Plan.StrategyId).Distinct().ToArray();
        var strategies = await context.Strategies.AsNoTracking().Where(s => strategyIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var baskets = await BasketsAsync(strategies.Values, cancellationToken);
        var positions = await PositionsAsync(context, planIds, cancellationToken);
        var users = work.Select(w => w.Plan.UserId).Distinct().Order().ToArray();
        // Holdings before cash, in the order an exchange fill takes them, so a fill of the same user cannot deadlock with the batch.
        var basketSecurities = baskets.Values.SelectMany(b => b).Select(i => i.Security.Id).Distinct().ToArray();
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            SELECT 1 FROM investments WHERE user_id = ANY({users}) AND security_id = ANY({basketSecurities}) AND platform = {ExchangeOptions.Platform}
            ORDER BY id FOR UPDATE
            """, cancellationToken);
        var accounts = await LockAccountsAsync(context, users, now, cancellationToken);

        var fills = new List<(Guid UserId, Security Security, TransactionDraft Draft, OrderExecution Execution, Guid? GoalId)>();
        var resting = new List<(TradingOrder Order, Security Security)>();
        var outcomes = new List<PlanOutcome>();
        var orders = new List<TradingOrder>();
        var cashEntries = new List<CashLedgerEntry>();
        var contributions = new List<GoalContribution>();
        foreach (var (due, executionId) in work)
        {
            var plan = plans[due.Id];
            var strategy = strategies[due.StrategyId];
            var execution = executions[executionId];
            var account = accounts[due.UserId];
            var held = positions.GetValueOrDefault(due.Id) ?? [];
            var decision = Decide(due, strategy, baskets[strategy.Id], held);

            var need = decision.Allocation.Legs.Where(l => l.Places).Sum(l => Block(l, decision.Instrument(l.Symbol))) - decision.SaleProceeds;
            string? error = null;
            if (!decision.Allocation.Legs.Any(l => l.Places))
            {
                error = "Nothing could be bought: " + string.Join(" ", decision.Allocation.Legs.Select(l => $"{l.Symbol}: {l.Note}").Distinct());
            }
            else if (need > account.Available)
            {
                error = string.Create(CultureInfo.InvariantCulture,
                    $"Not enough cash: this month's {IndianFormat.Money(due.MonthlyInvestment)} needs {IndianFormat.Money(need)} with charges, and {IndianFormat.Money(Math.Max(0m, account.Available))} is available. Nothing was bought. Add cash under Orders → Cash.");
            }

            if (error is not null)
            {
                Finish(execution, ExecutionStatus.Failed, 0m, 0, 0, Details(decision, [], error), error, now);
                Advance(plan, due, date, now);
                outcomes.Add(new PlanOutcome(due.Id, due.UserId, executionId, strategy.Name, ExecutionStatus.Failed, 0m, 0, 0, due.LinkedGoalId, error));
                continue;
            }

            var placed = new List<LegResult>();
            foreach (var (leg, side) in decision.Sells.Select(s => (s, OrderSide.Sell)).Concat(decision.Allocation.Legs.Where(l => l.Places).Select(l => (l, OrderSide.Buy))))
            {
                var instrument = decision.Instrument(leg.Symbol);
                var order = NewOrder(due.UserId, instrument.Security, side, leg, executionId, now);
                orders.Add(order);
                if (Immediate(instrument.Security, now))
                {
                    var fillPrice = OrderBook.MarketFillPrice(instrument.Quote, side, exchangeOptions.Value.SlippageBasisPoints, Instruments.TickSize(instrument.Security));
                    var charges = ChargesCalculator.Calculate(schedule.Value, Instruments.Charges(instrument.Security), side, leg.Quantity, fillPrice, today);
                    var amount = Money.Paisa(leg.Quantity * fillPrice);
                    order.Status = OrderStatus.Executed;
                    order.FilledQuantity = leg.Quantity;
                    order.AvgExecutionPrice = fillPrice;
                    order.Fees = charges.Total;
                    order.TotalCost = amount;
                    order.ExecutedAt = now;
                    // A crypto sell's TDS (section 194S) is withheld from the proceeds; it is a tax credit, not a charge.
                    var cash = side == OrderSide.Buy ? -(amount + charges.Total) : amount - charges.Total - charges.Tds;
                    account.Balance += cash;
                    cashEntries.Add(new CashLedgerEntry
                    {
                        UserId = due.UserId, OrderId = order.Id, EntryType = side == OrderSide.Buy ? CashEntryType.Buy : CashEntryType.Sell,
                        Amount = cash, BalanceAfter = account.Balance, CreatedAt = now,
                        SettlesOn = side == OrderSide.Sell ? MarketCalendar.NextTradingDay(today) : today,
                        Description = $"Auto-invest: {(side == OrderSide.Buy ? "bought" : "sold")} {leg.Quantity:0.########} {instrument.Security.Symbol} at {fillPrice:0.00##}",
                    });
                    var fill = new OrderExecution
                    {
                        OrderId = order.Id, UserId = due.UserId, Quantity = leg.Quantity, Price = fillPrice, Amount = amount, Charges = charges.Total,
                        ExecutedAt = now, PlatformExecutionId = $"paper-{order.Id:N}-1",
                    };
                    var draft = new TransactionDraft(instrument.Security.Symbol, side == OrderSide.Buy ? TransactionType.Buy : TransactionType.Sell,
                        leg.Quantity, fillPrice, amount, charges.Brokerage + charges.ExchangeCharges + charges.SebiFee + charges.DpCharges + charges.ExitLoad,
                        charges.Stt + charges.StampDuty, charges.Gst, today, ExchangeOptions.Platform, $"order:{order.Id}:1",
                        $"Auto-invest {strategy.Name}");
                    fills.Add((due.UserId, instrument.Security, draft, fill, side == OrderSide.Buy ? due.LinkedGoalId : null));
                    placed.Add(new LegResult(leg, side, order.Id, "executed", fillPrice, side == OrderSide.Buy ? amount + charges.Total : -(amount - charges.Total - charges.Tds)));
                }
                else
                {
                    // Funds wait for the NAV, shares for the session: the cash stays blocked until they fill.
                    order.BlockedAmount = side == OrderSide.Buy ? Block(leg, instrument) : 0m;
                    order.Amount = leg.Amount;
                    account.Blocked += order.BlockedAmount;
                    resting.Add((order, instrument.Security));
                    placed.Add(new LegResult(leg, side, order.Id, "placed", null, side == OrderSide.Buy ? leg.EstimatedCost : 0m));
                }

            }

            account.UpdatedAt = now;
            var invested = Money.Paisa(placed.Sum(p => p.Cash));
            var skippedLegs = decision.Allocation.Legs.Any(l => !l.Places && l.Budget > 0m);
            var status = skippedLegs ? ExecutionStatus.Partial : ExecutionStatus.Completed;
            var executedCount = placed.Count(p => p.Status == "executed");
            Finish(execution, status, invested, placed.Count, executedCount, Details(decision, placed, null), null, now);
            plan.InvestedAmount += invested;
            Advance(plan, due, date, now);
            if (due.LinkedGoalId is { } linked && invested > 0m)
            {
                contributions.Add(new GoalContribution
                {
                    GoalId = linked, UserId = due.UserId, Amount = invested, Source = ContributionSource.Auto, ContributionDate = date,
                    Note = $"Auto-invest: {strategy.Name}", CreatedAt = now,
                });
            }

            outcomes.Add(new PlanOutcome(due.Id, due.UserId, executionId, strategy.Name, status, invested, placed.Count, executedCount, due.LinkedGoalId, null));
        }
        // Every row of the batch in a few statements: COPY for the new rows, one UPDATE each for the changed ones.
        await context.InsertAsync(orders, cancellationToken);
        await context.InsertAsync(cashEntries, cancellationToken);
        await context.InsertAsync(contributions, cancellationToken);
        if (fills.Count > 0)
        {
            var rows = await ledger.AppendManyAsync(context, [.. fills.Select(f => (f.UserId, f.Security, f.Draft))], cancellationToken);
            for (var i = 0; i < rows.Count; i++) fills[i].Execution.TransactionId = rows[i].Id;
            await context.InsertAsync([.. fills.Select(f => f.Execution)], cancellationToken);
            // A plan linked to a goal links what it bought (fund legs link when they fill at the NAV).
            await GoalLinking.LinkPurchasesAsync(context,
                [.. fills.Select((f, i) => (f.GoalId, rows[i].InvestmentId)).Where(x => x.GoalId is not null && x.InvestmentId is not null)
                    .Select(x => (x.GoalId!.Value, x.InvestmentId!.Value))], now, cancellationToken);
        }

        await context.UpdateAsync([.. work.Select(w => executions[w.ExecutionId])], ExecutionColumns, cancellationToken);
        await context.UpdateAsync(plans.Values, PlanColumns, cancellationToken);
        await context.UpdateAsync(accounts.Values, AccountColumns, cancellationToken);
        await tx.CommitAsync(cancellationToken);

        foreach (var (order, security) in resting) exchange.Register(order, [], security);
        foreach (var user in work.Select(w => w.Plan.UserId).Distinct()) ledger.Committed(user);
        return outcomes;
    }

    /// <summary>Records a plan's execution as failed with the reason, in its own unit of work, and moves the plan on.</summary>
    public async Task<IReadOnlyList<PlanOutcome>> FailAsync(DateOnly date, (DuePlan Plan, Guid ExecutionId) item, string reason,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var context = db.ForSystem("auto-invest: record a failed execution");
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var execution = await context.PlanExecutions
            .FromSql($"SELECT * FROM plan_executions WHERE id = {item.ExecutionId} AND status = 'pending' FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (execution is null) return [];
        var plan = await context.Plans.SingleAsync(p => p.Id == item.Plan.Id, cancellationToken);
        var strategy = await context.Strategies.AsNoTracking().Where(s => s.Id == plan.StrategyId).Select(s => s.Name).SingleAsync(cancellationToken);
        Finish(execution, ExecutionStatus.Failed, 0m, 0, 0, null, reason, now);
        Advance(plan, item.Plan, date, now);
        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return [new PlanOutcome(plan.Id, plan.UserId, execution.Id, strategy, ExecutionStatus.Failed, 0m, 0, 0, plan.LinkedGoalId, reason)];
    }

    /// <summary>Moves plans whose nominal dates were missed (recorded as failed by the claim) to their next run.</summary>
    public async Task AdvanceAsync(IReadOnlyList<DuePlan> missed, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var context = db.ForSystem("auto-invest: skip missed dates");
        var ids = missed.Select(m => m.Id).ToArray();
        var plans = await context.Plans.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        foreach (var due in missed)
        {
            var plan = plans[due.Id];
            plan.NextExecutionDate = PlanSchedule.RunDate(PlanSchedule.NextNominal(due.Nominal));
            plan.UpdatedAt = now;
        }

        await context.SaveChangesAsync(cancellationToken);
    }

    private Decision Decide(DuePlan due, AutoInvestStrategy strategy, IReadOnlyList<Instrument> basket, Dictionary<Guid, decimal> held)
    {
        var classOf = basket.ToDictionary(i => i.Security.Id, i => i.AssetClass);
        var values = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        foreach (var (securityId, quantity) in held)
        {
            var assetClass = classOf.GetValueOrDefault(securityId, "other");
            var price = prices.PriceOf(securityId) ?? 0m;
            values[assetClass] = values.GetValueOrDefault(assetClass) + quantity * price;
        }

        var proposal = Rebalancer.Propose(strategy.Allocation, values, due.MonthlyInvestment, options.Value.RebalanceThresholdRate);
        var classAmounts = new Dictionary<string, decimal>(proposal.NewMoney, StringComparer.OrdinalIgnoreCase);
        var sells = new List<AllocationLeg>();
        var proceeds = 0m;
        var rebalanced = due.AutoRebalance && proposal.HasTrades && PlanSchedule.RebalancesAt(due.StartDate, due.Nominal, strategy.RebalancingFrequency);
        if (rebalanced)
        {
            foreach (var (assetClass, trade) in proposal.Trades.Where(t => t.Value < 0m))
            {
                var inClass = basket.Where(i => i.AssetClass.Equals(assetClass, StringComparison.OrdinalIgnoreCase) && held.GetValueOrDefault(i.Security.Id) > 0m && i.Quote > 0m).ToList();
                var classValue = inClass.Sum(i => held[i.Security.Id] * i.Quote);
                foreach (var i in inClass.Where(_ => classValue > 0m))
                {
                    // Funds are redeemed by units at the next NAV (3 decimals); shares and crypto sell now at the market price.
                    var price = i.ByAmount ? i.Quote : OrderBook.MarketFillPrice(i.Quote, OrderSide.Sell, exchangeOptions.Value.SlippageBasisPoints, Instruments.TickSize(i.Security));
                    var want = -trade * held[i.Security.Id] * i.Quote / classValue / price;
                    var quantity = Math.Min(held[i.Security.Id], Math.Round(want, i.ByAmount ? 3 : Instruments.UnitDecimals(i.Security), MidpointRounding.ToZero));
                    if (quantity <= 0m) continue;
                    var value = Money.Paisa(quantity * price);
                    sells.Add(new AllocationLeg(i.AssetClass, i.Security.Symbol, value, quantity, null, price, value, 0m,
                        i.ByAmount ? "Rebalancing redemption at the next NAV" : "Rebalancing sale"));
                    // A redemption pays out only at the NAV: this month's buys spend only what sells now.
                    if (!i.ByAmount) proceeds += value;
                }
            }

            // What the sales raise buys the underweight classes, in proportion to their shortfall.
            var buys = proposal.Trades.Where(t => t.Value > 0m).ToList();
            var wanted = buys.Sum(t => t.Value);
            foreach (var (assetClass, trade) in buys.Where(_ => wanted > 0m))
            {
                classAmounts[assetClass] = classAmounts.GetValueOrDefault(assetClass) + Money.Paisa(proceeds * 0.99m * trade / wanted);
            }
        }

        var instruments = basket.Select(i => new BasketInstrument(i.AssetClass, i.Security.Symbol, i.Weight,
            i.ByAmount ? i.Quote : OrderBook.MarketFillPrice(i.Quote, OrderSide.Buy, exchangeOptions.Value.SlippageBasisPoints, Instruments.TickSize(i.Security)),
            Instruments.UnitDecimals(i.Security), i.ByAmount)).ToList();
        var today = IndiaTime.Today(clock);
        var bySymbol = basket.ToDictionary(i => i.Security.Symbol, StringComparer.OrdinalIgnoreCase);
        var allocation = PlanAllocator.Split(classAmounts, instruments,
            (b, q, p) => ChargesCalculator.Calculate(schedule.Value, Instruments.Charges(bySymbol[b.Symbol].Security), OrderSide.Buy, q, p, today).Total, 0m);
        return new Decision(allocation, sells, proceeds, proposal, rebalanced, bySymbol);
    }

    private bool Immediate(Security security, DateTimeOffset now) =>
        security.Type != SecurityType.MutualFund && (!exchangeOptions.Value.EnforceMarketHours || MarketCalendar.TradesNow(security.Type, now));

    /// <summary>Cash a leg needs: a fund's amount, a fill's estimated cost with charges, a waiting market order's cost plus the buffer.</summary>
    private decimal Block(AllocationLeg leg, Instrument instrument) =>
        instrument.ByAmount ? leg.EstimatedCost
        : Immediate(instrument.Security, clock.GetUtcNow()) ? leg.EstimatedCost
        : Money.Paisa(leg.EstimatedCost * (1m + exchangeOptions.Value.BlockBuffer));

    private static TradingOrder NewOrder(Guid userId, Security security, OrderSide side, AllocationLeg leg, Guid executionId, DateTimeOffset now) => new()
    {
        UserId = userId, SecurityId = security.Id, Symbol = security.Symbol, Side = side, Type = OrderType.Market,
        Quantity = leg.Quantity, Validity = OrderValidity.Day, Platform = ExchangeOptions.Platform, Status = OrderStatus.Placed,
        CreatedAt = now, PlacedAt = now, UpdatedAt = now, PlanExecutionId = executionId,
    };

    private static void Finish(PlanExecution execution, ExecutionStatus status, decimal invested, int placed, int executed, object? details,
        string? error, DateTimeOffset now)
    {
        execution.Status = status;
        execution.AmountInvested = invested;
        execution.OrdersPlaced = placed;
        execution.OrdersExecuted = executed;
        execution.AllocationDetails = details is null ? null : JsonSerializer.SerializeToDocument(details, Json);
        execution.ErrorMessage = error;
        execution.ExecutedAt = now;
    }

    private static void Advance(AutoInvestPlan plan, DuePlan due, DateOnly date, DateTimeOffset now)
    {
        plan.LastExecutionDate = date;
        plan.NextExecutionDate = PlanSchedule.RunDate(PlanSchedule.NextNominal(due.Nominal));
        plan.UpdatedAt = now;
    }

    /// <summary>What allocation_details keeps: every leg with its order and outcome, the leftover, the drift and the proposal.</summary>
    private static object Details(Decision decision, IReadOnlyList<LegResult> placed, string? error)
    {
        object Leg(AllocationLeg l, OrderSide side, string unplaced)
        {
            var result = placed.FirstOrDefault(p => p.Side == side && p.Leg.Symbol == l.Symbol);
            return new
            {
                assetClass = l.AssetClass, symbol = l.Symbol, side = side == OrderSide.Buy ? "buy" : "sell", budget = l.Budget, quantity = l.Quantity,
                amount = l.Amount, estimatedPrice = l.EstimatedPrice, estimatedCost = l.EstimatedCost, estimatedCharges = l.EstimatedCharges,
                note = l.Note, orderId = result?.OrderId, status = result?.Status ?? unplaced, fillPrice = result?.FillPrice,
            };
        }

        return new
        {
            legs = decision.Allocation.Legs.Select(l => Leg(l, OrderSide.Buy, error is null ? "skipped" : "not_placed"))
                .Concat(decision.Sells.Select(l => Leg(l, OrderSide.Sell, "not_placed"))),
            leftover = decision.Allocation.Leftover,
            rebalanced = decision.Rebalanced,
            drift = decision.Proposal.Drifts.Select(d => new { assetClass = d.AssetClass, targetRate = d.TargetRate, currentRate = Money.Rate(d.CurrentRate), driftRate = Money.Rate(d.DriftRate) }),
            newMoney = decision.Proposal.NewMoney,
            proposedTrades = decision.Proposal.Trades,
        };
    }

    private async Task<Dictionary<Guid, IReadOnlyList<Instrument>>> BasketsAsync(IEnumerable<AutoInvestStrategy> strategies, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, IReadOnlyList<Instrument>>();
        foreach (var strategy in strategies)
        {
            var list = new List<Instrument>();
            foreach (var assetClass in strategy.Allocation.Keys)
            {
                foreach (var item in options.Value.BasketFor(assetClass))
                {
                    var security = await catalog.FindAsync(item.Symbol, cancellationToken);
                    if (security is null) continue;
                    list.Add(new Instrument(assetClass, security, item.Weight, prices.PriceOf(security.Id) ?? 0m, security.Type == SecurityType.MutualFund));
                }
            }

            result[strategy.Id] = list;
        }

        return result;
    }

    private static async Task<Dictionary<Guid, Dictionary<Guid, decimal>>> PositionsAsync(SparkDbContext context, Guid[] planIds, CancellationToken cancellationToken)
    {
        var rows = await context.Database.SqlQuery<PositionRow>($"""
            SELECT pe.plan_id, o.security_id,
                   SUM(CASE WHEN o.side = 'buy' THEN o.filled_quantity ELSE -o.filled_quantity END) AS quantity
            FROM trading_orders o JOIN plan_executions pe ON pe.id = o.plan_execution_id
            WHERE pe.plan_id = ANY({planIds}) AND o.filled_quantity > 0
            GROUP BY pe.plan_id, o.security_id
            """).ToListAsync(cancellationToken);
        return rows.Where(r => r.Quantity > 0m).GroupBy(r => r.PlanId)
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => r.SecurityId, r => r.Quantity));
    }

    private static async Task<Dictionary<Guid, CashAccount>> LockAccountsAsync(SparkDbContext context, Guid[] userIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = userIds.Select(_ => Guid.CreateVersion7()).ToArray();
        var rows = await context.CashAccounts.FromSql($"""
            INSERT INTO cash_accounts (id, user_id, currency, balance, blocked, created_at, updated_at)
            SELECT a.id, a.user_id, 'INR', 0, 0, {now}, {now} FROM unnest({ids}, {userIds}) AS a(id, user_id) ORDER BY a.user_id
            ON CONFLICT (user_id) DO UPDATE SET updated_at = cash_accounts.updated_at
            RETURNING *
            """).AsNoTracking().ToListAsync(cancellationToken);
        return rows.ToDictionary(a => a.UserId);
    }

    private sealed record PositionRow(Guid PlanId, Guid SecurityId, decimal Quantity);

    private sealed record LegResult(AllocationLeg Leg, OrderSide Side, Guid OrderId, string Status, decimal? FillPrice, decimal Cash);

    private sealed record Instrument(string AssetClass, Security Security, decimal Weight, decimal Quote, bool ByAmount);

    private sealed record Decision(Allocation Allocation, List<AllocationLeg> Sells, decimal SaleProceeds, RebalanceProposal Proposal, bool Rebalanced,
        Dictionary<string, Instrument> Instruments)
    {
        public Instrument Instrument(string symbol) => Instruments[symbol];
    }
}
