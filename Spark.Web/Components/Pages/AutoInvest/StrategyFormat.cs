using MudBlazor;
using Spark.Core.AutoInvest;
using Spark.Core.Formatting;

namespace Spark.Web.Components.Pages.Strategies;

/// <summary>How strategies read on screen: risk, frequency, asset-class colours, and one-sentence explanations of the figures.</summary>
public static class StrategyFormat
{
    public const string CagrHint = "CAGR is the steady yearly growth that would turn ₹10,000 into the backtest's final value over the same years.";
    public const string TotalReturnHint = "Less than a year of history: this is the total return over the period, because a yearly rate over a few months exaggerates.";
    public const string VolatilityHint = "Volatility is how much the value swings: the spread of monthly returns, scaled to a year; higher means a bumpier ride.";
    public const string DrawdownHint = "Maximum drawdown is the deepest fall from a high point to a later low, before a new high.";
    public const string BestYearHint = "The best and worst full calendar years of the backtest, from one year-end to the next.";
    public const string ExpectedReturnHint = "The strategy's own estimate of its long-run yearly return; not a promise.";
    public const string SubscribersHint = "Investors with an active or paused plan on this strategy.";
    public const string BacktestHint = "A simulation of ₹10,000 invested at the start of the stored price history, rebalanced to the target mix; no charges or taxes.";

    public static string Risk(StrategyRiskLevel level) => level switch
    {
        StrategyRiskLevel.VeryHigh => "Very high risk",
        StrategyRiskLevel.High => "High risk",
        StrategyRiskLevel.Medium => "Medium risk",
        _ => "Low risk",
    };

    public static Color RiskColor(StrategyRiskLevel level) => level switch
    {
        StrategyRiskLevel.VeryHigh => Color.Error,
        StrategyRiskLevel.High => Color.Warning,
        StrategyRiskLevel.Medium => Color.Info,
        _ => Color.Success,
    };

    public static string Frequency(RebalancingFrequency frequency) => frequency switch
    {
        RebalancingFrequency.Monthly => "Monthly",
        RebalancingFrequency.Quarterly => "Quarterly",
        _ => "Yearly",
    };

    /// <summary>One colour per asset class, the same in every donut and legend, distinguishable in both themes.</summary>
    public static string ClassColour(string assetClass) => assetClass switch
    {
        AssetClasses.Stocks => "#3f51b5",
        AssetClasses.MutualFunds => "#00897b",
        AssetClasses.Etfs => "#f9a825",
        AssetClasses.Debt => "#8e24aa",
        AssetClasses.Crypto => "#e64a19",
        _ => "#757575",
    };

    /// <summary>A share without trailing zeros: 0.25 → "25 %", 0.3333 → "33.33 %".</summary>
    public static string Share(decimal fraction) =>
        IndianFormat.Percent(fraction, decimals: fraction * 100m == decimal.Round(fraction * 100m) ? 0 : 2);

    /// <summary>A rupee amount without paise when it has none: ₹10,000 rather than ₹10,000.00.</summary>
    public static string Rupees(decimal amount) => IndianFormat.Money(amount, decimals: amount == decimal.Truncate(amount) ? 0 : 2);
}
