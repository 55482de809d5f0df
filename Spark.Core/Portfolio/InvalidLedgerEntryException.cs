namespace Spark.Core.Portfolio;

/// <summary>A ledger entry that cannot describe a real transaction, typically from a bad import row.</summary>
public sealed class InvalidLedgerEntryException(LedgerEntry entry, string message) : DomainException(message)
{
    public LedgerEntry Entry { get; } = entry;
}
