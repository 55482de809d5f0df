namespace Spark.Core;

/// <summary>Rounding of rupee amounts, in one place: to the paisa, half away from zero, as contract notes do.</summary>
public static class Money
{
    public static decimal Paisa(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>Per-unit prices and costs keep 4 decimals (mutual-fund NAVs are published to 4).</summary>
    public static decimal UnitPrice(decimal price) => Math.Round(price, 4, MidpointRounding.AwayFromZero);

    /// <summary>Rates (fractions) keep 6 decimals: 0.123456 is 12.3456 %, the precision of the schema's percent columns.</summary>
    public static decimal Rate(decimal rate) => Math.Round(rate, 6, MidpointRounding.AwayFromZero);
}
