using Spark.Web.Components.Shared;

namespace Spark.Web.Components.Pages.Goals.Parts;

/// <summary>
/// The goal dialog's field errors (see <see cref="FormFieldErrors"/>): the server's include a name already taken or a
/// holding linked elsewhere; the mix's show under its four boxes.
/// </summary>
public sealed class GoalFormErrors(GoalForm form, DateOnly today)
    : FormFieldErrors(form, Properties, () => form.Validate(today), new HashSet<string> { "investmentMix" })
{
    // The form property that shows each API field's errors (the mix's on its first box).
    private static readonly Dictionary<string, string> Properties = new()
    {
        ["name"] = nameof(GoalForm.Name), ["category"] = nameof(GoalForm.Category), ["targetAmount"] = nameof(GoalForm.TargetAmount),
        ["startDate"] = nameof(GoalForm.StartDate), ["targetDate"] = nameof(GoalForm.TargetDate),
        ["monthlyContribution"] = nameof(GoalForm.MonthlyContribution), ["priority"] = nameof(GoalForm.Priority),
        ["riskProfile"] = nameof(GoalForm.RiskProfile), ["expectedReturnRate"] = nameof(GoalForm.ExpectedReturnPercent),
        ["investmentMix"] = nameof(GoalForm.Equity), ["description"] = nameof(GoalForm.Description),
    };

    /// <summary>The mix's error, shown under the four boxes rather than beside one of them.</summary>
    public string? MixError => Shown("investmentMix") is { } list ? string.Join(" ", list) : null;
}
