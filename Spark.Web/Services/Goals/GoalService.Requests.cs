using Spark.Core.Accounts;
using Spark.Core.Goals;
using Spark.Core.Time;
using Spark.Web.Endpoints;

namespace Spark.Web.Services.Goals;

public sealed partial class GoalService
{
    /// <summary>
    /// Reads an API body into a draft: words into enums (a wrong word is a field error), missing fields from
    /// <paramref name="existing"/> on an edit, or the defaults of a new goal.
    /// </summary>
    private GoalDraft ToDraft(GoalRequest request, Goal? existing, RiskProfile profile, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var today = IndiaTime.Today(clock);
        var category = Word<GoalCategory>(request.Category, existing?.Category, "category", "Choose a category: retirement, house, education, wedding, emergency or custom.", errors);
        var priority = Word<GoalPriority>(request.Priority, existing?.Priority ?? GoalPriority.Medium, "priority", "Use critical, high, medium or low.", errors);
        var riskProfile = Word<RiskProfile>(request.RiskProfile, existing?.RiskProfile ?? profile, "riskProfile", "Use conservative, moderate or aggressive.", errors);
        if (request.TargetAmount is null && existing is null) errors["targetAmount"] = ["Enter the amount you need."];
        if (request.TargetDate is null && existing is null) errors["targetDate"] = ["Choose the date you need it by."];
        var mix = request.InvestmentMix is null ? existing?.InvestmentMix : request.InvestmentMix.Count == 0 ? null : request.InvestmentMix;
        return new GoalDraft(
            request.Name ?? existing?.Name ?? "",
            category ?? GoalCategory.Custom,
            request.TargetAmount ?? existing?.TargetAmount ?? 0m,
            request.StartDate ?? existing?.StartDate ?? today,
            request.TargetDate ?? existing?.TargetDate ?? today,
            request.MonthlyContribution ?? existing?.MonthlyContribution ?? 0m,
            priority ?? GoalPriority.Medium,
            riskProfile ?? profile,
            request.ExpectedReturnRate ?? existing?.ExpectedReturnRate ?? SuggestedReturnRate(mix, riskProfile ?? profile),
            mix,
            request.Description ?? existing?.Description);
    }

    private static TEnum? Word<TEnum>(string? word, TEnum? fallback, string field, string message, Dictionary<string, string[]> errors)
        where TEnum : struct, Enum
    {
        if (word is null)
        {
            if (fallback is null) errors[field] = [message];
            return fallback;
        }

        if (EnumWords.TryParse<TEnum>(word, out var value)) return value;
        errors[field] = [message];
        return fallback;
    }
}
