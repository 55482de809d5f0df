using MudBlazor;
using Spark.Core;
using Spark.Core.Orders;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Orders;

namespace Spark.Web.Components.Pages.Orders.Parts;

/// <summary>What the orders page and an order's page both do: open the ticket, and cancel after a confirmation naming the order.</summary>
public static class OrderActions
{
    public static async Task<OrderView?> OpenTicketAsync(IDialogService dialogs, string? symbol, OrderSide side, bool practice = false)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var dialog = await dialogs.ShowAsync<OrderTicket>(symbol is null ? "New order" : $"{OrderText.Side(side)} {symbol}",
            new DialogParameters<OrderTicket> { { d => d.Symbol, symbol }, { d => d.Side, side }, { d => d.Practice, practice } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: OrderView order } ? order : null;
    }

    /// <summary>True when the order was cancelled; a lost race (it filled first) is told in a snackbar.</summary>
    public static async Task<bool> CancelAsync(IDialogService dialogs, ISnackbar snackbar, OrderService orders, Guid userId, OrderView order, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        ArgumentNullException.ThrowIfNull(snackbar);
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(order);
        var confirmed = await dialogs.ShowMessageBoxAsync("Cancel this order?", OrderText.CancelQuestion(order, display),
            yesText: "Cancel order", cancelText: "Keep it");
        if (confirmed != true) return false;
        try
        {
            if (await orders.CancelAsync(userId, order.Id) is null)
            {
                snackbar.Add("This order is no longer there.", Severity.Warning);
                return false;
            }
            snackbar.Add($"{OrderText.Side(order.Side)} order for {order.Symbol} cancelled.", Severity.Info);
            return true;
        }
        catch (DomainException e)
        {
            snackbar.Add(e.Message, Severity.Warning);
            return false;
        }
    }
}
