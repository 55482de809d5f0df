using System.Globalization;
using MudBlazor;
using Spark.Core.Portfolio;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Components.Pages.Portfolio.TransactionParts;

/// <summary>How the transactions screens name and show a transaction.</summary>
public static class TransactionText
{
    public static IReadOnlyList<TransactionType> Types { get; } =
    [
        TransactionType.Buy, TransactionType.Sell, TransactionType.Sip, TransactionType.Dividend, TransactionType.Interest,
        TransactionType.Split, TransactionType.Bonus,
    ];

    public static string Label(TransactionType type) => HoldingFormat.TransactionLabel(type);

    public static string Hint(TransactionType type) => type switch
    {
        TransactionType.Buy => "Units bought at a price",
        TransactionType.Sell => "Units sold at a price (matched to your oldest lots first)",
        TransactionType.Sip => "A systematic investment instalment",
        TransactionType.Dividend => "Cash paid out by a company or fund",
        TransactionType.Interest => "Interest received, e.g. on a bond",
        TransactionType.Split => "Each share becomes several (no gain or loss)",
        TransactionType.Bonus => "Free shares credited (a zero-cost lot)",
        _ => "",
    };

    public static Color ChipColor(TransactionType type) => type switch
    {
        TransactionType.Buy => Color.Primary,
        TransactionType.Sip => Color.Info,
        TransactionType.Sell => Color.Warning,
        TransactionType.Dividend or TransactionType.Interest => Color.Success,
        TransactionType.Bonus => Color.Secondary,
        _ => Color.Default,
    };

    public static string Icon(TransactionType type) => type switch
    {
        TransactionType.Buy or TransactionType.Sip => Icons.Material.Outlined.SouthWest,
        TransactionType.Sell => Icons.Material.Outlined.NorthEast,
        TransactionType.Dividend or TransactionType.Interest => Icons.Material.Outlined.Payments,
        TransactionType.Split => Icons.Material.Outlined.CallSplit,
        _ => Icons.Material.Outlined.CardGiftcard,
    };

    /// <summary>Units as entered, without trailing zeros: 10, 12.5, 0.00125.</summary>
    public static string Units(decimal quantity, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(display);
        var text = display.Number(quantity, 8);
        return text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
    }

    public static string Ratio(decimal ratioNew, decimal ratioOld) =>
        string.Create(CultureInfo.InvariantCulture, $"{ratioNew:0.########}:{ratioOld:0.########}");

    /// <summary>What moved: "10 units @ ₹3,500.00", "2:1 split", "₹280.00".</summary>
    public static string Detail(TransactionView t, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(display);
        return t.Type switch
        {
            TransactionType.Split or TransactionType.Bonus when t.RatioNew is { } n && t.RatioOld is { } o => $"{Ratio(n, o)} {t.Type.ToString().ToLowerInvariant()}",
            TransactionType.Bonus => $"{Units(t.Quantity ?? 0m, display)} bonus units",
            TransactionType.Dividend or TransactionType.Interest => display.Money(t.Amount),
            _ when t.Price is { } p => $"{Units(t.Quantity ?? 0m, display)} @ {display.Money(p)}",
            _ => $"{Units(t.Quantity ?? 0m, display)} for {display.Money(t.Amount)}",
        };
    }

    /// <summary>Names a transaction in a sentence, e.g. for a confirmation: "the buy of 10 TCS on 20/11/2026".</summary>
    public static string Describe(TransactionView t, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(display);
        var date = display.Date(t.TransactionDate);
        return t.Type switch
        {
            TransactionType.Buy or TransactionType.Sell or TransactionType.Sip =>
                $"the {Label(t.Type).ToLowerInvariant()} of {Units(t.Quantity ?? 0m, display)} {t.Symbol} on {date} ({display.Money(t.NetAmount)})",
            TransactionType.Dividend or TransactionType.Interest =>
                $"the {t.Type.ToString().ToLowerInvariant()} of {display.Money(t.Amount)} from {t.Symbol} on {date}",
            _ => $"the {Detail(t, display)} of {t.Symbol} on {date}",
        };
    }
}
