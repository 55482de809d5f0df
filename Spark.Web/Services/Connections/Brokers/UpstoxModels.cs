using System.Text.Json.Serialization;

namespace Spark.Web.Services.Connections.Brokers;

// Upstox API v2 bodies as documented. Field names follow the official client's models
// (github.com/upstox/upstox-python, upstox_client/models/*.py) and the pages cited on each type.

/// <summary>The envelope of every answer: status "success" with data, or "error" with errors (https://upstox.com/developer/api-documentation/response-structure).</summary>
internal sealed record UpstoxEnvelope<T>(
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("data")] T? Data,
    [property: JsonPropertyName("errors")] IReadOnlyList<UpstoxError>? Errors,
    [property: JsonPropertyName("meta_data")] UpstoxMetaData? MetaData) : IUpstoxStatus;

/// <summary>The status of an enveloped answer.</summary>
internal interface IUpstoxStatus
{
    string? Status { get; }
}

/// <summary>One error of an error answer, e.g. UDAPI100050 "Invalid token used to access API" (401).</summary>
internal sealed record UpstoxError(
    [property: JsonPropertyName("errorCode")] string? ErrorCode,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>POST /v2/login/authorization/token answer (upstox_client/models/token_response.py; https://upstox.com/developer/api-documentation/get-token).</summary>
internal sealed record UpstoxToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("extended_token")] string? ExtendedToken,
    [property: JsonPropertyName("user_id")] string? UserId,
    [property: JsonPropertyName("user_name")] string? UserName,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("broker")] string? Broker);

/// <summary>GET /v2/portfolio/long-term-holdings row (upstox_client/models/holdings_data.py; https://upstox.com/developer/api-documentation/get-holdings).</summary>
internal sealed record UpstoxHolding(
    [property: JsonPropertyName("isin")] string? Isin,
    [property: JsonPropertyName("company_name")] string? CompanyName,
    [property: JsonPropertyName("tradingsymbol")] string? TradingSymbol,
    [property: JsonPropertyName("exchange")] string? Exchange,
    [property: JsonPropertyName("quantity")] decimal Quantity,
    [property: JsonPropertyName("t1_quantity")] decimal? T1Quantity,
    [property: JsonPropertyName("average_price")] decimal? AveragePrice,
    [property: JsonPropertyName("last_price")] decimal? LastPrice,
    [property: JsonPropertyName("instrument_token")] string? InstrumentToken);

/// <summary>
/// GET /v2/portfolio/short-term-positions row (upstox_client/models/position_data.py; https://upstox.com/developer/api-documentation/get-positions).
/// Numbers may be null: the documented example has "average_price": null for a position bought today.
/// </summary>
internal sealed record UpstoxPosition(
    [property: JsonPropertyName("exchange")] string? Exchange,
    [property: JsonPropertyName("product")] string? Product,
    [property: JsonPropertyName("tradingsymbol")] string? TradingSymbol,
    [property: JsonPropertyName("instrument_token")] string? InstrumentToken,
    [property: JsonPropertyName("quantity")] decimal? Quantity,
    [property: JsonPropertyName("overnight_quantity")] decimal? OvernightQuantity,
    [property: JsonPropertyName("day_buy_quantity")] decimal? DayBuyQuantity,
    [property: JsonPropertyName("day_buy_price")] decimal? DayBuyPrice,
    [property: JsonPropertyName("day_sell_quantity")] decimal? DaySellQuantity,
    [property: JsonPropertyName("average_price")] decimal? AveragePrice,
    [property: JsonPropertyName("last_price")] decimal? LastPrice);

/// <summary>GET /v2/order/trades/get-trades-for-day row (upstox_client/models/trade_data.py; https://upstox.com/developer/api-documentation/get-trade-history).</summary>
internal sealed record UpstoxDayTrade(
    [property: JsonPropertyName("exchange")] string? Exchange,
    [property: JsonPropertyName("product")] string? Product,
    [property: JsonPropertyName("tradingsymbol")] string? TradingSymbol,
    [property: JsonPropertyName("instrument_token")] string? InstrumentToken,
    [property: JsonPropertyName("transaction_type")] string? TransactionType,
    [property: JsonPropertyName("quantity")] decimal Quantity,
    [property: JsonPropertyName("average_price")] decimal AveragePrice,
    [property: JsonPropertyName("order_id")] string? OrderId,
    [property: JsonPropertyName("trade_id")] string? TradeId,
    [property: JsonPropertyName("exchange_timestamp")] string? ExchangeTimestamp);

/// <summary>GET /v2/charges/historical-trades row (upstox_client/models/trade_history_response_trade_data.py; https://upstox.com/developer/api-documentation/get-historical-trades).</summary>
internal sealed record UpstoxHistoricalTrade(
    [property: JsonPropertyName("exchange")] string? Exchange,
    [property: JsonPropertyName("segment")] string? Segment,
    [property: JsonPropertyName("quantity")] decimal Quantity,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("trade_id")] string? TradeId,
    [property: JsonPropertyName("trade_date")] string? TradeDate,
    [property: JsonPropertyName("transaction_type")] string? TransactionType,
    [property: JsonPropertyName("scrip_name")] string? ScripName,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("isin")] string? Isin,
    [property: JsonPropertyName("symbol")] string? Symbol,
    [property: JsonPropertyName("instrument_token")] string? InstrumentToken);

/// <summary>meta_data of a paged answer (trade_history_response_meta_data.py).</summary>
internal sealed record UpstoxMetaData([property: JsonPropertyName("page")] UpstoxPage? Page);

/// <summary>meta_data.page: page_number (from 1), page_size, total_records, total_pages (trade_history_response_page_data.py).</summary>
internal sealed record UpstoxPage(
    [property: JsonPropertyName("page_number")] int PageNumber,
    [property: JsonPropertyName("page_size")] int PageSize,
    [property: JsonPropertyName("total_records")] int TotalRecords,
    [property: JsonPropertyName("total_pages")] int TotalPages);

/// <summary>
/// Spark's Upstox trade cursor. <see cref="From"/> is the first date not yet read in full; <see cref="Page"/> the
/// next page of the window starting there; <see cref="Pages"/> counts the pages of this run (the MaxPages guard);
/// <see cref="FirstId"/> is the first trade id of the last page (a page repeated verbatim is paging without end).
/// </summary>
internal sealed record UpstoxCursor(
    [property: JsonPropertyName("from")] DateOnly From,
    [property: JsonPropertyName("page")] int Page = 1,
    [property: JsonPropertyName("pages")] int Pages = 0,
    [property: JsonPropertyName("first")] string? FirstId = null);
