namespace Spark.Core.Portfolio;

public enum LedgerEntryType
{
    Buy,
    Sell,

    /// <summary>A systematic investment plan instalment; the ledger treats it exactly like <see cref="Buy"/>.</summary>
    Sip,

    Dividend,
    Interest,
    Bonus,
    Split,
}
