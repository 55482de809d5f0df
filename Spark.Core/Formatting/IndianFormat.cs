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
public static partial class IndianFormat
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

    private static readonly (decimal Size, string Suffix)[] InternationalCompactUnits =
        [(1m, ""), (1_000m, "K"), (1_000_000m, "M"), (1_000_000_000m, "B")];

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
    /// Formats money in the short form used on chart axes and in tight spaces. Indian grouping uses thousand, lakh and
    /// crore ("₹999", "₹12.5 K", "₹12.5 L", "₹1.2 Cr", "₹1,234.5 Cr"); international grouping uses thousand, million and
    /// billion ("₹12.5 K", "₹2 M", "₹1.2 B", "₹1,234.5 B"). At most two decimals, rounded half away from zero,
    /// trailing zeros dropped, so paise show only below ₹1,000 and only when the amount has them. When rounding reaches
    /// the next unit the next unit is used: 1,99,999 is "₹2 L" (1.99999 L rounds to 2.00), 99,999 is "₹1 L" rather than
    /// "₹100 K", 999,999 in international grouping is "₹1 M". Crore and billion are the largest units.
    /// The same rules run in the browser for chart axes (wwwroot/js/apexChart.js, <c>compact</c>).
    /// </summary>
    public static string Compact(decimal amount, string currencySymbol = Rupee, NumberGrouping grouping = NumberGrouping.Indian)
    {
        const int compactDecimals = 2;
        var units = grouping == NumberGrouping.Indian ? CompactUnits : InternationalCompactUnits;
        var magnitude = Math.Abs(amount);

        var unit = 0;
        while (unit < units.Length - 1 && magnitude >= units[unit + 1].Size)
        {
            unit++;
        }

        var scaled = Round(magnitude / units[unit].Size, compactDecimals);
        while (unit < units.Length - 1 && scaled * units[unit].Size >= units[unit + 1].Size)
        {
            unit++;
            scaled = Round(magnitude / units[unit].Size, compactDecimals);
        }

        var suffix = units[unit].Suffix;
        var text = currencySymbol + TrimTrailingZeros(Digits(scaled, compactDecimals, grouping))
            + (suffix.Length == 0 ? "" : UnitSeparator + suffix);
        return amount < 0 && scaled != 0 ? MinusSign + text : text;
    }

    /// <summary>
    /// Regroups every rupee amount written in <paramref name="text"/> ("₹9673796.73", "₹2,72,652.09") in the given
    /// grouping ("₹96,73,796.73" or "₹9,673,796.73"), leaving its decimals and everything else as they are. Notifications
    /// are stored as text when they happen and read later by someone whose preference may differ (or change): they are
    /// regrouped when shown, so old and new rows read the same (decision 0054).
    /// </summary>
    public static string RegroupAmounts(string text, NumberGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains(Rupee, StringComparison.Ordinal)
            ? AmountPattern().Replace(text, m => Rupee + Group(m.Groups["whole"].Value.Replace(",", "", StringComparison.Ordinal), grouping) + m.Groups["fraction"].Value)
            : text;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"₹(?<whole>\d{1,3}(?:,\d{2,3})+|\d+)(?<fraction>\.\d+)?", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex AmountPattern();

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
