namespace Spark.Core.Portfolio;

/// <summary>
/// Replays the transactions of one holding with first-in-first-out lots, the order the Income Tax Department
/// applies to demat holdings (CBDT Circular 768, 1998). Money is kept exact and rounded only in the result.
/// </summary>
public static class FifoLedger
{
    /// <summary>
    /// Replays <paramref name="entries"/> in date order; entries on the same date keep their input order.
    /// </summary>
    /// <exception cref="InsufficientHoldingsException">A sell asks for more units than are held on its date.</exception>
    /// <exception cref="InvalidLedgerEntryException">An entry has a non-positive quantity or ratio, or a negative amount.</exception>
    public static HoldingPosition Replay(IEnumerable<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var book = new FifoBook();

        // OrderBy is a stable sort, which is what keeps same-date entries in input order.
        foreach (var entry in entries.OrderBy(e => e.Date))
        {
            book.Apply(entry);
        }

        return book.ToPosition();
    }
}
