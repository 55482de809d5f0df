using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Spark.Core;
using Spark.Web.Accounts;
using Spark.Web.Services.Admin;
using Spark.Web.Shell;

namespace Spark.Web.Components.Pages.Admin;

public partial class AdminCorporateActions
{
    private MudDataGrid<CorporateActionView> grid = default!;
    private CorporateActionInput form = new() { Type = "split" };
    private DateTime? exDate;
    private decimal? ratioNew;
    private decimal? ratioOld;
    private decimal? amount;
    private IReadOnlyDictionary<string, string[]> errors = new Dictionary<string, string[]>();
    private CorporateActionPreview? preview;
    private CorporateActionOutcome? outcome;
    private string? failure;
    private bool busy;
    private Guid actorId;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [CascadingParameter] private ClientInfo? Client { get; set; }

    /// <summary>A split that would leave fractions is refused by the service; the button says so before the click.</summary>
    private bool CanRecord => preview is not null && !preview.Problems.Any(p => p.Contains("refused", StringComparison.Ordinal));

    protected override async Task OnInitializedAsync() => actorId = (await AuthenticationState).User.UserId()!.Value;

    private void SetType(string type)
    {
        form = form with { Type = type };
        preview = null;
    }

    private CorporateActionInput Input() => form with
    {
        ExDate = exDate is { } d ? DateOnly.FromDateTime(d) : null,
        RatioNew = form.Type == "dividend" ? null : ratioNew,
        RatioOld = form.Type == "dividend" ? null : ratioOld,
        AmountPerShare = form.Type == "dividend" ? amount : null,
    };

    private Task PreviewAsync() => RunAsync(async () =>
    {
        outcome = null;
        preview = await Actions.PreviewAsync(actorId, Input());
    });

    private Task RecordAsync() => RunAsync(async () =>
    {
        outcome = await Actions.RecordAsync(actorId, Input(), Client);
        preview = null;
        await grid.ReloadServerData();
    });

    private async Task RunAsync(Func<Task> work)
    {
        busy = true;
        failure = null;
        errors = new Dictionary<string, string[]>();
        try
        {
            await work();
        }
        catch (FieldValidationException e)
        {
            errors = e.Errors;
            preview = null;
        }
        catch (Exception e) when (e is DomainException or StaffForbiddenException)
        {
            failure = e.Message;
        }
        finally
        {
            busy = false;
        }
    }

    private bool Has(string field) => errors.ContainsKey(field);

    private string? Message(string field) => errors.TryGetValue(field, out var m) ? string.Join(" ", m) : null;

    private async Task<GridData<CorporateActionView>> LoadAsync(GridState<CorporateActionView> state, CancellationToken cancellationToken)
    {
        // The grid may ask before OnInitializedAsync has finished.
        if (actorId == Guid.Empty) actorId = (await AuthenticationState).User.UserId()!.Value;
        var page = await Actions.ListAsync(actorId, null, state.Page + 1, state.PageSize, cancellationToken);
        return new GridData<CorporateActionView> { Items = page.Items, TotalItems = page.Total };
    }
}
