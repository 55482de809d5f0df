using System.Globalization;
using System.Text.RegularExpressions;

namespace Spark.Core.Imports;

/// <summary>Reads the values that Indian brokers, banks and spreadsheets write into CSV cells.</summary>
internal static partial class CsvValues
{
    /// <summary>The patterns named in the message for a date that does not parse.</summary>
    public const string DateFormats = "yyyy-MM-dd, dd-MM-yyyy or dd/MM/yyyy";

    /// <summary>
    /// The characters that make a spreadsheet read a cell as a formula (OWASP's list); exports put a quote before
    /// them and imports take it off again.
    /// </summary>
    public const string FormulaStarts = "=+-@\t\r";

    // Day before month, as dates are written in India; a file re-saved by a spreadsheet may drop leading zeros.
    private static readonly string[] DatePatterns = ["yyyy-MM-dd", "d-M-yyyy", "d/M/yyyy"];

    /// <summary>
    /// Digits, optionally grouped the Indian way (1,23,456) or the international way (123,456), and a decimal part.
    /// Grouping is checked because a comma in the wrong place (12,5 from a decimal-comma locale) must not silently
    /// become 125.
    /// </summary>
    [GeneratedRegex(@"^(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3})(?:\.\d+)?$|^\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupedNumber();

    /// <summary>Two letters of country, nine alphanumerics and a check digit: INE002A01018.</summary>
    [GeneratedRegex("^[A-Z]{2}[A-Z0-9]{9}[0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex IsinPattern();

    [GeneratedRegex(@"^(\d{1,6})\s*:\s*(\d{1,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex RatioPattern();

    /// <summary>Parses "1,23,456.78", "₹ 1,234" or "-5"; the minus may be ASCII or U+2212.</summary>
    /// <summary>
    /// How Spark writes CSV: invariant numbers, and text a spreadsheet would run as a formula (=, +, -, @) escaped
    /// with a leading quote (escaping applies to text fields only, so a negative number stays a number).
    /// </summary>
    public static CsvHelper.CsvWriterOptions WriterOptions { get; } = CsvHelper.CsvWriterOptions.Default with
    {
        FormatProvider = CultureInfo.InvariantCulture,
        Injection = CsvHelper.CsvInjection.Escape,
        InjectionCharacters = FormulaStarts,
        InjectionEscape = '\'',
    };

    public static bool TryParseNumber(string text, out decimal value)
    {
        value = 0m;
        var s = text.AsSpan().Trim();
        var negative = s.Length > 0 && (s[0] == '-' || s[0] == '\u2212');
        if (negative)
        {
            s = s[1..].TrimStart();
        }

        if (s.StartsWith("₹", StringComparison.Ordinal))
        {
            s = s[1..].TrimStart();
        }

        var digits = s.ToString();
        if (!GroupedNumber().IsMatch(digits)
            || !decimal.TryParse(digits.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        value = negative ? -value : value;
        return true;
    }

    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DatePatterns, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static bool IsIsin(string text) => IsinPattern().IsMatch(text);

    /// <summary>Parses a split or bonus ratio written new:old, such as "2:1" or "3 : 2".</summary>
    public static bool TryParseRatio(string text, out int newShares, out int oldShares)
    {
        newShares = oldShares = 0;
        var match = RatioPattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        newShares = int.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        oldShares = int.Parse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        return newShares > 0 && oldShares > 0;
    }

    /// <summary>
    /// A text cell as the user meant it: the quote an export puts before a formula-like value ('=X) is taken off, so
    /// an exported file imports back to the same text.
    /// </summary>
    public static string Text(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && FormulaStarts.Contains(cell[1], StringComparison.Ordinal) ? cell[1..] : cell;

    /// <summary>The cell as text, or null when it is empty.</summary>
    public static string? OptionalText(string cell) => cell.Length == 0 ? null : Text(cell);

    /// <summary>A number for display in a message, without the culture of the server.</summary>
    public static string Show(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an optional number column: null when empty; otherwise the value, or a message when it does not parse or
    /// breaks <paramref name="positive"/> (greater than zero) or zero-or-more.
    /// </summary>
    public static decimal? Number(SheetRow row, string column, bool positive, List<string> messages)
    {
        var cell = row[column];
        if (cell.Length == 0)
        {
            return null;
        }

        if (!TryParseNumber(cell, out var value))
        {
            messages.Add($"{column} '{cell}' is not a number");
            return null;
        }

        if (positive && value <= 0m)
        {
            messages.Add($"{column} must be a positive number");
            return null;
        }

        if (!positive && value < 0m)
        {
            messages.Add($"{column} must be zero or a positive number");
            return null;
        }

        return value;
    }

    /// <summary>Reads a required date column, or adds a message naming the column and the value.</summary>
    public static DateOnly? Date(SheetRow row, string column, List<string> messages)
    {
        var cell = row[column];
        if (cell.Length == 0)
        {
            messages.Add($"{column} is required");
            return null;
        }

        if (!TryParseDate(cell, out var date))
        {
            messages.Add($"{column} '{cell}' is not a valid date (use {DateFormats})");
            return null;
        }

        return date;
    }
}
