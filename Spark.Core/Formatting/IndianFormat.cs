using System.Globalization;
using System.Text;

namespace Spark.Core.Formatting;

/// <summary>
/// Formats money, numbers, percentages and dates the way Indian investors read them.
/// Output never depends on <see cref="CultureInfo.CurrentCulture"/>, so a server's locale cannot change what users see.
/// Negative values use the Unicode minus sign U+2212; values are rounded half away from zero.
/// A normal space (U+0020) separates a number from its unit in <see cref="Percent"/> and <see cref="Compact"/>
/// ("0.82 %", "₹1.5 L"); stop it wrapping in the UI with CSS <c>white-space: nowrap</c>.
/// </summary>
public static class IndianFormat
{
    public const string Rupee = "₹";

    /// <summary>U+2212, which is as wide as the plus sign, so signed columns line up.</summary>
    public const char MinusSign = '\u2212';

    public const char UnitSeparator = ' ';

    private const int MaxDecimals = 28;

    private static readonly string[] MonthAbbreviations =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    // Each unit with the size it stands for; a compact amount uses the largest unit it reaches.
    private static readonly (decimal Size, string Suffix)[] CompactUnits =
        [(1m, ""), (1_000m, "K"), (1_00_000m, "L"), (1_00_00_000m, "Cr")];

    /// <summary>Formats a plain number: 1234567.891 → "12,34,567.89", −1234567.891 → "−12,34,567.89".</summary>
    public static string Number(decimal value, int decimals = 2, NumberGrouping grouping = NumberGrouping.Indian)
    {
        var rounded = Round(value, decimals);
        return SignPrefix(rounded, signed: false) + Digits(Math.Abs(rounded), decimals, grouping);
    }

    /// <summary>Formats an amount of money: 1234567.891 → "₹12,34,567.89", −1240.5 → "−₹1,240.50".</summary>
    public static string Money(
        decimal amount,
        string currencySymbol = Rupee,
        int decimals = 2,
        NumberGrouping grouping = NumberGrouping.Indian)
    {
        var rounded = Round(amount, decimals);
        return SignPrefix(rounded, signed: false) + currencySymbol + Digits(Math.Abs(rounded), decimals, grouping);
    }

    /// <summary>
    /// Formats a gain or loss with an explicit sign: "+₹1,240.50", "−₹1,240.50".
    /// Anything that rounds to zero is "₹0.00", because a signed zero reads as a gain or loss that did not happen.
    /// </summary>
    public static string SignedMoney(
        decimal amount,
        string currencySymbol = Rupee,
        int decimals = 2,
        NumberGrouping grouping = NumberGrouping.Indian)
    {
        var rounded = Round(amount, decimals);
        return SignPrefix(rounded, signed: true) + currencySymbol + Digits(Math.Abs(rounded), decimals, grouping);
    }

    /// <summary>
    /// Formats a fraction as a percentage: 0.0082 → "0.82 %". With <paramref name="signed"/>, positive values get
    /// "+" ("+12.34 %") and zero stays unsigned. The number and "%" are separated by a normal space (U+0020).
    /// </summary>
    public static string Percent(decimal fraction, int decimals = 2, bool signed = false)
    {
        var rounded = Round(fraction * 100m, decimals);
        return SignPrefix(rounded, signed) + Digits(Math.Abs(rounded), decimals, NumberGrouping.Indian)
            + UnitSeparator + "%";
    }

    /// <summary>
    /// Formats money in the short lakh/crore form: "₹999", "₹12.5 K", "₹1.5 L", "₹2.35 Cr", "₹1,234.5 Cr".
    /// At most two decimals, trailing zeros dropped. When rounding reaches the next unit the next unit is used,
    /// so 99,999 is "₹1 L" rather than "₹100 K". Crore is the largest unit.
    /// </summary>
    public static string Compact(decimal amount, string currencySymbol = Rupee)
    {
        const int compactDecimals = 2;
        var magnitude = Math.Abs(amount);

        var unit = 0;
        while (unit < CompactUnits.Length - 1 && magnitude >= CompactUnits[unit + 1].Size)
        {
            unit++;
        }

        var scaled = Round(magnitude / CompactUnits[unit].Size, compactDecimals);
        while (unit < CompactUnits.Length - 1 && scaled * CompactUnits[unit].Size >= CompactUnits[unit + 1].Size)
        {
            unit++;
            scaled = Round(magnitude / CompactUnits[unit].Size, compactDecimals);
        }

        var suffix = CompactUnits[unit].Suffix;
        var text = currencySymbol + TrimTrailingZeros(Digits(scaled, compactDecimals, NumberGrouping.Indian))
            + (suffix.Length == 0 ? "" : UnitSeparator + suffix);
        return amount < 0 && scaled != 0 ? MinusSign + text : text;
    }

    /// <summary>
    /// Formats a date in one of the <see cref="DatePattern"/> preferences; "DD-MMM-YYYY" gives "05-Mar-2026" with
    /// English month abbreviations. An unknown or missing pattern falls back to <see cref="DatePattern.Default"/>.
    /// </summary>
    public static string Date(DateOnly date, string? pattern)
    {
        var invariant = CultureInfo.InvariantCulture;
        return pattern switch
        {
            DatePattern.MonthDayYear => string.Create(invariant, $"{date.Month:00}/{date.Day:00}/{date.Year:0000}"),
            DatePattern.Iso => string.Create(invariant, $"{date.Year:0000}-{date.Month:00}-{date.Day:00}"),
            DatePattern.DayMonthNameYear =>
                string.Create(invariant, $"{date.Day:00}-{MonthAbbreviations[date.Month - 1]}-{date.Year:0000}"),
            _ => string.Create(invariant, $"{date.Day:00}/{date.Month:00}/{date.Year:0000}"),
        };
    }

    private static decimal Round(decimal value, int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, MaxDecimals);
        return Math.Round(value, decimals, MidpointRounding.AwayFromZero);
    }

    private static string SignPrefix(decimal rounded, bool signed) => rounded switch
    {
        < 0 => MinusSign.ToString(),
        > 0 when signed => "+",
        _ => "",
    };

    private static string Digits(decimal nonNegative, int decimals, NumberGrouping grouping)
    {
        var plain = nonNegative.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var point = plain.IndexOf('.', StringComparison.Ordinal);
        return point < 0 ? Group(plain, grouping) : Group(plain[..point], grouping) + plain[point..];
    }

    private static string Group(string integerDigits, NumberGrouping grouping)
    {
        if (integerDigits.Length <= 3)
        {
            return integerDigits;
        }

        // Both systems group the last three digits; they differ only in the size of the groups before them.
        var leadingGroupSize = grouping == NumberGrouping.Indian ? 2 : 3;
        var leading = integerDigits[..^3];
        var firstGroupLength = leading.Length % leadingGroupSize;
        if (firstGroupLength == 0)
        {
            firstGroupLength = leadingGroupSize;
        }

        var builder = new StringBuilder(integerDigits.Length + (integerDigits.Length / 2));
        builder.Append(leading, 0, firstGroupLength);
        for (var start = firstGroupLength; start < leading.Length; start += leadingGroupSize)
        {
            builder.Append(',').Append(leading, start, leadingGroupSize);
        }

        return builder.Append(',').Append(integerDigits[^3..]).ToString();
    }

    private static string TrimTrailingZeros(string formatted) =>
        formatted.Contains('.', StringComparison.Ordinal) ? formatted.TrimEnd('0').TrimEnd('.') : formatted;
}
