namespace Spark.Core.Market;

/// <summary>What makes an OHLCV bar believable; the same words for the API, the CSV report and the simulator's tests.</summary>
public static class BarRules
{
    /// <returns>Null when the bar is sound, else what is wrong with it.</returns>
    public static string? Check(decimal open, decimal high, decimal low, decimal close, long volume)
    {
        if (open <= 0m || high <= 0m || low <= 0m || close <= 0m) return "Prices must be above zero.";
        if (low > high) return "The low is above the high.";
        if (open < low || open > high) return "The open is outside the low–high range.";
        if (close < low || close > high) return "The close is outside the low–high range.";
        if (volume < 0) return "The volume cannot be negative.";
        return null;
    }
}
