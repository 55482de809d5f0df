using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Cash;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Cash;

/// <summary>Paper cash as api.md's GET /cash shows it.</summary>
/// <param name="Withdrawable">Available cash less sale proceeds that settle later (T+1): they can buy again at once, but leave only when settled.</param>
public sealed record CashView(decimal Balance, decimal Blocked, decimal Available, decimal Withdrawable);

public sealed record CashEntryView(Guid Id, CashEntryType EntryType, decimal Amount, decimal BalanceAfter, Guid? OrderId, DateOnly SettlesOn,
    string? Description, DateTimeOffset CreatedAt);

/// <summary>An open order holding part of the cash back (GET /cash/blocked): what it may still spend with its charges.</summary>
public sealed record BlockingOrderView(Guid OrderId, string Symbol, Spark.Core.Orders.OrderSide Side, Spark.Core.Orders.OrderType Type, decimal Quantity,
    decimal FilledQuantity, decimal? Price, decimal BlockedAmount, DateTimeOffset PlacedAt);

/// <summary>Sale proceeds not yet settled (GET /cash/settlements): withdrawable from <see cref="SettlesOn"/> (T+1, the next trading day).</summary>
public sealed record PendingSettlementView(DateOnly SettlesOn, decimal Amount);

/// <summary>Everything the cash page shows above the ledger.</summary>
public sealed record CashOverview(CashView Cash, IReadOnlyList<BlockingOrderView> Blocking, IReadOnlyList<PendingSettlementView> Settling);

/// <summary>
/// The paper-trading cash account: deposits and withdrawals of virtual money. Every movement locks the user's
/// cash_accounts row, so concurrent spending serialises per user and the balance never goes below zero.
/// </summary>
public sealed class CashService(SparkDb db, TimeProvider clock)
{
    public const decimal MaxDeposit = 1_00_00_000m;

    public async Task<CashView> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var account = await context.CashAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        return account is null ? new CashView(0m, 0m, 0m, 0m) : await ViewAsync(context, account, cancellationToken);
    }

    /// <summary>The open orders blocking cash, oldest first; their amounts add up to the account's blocked cash.</summary>
    public async Task<IReadOnlyList<BlockingOrderView>> BlockingOrdersAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await BlockingAsync(context, cancellationToken);
    }

    /// <summary>Unsettled sale proceeds by the day they settle, soonest first.</summary>
    public async Task<IReadOnlyList<PendingSettlementView>> SettlementsAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await SettlingAsync(context, cancellationToken);
    }

    /// <summary>Balance, blocked with the orders blocking it, available, withdrawable with what settles when: one read for the cash page.</summary>
    public async Task<CashOverview> OverviewAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var account = await context.CashAccounts.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        var cash = account is null ? new CashView(0m, 0m, 0m, 0m) : await ViewAsync(context, account, cancellationToken);
        var overview = new CashOverview(cash, await BlockingAsync(context, cancellationToken), await SettlingAsync(context, cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return overview;
    }

    private static async Task<IReadOnlyList<BlockingOrderView>> BlockingAsync(SparkDbContext context, CancellationToken cancellationToken) =>
        await context.Orders.AsNoTracking()
            .Where(o => o.BlockedAmount > 0m
                && (o.Status == Spark.Core.Orders.OrderStatus.Pending || o.Status == Spark.Core.Orders.OrderStatus.Placed
                    || o.Status == Spark.Core.Orders.OrderStatus.PartiallyFilled))
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.Id)
            .Select(o => new BlockingOrderView(o.Id, o.Symbol, o.Side, o.Type, o.Quantity, o.FilledQuantity, o.Price, o.BlockedAmount, o.PlacedAt ?? o.CreatedAt))
            .ToListAsync(cancellationToken);

    private async Task<IReadOnlyList<PendingSettlementView>> SettlingAsync(SparkDbContext context, CancellationToken cancellationToken)
    {
        var today = IndiaTime.Today(clock);
        // The same rule as Withdrawable: money in (sale proceeds) that settles after today.
        return await context.CashLedger.AsNoTracking().Where(e => e.Amount > 0m && e.SettlesOn > today)
            .GroupBy(e => e.SettlesOn).OrderBy(g => g.Key)
            .Select(g => new PendingSettlementView(g.Key, g.Sum(e => e.Amount)))
            .ToListAsync(cancellationToken);
    }

    public async Task<Paged<CashEntryView>> LedgerAsync(Guid userId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        await using var context = db.ForUser(userId);
        var total = await context.CashLedger.CountAsync(cancellationToken);
        var items = await context.CashLedger.AsNoTracking().OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new CashEntryView(e.Id, e.EntryType, e.Amount, e.BalanceAfter, e.OrderId, e.SettlesOn, e.Description, e.CreatedAt))
            .ToListAsync(cancellationToken);
        return new Paged<CashEntryView>(items, page, pageSize, total);
    }

    public Task<CashView> DepositAsync(Guid userId, decimal amount, CancellationToken cancellationToken = default) =>
        MoveAsync(userId, CashEntryType.Deposit, amount, "Deposit of paper cash", cancellationToken);

    /// <exception cref="DomainException">More than the withdrawable cash is asked for.</exception>
    public Task<CashView> WithdrawAsync(Guid userId, decimal amount, CancellationToken cancellationToken = default) =>
        MoveAsync(userId, CashEntryType.Withdrawal, amount, "Withdrawal of paper cash", cancellationToken);

    /// <summary>Field errors for an amount of money; empty when it is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(decimal amount)
    {
        if (amount <= 0m) return new() { ["amount"] = ["Enter an amount above zero."] };
        if (decimal.Round(amount, 2) != amount) return new() { ["amount"] = ["Use at most two decimals (paise)."] };
        if (amount > MaxDeposit) return new() { ["amount"] = ["Move at most ₹1,00,00,000 at a time."] };
        return [];
    }

    private async Task<CashView> MoveAsync(Guid userId, CashEntryType type, decimal amount, string description, CancellationToken cancellationToken)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "move cash");
        var errors = Validate(amount);
        if (errors.Count > 0) throw new FieldValidationException(errors);

        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var account = await Orders.CashAccounts.LockAsync(context, userId, now, cancellationToken);
        if (type == CashEntryType.Withdrawal)
        {
            var view = await ViewAsync(context, account, cancellationToken);
            if (amount > view.Withdrawable)
            {
                throw new DomainException(
                    $"You can withdraw up to {Spark.Core.Formatting.IndianFormat.Money(view.Withdrawable)} now: the rest is blocked for open orders or settles on the next trading day.");
            }
        }

        account.Balance += type == CashEntryType.Withdrawal ? -amount : amount;
        account.UpdatedAt = now;
        context.CashLedger.Add(new CashLedgerEntry
        {
            UserId = userId, EntryType = type, Amount = type == CashEntryType.Withdrawal ? -amount : amount, BalanceAfter = account.Balance,
            SettlesOn = IndiaTime.Today(clock), Description = description, CreatedAt = now,
        });
        await context.SaveChangesAsync(cancellationToken);
        var result = await ViewAsync(context, account, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<CashView> ViewAsync(SparkDbContext context, CashAccount account, CancellationToken cancellationToken)
    {
        var today = IndiaTime.Today(clock);
        var unsettled = await context.CashLedger.Where(e => e.Amount > 0m && e.SettlesOn > today).SumAsync(e => (decimal?)e.Amount, cancellationToken) ?? 0m;
        var available = account.Balance - account.Blocked;
        return new CashView(account.Balance, account.Blocked, available, Math.Max(0m, available - unsettled));
    }
}
