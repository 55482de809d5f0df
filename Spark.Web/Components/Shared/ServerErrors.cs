using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace Spark.Web.Components.Shared;

/// <summary>
/// Puts errors found on the server (field → messages) next to the fields of the enclosing EditForm, so
/// a rule the browser cannot check still shows as a field error. Cleared as soon as the field changes.
/// </summary>
public sealed class ServerErrors : ComponentBase, IDisposable
{
    private ValidationMessageStore? store;
    private EditContext? subscribed;

    [CascadingParameter] private EditContext? EditContext { get; set; }

    protected override void OnParametersSet()
    {
        if (EditContext is null || ReferenceEquals(EditContext, subscribed)) return;
        store = new ValidationMessageStore(EditContext);
        EditContext.OnFieldChanged += (_, e) =>
        {
            store.Clear(e.FieldIdentifier);
            EditContext.NotifyValidationStateChanged();
        };
        subscribed = EditContext;
    }

    public void Show(IReadOnlyDictionary<string, string[]> errors)
    {
        if (store is null || EditContext is null) return;
        store.Clear();
        foreach (var (field, messages) in errors)
        {
            store.Add(EditContext.Field(char.ToUpperInvariant(field[0]) + field[1..]), messages);
        }
        EditContext.NotifyValidationStateChanged();
    }

    public void Dispose() => store?.Clear();
}
