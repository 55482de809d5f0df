using Spark.Web.Components.Shared;

namespace Spark.Web.Components.Pages.Portfolio.TransactionParts;

/// <summary>The add/edit transaction dialog's field errors: the ledger's rules and the server's (see <see cref="FormFieldErrors"/>).</summary>
public sealed class TransactionFormErrors(TransactionForm form, DateOnly today) : FormFieldErrors(form, Properties, () => form.Validate(today))
{
    // The form property that shows each rule field's errors (a ratio's on its first box).
    private static readonly Dictionary<string, string> Properties = new()
    {
        ["symbol"] = nameof(TransactionForm.Security), ["type"] = nameof(TransactionForm.Type), ["quantity"] = nameof(TransactionForm.Quantity),
        ["price"] = nameof(TransactionForm.Price), ["amount"] = nameof(TransactionForm.Amount), ["fees"] = nameof(TransactionForm.Fees),
        ["tax"] = nameof(TransactionForm.Tax), ["gst"] = nameof(TransactionForm.Gst), ["transactionDate"] = nameof(TransactionForm.Date),
        ["platform"] = nameof(TransactionForm.Platform), ["description"] = nameof(TransactionForm.Description), ["ratio"] = nameof(TransactionForm.RatioNew),
    };
}
