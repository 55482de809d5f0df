using Spark.Core.Portfolio;

namespace Spark.Core.Imports;

/// <summary>
/// One transaction read from an import file, validated but not yet matched to a security or written to the ledger.
/// </summary>
public sealed record TransactionRow
{
    /// <summary>The row as a spreadsheet shows it: the header is row 1, so the first data row is 2.</summary>
    public required int RowNumber { get; init; }

    /// <summary>Upper case and trimmed.</summary>
    public required string Symbol { get; init; }

    public string? Isin { get; init; }

    public required TransactionType Type { get; init; }

    public decimal? Quantity { get; init; }

    public decimal? Price { get; init; }

    public decimal? Amount { get; init; }

    public decimal Fees { get; init; }

    public decimal Tax { get; init; }

    public decimal Gst { get; init; }

    public required DateOnly TransactionDate { get; init; }

    /// <summary>Lower case, as the ledger's platform column stores it ("zerodha").</summary>
    public required string Platform { get; init; }

    /// <summary>The platform's own id for the trade, which makes a re-import of the same file idempotent.</summary>
    public string? ExternalId { get; init; }

    public string? Description { get; init; }

    /// <summary>New shares in a split or bonus ratio: 2 in "2:1".</summary>
    public int? RatioNew { get; init; }

    /// <summary>Old shares in a split or bonus ratio: 1 in "2:1".</summary>
    public int? RatioOld { get; init; }
}
