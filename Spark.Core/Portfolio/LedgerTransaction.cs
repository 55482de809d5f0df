using System.Text.Json;

namespace Spark.Core.Portfolio;

/// <summary>
/// One entry of the transactions ledger (table transactions, partitioned by year of
/// <see cref="TransactionDate"/>, the trade date in Asia/Kolkata). Its key is (Id, TransactionDate).
/// </summary>
public class LedgerTransaction
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public Guid? InvestmentId { get; set; }
    public Guid? SecurityId { get; set; }
    public TransactionType Type { get; set; }
    public required string AssetName { get; set; }
    public string? Symbol { get; set; }
    public required string Platform { get; set; }
    public decimal? Quantity { get; set; }
    public decimal? Price { get; set; }
    public decimal Amount { get; set; }
    public decimal Fees { get; set; }
    public decimal Tax { get; set; }
    public decimal Gst { get; set; }
    public decimal NetAmount { get; set; }
    public TransactionStatus Status { get; set; } = TransactionStatus.Completed;
    /// <summary>The platform's own id for the trade; makes imports idempotent.</summary>
    public string? ExternalId { get; set; }
    public string? PaymentMethod { get; set; }
    public string? PaymentReference { get; set; }
    public string? Description { get; set; }
    public JsonDocument? Metadata { get; set; }
    public DateOnly TransactionDate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
