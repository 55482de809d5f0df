using Microsoft.EntityFrameworkCore;
using Spark.Core.Cash;
using Spark.Core.Orders;
using Spark.Data;

namespace Spark.Web.Services.Orders;

/// <summary>The cash account row every money movement of a user locks first (created on first use).</summary>
public static class CashAccounts
{
    public static async Task<CashAccount> LockAsync(SparkDbContext context, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // One round trip: creates the account on first use, and the no-op update of an existing one takes its row lock.
        var rows = await context.CashAccounts.FromSql($"""
            INSERT INTO cash_accounts (id, user_id, currency, balance, blocked, created_at, updated_at)
            VALUES ({Guid.CreateVersion7()}, {userId}, 'INR', 0, 0, {now}, {now})
            ON CONFLICT (user_id) DO UPDATE SET updated_at = cash_accounts.updated_at
            RETURNING *
            """).ToListAsync(cancellationToken);
        return rows[0];
    }

    /// <summary>
    /// <see cref="LockAsync"/> and, in the same round trip, what <see cref="Spark.Core.Accounts.TradingEligibility"/> needs
    /// to know of the user (an order reads both before anything else). The account comes back tracked, as from LockAsync.
    /// </summary>
    public static async Task<(CashAccount Account, Spark.Core.Accounts.KycStatus Kyc, bool TwoFactorEnabled)> LockForTradingAsync(
        SparkDbContext context, Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var row = (await context.Database.SqlQuery<TraderAccount>($"""
            WITH account AS (
                INSERT INTO cash_accounts (id, user_id, currency, balance, blocked, created_at, updated_at)
                VALUES ({Guid.CreateVersion7()}, {userId}, 'INR', 0, 0, {now}, {now})
                ON CONFLICT (user_id) DO UPDATE SET updated_at = cash_accounts.updated_at
                RETURNING *)
            SELECT account.id, account.user_id, account.currency, account.balance, account.blocked, account.created_at, account.updated_at,
                   u.kyc_status, u.two_factor_enabled
            FROM account JOIN users u ON u.id = account.user_id
            """).ToListAsync(cancellationToken)).SingleOrDefault() ?? throw new Core.DomainException("Sign in again.");
        var account = new CashAccount
        {
            Id = row.Id, UserId = row.UserId, Currency = row.Currency, Balance = row.Balance, Blocked = row.Blocked, CreatedAt = row.CreatedAt, UpdatedAt = row.UpdatedAt,
        };
        context.CashAccounts.Attach(account);
        return (account, Spark.Data.Conversions.SnakeCaseEnum.FromStored<Spark.Core.Accounts.KycStatus>(row.KycStatus), row.TwoFactorEnabled);
    }

    private sealed record TraderAccount(Guid Id, Guid UserId, string Currency, decimal Balance, decimal Blocked, DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt, string KycStatus, bool TwoFactorEnabled);
}

/// <summary>Ending an open order: cancelled, expired or rejected, with its remaining cash block released.</summary>
public static class OrderLifecycle
{
    /// <param name="order">Tracked by <paramref name="context"/>, locked by the caller.</param>
    public static async Task CloseAsync(SparkDbContext context, TradingOrder order, string reason, DateTimeOffset now, CancellationToken cancellationToken,
        OrderStatus status = OrderStatus.Cancelled)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(order);
        if (order.BlockedAmount > 0m)
        {
            var account = await CashAccounts.LockAsync(context, order.UserId, now, cancellationToken);
            account.Blocked = Math.Max(0m, account.Blocked - order.BlockedAmount);
            account.UpdatedAt = now;
            order.BlockedAmount = 0m;
        }

        order.Status = status;
        order.RejectionReason = reason;
        order.CancelledAt = now;
        order.UpdatedAt = now;
    }
}
