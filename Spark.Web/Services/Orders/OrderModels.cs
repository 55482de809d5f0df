using System.ComponentModel.DataAnnotations;
using Spark.Core.Orders;
using Spark.Web.Api.Input;

namespace Spark.Web.Services.Orders;

/// <summary>An order as the ticket and the API send it (api.md, POST /orders).</summary>
public sealed record OrderRequest(
    [property: StringLength(50)] string? Symbol,
    OrderSide? Side,
    OrderType? Type,
    [property: Numeric(20, 8, TooManyDecimalsMessage = QuantityRules.TooManyDecimals)] decimal? Quantity,
    [property: Numeric(15, 4)] decimal? Price,
    [property: Numeric(15, 4)] decimal? StopLoss,
    [property: Numeric(15, 4)] decimal? TargetPrice,
    OrderValidity? Validity,
    [property: StringLength(50)] string? Platform,
    [property: Numeric(15, 2)] decimal? Amount = null);

/// <summary>A change to an open order (api.md, PUT /orders/{id}): a new price, trigger or quantity.</summary>
public sealed record OrderChange([property: Numeric(20, 8, TooManyDecimalsMessage = QuantityRules.TooManyDecimals)] decimal? Quantity, [property: Numeric(15, 4)] decimal? Price,
    [property: Numeric(15, 4)] decimal? StopLoss);

public sealed record FillView(decimal Quantity, decimal Price, decimal Charges, DateTimeOffset ExecutedAt)
{
    /// <summary>TDS withheld on a crypto sell's fill (section 194S of the Income-tax Act 1961): a tax credit, not in <see cref="Charges"/>; 0 otherwise.</summary>
    public decimal Tds { get; init; }
}

/// <summary>An order as screens and the API show it (api.md, GET /orders/{id}).</summary>
public sealed record OrderView(
    Guid Id,
    string Symbol,
    OrderSide Side,
    OrderType Type,
    decimal Quantity,
    decimal FilledQuantity,
    decimal? Price,
    decimal? StopLoss,
    decimal? TargetPrice,
    decimal? AverageExecutionPrice,
    OrderStatus Status,
    OrderValidity Validity,
    decimal? Charges,
    decimal BlockedAmount,
    string Platform,
    string? RejectionReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PlacedAt,
    DateTimeOffset? ExecutedAt,
    DateTimeOffset? CancelledAt,
    Guid? ParentOrderId,
    IReadOnlyList<FillView> Fills,
    IReadOnlyList<OrderView> Children)
{
    /// <summary>
    /// TDS withheld on the order's fills (a crypto sell's, section 194S): a tax credit apart from <see cref="Charges"/>.
    /// Reported by <c>GET /orders/{id}</c>, which reads the fills; 0 in lists.
    /// </summary>
    public decimal Tds { get; init; }

    /// <summary>An after-market order: a day order placed while the exchange was closed, sent at the next session's open (decision 0051).</summary>
    public bool AfterMarket { get; init; }

    public static OrderView From(TradingOrder o, IReadOnlyList<FillView>? fills = null, IReadOnlyList<OrderView>? children = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new OrderView(o.Id, o.Symbol, o.Side, o.Type, o.Quantity, o.FilledQuantity, o.Price, o.StopLoss, o.TargetPrice, o.AvgExecutionPrice,
            o.Status, o.Validity, o.Fees, o.BlockedAmount, o.Platform, o.RejectionReason, o.CreatedAt, o.PlacedAt, o.ExecutedAt, o.CancelledAt,
            o.ParentOrderId, fills ?? [], children ?? []) { AfterMarket = o.AfterMarket };
    }
}

/// <summary>api.md's charges preview, with the capital-gains estimate for sells.</summary>
public sealed record ChargesPreview(ChargesBreakdown Charges, decimal EstimatedPrice, decimal EstimatedCost, CapitalGainsEstimate? CapitalGains)
{
    /// <summary>A crypto sell's TDS (section 194S): a tax credit withheld from the proceeds, never part of <see cref="Charges"/>.</summary>
    public decimal Tds => Charges.Tds;

    /// <summary>
    /// Cash placing the order blocks until it fills: the estimated cost, or for a market buy the cost at the last price
    /// plus the buffer (<see cref="ExchangeOptions.BlockBuffer"/>); a fund purchase blocks its amount; sells block nothing.
    /// </summary>
    public decimal BlockedAmount { get; init; }

    /// <summary>Placing it now makes an after-market order: the exchange is closed (or in pre-open) and it waits for <see cref="SendsAt"/>.</summary>
    public bool AfterMarket { get; init; }

    /// <summary>The next session's open, when an after-market order is sent to the exchange; null otherwise.</summary>
    public DateTimeOffset? SendsAt { get; init; }

    internal readonly record struct Amo(bool AfterMarket, DateTimeOffset? SendsAt);
}

/// <summary>Settings of the paper exchange (Spark:Exchange).</summary>
public sealed class ExchangeOptions
{
    public const string Section = "Spark:Exchange";

    /// <summary>What a market order loses to the tick price, in basis points.</summary>
    public decimal SlippageBasisPoints { get; set; } = 5m;

    /// <summary>Extra cash an open buy at market blocks over its estimate, as a fraction.</summary>
    public decimal BlockBuffer { get; set; } = 0.02m;

    /// <summary>The most one order fills on one tick; larger orders fill across ticks.</summary>
    public decimal? MaxQuantityPerTick { get; set; }

    /// <summary>Day and immediate orders fill only in the session. Tests switch this off to fill on posted prices at any hour.</summary>
    public bool EnforceMarketHours { get; set; } = true;

    public const string Platform = "paper";
}
