using Spark.Core.Accounts;

namespace Spark.Core.Goals;

/// <summary>A goal as someone has filled it in (create or edit): every column a person sets, rates and mix as fractions.</summary>
public sealed record GoalDraft(
    string Name,
    GoalCategory Category,
    decimal TargetAmount,
    DateOnly StartDate,
    DateOnly TargetDate,
    decimal MonthlyContribution,
    GoalPriority Priority,
    RiskProfile RiskProfile,
    decimal ExpectedReturnRate,
    IReadOnlyDictionary<string, decimal>? InvestmentMix,
    string? Description);

/// <summary>The field rules of a goal and of a contribution, shared by the API, the screens and the tests (errors keyed by API field names).</summary>
public static class GoalRules
{
    public const int NameLength = 100;
    public const int DescriptionLength = 1000;
    public const int NoteLength = 500;
    public const int MaxYears = 50;
    public const decimal MaxTarget = 9_99_99_99_99_999.99m;
    public const decimal MaxMonthly = 9_99_99_999.99m;
    public const decimal MaxReturnRate = 0.30m;
    public static readonly DateOnly EarliestContribution = new(2000, 1, 1);

    /// <param name="today">Today in India.</param>
    /// <param name="targetMustBeFuture">True for a new goal or a changed target date: the target date must be after today.</param>
    public static Dictionary<string, string[]> Validate(GoalDraft draft, DateOnly today, bool targetMustBeFuture)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = new Dictionary<string, string[]>();
        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0) errors["name"] = ["Give the goal a name."];
        else if (name.Length > NameLength) errors["name"] = [$"Use at most {NameLength} characters."];

        if (draft.TargetAmount <= 0m) errors["targetAmount"] = ["Enter a target above zero."];
        else if (draft.TargetAmount > MaxTarget) errors["targetAmount"] = ["Enter a target below ₹10,00,00,00,00,000."];
        else if (decimal.Round(draft.TargetAmount, 2) != draft.TargetAmount) errors["targetAmount"] = ["Use at most two decimals (paise)."];

        if (draft.TargetDate <= draft.StartDate) errors["targetDate"] = ["The target date comes after the start date."];
        else if (targetMustBeFuture && draft.TargetDate <= today) errors["targetDate"] = ["Choose a target date in the future."];
        else if (draft.TargetDate > draft.StartDate.AddYears(MaxYears)) errors["targetDate"] = [$"Choose a target date within {MaxYears} years of the start."];

        if (draft.MonthlyContribution < 0m) errors["monthlyContribution"] = ["Enter zero or more."];
        else if (draft.MonthlyContribution > MaxMonthly) errors["monthlyContribution"] = ["Enter at most ₹9,99,99,999.99 a month."];
        else if (decimal.Round(draft.MonthlyContribution, 2) != draft.MonthlyContribution) errors["monthlyContribution"] = ["Use at most two decimals (paise)."];

        if (draft.ExpectedReturnRate < 0m || draft.ExpectedReturnRate > MaxReturnRate) errors["expectedReturnRate"] = ["Expect between 0 % and 30 % a year."];
        else if (decimal.Round(draft.ExpectedReturnRate, 4) != draft.ExpectedReturnRate) errors["expectedReturnRate"] = ["Use at most two decimals of a percent (0.1225 is 12.25 %)."];

        if (MixError(draft.InvestmentMix) is { } mixError) errors["investmentMix"] = [mixError];
        if ((draft.Description?.Length ?? 0) > DescriptionLength) errors["description"] = [$"Use at most {DescriptionLength} characters."];
        return errors;
    }

    /// <summary>Why a mix is not acceptable, or null: known classes only, each 0–1 with two decimals of a percent, summing to 1.</summary>
    public static string? MixError(IReadOnlyDictionary<string, decimal>? mix)
    {
        if (mix is null || mix.Count == 0) return null;
        if (mix.Keys.FirstOrDefault(k => !GoalOptions.AssetClasses.Contains(k)) is { } unknown)
        {
            return $"'{unknown}' is not an asset class: use {string.Join(", ", GoalOptions.AssetClasses)}.";
        }

        if (mix.Values.Any(v => v < 0m || v > 1m)) return "Each share is between 0 and 1 (0.6 is 60 %).";
        if (mix.Values.Any(v => decimal.Round(v, 4) != v)) return "Use at most two decimals of a percent (0.1225 is 12.25 %).";
        if (mix.Values.Sum() != 1m) return "The shares add up to 1 (100 %).";
        return null;
    }

    /// <summary>Field errors of a contribution (amount, date, note); empty when it is acceptable.</summary>
    public static Dictionary<string, string[]> ValidateContribution(decimal amount, DateOnly date, string? note, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        if (amount <= 0m) errors["amount"] = ["Enter an amount above zero."];
        else if (amount > MaxMonthly) errors["amount"] = ["Enter at most ₹9,99,99,999.99."];
        else if (decimal.Round(amount, 2) != amount) errors["amount"] = ["Use at most two decimals (paise)."];
        if (date > today) errors["contributionDate"] = ["The date cannot be in the future."];
        else if (date < EarliestContribution) errors["contributionDate"] = ["Choose a date from 2000 on."];
        if ((note?.Length ?? 0) > NoteLength) errors["note"] = [$"Use at most {NoteLength} characters."];
        return errors;
    }
}
