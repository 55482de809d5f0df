using System.Diagnostics.CodeAnalysis;

namespace Spark.Core.Accounts;

/// <summary>An Indian Permanent Account Number: 5 letters, 4 digits and a letter, like ABCPE1234F.</summary>
public readonly record struct Pan
{
    public const int Length = 10;

    // The 4th character says who holds the PAN; any other letter cannot come from the Income Tax Department.
    private const string HolderTypes = "PCHFATBLJG";

    // default(Pan) has no value; the properties below must not throw on it.
    private readonly string? _value;

    private Pan(string value) => _value = value;

    /// <summary>The normalised PAN (upper case, no spaces). Store it encrypted; never log it.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The PAN with its first five letters hidden, e.g. XXXXX1234F, which is safe to show and log.</summary>
    public string Masked => _value is null ? string.Empty : string.Concat("XXXXX", _value.AsSpan(5));

    public static bool TryParse(string? input, out Pan pan, [NotNullWhen(false)] out string? error)
    {
        pan = default;
        var normalised = Normalise(input);

        if (normalised.Length != Length)
        {
            error = "Enter your PAN: 10 characters like ABCPE1234F.";
            return false;
        }

        if (!HasPanShape(normalised))
        {
            error = "A PAN is 5 letters, 4 digits and a letter, like ABCPE1234F.";
            return false;
        }

        var holder = normalised[3];
        if (!HolderTypes.Contains(holder, StringComparison.Ordinal))
        {
            error = $"The 4th letter of a PAN says who holds it (P for a person); '{holder}' is not one of them.";
            return false;
        }

        pan = new Pan(normalised);
        error = null;
        return true;
    }

    // A record struct would print Value here, and PANs end up in logs through string interpolation and structured
    // logging far more often than through deliberate code. Masking by default makes the safe form the easy one;
    // code that really needs the number must ask for Value.
    public override string ToString() => Masked;

    private static string Normalise(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
            return string.Empty;

        // Only ASCII letters are upper-cased: culture-aware upper-casing turns some non-ASCII letters (the dotless ı,
        // the long ſ) into I and S, which would let look-alike input through as a valid PAN.
        return string.Create(input.Count(c => !char.IsWhiteSpace(c)), input, static (span, source) =>
        {
            var i = 0;
            foreach (var c in source)
            {
                if (!char.IsWhiteSpace(c))
                    span[i++] = char.IsAsciiLetterLower(c) ? (char)(c - ('a' - 'A')) : c;
            }
        });
    }

    private static bool HasPanShape(string value)
    {
        for (var i = 0; i < Length; i++)
        {
            var ok = i is >= 5 and <= 8 ? char.IsAsciiDigit(value[i]) : char.IsAsciiLetterUpper(value[i]);
            if (!ok)
                return false;
        }

        return true;
    }
}
