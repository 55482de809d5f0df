namespace Spark.Web.Services.Analysis;

/// <summary>The "Spark:Analysis" configuration section (decision 0060).</summary>
public sealed class AnalysisOptions
{
    public const string Section = "Spark:Analysis";

    /// <summary>
    /// The annual risk-free rate for Sharpe and Sortino, as a fraction. Default 0.055: about the cut-off yield of the
    /// Government of India's 91-day Treasury bills at the RBI's weekly auctions in late 2025 (RBI press releases, "Auction
    /// of 91-day, 182-day and 364-day Treasury Bills"). Change it when the rate moves.
    /// </summary>
    public double RiskFreeRate { get; set; } = 0.055;

    /// <summary>How long after the next session's close (15:30 IST) a cached analysis stays good: the day's bars land by then.</summary>
    public int ExpiryMarginMinutes { get; set; } = 60;

    /// <summary>The longest window the indicators endpoint serves (about ten years of sessions).</summary>
    public int MaxIndicatorDays { get; set; } = 3_660;
}
