using System.Text.Json.Serialization;

namespace Spark.Web.Services.Connections.Brokers;

// Binance spot REST bodies as documented in github.com/binance/binance-spot-api-docs, rest-api.md (sections cited on
// each type) and, for the key's permissions, the wallet API (https://developers.binance.com/docs/wallet/account/api-key-permission).
// Numbers Binance sends as strings ("4723846.89208129") are read with JsonNumberHandling.AllowReadingFromString.

/// <summary>An error answer: {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."} (errors.md).</summary>
internal sealed record BinanceError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("msg")] string? Message);

/// <summary>GET /api/v3/account, "Account information (USER_DATA)", weight 20.</summary>
internal sealed record BinanceAccount(
    [property: JsonPropertyName("canTrade")] bool CanTrade,
    [property: JsonPropertyName("canWithdraw")] bool CanWithdraw,
    [property: JsonPropertyName("accountType")] string? AccountType,
    [property: JsonPropertyName("balances")] IReadOnlyList<BinanceBalance>? Balances,
    [property: JsonPropertyName("permissions")] IReadOnlyList<string>? Permissions,
    [property: JsonPropertyName("uid")] long? Uid);

/// <summary>One balance of the account: asset, free, locked.</summary>
internal sealed record BinanceBalance(
    [property: JsonPropertyName("asset")] string? Asset,
    [property: JsonPropertyName("free")] decimal Free,
    [property: JsonPropertyName("locked")] decimal Locked);

/// <summary>GET /sapi/v1/account/apiRestrictions, "Get API Key Permission (USER_DATA)": what THIS key may do.</summary>
internal sealed record BinanceApiRestrictions(
    [property: JsonPropertyName("ipRestrict")] bool IpRestrict,
    [property: JsonPropertyName("enableReading")] bool EnableReading,
    [property: JsonPropertyName("enableWithdrawals")] bool EnableWithdrawals,
    [property: JsonPropertyName("enableInternalTransfer")] bool EnableInternalTransfer,
    [property: JsonPropertyName("permitsUniversalTransfer")] bool PermitsUniversalTransfer,
    [property: JsonPropertyName("enableSpotAndMarginTrading")] bool EnableSpotAndMarginTrading,
    [property: JsonPropertyName("enableMargin")] bool EnableMargin,
    [property: JsonPropertyName("enableFutures")] bool EnableFutures,
    [property: JsonPropertyName("enableVanillaOptions")] bool EnableVanillaOptions,
    [property: JsonPropertyName("enablePortfolioMarginTrading")] bool EnablePortfolioMarginTrading,
    [property: JsonPropertyName("enableFixApiTrade")] bool EnableFixApiTrade);

/// <summary>GET /api/v3/myTrades row, "Account trade list (USER_DATA)" (weight 20; fromId: trades with id ≥ fromId; limit ≤ 1000).</summary>
internal sealed record BinanceTrade(
    [property: JsonPropertyName("symbol")] string? Symbol,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("orderId")] long OrderId,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("qty")] decimal Qty,
    [property: JsonPropertyName("quoteQty")] decimal QuoteQty,
    [property: JsonPropertyName("commission")] decimal Commission,
    [property: JsonPropertyName("commissionAsset")] string? CommissionAsset,
    [property: JsonPropertyName("time")] long Time,
    [property: JsonPropertyName("isBuyer")] bool IsBuyer);

/// <summary>GET /api/v3/ticker/price row, "Symbol price ticker" (weight 2 with a symbol, 4 for all).</summary>
internal sealed record BinanceTickerPrice(
    [property: JsonPropertyName("symbol")] string? Symbol,
    [property: JsonPropertyName("price")] decimal Price);

/// <summary>
/// Spark's Binance trade cursor: <see cref="Next"/> is, per symbol ever read, the next fromId (last id + 1);
/// <see cref="Queue"/> the symbols this run still has to read (empty between runs); <see cref="Pages"/> the pages of
/// this run so far (the MaxPages guard).
/// </summary>
internal sealed record BinanceCursor(
    [property: JsonPropertyName("next")] Dictionary<string, long> Next,
    [property: JsonPropertyName("queue")] List<string> Queue,
    [property: JsonPropertyName("pages")] int Pages = 0);
