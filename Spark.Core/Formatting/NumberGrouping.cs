namespace Spark.Core.Formatting;

public enum NumberGrouping
{
    /// <summary>Last three digits, then pairs: 12,34,567 (lakh and crore).</summary>
    Indian,

    /// <summary>Groups of three: 1,234,567 (thousand, million).</summary>
    International,
}
