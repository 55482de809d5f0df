using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Components.Pages.Portfolio.TransactionParts;

using Security = Spark.Core.Market.Security;

/// <summary>
/// What the person has typed into the add/edit dialog so far. Only the fields of the chosen type reach the draft,
/// so a price typed before switching to "dividend" cannot sneak into a dividend.
/// </summary>
public sealed class TransactionForm
{
    public Security? Security { get; set; }
    public TransactionType Type { get; set; } = TransactionType.Buy;
    public decimal? Quantity { get; set; }
    public decimal? Price { get; set; }
    public decimal? Amount { get; set; }
    public decimal? Fees { get; set; }
    public decimal? Tax { get; set; }
    public decimal? Gst { get; set; }
    public DateTime? Date { get; set; }
    public string Platform { get; set; } = PlatformNames.Manual;
    public string? Description { get; set; }
    public decimal? RatioNew { get; set; }
    public decimal? RatioOld { get; set; }

    /// <summary>A bonus stated as a ratio (1 new for every 1 held) rather than as the units credited.</summary>
    public bool BonusByRatio { get; set; }

    /// <summary>Kept unchanged on an edit, so an imported row stays recognisable to the next import of its file.</summary>
    public string? ExternalId { get; set; }

    public bool IsTrade => Type is TransactionType.Buy or TransactionType.Sell or TransactionType.Sip;
    public bool IsIncome => Type is TransactionType.Dividend or TransactionType.Interest;
    public bool UsesRatio => Type == TransactionType.Split || (Type == TransactionType.Bonus && BonusByRatio);
    public bool UsesQuantity => IsTrade || (Type == TransactionType.Bonus && !BonusByRatio);

    public static TransactionForm New(DateOnly today) => new() { Date = today.ToDateTime(TimeOnly.MinValue) };

    public static TransactionForm From(TransactionView view, Security? security)
    {
        ArgumentNullException.ThrowIfNull(view);
        var trade = view.Type is TransactionType.Buy or TransactionType.Sell or TransactionType.Sip;
        return new TransactionForm
        {
            Security = security,
            Type = view.Type,
            Quantity = view.Quantity,
            // A row imported with an amount and no price edits as the price it implies.
            Price = view.Price ?? (trade && view.Quantity is > 0m ? view.Amount / view.Quantity.Value : null),
            Amount = trade ? null : view.Amount,
            Fees = view.Fees,
            Tax = view.Tax,
            Gst = view.Gst,
            Date = view.TransactionDate.ToDateTime(TimeOnly.MinValue),
            Platform = view.Platform,
            Description = view.Description,
            RatioNew = view.RatioNew,
            RatioOld = view.RatioOld,
            BonusByRatio = view.Type == TransactionType.Bonus && view.RatioNew is > 0m,
            ExternalId = view.ExternalId,
        };
    }

    /// <param name="today">Stands in for a date not chosen yet (reported by <see cref="Validate"/>).</param>
    public TransactionDraft ToDraft(DateOnly today) => new(
        Security?.Symbol ?? "",
        Type,
        UsesQuantity ? Quantity : null,
        IsTrade ? Price : null,
        IsIncome ? Amount : null,
        IsTrade ? Fees ?? 0m : 0m,
        IsTrade || IsIncome ? Tax ?? 0m : 0m,
        IsTrade ? Gst ?? 0m : 0m,
        Date is { } date ? DateOnly.FromDateTime(date) : today,
        (Platform ?? "").Trim().ToLowerInvariant(),
        ExternalId,
        string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(),
        UsesRatio ? RatioNew : null,
        UsesRatio ? RatioOld : null);

    /// <summary>The ledger's own field rules (the same ones the server applies), plus the two choices the form needs.</summary>
    public Dictionary<string, string[]> Validate(DateOnly today)
    {
        var errors = TransactionRules.Validate(ToDraft(today), Security?.Type ?? SecurityType.Stock, today);
        if (Security is null) errors["symbol"] = ["Choose a security from the list."];
        if (Date is null) errors["transactionDate"] = ["Choose the trade date."];
        if (TransactionRules.IsReservedPlatform(ToDraft(today).Platform)) errors["platform"] = [TransactionRules.ReservedPlatformMessage];
        return errors;
    }
}

/// <summary>What a new transaction starts with when another screen opens the dialog for a purpose (a holding's "Record a sale").</summary>
/// <param name="Quantity">The units held, for a sale of the whole holding (the investor edits it).</param>
/// <param name="Price">The last price, as a starting point for the price of the sale.</param>
public sealed record TransactionPrefill(string? Symbol, TransactionType? Type, string? Platform, decimal? Quantity = null, decimal? Price = null);
