using System.Globalization;
using Spark.Core.Cash;
using Spark.Core.Orders;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Orders;

namespace Spark.Web.Components.Pages.Orders.Parts;

/// <summary>How the order screens put orders into words: labels, prices and the cancel question.</summary>
public static class OrderText
{
    public static readonly IReadOnlyList<OrderType> Types = [OrderType.Market, OrderType.Limit, OrderType.StopLoss, OrderType.Bracket];

    public static readonly IReadOnlyList<OrderValidity> Validities = [OrderValidity.Day, OrderValidity.Ioc, OrderValidity.Gtc];

    public static string Side(OrderSide side) => side == OrderSide.Buy ? "Buy" : "Sell";

    public static string Type(OrderType type) => type switch
    {
        OrderType.Market => "Market",
        OrderType.Limit => "Limit",
        OrderType.StopLoss => "Stop-loss",
        _ => "Bracket",
    };

    public static string Validity(OrderValidity validity) => validity switch
    {
        OrderValidity.Day => "Day",
        OrderValidity.Ioc => "Immediate or cancel",
        _ => "Good till cancelled",
    };

    public static string Status(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "Pending",
        OrderStatus.Placed => "Open",
        OrderStatus.PartiallyFilled => "Part filled",
        OrderStatus.Executed => "Executed",
        OrderStatus.Cancelled => "Cancelled",
        _ => "Rejected",
    };

    public static string StatusClass(OrderStatus status) => status switch
    {
        OrderStatus.Executed => "status-done",
        OrderStatus.Cancelled or OrderStatus.Rejected => "status-closed",
        _ => "status-open",
    };

    public static bool IsOpen(OrderStatus status) => status is OrderStatus.Pending or OrderStatus.Placed or OrderStatus.PartiallyFilled;

    public static string Units(decimal quantity) => quantity.ToString("#,##0.########", CultureInfo.InvariantCulture);

    /// <summary>"₹3,500.00", "trigger ₹3,400.00", or "at market".</summary>
    public static string PriceOf(OrderView order, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(display);
        return order.Type switch
        {
            OrderType.StopLoss when order.StopLoss is { } trigger => $"trigger {display.Money(trigger)}",
            _ when order.Price is { } price => display.Money(price),
            _ => "at market",
        };
    }

    /// <summary>"Cancel the buy of 10 TCS at ₹3,500.00?"</summary>
    public static string CancelQuestion(OrderView order, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(order);
        var price = PriceOf(order, display);
        var at = price.StartsWith("at ", StringComparison.Ordinal) ? price : $"at {price}";
        return $"Cancel the {Side(order.Side).ToLowerInvariant()} of {Units(order.Quantity - order.FilledQuantity)} {order.Symbol} {at}?";
    }

    public static string Entry(CashEntryType type) => type switch
    {
        CashEntryType.Deposit => "Deposit",
        CashEntryType.Withdrawal => "Withdrawal",
        CashEntryType.Buy => "Bought",
        CashEntryType.Sell => "Sold",
        CashEntryType.Charges => "Charges",
        _ => "Adjustment",
    };
}
