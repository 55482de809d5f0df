using Microsoft.AspNetCore.Components.Forms;

namespace Spark.Web.Components.Pages.Goals.Parts;

/// <summary>
/// The errors the goal dialog shows beside its fields: the rules for every field the person has been to (all of them
/// once Save was pressed), and the server's until their field changes (a name already taken, a holding linked elsewhere).
/// </summary>
public sealed class GoalFormErrors
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

    private readonly GoalForm form;
    private readonly DateOnly today;
    private readonly ValidationMessageStore messages;
    private readonly HashSet<string> touched = [];
    private Dictionary<string, string[]> server = [];
    private bool submitted;

    public GoalFormErrors(GoalForm form, DateOnly today)
    {
        this.form = form;
        this.today = today;
        Context = new EditContext(form);
        messages = new ValidationMessageStore(Context);
        Current = form.Validate(today);
    }

    public EditContext Context { get; }

    public IReadOnlyDictionary<string, string[]> Current { get; private set; }

    /// <summary>The mix's error, shown under the four boxes rather than beside one of them.</summary>
    public string? MixError => Shown("investmentMix") is { } list ? string.Join(" ", list) : null;

    public void Changed(string field)
    {
        touched.Add(field);
        server.Remove(field);
        Publish();
    }

    /// <summary>Save was pressed: show every error; true when there is none.</summary>
    public bool Submit()
    {
        submitted = true;
        Publish();
        return Current.Count == 0;
    }

    /// <summary>Shows the server's field errors; returns the messages that belong to no field on the form.</summary>
    public IReadOnlyList<string> FromServer(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        server = errors.ToDictionary(e => e.Key, e => e.Value);
        Publish();
        return [.. errors.Where(e => !Properties.ContainsKey(e.Key)).SelectMany(e => e.Value)];
    }

    private string[]? Shown(string field) =>
        !submitted && !touched.Contains(field) && !server.ContainsKey(field) ? null : Current.GetValueOrDefault(field) ?? server.GetValueOrDefault(field);

    private void Publish()
    {
        Current = form.Validate(today);
        messages.Clear();
        foreach (var (field, property) in Properties)
        {
            if (field != "investmentMix" && Shown(field) is { } list) messages.Add(Context.Field(property), string.Join(" ", list));
        }

        Context.NotifyValidationStateChanged();
    }
}
