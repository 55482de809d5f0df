using Microsoft.AspNetCore.Components.Forms;

namespace Spark.Web.Components.Pages.Portfolio.TransactionParts;

/// <summary>
/// The errors the add/edit dialog shows beside its fields: the ledger's rules for every field the person has been to
/// (all of them once Save was pressed), and the server's until their field changes. The fields read them from
/// <see cref="Context"/> because MudBlazor keeps an Error parameter that it has cleared itself on blur.
/// </summary>
public sealed class TransactionFormErrors
{
    // The form property that shows each rule field's errors (a ratio's on its first box).
    private static readonly Dictionary<string, string> Properties = new()
    {
        ["symbol"] = nameof(TransactionForm.Security), ["type"] = nameof(TransactionForm.Type), ["quantity"] = nameof(TransactionForm.Quantity),
        ["price"] = nameof(TransactionForm.Price), ["amount"] = nameof(TransactionForm.Amount), ["fees"] = nameof(TransactionForm.Fees),
        ["tax"] = nameof(TransactionForm.Tax), ["gst"] = nameof(TransactionForm.Gst), ["transactionDate"] = nameof(TransactionForm.Date),
        ["platform"] = nameof(TransactionForm.Platform), ["description"] = nameof(TransactionForm.Description), ["ratio"] = nameof(TransactionForm.RatioNew),
    };

    private readonly TransactionForm form;
    private readonly DateOnly today;
    private readonly ValidationMessageStore messages;
    private readonly HashSet<string> touched = [];
    private Dictionary<string, string[]> server = [];
    private bool submitted;

    public TransactionFormErrors(TransactionForm form, DateOnly today)
    {
        this.form = form;
        this.today = today;
        Context = new EditContext(form);
        messages = new ValidationMessageStore(Context);
        Current = form.Validate(today);
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
        return [.. errors.Where(e => !Properties.ContainsKey(e.Key)).SelectMany(e => e.Value)];
    }

    public void Refresh() => Publish();

    private void Publish()
    {
        Current = form.Validate(today);
        messages.Clear();
        foreach (var (field, property) in Properties)
        {
            if (!submitted && !touched.Contains(field)) continue;
            if ((Current.GetValueOrDefault(field) ?? server.GetValueOrDefault(field)) is { } list)
            {
                messages.Add(Context.Field(property), string.Join(" ", list));
            }
        }

        Context.NotifyValidationStateChanged();
    }
}
