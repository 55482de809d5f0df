using Spark.Core.Accounts;

namespace Spark.Web.Services.Notifications;

/// <summary>
/// The kinds of in-app notification and which "In the app" preference toggle silences each. Order events
/// count as portfolio changes (they change holdings and cash); a kind no toggle covers is always delivered.
/// </summary>
public static class NotificationKinds
{
    public const string OrderPlaced = "order_placed";
    public const string OrderExecuted = "order_executed";
    public const string OrderPartiallyFilled = "order_partially_filled";
    public const string OrderRejected = "order_rejected";
    public const string OrderExpired = "order_expired";
    public const string OrderCancelled = "order_cancelled";
    public const string PlanExecuted = "auto_invest_executed";
    public const string PlanFailed = "auto_invest_failed";

    /// <summary>Whether the user wants this kind in the app, by prefix: order_*, auto_invest_*, goal_*, market_*/price_*, daily_summary.</summary>
    public static bool IsWanted(string type, UserPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(preferences);
        return type switch
        {
            _ when type.StartsWith("order_", StringComparison.Ordinal) => preferences.PushPortfolioChanges,
            _ when type.StartsWith("portfolio_", StringComparison.Ordinal) => preferences.PushPortfolioChanges,
            _ when type.StartsWith("auto_invest_", StringComparison.Ordinal) => preferences.PushAutoInvestExecutions,
            _ when type.StartsWith("goal_", StringComparison.Ordinal) => preferences.PushGoalMilestones,
            _ when type.StartsWith("market_", StringComparison.Ordinal) || type.StartsWith("price_", StringComparison.Ordinal) => preferences.PushMarketMovements,
            "daily_summary" => preferences.PushDailySummary,
            _ => true,
        };
    }
}
