namespace Spark.Web.Api.Input;

/// <summary>What a quantity with more decimals than any security allows is told (api.md, Units).</summary>
public static class QuantityRules
{
    public const string TooManyDecimals =
        "Crypto allows at most 8 decimals in a quantity (0.00000001 is the smallest unit); fund units have 3 and shares and ETFs trade in whole units.";
}
