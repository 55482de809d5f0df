using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Spark.Core;
using Spark.Core.Market;
using Spark.Web.Accounts;
using Spark.Web.Components.Shared;
using Spark.Web.Services.Admin;
using Spark.Web.Shell;

namespace Spark.Web.Components.Pages.Admin;

public partial class AdminSecurities
{
    /// <summary>What deactivating means, said before the click (decision 0042).</summary>
    public const string DeactivationMeaning =
        "It disappears from search and cannot be bought in new orders. Holdings, their history, prices and sells stay as they are, and it can be reactivated.";

    private MudDataGrid<AdminSecurityRow> grid = default!;
    private SecurityPermissions? permissions;
    private IReadOnlyList<string> sectors = [];
    private string? search;
    private SecurityType? type;
    private string? exchange;
    private string? sector;
    private bool? active;
    private bool busy;
    private Guid actorId;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;
    [CascadingParameter] private ClientInfo? Client { get; set; }

    protected override async Task OnInitializedAsync()
    {
        actorId = (await AuthenticationState).User.UserId()!.Value;
        permissions = await Securities.PermissionsAsync(actorId);
        sectors = await Securities.SectorsAsync();
    }

    private async Task<GridData<AdminSecurityRow>> LoadAsync(GridState<AdminSecurityRow> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var page = await CurrentFilters.LoadAsync(() => (search, type, exchange, sector, active), () => PageAsync(state, sort, cancellationToken));
        return new GridData<AdminSecurityRow> { Items = page.Items, TotalItems = page.Total };
    }

    private Task<Spark.Web.Services.Portfolio.Paged<AdminSecurityRow>> PageAsync(GridState<AdminSecurityRow> state, SortDefinition<AdminSecurityRow>? sort,
        CancellationToken cancellationToken) =>
        Securities.ListAsync(new AdminSecurityQuery
        {
            Search = search, Type = type, Exchange = exchange, Sector = sector, Active = active,
            Sort = sort?.SortBy switch
            {
                nameof(AdminSecurityRow.Name) => AdminSecuritySort.Name,
                nameof(AdminSecurityRow.Type) => AdminSecuritySort.Type,
                nameof(AdminSecurityRow.Exchange) => AdminSecuritySort.Exchange,
                nameof(AdminSecurityRow.Sector) => AdminSecuritySort.Sector,
                _ => AdminSecuritySort.Symbol,
            },
            Descending = sort?.Descending ?? false,
            Page = state.Page + 1,
            PageSize = state.PageSize,
        }, cancellationToken);

    private Task ReloadAsync()
    {
        grid.NavigateTo(Page.First);
        return grid.ReloadServerData();
    }

    private Task SetAsync(Action change)
    {
        change();
        return ReloadAsync();
    }

    private async Task OpenAsync(AdminSecurityRow? security)
    {
        var dialog = await Dialogs.ShowAsync<SecurityEditorDialog>(security?.Symbol ?? "New security", new DialogParameters<SecurityEditorDialog>
        {
            { d => d.Existing, security }, { d => d.CanEdit, permissions?.CanEdit == true }, { d => d.ActorId, actorId }, { d => d.Client, Client },
        }, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: AdminSecurityRow saved })
        {
            Snackbar.Add($"{saved.Symbol} saved.", Severity.Success);
            await grid.ReloadServerData();
        }
    }

    private async Task ImportAsync()
    {
        var dialog = await Dialogs.ShowAsync<SecurityImportDialog>("Import securities", new DialogParameters<SecurityImportDialog>
        {
            { d => d.ActorId, actorId }, { d => d.Client, Client },
        }, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        await dialog.Result;
        sectors = await Securities.SectorsAsync();
        await grid.ReloadServerData();
    }

    private async Task ToggleAsync(AdminSecurityRow security)
    {
        var deactivate = security.IsActive;
        var dialog = await Dialogs.ShowAsync<AdminReasonDialog>(deactivate ? "Deactivate" : "Reactivate", new DialogParameters<AdminReasonDialog>
        {
            { d => d.Title, deactivate ? $"Deactivate {security.Symbol}?" : $"Reactivate {security.Symbol}?" },
            { d => d.Message, deactivate ? DeactivationMeaning : "It appears in search again and can be bought." },
            { d => d.ConfirmText, deactivate ? "Deactivate" : "Reactivate" },
            { d => d.ConfirmColor, deactivate ? Color.Warning : Color.Success },
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is not { Canceled: false, Data: string reason }) return;
        busy = true;
        try
        {
            await Securities.SetActiveAsync(actorId, security.Id, !deactivate, reason, Client);
            Snackbar.Add(deactivate ? $"{security.Symbol} deactivated." : $"{security.Symbol} reactivated.", Severity.Success);
            await grid.ReloadServerData();
        }
        catch (Exception e) when (e is DomainException or StaffForbiddenException)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }
}
