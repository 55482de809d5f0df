using System.Globalization;

namespace Spark.Web.Api.Input;

/// <summary>
/// Reads a JSON number's text into a decimal only when the decimal holds it exactly: <c>decimal.Parse</c> rounds
/// <c>1e-30</c> to 0 and a 30-digit number to 28 digits, which would store something the caller never sent.
/// </summary>
public static class ExactDecimal
{
    public const string TooManyDecimals = "Too many decimal places: no amount, price, quantity or rate holds this many.";
    public const string TooLarge = "This number is too large.";
    public const string NotANumber = "Send a number.";

    /// <returns>Null when <paramref name="text"/> is read exactly into <paramref name="value"/>; otherwise why not.</returns>
    public static string? TryRead(ReadOnlySpan<char> text, out decimal value)
    {
        value = 0m;
        var i = 0;
        var negative = i < text.Length && text[i] == '-';
        if (negative) i++;
        var digits = new System.Text.StringBuilder();
        var exponent = 0L;
        var any = false;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++) { digits.Append(text[i]); any = true; }
        if (i < text.Length && text[i] == '.')
        {
            for (i++; i < text.Length && char.IsAsciiDigit(text[i]); i++) { digits.Append(text[i]); exponent--; any = true; }
        }

        if (!any) return NotANumber;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            var sign = 1;
            if (i < text.Length && text[i] is '+' or '-') { sign = text[i] == '-' ? -1 : 1; i++; }
            var start = i;
            var e = 0L;
            for (; i < text.Length && char.IsAsciiDigit(text[i]); i++) e = Math.Min(e * 10 + (text[i] - '0'), 1_000_000L);
            if (i == start) return NotANumber;
            exponent += sign * e;
        }

        if (i != text.Length) return NotANumber;
        var significant = digits.ToString().TrimStart('0');
        var trimmed = significant.TrimEnd('0');
        exponent += significant.Length - trimmed.Length;
        if (trimmed.Length == 0) return null; // zero, also "-0": decimal's negative zero would print as "0" anyway, so read it as 0
        var scale = Math.Max(0L, -exponent);
        var integerDigits = trimmed.Length + exponent;
        if (scale > 28) return TooManyDecimals;
        if (integerDigits > 28 || trimmed.Length > 28) return integerDigits > 28 ? TooLarge : TooManyDecimals;
        var exact = exponent >= 0 ? trimmed + new string('0', (int)exponent)
            : trimmed.Length > scale ? trimmed.Insert(trimmed.Length - (int)scale, ".") : "0." + new string('0', (int)scale - trimmed.Length) + trimmed;
        if (!decimal.TryParse(exact, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)) return TooLarge;
        if (negative) value = -value;
        return null;
    }

    /// <summary>Digits after the point once trailing zeros go (1.50 has one).</summary>
    public static int Scale(decimal value)
    {
        int scale = value.Scale;
        while (scale > 0 && decimal.Round(value, scale - 1) == value) scale--;
        return scale;
    }

    /// <summary>Digits before the point.</summary>
    public static int IntegerDigits(decimal value)
    {
        var whole = Math.Abs(decimal.Truncate(value));
        var count = 0;
        while (whole >= 1m) { whole = decimal.Truncate(whole / 10m); count++; }
        return count;
    }
}
