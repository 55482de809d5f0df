using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Core.AutoInvest;
using Spark.Core.Formatting;
using Spark.Core.Goals;
using Spark.Core.Orders;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Hosting;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.AutoInvest;

/// <summary>A subscription as the API and the subscribe dialog send it (api.md, POST /plans).</summary>
public sealed record PlanRequest(Guid? StrategyId, [property: Spark.Web.Api.Input.Numeric(10, 2)] decimal? MonthlyInvestment, int? ExecutionDay, bool? AutoRebalance, Guid? GoalId, DateOnly? StartDate);

public sealed record PlanHolding(string Symbol, decimal Quantity, decimal? Price, decimal Value);

/// <summary>
/// A plan as screens and the API show it. <see cref="CurrentValue"/> is the plan's own units at live prices plus
/// <see cref="AwaitingAmount"/>, the buys placed and not filled yet (fund purchases waiting for the NAV, orders waiting for
/// the session) at the amount they will spend; <see cref="InvestedAmount"/> is what went in or is waiting, without buys
/// that ended unfilled (issue 15, item 8). <see cref="PendingLegs"/> lists the waiting orders, <see cref="FailedLegs"/>
/// the legs of the latest executions that were not bought, with the reason.
/// </summary>
public sealed record PlanView(
    Guid Id, Guid StrategyId, string StrategyName, PlanStatus Status, decimal MonthlyInvestment, int ExecutionDay, bool AutoRebalance,
    Guid? GoalId, DateOnly StartDate, DateOnly? NextExecutionDate, DateOnly? LastExecutionDate, decimal InvestedAmount,
    decimal CurrentValue, decimal Returns, decimal? ReturnsRate, string? PauseReason, DateTimeOffset? PausedAt, DateTimeOffset? CancelledAt,
    DateTimeOffset CreatedAt, IReadOnlyList<PlanHolding> Holdings, decimal AwaitingAmount, IReadOnlyList<PlanLegView> PendingLegs,
    IReadOnlyList<PlanLegView> FailedLegs);

/// <summary>
/// A leg of a plan's execution that is not (or not yet) a holding. <see cref="Status"/> is awaiting_nav (a fund purchase
/// by amount, filled at the next NAV), awaiting_session (an order waiting for its market to open) or failed, with
/// <see cref="Reason"/>. <see cref="Amount"/> is what the leg spends (buys) or is estimated to raise (sells); a failed
/// execution with no legs recorded has one leg with no symbol.
/// </summary>
public sealed record PlanLegView(DateOnly ExecutionDate, string? Symbol, string? AssetClass, string Side, decimal Amount, string Status,
    string? Reason, Guid? OrderId)
{
    public const string AwaitingNav = "awaiting_nav";
    public const string AwaitingSession = "awaiting_session";
    public const string Failed = "failed";
}

public sealed record PlanExecutionView(
    Guid Id, DateOnly ExecutionDate, ExecutionStatus Status, decimal AmountInvested, int OrdersPlaced, int OrdersExecuted,
    string? ErrorMessage, DateTimeOffset ExecutedAt, JsonElement? AllocationDetails);

/// <summary>
/// Subscribes investors to strategies and manages their plans: pause with a reason, resume (from the next
/// nominal date on or after today: a paused month is not bought later), cancel. Next run dates are IST dates
/// moved past weekends and NSE holidays (<see cref="PlanSchedule"/>).
/// </summary>
/// <summary>A plan's drift from its strategy's mix and what rebalancing would do next (api.md: rates are fractions).</summary>
public sealed record RebalanceView(
    bool Needed, decimal ThresholdRate, IReadOnlyList<DriftView> Classes, bool AutoRebalance, DateOnly? NextRebalance);

public sealed record DriftView(string AssetClass, decimal TargetRate, decimal CurrentRate, decimal DriftRate, decimal Value, decimal NextMonthAmount, decimal ProposedTrade);

