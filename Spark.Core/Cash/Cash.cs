namespace Spark.Core.Cash;

public enum CashEntryType { Deposit, Withdrawal, Buy, Sell, Charges, Adjustment }

/// <summary>
/// A user's paper-trading cash (table cash_accounts): the one row that orders and plans lock while they
/// spend, so concurrent spending serialises per user. <see cref="Blocked"/> is held for open buy orders.
/// </summary>
public class CashAccount
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public string Currency { get; set; } = "INR";
    public decimal Balance { get; set; }
    public decimal Blocked { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public decimal Available => Balance - Blocked;
}

/// <summary>One movement of cash (table cash_ledger): credits positive, debits negative.</summary>
public class CashLedgerEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public CashEntryType EntryType { get; set; }
    public decimal Amount { get; set; }
    public decimal BalanceAfter { get; set; }
    public Guid? OrderId { get; set; }
    /// <summary>The date from which the money may be withdrawn (T+1 for sale proceeds).</summary>
    public DateOnly SettlesOn { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
