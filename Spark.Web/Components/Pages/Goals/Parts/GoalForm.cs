using Spark.Core.Accounts;
using Spark.Core.Goals;
using Spark.Web.Services.Goals;

namespace Spark.Web.Components.Pages.Goals.Parts;

/// <summary>What the person has typed into the goal dialog so far: amounts in rupees, rates and shares in percent.</summary>
public sealed class GoalForm
{
    public string Name { get; set; } = "";
    public GoalCategory? Category { get; set; }
    public decimal? TargetAmount { get; set; }
    public DateTime? StartDate { get; set; }
    public DateTime? TargetDate { get; set; }
    public decimal? MonthlyContribution { get; set; }
    public GoalPriority Priority { get; set; } = GoalPriority.Medium;
    public RiskProfile RiskProfile { get; set; } = RiskProfile.Moderate;
    public decimal? ExpectedReturnPercent { get; set; }
    public bool OwnMix { get; set; }
    public decimal? Equity { get; set; }
    public decimal? Debt { get; set; }
    public decimal? Gold { get; set; }
    public decimal? Crypto { get; set; }
    public string? Description { get; set; }

    /// <summary>The target date the goal had when the dialog opened (an edit may keep a date that has passed).</summary>
    public DateOnly? OriginalTargetDate { get; private set; }

    public static GoalForm New(DateOnly today, RiskProfile profile) => new()
    {
        StartDate = today.ToDateTime(TimeOnly.MinValue),
        MonthlyContribution = 0m,
        RiskProfile = profile,
    };

    public static GoalForm From(GoalView goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        var mix = goal.InvestmentMix;
        return new GoalForm
        {
            Name = goal.Name, Category = goal.Category, TargetAmount = goal.TargetAmount,
            StartDate = goal.StartDate.ToDateTime(TimeOnly.MinValue), TargetDate = goal.TargetDate.ToDateTime(TimeOnly.MinValue),
            MonthlyContribution = goal.MonthlyContribution, Priority = goal.Priority, RiskProfile = goal.RiskProfile,
            ExpectedReturnPercent = goal.ExpectedReturnRate * 100m, OwnMix = mix is { Count: > 0 },
            Equity = Percent(mix, "equity"), Debt = Percent(mix, "debt"), Gold = Percent(mix, "gold"), Crypto = Percent(mix, "crypto"),
            Description = goal.Description, OriginalTargetDate = goal.TargetDate,
        };
    }

    /// <summary>The mix as fractions, or null when the goal follows its risk profile.</summary>
    public Dictionary<string, decimal>? Mix() => !OwnMix ? null : new Dictionary<string, decimal>
    {
        ["equity"] = (Equity ?? 0m) / 100m, ["debt"] = (Debt ?? 0m) / 100m, ["gold"] = (Gold ?? 0m) / 100m, ["crypto"] = (Crypto ?? 0m) / 100m,
    }.Where(p => p.Value != 0m).ToDictionary(p => p.Key, p => p.Value);

    public decimal MixTotal => (Equity ?? 0m) + (Debt ?? 0m) + (Gold ?? 0m) + (Crypto ?? 0m);

    /// <param name="today">Stands in for a date not chosen yet (reported by <see cref="Validate"/>).</param>
    public GoalDraft ToDraft(DateOnly today) => new(
        Name, Category ?? GoalCategory.Custom, TargetAmount ?? 0m,
        StartDate is { } start ? DateOnly.FromDateTime(start) : today,
        TargetDate is { } target ? DateOnly.FromDateTime(target) : today,
        MonthlyContribution ?? 0m, Priority, RiskProfile, (ExpectedReturnPercent ?? 0m) / 100m, Mix(), Description);

    /// <summary>The goal rules the server applies (by API field name), plus the choices the form itself needs.</summary>
    public Dictionary<string, string[]> Validate(DateOnly today)
    {
        var draft = ToDraft(today);
        var errors = GoalRules.Validate(draft, today, targetMustBeFuture: OriginalTargetDate != draft.TargetDate);
        if (Category is null) errors["category"] = ["Choose what the goal is for."];
        if (TargetAmount is null) errors["targetAmount"] = ["Enter the amount you need."];
        if (TargetDate is null) errors["targetDate"] = ["Choose the date you need it by."];
        if (StartDate is null) errors["startDate"] = ["Choose when you start."];
        if (ExpectedReturnPercent is null) errors["expectedReturnRate"] = ["Enter the return you expect a year."];
        if (OwnMix && MixTotal != 100m) errors["investmentMix"] = [$"The shares add up to 100 % (now {MixTotal:0.##} %)."];
        return errors;
    }

    private static decimal? Percent(IReadOnlyDictionary<string, decimal>? mix, string assetClass) =>
        mix is not null && mix.TryGetValue(assetClass, out var share) ? share * 100m : null;
}