public sealed class PlanService(SparkDb db, PriceBook prices, IOptions<SparkOptions> options, IOptions<AutoInvestOptions> autoInvest, TimeProvider clock)
{
    /// <summary>
    /// Drift by asset class of the plan's own units, where next month's money would go (underweight classes first)
    /// and the trades that would restore the mix — executed on the plan's rebalancing dates when it auto-rebalances.
    /// </summary>
    public async Task<RebalanceView?> RebalanceAsync(Guid userId, Guid planId, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "rebalance a plan");
        await using var context = db.ForUser(userId);
        var plan = await context.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, cancellationToken);
        if (plan is null) return null;
        var strategy = await context.Strategies.AsNoTracking().SingleAsync(s => s.Id == plan.StrategyId, cancellationToken);
        var view = (await ViewsAsync(context, [plan], cancellationToken))[0];
        var classOf = strategy.Allocation.Keys
            .SelectMany(c => autoInvest.Value.BasketFor(c).Select(b => (b.Symbol, Class: c)))
            .GroupBy(x => x.Symbol, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Class, StringComparer.OrdinalIgnoreCase);
        var values = view.Holdings.GroupBy(h => classOf.GetValueOrDefault(h.Symbol, "other"), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Sum(h => h.Value), StringComparer.OrdinalIgnoreCase);
        var threshold = autoInvest.Value.RebalanceThresholdRate;
        var proposal = Rebalancer.Propose(strategy.Allocation, values, plan.MonthlyInvestment, threshold);
        DateOnly? next = null;
        if (plan.NextExecutionDate is { } run)
        {
            for (var nominal = PlanSchedule.NominalFor(run, plan.ExecutionDay); next is null && nominal.Year < run.Year + 2; nominal = PlanSchedule.NextNominal(nominal))
            {
                if (PlanSchedule.RebalancesAt(plan.StartDate, nominal, strategy.RebalancingFrequency)) next = PlanSchedule.RunDate(nominal);
            }
        }

        return new RebalanceView(proposal.Needed, threshold, [.. proposal.Drifts.Select(d => new DriftView(d.AssetClass, Money.Rate(d.TargetRate),
            Money.Rate(d.CurrentRate), Money.Rate(d.DriftRate), Money.Paisa(d.Value), proposal.NewMoney.GetValueOrDefault(d.AssetClass),
            proposal.Trades.GetValueOrDefault(d.AssetClass)))], plan.AutoRebalance, next);
    }

    public async Task<PlanView> SubscribeAsync(Guid userId, PlanRequest request, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "start an auto-invest plan");
        ArgumentNullException.ThrowIfNull(request);
        var today = IndiaTime.Today(clock);
        var errors = new Dictionary<string, string[]>();
        await using var context = db.ForUser(userId);
        var strategy = request.StrategyId is { } sid
            ? await context.Strategies.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sid && s.IsActive, cancellationToken)
            : null;
        if (strategy is null) errors["strategyId"] = [request.StrategyId is null ? "Choose a strategy." : "No active strategy has this id."];
        if (request.MonthlyInvestment is not { } monthly) errors["monthlyInvestment"] = ["Enter the amount to invest each month."];
        else if (monthly <= 0m || decimal.Round(monthly, 2) != monthly) errors["monthlyInvestment"] = ["Enter a positive amount in rupees and paise."];
        else if (strategy is not null && monthly < strategy.MinInvestment) errors["monthlyInvestment"] = [$"{strategy.Name} needs at least {IndianFormat.Money(strategy.MinInvestment)} a month."];
        else if (monthly > 99_999_999.99m) errors["monthlyInvestment"] = ["Enter at most ₹9,99,99,999.99 a month."];
        if (request.ExecutionDay is not { } day) errors["executionDay"] = ["Choose the day of the month to invest."];
        else if (!PlanSchedule.IsValidDay(day)) errors["executionDay"] = ["Choose a day from 1 to 28, so it falls in every month."];
        if (request.StartDate is { } start && start < today) errors["startDate"] = ["The start date cannot be in the past."];
        if (request.GoalId is { } goalId && !await context.Goals.AnyAsync(
                g => g.Id == goalId && g.DeletedAt == null && g.Status != GoalStatus.Cancelled, cancellationToken))
        {
            errors["goalId"] = ["Choose one of your goals."];
        }

        if (errors.Count > 0) throw new FieldValidationException(errors);
        var user = await context.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.KycStatus, u.TwoFactorEnabled }).SingleAsync(cancellationToken);
        if (TradingEligibility.Check(user.KycStatus, user.TwoFactorEnabled, options.Value.Security.RequireTwoFactorForTrading) is { } why)
        {
            throw new DomainException($"A plan places orders every month. {why}");
        }

        var now = clock.GetUtcNow();
        var startDate = request.StartDate ?? today;
        var plan = new AutoInvestPlan
        {
            UserId = userId, StrategyId = strategy!.Id, MonthlyInvestment = request.MonthlyInvestment!.Value, ExecutionDay = request.ExecutionDay!.Value,
            AutoRebalance = request.AutoRebalance ?? true, LinkedGoalId = request.GoalId, StartDate = startDate,
            NextExecutionDate = PlanSchedule.NextRunOnOrAfter(startDate, request.ExecutionDay!.Value), CreatedAt = now, UpdatedAt = now,
        };
        context.Plans.Add(plan);
        await context.SaveChangesAsync(cancellationToken);
        await RecountAsync(plan.StrategyId, cancellationToken);
        return (await ViewsAsync(context, [plan], cancellationToken))[0];
    }

    public async Task<IReadOnlyList<PlanView>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var plans = await context.Plans.AsNoTracking().OrderByDescending(p => p.CreatedAt).ToListAsync(cancellationToken);
        return await ViewsAsync(context, plans, cancellationToken);
    }

    public async Task<PlanView?> GetAsync(Guid userId, Guid planId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var plan = await context.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, cancellationToken);
        return plan is null ? null : (await ViewsAsync(context, [plan], cancellationToken))[0];
    }

    public async Task<Paged<PlanExecutionView>?> ExecutionsAsync(Guid userId, Guid planId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        await using var context = db.ForUser(userId);
        if (!await context.Plans.AnyAsync(p => p.Id == planId, cancellationToken)) return null;
        var query = context.PlanExecutions.AsNoTracking().Where(e => e.PlanId == planId);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(e => e.ExecutionDate).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Paged<PlanExecutionView>([.. rows.Select(e => new PlanExecutionView(e.Id, e.ExecutionDate, e.Status, e.AmountInvested, e.OrdersPlaced,
            e.OrdersExecuted, e.ErrorMessage, e.ExecutedAt, e.AllocationDetails?.RootElement.Clone()))], page, pageSize, total);
    }

    public Task<PlanView?> PauseAsync(Guid userId, Guid planId, string? reason, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, planId, (plan, now) =>
        {
            // Checked once the plan is known to be the caller's: another user's plan is simply not found.
            if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
            {
                throw new FieldValidationException(new Dictionary<string, string[]>
                {
                    ["reason"] = [string.IsNullOrWhiteSpace(reason) ? "Say why you are pausing, so you remember later." : "Keep the reason under 500 characters."],
                });
            }

            if (plan.Status != PlanStatus.Active) throw new ConflictException($"Only an active plan can be paused; this one is {Word(plan.Status)}.");
            plan.Status = PlanStatus.Paused;
            plan.PauseReason = reason.Trim();
            plan.PausedAt = now;
            plan.NextExecutionDate = null;
        }, cancellationToken);

    public Task<PlanView?> ResumeAsync(Guid userId, Guid planId, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, planId, (plan, _) =>
        {
            if (plan.Status != PlanStatus.Paused) throw new ConflictException($"Only a paused plan can be resumed; this one is {Word(plan.Status)}.");
            plan.Status = PlanStatus.Active;
            plan.PauseReason = null;
            plan.PausedAt = null;
            var from = IndiaTime.Today(clock);
            plan.NextExecutionDate = PlanSchedule.NextRunOnOrAfter(from < plan.StartDate ? plan.StartDate : from, plan.ExecutionDay);
        }, cancellationToken);

    public Task<PlanView?> CancelAsync(Guid userId, Guid planId, CancellationToken cancellationToken = default) =>
        ChangeAsync(userId, planId, (plan, now) =>
        {
            if (plan.Status is PlanStatus.Cancelled or PlanStatus.Completed) throw new ConflictException($"This plan is already {Word(plan.Status)}.");
            plan.Status = PlanStatus.Cancelled;
            plan.CancelledAt = now;
            plan.NextExecutionDate = null;
        }, cancellationToken);

    private async Task<PlanView?> ChangeAsync(Guid userId, Guid planId, Action<AutoInvestPlan, DateTimeOffset> change, CancellationToken cancellationToken)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "change an auto-invest plan");
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        // The row lock orders a change against an execution batch writing the same plan.
        var plan = await context.Plans.FromSql($"SELECT * FROM auto_invest_plans WHERE id = {planId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);
        if (plan is null) return null;
        var now = clock.GetUtcNow();
        change(plan, now);
        plan.UpdatedAt = now;
        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await RecountAsync(plan.StrategyId, cancellationToken);
        return (await ViewsAsync(context, [plan], cancellationToken))[0];
    }

    /// <summary>A strategy's popularity is its number of live (active or paused) plans, across all users.</summary>
    private async Task RecountAsync(Guid strategyId, CancellationToken cancellationToken)
    {
        await using var system = db.ForSystem("auto-invest: strategy popularity");
        await system.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE auto_invest_strategies SET popularity_score =
                (SELECT count(*) FROM auto_invest_plans WHERE strategy_id = {strategyId} AND status IN ('active', 'paused'))
            WHERE id = {strategyId}
            """, cancellationToken);
    }

    /// <summary>How many of a plan's latest executions its failed legs are listed from (the plan page shows as many).</summary>
    public const int FailedLegExecutions = 24;

    private async Task<List<PlanView>> ViewsAsync(SparkDbContext context, IReadOnlyList<AutoInvestPlan> plans, CancellationToken cancellationToken)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        var ids = plans.Select(p => p.Id).ToArray();
        var names = await context.Strategies.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var orders = await context.Orders.AsNoTracking()
            .Where(o => o.PlanExecutionId != null)
            .Join(context.PlanExecutions.Where(e => ids.Contains(e.PlanId)), o => o.PlanExecutionId, e => e.Id, (o, e) => new PlanOrder(e.PlanId, e.Id,
                e.ExecutionDate, o.Id, o.SecurityId, o.Symbol, o.Side, o.Quantity, o.FilledQuantity, o.Status, o.Amount, o.RejectionReason))
            .ToListAsync(cancellationToken);
        var executions = await context.PlanExecutions.AsNoTracking().Where(e => ids.Contains(e.PlanId))
            .Select(e => new { e.Id, e.PlanId, e.ExecutionDate, e.Status, e.ErrorMessage, e.AllocationDetails })
            .ToListAsync(cancellationToken);
        var legsByOrder = new Dictionary<Guid, RecordedLeg>();
        var recorded = new Dictionary<Guid, List<RecordedLeg>>();
        foreach (var e in executions)
        {
            var legs = RecordedLeg.Read(e.AllocationDetails);
            recorded[e.Id] = legs;
            foreach (var leg in legs.Where(l => l.OrderId is not null)) legsByOrder[leg.OrderId!.Value] = leg;
        }

        return [.. plans.Select(p =>
        {
            var mine = orders.Where(o => o.PlanId == p.Id).ToList();
            var holdings = mine.Where(o => o.FilledQuantity > 0m).GroupBy(x => (x.SecurityId, x.Symbol))
                .Select(g => (g.Key, Quantity: g.Sum(x => x.Side == Spark.Core.Orders.OrderSide.Buy ? x.FilledQuantity : -x.FilledQuantity)))
                .Where(h => h.Quantity > 0m)
                .Select(h =>
                {
                    var price = prices.PriceOf(h.Key.SecurityId);
                    return new PlanHolding(h.Key.Symbol, h.Quantity, price, Money.Paisa(h.Quantity * (price ?? 0m)));
                })
                .OrderByDescending(h => h.Value).ToList();

            var pending = new List<PlanLegView>();
            var failed = new List<PlanLegView>();
            var ended = 0m;
            foreach (var o in mine.OrderByDescending(o => o.ExecutionDate).ThenBy(o => o.Symbol, StringComparer.Ordinal))
            {
                var leg = legsByOrder.GetValueOrDefault(o.OrderId);
                var buy = o.Side == Spark.Core.Orders.OrderSide.Buy;
                // The part not filled, at what the plan counted it for when it placed the order (its estimated cost).
                var unfilled = o.Quantity > 0m ? Math.Max(0m, o.Quantity - o.FilledQuantity) / o.Quantity : 1m;
                var amount = Money.Paisa((leg?.EstimatedCost ?? o.Amount ?? 0m) * unfilled);
                if (o.Status is OrderStatus.Pending or OrderStatus.Placed or OrderStatus.PartiallyFilled)
                {
                    pending.Add(new PlanLegView(o.ExecutionDate, o.Symbol, leg?.AssetClass, buy ? "buy" : "sell", amount,
                        o.Amount is not null ? PlanLegView.AwaitingNav : PlanLegView.AwaitingSession, null, o.OrderId));
                }
                else if (o.Status is OrderStatus.Cancelled or OrderStatus.Rejected && unfilled > 0m)
                {
                    failed.Add(new PlanLegView(o.ExecutionDate, o.Symbol, leg?.AssetClass, buy ? "buy" : "sell", amount, PlanLegView.Failed,
                        o.RejectionReason ?? "The order ended before it filled.", o.OrderId));
                    if (buy) ended += amount;
                }
            }

            // Legs never placed: skipped by the allocation (with its note) or of an execution that failed as a whole.
            foreach (var e in executions.Where(e => e.PlanId == p.Id).OrderByDescending(e => e.ExecutionDate).Take(FailedLegExecutions))
            {
                var legs = recorded[e.Id];
                if (e.Status == ExecutionStatus.Failed)
                {
                    var reason = e.ErrorMessage ?? "The execution failed.";
                    var notPlaced = legs.Where(l => l.OrderId is null && l.Budget > 0m).ToList();
                    if (notPlaced.Count == 0) failed.Add(new PlanLegView(e.ExecutionDate, null, null, "buy", 0m, PlanLegView.Failed, reason, null));
                    failed.AddRange(notPlaced.Select(l => new PlanLegView(e.ExecutionDate, l.Symbol, l.AssetClass, l.Side, l.Budget, PlanLegView.Failed, reason, null)));
                }
                else
                {
                    failed.AddRange(legs.Where(l => l.Status == "skipped" && l.Budget > 0m)
                        .Select(l => new PlanLegView(e.ExecutionDate, l.Symbol, l.AssetClass, l.Side, l.Budget, PlanLegView.Failed, l.Note ?? "Not bought.", null)));
                }
            }

            var awaiting = pending.Where(l => l.Side == "buy").Sum(l => l.Amount);
            var invested = Math.Max(0m, p.InvestedAmount - ended);
            var value = holdings.Sum(h => h.Value) + awaiting;
            var returns = value - invested;
            return new PlanView(p.Id, p.StrategyId, names.GetValueOrDefault(p.StrategyId, "Strategy"), p.Status, p.MonthlyInvestment, p.ExecutionDay,
                p.AutoRebalance, p.LinkedGoalId, p.StartDate, p.NextExecutionDate, p.LastExecutionDate, invested, value, returns,
                invested > 0m ? Money.Rate(returns / invested) : null, p.PauseReason, p.PausedAt, p.CancelledAt, p.CreatedAt, holdings,
                awaiting, pending, [.. failed.OrderByDescending(l => l.ExecutionDate)]);
        })];
    }

    private sealed record PlanOrder(Guid PlanId, Guid ExecutionId, DateOnly ExecutionDate, Guid OrderId, Guid SecurityId, string Symbol,
        Spark.Core.Orders.OrderSide Side, decimal Quantity, decimal FilledQuantity, OrderStatus Status, decimal? Amount, string? RejectionReason);

    /// <summary>A leg as the execution recorded it in allocation_details (PlanBatchWriter.Details).</summary>
    private sealed record RecordedLeg(string? AssetClass, string? Symbol, string Side, decimal Budget, decimal? EstimatedCost, string? Note,
        Guid? OrderId, string? Status)
    {
        public static List<RecordedLeg> Read(JsonDocument? details)
        {
            var legs = new List<RecordedLeg>();
            if (details is null || details.RootElement.ValueKind != JsonValueKind.Object
                || !details.RootElement.TryGetProperty("legs", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                return legs;
            }

            foreach (var l in array.EnumerateArray())
            {
                legs.Add(new RecordedLeg(Text(l, "assetClass"), Text(l, "symbol"), Text(l, "side") ?? "buy", Number(l, "budget") ?? 0m,
                    Number(l, "estimatedCost"), Text(l, "note"), Guid.TryParse(Text(l, "orderId"), out var id) ? id : null, Text(l, "status")));
            }

            return legs;
        }

        private static string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static decimal? Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;
    }

    private static string Word(PlanStatus status) => status.ToString().ToLowerInvariant();
}
