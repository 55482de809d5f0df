using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Spark.Web.Api.Input;

/// <summary>
/// A number must fit the column it is stored in, NUMERIC(precision, scale), as sent: PostgreSQL would round extra decimals
/// silently and fail on too many digits (SQLSTATE 22003). A rate column keeps percent, so a fraction gets two more decimals
/// (<paramref name="percentColumn"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class NumericAttribute(int precision, int scale, bool percentColumn = false) : ValidationAttribute
{
    /// <summary>Decimals the value may have (the column's, plus two for a fraction stored as percent).</summary>
    public int Scale { get; } = percentColumn ? scale + 2 : scale;

    /// <summary>What to say when the value has more decimals than <see cref="Scale"/>, where the field's own rule says it better.</summary>
    public string? TooManyDecimalsMessage { get; set; }

    /// <summary>Digits the value may have before the point.</summary>
    public int IntegerDigits { get; } = percentColumn ? precision - scale - 2 : precision - scale;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not decimal number) return ValidationResult.Success;
        if (ExactDecimal.Scale(number) > Scale)
        {
            return new ValidationResult(TooManyDecimalsMessage ?? (Scale == 0 ? "Use a whole number." : string.Create(CultureInfo.InvariantCulture, $"Use at most {Scale} decimal places.")));
        }
        if (ExactDecimal.IntegerDigits(number) > Math.Max(IntegerDigits, 0))
        {
            return new ValidationResult(string.Create(CultureInfo.InvariantCulture,
                $"This number is too large: it must be below {Limit().ToString("#,0", CultureInfo.InvariantCulture)}."));
        }
        return ValidationResult.Success;
    }

    private decimal Limit()
    {
        var limit = 1m;
        for (var i = 0; i < IntegerDigits; i++) limit *= 10m;
        return limit;
    }
}
