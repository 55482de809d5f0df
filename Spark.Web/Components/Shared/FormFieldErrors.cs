using Microsoft.AspNetCore.Components.Forms;

namespace Spark.Web.Components.Shared;

/// <summary>
/// The errors a dialog shows beside its fields: the rules' errors for every field the person has been to (all of them
/// once Save was pressed), and the server's until their field changes. Fields read them from <see cref="Context"/>
/// because MudBlazor keeps an Error parameter that it has cleared itself on blur.
/// </summary>
public abstract class FormFieldErrors
{
    private readonly IReadOnlyDictionary<string, string> properties;
    private readonly Func<IReadOnlyDictionary<string, string[]>> validate;
    private readonly IReadOnlySet<string> unplaced;
    private readonly ValidationMessageStore messages;
    private readonly HashSet<string> touched = [];
    private Dictionary<string, string[]> server = [];
    private bool submitted;

    /// <param name="model">The form model the fields are bound to.</param>
    /// <param name="properties">Each rule field (as the API names it) → the form property that shows its errors.</param>
    /// <param name="validate">The rules, applied to the form as it is now.</param>
    /// <param name="unplaced">Rule fields shown elsewhere than beside a field (read with <see cref="Shown"/>).</param>
    protected FormFieldErrors(object model, IReadOnlyDictionary<string, string> properties, Func<IReadOnlyDictionary<string, string[]>> validate,
        IReadOnlySet<string>? unplaced = null)
    {
        this.properties = properties;
        this.validate = validate;
        this.unplaced = unplaced ?? new HashSet<string>();
        Context = new EditContext(model);
        messages = new ValidationMessageStore(Context);
        Current = validate();
    }

    public EditContext Context { get; }

    /// <summary>What the rules say about the form as it is now, shown or not.</summary>
    public IReadOnlyDictionary<string, string[]> Current { get; private set; }

    /// <summary>A field (by its rule name) was changed: check everything again, and show that field's errors from now on.</summary>
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
        return [.. errors.Where(e => !properties.ContainsKey(e.Key)).SelectMany(e => e.Value)];
    }

    public void Refresh() => Publish();

    /// <summary>A field's errors if they are to be shown now, else null.</summary>
    protected string[]? Shown(string field) =>
        !submitted && !touched.Contains(field) && !server.ContainsKey(field) ? null : Current.GetValueOrDefault(field) ?? server.GetValueOrDefault(field);

    private void Publish()
    {
        Current = validate();
        messages.Clear();
        foreach (var (field, property) in properties)
        {
            if (!unplaced.Contains(field) && Shown(field) is { } list) messages.Add(Context.Field(property), string.Join(" ", list));
        }

        Context.NotifyValidationStateChanged();
    }
}
