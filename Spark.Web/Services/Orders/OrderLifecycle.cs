using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Cash;
using Spark.Core.Orders;
using Spark.Core.Orders.Matching;
using Spark.Data;
using Spark.Data.Conversions;

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
    /// <see cref="LockAsync"/> and, in the same round trip, what <see cref="TradingEligibility"/> needs
    /// to know of the user (an order reads both before anything else). The account comes back tracked, as from LockAsync.
    /// </summary>
    public static async Task<(CashAccount Account, KycStatus Kyc, bool TwoFactorEnabled)> LockForTradingAsync(
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
            """).ToListAsync(cancellationToken)).SingleOrDefault() ?? throw new Spark.Core.DomainException("Sign in again.");
        var account = new CashAccount
        {
            Id = row.Id, UserId = row.UserId, Currency = row.Currency, Balance = row.Balance, Blocked = row.Blocked, CreatedAt = row.CreatedAt, UpdatedAt = row.UpdatedAt,
        };
        context.CashAccounts.Attach(account);
        return (account, SnakeCaseEnum.FromStored<KycStatus>(row.KycStatus), row.TwoFactorEnabled);
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

    /// <summary>Why the exchange ended an order, in the investor's words.</summary>
    public static string Reason(CancelReason? reason) => reason switch
    {
        CancelReason.ImmediateOrCancel => "Immediate-or-cancel: the rest could not fill at once.",
        CancelReason.SiblingFilled => "The other leg of the bracket filled.",
        CancelReason.EntryClosed => "The bracket's entry order closed.",
        CancelReason.DayClose => "A day order expires at the close.",
        CancelReason.GtcLifetime => "Good-till-triggered orders last at most a year.",
        _ => "Cancelled.",
    };

    /// <summary>
    /// Records how the book ended an order without a last fill of its own: cancelled or expired with the reason, or a
    /// bracket child with nothing left to sell (its sibling sold the shares, or its entry closed having bought fewer),
    /// which is executed for what it sold (its quantity now that) or cancelled if it sold nothing.
    /// </summary>
    /// <param name="order">Tracked by <paramref name="context"/>, locked by the caller.</param>
    public static async Task EndAsync(SparkDbContext context, TradingOrder order, OrderEvent e, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(e);
        if (!order.IsOpen) return;
        if (e.Kind == OrderEventKind.Filled && order.FilledQuantity > 0m)
        {
            order.Quantity = order.FilledQuantity;
            order.Status = OrderStatus.Executed;
            order.ExecutedAt ??= now;
            order.UpdatedAt = now;
            return;
        }

        await CloseAsync(context, order, Reason(e.Reason), now, cancellationToken);
    }
}
