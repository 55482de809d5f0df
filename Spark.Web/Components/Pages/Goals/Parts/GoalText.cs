using MudBlazor;
using Spark.Core.Accounts;
using Spark.Core.Goals;
using Spark.Web.Services.Goals;

namespace Spark.Web.Components.Pages.Goals.Parts;

/// <summary>The words and icons the goal screens use for categories, priorities, states and time left.</summary>
public static class GoalText
{
    public static IReadOnlyList<GoalCategory> Categories { get; } = Enum.GetValues<GoalCategory>();
    public static IReadOnlyList<GoalPriority> Priorities { get; } = Enum.GetValues<GoalPriority>();
    public static IReadOnlyList<RiskProfile> RiskProfiles { get; } = Enum.GetValues<RiskProfile>();

    public static string Category(GoalCategory category) => category switch
    {
        GoalCategory.Retirement => "Retirement",
        GoalCategory.House => "House",
        GoalCategory.Education => "Education",
        GoalCategory.Wedding => "Wedding",
        GoalCategory.Emergency => "Emergency fund",
        _ => "Other goal",
    };

    public static string Icon(GoalCategory category) => category switch
    {
        GoalCategory.Retirement => Icons.Material.Outlined.BeachAccess,
        GoalCategory.House => Icons.Material.Outlined.Home,
        GoalCategory.Education => Icons.Material.Outlined.School,
        GoalCategory.Wedding => Icons.Material.Outlined.Celebration,
        GoalCategory.Emergency => Icons.Material.Outlined.HealthAndSafety,
        _ => Icons.Material.Outlined.Flag,
    };

    public static string Priority(GoalPriority priority) => priority switch
    {
        GoalPriority.Critical => "Critical",
        GoalPriority.High => "High",
        GoalPriority.Medium => "Medium",
        _ => "Low",
    };

    public static string Risk(RiskProfile profile) => profile switch
    {
        RiskProfile.Conservative => "Conservative",
        RiskProfile.Moderate => "Moderate",
        _ => "Aggressive",
    };

    public static string Status(GoalStatus status) => status switch
    {
        GoalStatus.Active => "Active",
        GoalStatus.Achieved => "Achieved",
        GoalStatus.Paused => "Paused",
        _ => "Cancelled",
    };

    public static string AssetClass(string assetClass) => assetClass switch
    {
        "equity" => "Equity",
        "debt" => "Debt",
        "gold" => "Gold",
        "crypto" => "Crypto",
        _ => assetClass,
    };

    public static string Source(ContributionSource source) => source switch
    {
        ContributionSource.Manual => "Set aside",
        ContributionSource.Auto => "Auto-invest",
        ContributionSource.InvestmentReturns => "Returns",
        _ => "Dividend",
    };

    /// <summary>"4 years 2 months left", "7 months left", or that the date has come.</summary>
    public static string TimeLeft(int months) => months switch
    {
        <= 0 => "Target date reached",
        < 12 => $"{months} {(months == 1 ? "month" : "months")} left",
        _ when months % 12 == 0 => $"{months / 12} {(months == 12 ? "year" : "years")} left",
        _ => $"{months / 12} {(months < 24 ? "year" : "years")} {months % 12} {(months % 12 == 1 ? "month" : "months")} left",
    };

    /// <summary>The badge of a goal in progress: on track when the projected corpus reaches the target.</summary>
    public static (string Text, Color Color) Badge(GoalView goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        return goal.Status switch
        {
            GoalStatus.Achieved => ("Achieved", Color.Success),
            GoalStatus.Cancelled => ("Cancelled", Color.Default),
            GoalStatus.Paused => ("Paused", Color.Warning),
            _ => goal.OnTrack ? ("On track", Color.Success) : ("Behind", Color.Error),
        };
    }

    /// <summary>The progress bar's value: 0–100, full once the target is reached.</summary>
    public static double ProgressPercent(decimal progressRate) => (double)Math.Clamp(progressRate * 100m, 0m, 100m);
}
