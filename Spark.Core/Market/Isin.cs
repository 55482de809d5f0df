using System.Text.RegularExpressions;

namespace Spark.Core.Market;

/// <summary>
/// International Securities Identification Number, ISO 6166: two letters (the issuer's country, ISO 3166-1 alpha-2),
/// nine letters or digits (the national number) and one check digit. The check digit is the Luhn ("modulus 10 double
/// add double") digit of the first eleven characters with each letter replaced by its value A=10 … Z=35.
/// Example: INE002A01018 (Reliance Industries).
/// </summary>
public static partial class Isin
{
    public static bool IsValid(string? text)
    {
        if (text is null || !Shape().IsMatch(text)) return false;
        var digits = string.Concat(text[..11].Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return CheckDigit(digits) == text[11] - '0';
    }

    /// <summary>Luhn over the digits: doubling starts from the rightmost digit, as the check digit will be appended.</summary>
    private static int CheckDigit(string digits)
    {
        var sum = 0;
        var doubled = true;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }

            sum += d;
            doubled = !doubled;
        }

        return (10 - sum % 10) % 10;
    }

    [GeneratedRegex("^[A-Z]{2}[A-Z0-9]{9}[0-9]$")]
    private static partial Regex Shape();
}
