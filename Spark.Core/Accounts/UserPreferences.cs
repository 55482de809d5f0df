namespace Spark.Core.Accounts;

/// <summary>Display and notification preferences of one user (table user_preferences).</summary>
public class UserPreferences
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }

    public Theme Theme { get; set; } = Theme.Light;
    public string Language { get; set; } = "en";
    public string Currency { get; set; } = "INR";
    public string Timezone { get; set; } = "Asia/Kolkata";
    public string DateFormat { get; set; } = "DD/MM/YYYY";
    public NumberFormat NumberFormat { get; set; } = NumberFormat.Indian;
    public string DefaultView { get; set; } = "dashboard";
    public string ChartType { get; set; } = "line";
    public int DataRefreshInterval { get; set; } = 60;
    public int ItemsPerPage { get; set; } = 20;

    public bool EmailMarketAlerts { get; set; } = true;
    public bool EmailPriceAlerts { get; set; } = true;
    public bool EmailPortfolioUpdates { get; set; } = true;
    public bool EmailTransactionConfirmations { get; set; } = true;
    public bool EmailMonthlyReports { get; set; } = true;
    public bool EmailAiRecommendations { get; set; } = true;
    public bool EmailNewsDigest { get; set; }

    public bool SmsTransactionAlerts { get; set; } = true;
    public bool SmsSecurityAlerts { get; set; } = true;
    public bool SmsLoginAlerts { get; set; } = true;
    public bool SmsPaymentReminders { get; set; }

    public bool PushMarketMovements { get; set; } = true;
    public bool PushGoalMilestones { get; set; } = true;
    public bool PushAutoInvestExecutions { get; set; } = true;
    public bool PushPortfolioChanges { get; set; } = true;
    public bool PushDailySummary { get; set; }

    public string PriceAlertFrequency { get; set; } = "instant";
    public string PortfolioUpdateFrequency { get; set; } = "daily";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static readonly IReadOnlyList<string> Languages = ["en", "hi", "mr", "ta", "te", "bn"];
}
