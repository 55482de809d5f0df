using System.Globalization;
using System.Text.RegularExpressions;
using Spark.Core.Market;

namespace Spark.Core.Portfolio;

/// <summary>
/// A transaction as a person or an import states it, before it is checked and written. For a split or a
/// bonus by ratio, <see cref="RatioNew"/> units for every <see cref="RatioOld"/>; a bonus may instead state
/// the units credited in <see cref="Quantity"/>.
/// </summary>
public sealed record TransactionDraft(
    string Symbol,
    TransactionType Type,
    decimal? Quantity,
    decimal? Price,
    decimal? Amount,
    decimal Fees,
    decimal Tax,
    decimal Gst,
    DateOnly TransactionDate,
    string Platform,
    string? ExternalId = null,
    string? Description = null,
    decimal? RatioNew = null,
    decimal? RatioOld = null)
{
    public decimal Charges => Fees + Tax + Gst;

    /// <summary>The gross value: the stated amount, or quantity × price to the paisa.</summary>
    public decimal GrossAmount => Amount ?? (Quantity is { } q && Price is { } p ? Money.Paisa(q * p) : 0m);

    /// <summary>
    /// What moved in cash: a buy costs its value plus charges, a sell and income bring their value less charges,
    /// corporate actions move nothing.
    /// </summary>
    public decimal NetAmount => Type switch
    {
        TransactionType.Buy or TransactionType.Sip => GrossAmount + Charges,
        TransactionType.Sell or TransactionType.Dividend or TransactionType.Interest => GrossAmount - Charges,
        _ => 0m,
    };

    /// <summary>The entry the FIFO ledger replays.</summary>
    public LedgerEntry ToLedgerEntry() => Type switch
    {
        TransactionType.Buy => new LedgerEntry(TransactionDate, LedgerEntryType.Buy, Quantity ?? 0m, Price ?? 0m, Charges, GrossAmount),
        TransactionType.Sip => new LedgerEntry(TransactionDate, LedgerEntryType.Sip, Quantity ?? 0m, Price ?? 0m, Charges, GrossAmount),
        TransactionType.Sell => new LedgerEntry(TransactionDate, LedgerEntryType.Sell, Quantity ?? 0m, Price ?? 0m, Charges, GrossAmount),
        TransactionType.Dividend => LedgerEntry.Dividend(TransactionDate, GrossAmount, Charges),
        TransactionType.Interest => LedgerEntry.Interest(TransactionDate, GrossAmount, Charges),
        TransactionType.Split => LedgerEntry.Split(TransactionDate, RatioNew ?? 0m, RatioOld ?? 0m),
        TransactionType.Bonus when RatioNew is > 0m && RatioOld is > 0m => LedgerEntry.Bonus(TransactionDate, RatioNew.Value, RatioOld.Value),
        TransactionType.Bonus => LedgerEntry.BonusUnits(TransactionDate, Quantity ?? 0m),
        _ => throw new InvalidOperationException($"Unknown transaction type {Type}."),
    };
}

/// <summary>The field rules of a transaction, shared by the form, the API and imports.</summary>
public static partial class TransactionRules
{
    public static readonly DateOnly EarliestDate = new(1980, 1, 1);

    /// <summary>Decimals of a unit by asset type: whole shares and ETF units, 3 for fund units, 8 for crypto.</summary>
    public static int UnitDecimals(SecurityType type) => type switch
    {
        SecurityType.MutualFund => 3,
        SecurityType.Crypto => 8,
        _ => 0,
    };

    /// <summary>
    /// Platforms only Spark itself writes. A paper fill moves cash with its units; a row entered by hand on the paper
    /// platform would add units without paying for them, which the paper exchange would then sell for real cash.
    /// </summary>
    public static bool IsReservedPlatform(string platform) => string.Equals(platform, Platforms.PlatformNames.Paper, StringComparison.Ordinal);

    public const string ReservedPlatformMessage = "Paper trades come only from orders on the paper exchange; choose another platform (for example manual).";

    /// <summary>Field errors keyed by the API's camelCase field names; empty when the draft is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(TransactionDraft draft, SecurityType securityType, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (draft.TransactionDate > today) Add("transactionDate", "The date cannot be in the future.");
        if (draft.TransactionDate < EarliestDate) Add("transactionDate", "The date is too far in the past.");
        if (!PlatformPattern().IsMatch(draft.Platform)) Add("platform", "Use up to 50 lower-case letters, digits, '-' or '_' (for example zerodha).");
        if (draft.ExternalId is { Length: > 255 }) Add("externalId", "The external id can be at most 255 characters.");
        if (draft.Description is { Length: > 1000 }) Add("description", "The description can be at most 1,000 characters.");
        if (draft.Fees < 0m) Add("fees", "Fees cannot be negative.");
        if (draft.Tax < 0m) Add("tax", "Tax cannot be negative.");
        if (draft.Gst < 0m) Add("gst", "GST cannot be negative.");
        if (draft.Amount is < 0m) Add("amount", "The amount cannot be negative.");

        var decimals = UnitDecimals(securityType);
        switch (draft.Type)
        {
            case TransactionType.Buy or TransactionType.Sell or TransactionType.Sip:
                if (draft.Quantity is not > 0m) Add("quantity", "Enter a quantity above zero.");
                else CheckUnits(draft.Quantity.Value, decimals, securityType, Add);
                if (draft.Price is not > 0m && draft.Amount is not > 0m) Add("price", "Enter a price above zero.");
                if (draft.Price is < 0m) Add("price", "The price cannot be negative.");
                if (draft.Type == TransactionType.Sell && draft.GrossAmount < draft.Charges)
                {
                    Add("fees", "Charges cannot exceed the value of the sale.");
                }

                break;
            case TransactionType.Dividend or TransactionType.Interest:
                if (draft.GrossAmount <= 0m) Add("amount", "Enter the amount received.");
                else if (draft.Charges > draft.GrossAmount) Add("tax", "Tax deducted cannot exceed the amount.");
                break;
            case TransactionType.Split:
                if (draft.RatioNew is not > 0m || draft.RatioOld is not > 0m) Add("ratio", "Enter the split ratio, for example 2 for 1.");
                else if (draft.RatioNew == draft.RatioOld) Add("ratio", "A split of 1 for 1 changes nothing.");
                break;
            case TransactionType.Bonus:
                var byRatio = draft.RatioNew is > 0m && draft.RatioOld is > 0m;
                if (!byRatio && draft.Quantity is not > 0m) Add("quantity", "Enter the bonus units credited, or the bonus ratio.");
                else if (!byRatio) CheckUnits(draft.Quantity!.Value, decimals, securityType, Add);
                break;
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static void CheckUnits(decimal quantity, int decimals, SecurityType type, Action<string, string> add)
    {
        if (decimal.Round(quantity, decimals) != quantity)
        {
            add("quantity", decimals == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{Describe(type)} trade in whole units.")
                : string.Create(CultureInfo.InvariantCulture, $"{Describe(type)} units have at most {decimals} decimals."));
        }
    }

    private static string Describe(SecurityType type) => type switch
    {
        SecurityType.Stock => "Shares",
        SecurityType.Etf => "ETFs",
        SecurityType.MutualFund => "Mutual-fund",
        SecurityType.Crypto => "Crypto",
        _ => "Bonds",
    };

    [GeneratedRegex("^[a-z0-9_-]{1,50}$")]
    private static partial Regex PlatformPattern();
}
