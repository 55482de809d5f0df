using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.RateLimiting;
using Polly.Timeout;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;

namespace Spark.Web.Services.Connections.Brokers;

/// <summary>
/// Groww through the Groww Trade API (https://groww.in/trade-api/docs/curl). Shapes follow the docs' pages
/// "Introduction" (headers <c>Authorization: Bearer {ACCESS_TOKEN}</c>, <c>Accept: application/json</c>,
/// <c>X-API-VERSION: 1.0</c>; answers <c>{"status":"SUCCESS","payload":…}</c> or
/// <c>{"status":"FAILURE","error":{"code":"GA00x","message":…}}</c>; tokens expire daily at 06:00),
/// "Portfolio" (<c>GET /v1/holdings/user</c> → <c>payload.holdings[]</c>) and "Orders"
/// (<c>GET /v1/order/list</c> → <c>payload.order_list[]</c>, <c>GET /v1/order/trades/{groww_order_id}</c> →
/// <c>payload.trade_list[]</c>, both with <c>segment</c>, <c>page</c>, <c>page_size</c>).
/// </summary>
/// <remarks>
/// <para>The key-and-secret token call (<c>POST /v1/token/api/access</c>, <c>Authorization: Bearer {API key}</c>, JSON
/// <c>{"key_type":"approval","checksum":sha256hex(secret + timestamp),"timestamp":"epoch seconds"}</c> → <c>token</c>,
/// <c>expiry</c>) is not on the public cURL pages; its shape is the one the official SDK's
/// <c>GrowwAPI.get_access_token(api_key, secret)</c> sends as reimplemented by several open clients (for example
/// kumarasantosh/trading-web2 generate_groww_token.py). The investor must approve the key on Groww each day.</para>
/// <para>Field names of order and trade rows (groww_order_id, order_status, filled_quantity; groww_trade_id, price,
/// quantity, trade_date_time, trading_symbol, isin, transaction_type) are the SDK's as used by open clients; the
/// public page lists the endpoints. Reach: the order list covers the current trading day's orders only, so, as with
/// Kite, older trades come from a contract-note or tradebook import and the opening balance from holdings.</para>
/// </remarks>
public sealed partial class GrowwAdapter(HttpClient http, IOptions<BrokerOptions> options, TimeProvider clock, ILogger<GrowwAdapter> log)
    : IBrokerAdapter
{
    /// <summary>Orders asked for per page of <c>/v1/order/list</c>.</summary>
    internal const int OrderPageSize = 100;

    /// <summary>Fills asked for per page of <c>/v1/order/trades</c> (the SDK's default page size is 50).</summary>
    internal const int TradePageSize = 50;

    private static readonly JsonSerializerOptions CursorJson = new(JsonSerializerDefaults.Web);

    /// <summary>Order states whose fills are worth asking for when the row carries no filled_quantity (docs' "Annexures" → Order Status).</summary>
    private static readonly HashSet<string> FilledStates = new(StringComparer.OrdinalIgnoreCase)
    {
        "EXECUTED", "DELIVERY_AWAITED", "COMPLETED",
    };

    public string Platform => PlatformNames.Groww;

    public BrokerAuthFlow Flow => BrokerAuthFlow.Keys;

    public Uri LoginUrl(BrokerCredentials credentials, Uri callback, string state) =>
        throw new NotSupportedException("Groww connects with an API key and secret, not a login redirect.");

    /// <summary>The approval checksum: lowercase hex SHA-256 of secret + timestamp (epoch seconds as text).</summary>
    public static string Checksum(string apiSecret, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(apiSecret);
        ArgumentNullException.ThrowIfNull(timestamp);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiSecret + timestamp)));
    }

    /// <summary>
    /// With a secret: takes a token by the approval flow. Without one, the key is taken to be an access token the
    /// investor generated on Groww's Trading APIs page ("1st approach"), and one holdings call checks it.
    /// </summary>
    public async Task<BrokerResult<BrokerSession>> ConnectAsync(BrokerCredentials credentials, string? authorizationCode, Uri? callback,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (string.IsNullOrWhiteSpace(credentials.ApiKey))
        {
            return Fail<BrokerSession>("connect", BrokerFailureKind.InvalidCredentials, "Enter the Groww API key.");
        }

        if (string.IsNullOrEmpty(credentials.ApiSecret))
        {
            var probe = new BrokerSession(credentials, credentials.ApiKey, BrokerJson.NextIndiaSixAm(clock.GetUtcNow()));
            var check = await SendAsync(HttpMethod.Get, "v1/holdings/user", probe.AccessToken!, null, tokenCall: true, cancellationToken).ConfigureAwait(false);
            if (check.Failure is { } checkFailure) return Fail<BrokerSession>("connect", checkFailure);
            LogConnected(log, BrokerCredentials.Mask(credentials.ApiKey));
            return BrokerResult<BrokerSession>.Ok(probe);
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["key_type"] = "approval",
            ["checksum"] = Checksum(credentials.ApiSecret, timestamp),
            ["timestamp"] = timestamp,
        });
        var content = new StringContent(body, Encoding.UTF8, "application/json");
        var reply = await SendAsync(HttpMethod.Post, "v1/token/api/access", credentials.ApiKey, content, tokenCall: true, cancellationToken)
            .ConfigureAwait(false);
        if (reply.Failure is { } failure) return Fail<BrokerSession>("connect", failure);

        // The token answer is the bare object {token, tokenRefId, sessionName, expiry, isActive}; accept it inside "payload" too.
        var data = reply.Data;
        var token = BrokerJson.String(data, "token") ?? BrokerJson.String(data, "access_token");
        if (string.IsNullOrEmpty(token))
        {
            return Fail<BrokerSession>("connect", BrokerFailureKind.Malformed, "Groww's token answer had no token.");
        }

        var now = clock.GetUtcNow();
        var expiresAt = BrokerJson.IndiaTimestamp(BrokerJson.String(data, "expiry")) is { } expiry && expiry > now ? expiry : BrokerJson.NextIndiaSixAm(now);
        var session = new BrokerSession(credentials, token, expiresAt, AccountName: BrokerJson.String(data, "sessionName"));
        LogConnected(log, BrokerCredentials.Mask(credentials.ApiKey));
        return BrokerResult<BrokerSession>.Ok(session);
    }

    /// <summary>
    /// <c>GET /v1/holdings/user</c>: demat stock holdings (isin, trading_symbol, quantity, average_price). The docs call
    /// <c>quantity</c> "the net quantity of the holding"; t1, pledged, locked and demat-free quantities are parts of
    /// it, so quantity alone counts every unit. Groww gives no last price or exchange here, and its Trade API does not
    /// list mutual funds.
    /// </summary>
    public async Task<BrokerResult<IReadOnlyList<BrokerHolding>>> GetHoldingsAsync(BrokerSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var reply = await SendAsync(HttpMethod.Get, "v1/holdings/user", session.AccessToken ?? "", null, tokenCall: false, cancellationToken)
            .ConfigureAwait(false);
        if (reply.Failure is { } failure) return Fail<IReadOnlyList<BrokerHolding>>("holdings", failure);
        var rows = BrokerJson.Field(reply.Data, "holdings");
        if (!BrokerJson.IsArray(rows)) return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "/v1/holdings/user");

        var holdings = new List<BrokerHolding>(rows!.Value.GetArrayLength());
        foreach (var item in rows.Value.EnumerateArray())
        {
            var symbol = Symbol(BrokerJson.String(item, "trading_symbol"));
            var quantity = BrokerJson.Decimal(item, "quantity");
            var average = BrokerJson.Decimal(item, "average_price");
            if (symbol is null || quantity is null || average is null) return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "/v1/holdings/user");
            if (quantity.Value <= 0m) continue;
            var isin = BrokerJson.String(item, "isin")?.Trim().ToUpperInvariant();
            holdings.Add(new BrokerHolding(new BrokerInstrument(symbol, null, string.IsNullOrEmpty(isin) ? null : isin, SecurityType.Stock),
                quantity.Value, average.Value, null));
        }

        return BrokerResult<IReadOnlyList<BrokerHolding>>.Ok(holdings);
    }

    /// <summary>
    /// One page of today's CASH orders (<see cref="OrderPageSize"/> a page) with the fills of each order that filled.
    /// The cursor is this adapter's JSON: the next page, the day it belongs to and the ids of the page just read, so a
    /// broker that serves the same page again (or more than <see cref="BrokerEndpoint.MaxPages"/> pages) is caught and
    /// the run fails as Malformed instead of looping. The last page ends with a null cursor: Groww lists only today's
    /// orders, so the next run reads the day again from the first page and the ledger skips fills it already has.
    /// </summary>
    public async Task<BrokerResult<BrokerTradePage>> GetTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(query);
        var maxPages = options.Value.Groww.MaxPages;
        var cursor = ReadCursor(query.Cursor);
        if (cursor is null && query.Cursor is not null) return Fail<BrokerTradePage>("trades", BrokerFailureKind.Malformed, "The saved Groww cursor is unreadable.");
        if (cursor is not null && cursor.Day != query.Today) cursor = null;
        var page = cursor?.Page ?? 0;
        if (page >= maxPages) return EndlessPaging();

        var token = session.AccessToken ?? "";
        var reply = await SendAsync(HttpMethod.Get, $"v1/order/list?segment=CASH&page={page}&page_size={OrderPageSize}", token, null, tokenCall: false,
            cancellationToken).ConfigureAwait(false);
        if (reply.Failure is { } failure) return Fail<BrokerTradePage>("trades", failure);
        if (reply.Data.ValueKind != JsonValueKind.Object) return Malformed<BrokerTradePage>("trades", "/v1/order/list");
        var orders = BrokerJson.Field(reply.Data, "order_list");
        if (orders is not null && !BrokerJson.IsArray(orders)) return Malformed<BrokerTradePage>("trades", "/v1/order/list");

        var rows = orders is { } list ? list.EnumerateArray().ToList() : [];
        var ids = new List<string>(rows.Count);
        foreach (var row in rows)
        {
            var id = BrokerJson.String(row, "groww_order_id");
            if (string.IsNullOrWhiteSpace(id)) return Malformed<BrokerTradePage>("trades", "/v1/order/list");
            ids.Add(id);
        }

        var fingerprint = Fingerprint(ids);
        if (ids.Count > 0 && cursor?.Previous == fingerprint) return EndlessPaging();

        var trades = new List<BrokerTrade>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var filled = BrokerJson.Decimal(row, "filled_quantity");
            var state = BrokerJson.String(row, "order_status");
            if (filled is { } f ? f <= 0m : state is null || !FilledStates.Contains(state)) continue;
            var fills = await FillsAsync(token, ids[i], row, maxPages, cancellationToken).ConfigureAwait(false);
            if (fills.Failure is { } fillFailure) return Fail<BrokerTradePage>("trades", fillFailure);
            trades.AddRange(fills.Value!);
        }

        trades.Sort((a, b) => a.ExecutedAt != b.ExecutedAt ? a.ExecutedAt.CompareTo(b.ExecutedAt) : string.CompareOrdinal(a.TradeId, b.TradeId));
        var hasMore = rows.Count >= OrderPageSize;
        var next = hasMore ? JsonSerializer.Serialize(new GrowwCursor(page + 1, query.Today, fingerprint), CursorJson) : null;
        return BrokerResult<BrokerTradePage>.Ok(new BrokerTradePage(trades, next, hasMore));
    }

    /// <summary>All fills of one order, page after page of <c>/v1/order/trades/{groww_order_id}</c>.</summary>
    private async Task<BrokerResult<List<BrokerTrade>>> FillsAsync(string token, string orderId, JsonElement order, int maxPages,
        CancellationToken cancellationToken)
    {
        var fills = new List<BrokerTrade>();
        string? previous = null;
        for (var page = 0; ; page++)
        {
            if (page >= maxPages) return BrokerResult<List<BrokerTrade>>.Fail(BrokerFailureKind.Malformed, "Groww kept paging the fills of an order without end.");
            var reply = await SendAsync(HttpMethod.Get,
                $"v1/order/trades/{Uri.EscapeDataString(orderId)}?segment=CASH&page={page}&page_size={TradePageSize}", token, null, tokenCall: false,
                cancellationToken).ConfigureAwait(false);
            if (reply.Failure is { } failure) return BrokerResult<List<BrokerTrade>>.Fail(failure);
            var list = BrokerJson.Field(reply.Data, "trade_list");
            if (list is null) break;
            if (!BrokerJson.IsArray(list)) return BrokerResult<List<BrokerTrade>>.Fail(BrokerFailureKind.Malformed, "Groww's trade list was not a list.");

            var ids = new List<string>();
            foreach (var item in list!.Value.EnumerateArray())
            {
                var trade = Fill(item, orderId, order);
                if (trade is null) return BrokerResult<List<BrokerTrade>>.Fail(BrokerFailureKind.Malformed, "Groww's trade list was missing fields it documents.");
                ids.Add(trade.TradeId);
                fills.Add(trade);
            }

            var fingerprint = Fingerprint(ids);
            if (ids.Count > 0 && fingerprint == previous)
            {
                return BrokerResult<List<BrokerTrade>>.Fail(BrokerFailureKind.Malformed, "Groww served the same page of fills again.");
            }

            previous = fingerprint;
            if (ids.Count < TradePageSize) break;
        }

        return BrokerResult<List<BrokerTrade>>.Ok(fills);
    }

    /// <summary>A trade_list row; what the row leaves out (symbol, side, exchange) is taken from its order.</summary>
    private static BrokerTrade? Fill(JsonElement item, string orderId, JsonElement order)
    {
        var tradeId = BrokerJson.String(item, "groww_trade_id") is { Length: > 0 } id ? id : BrokerJson.String(item, "exchange_trade_id");
        var symbol = Symbol(BrokerJson.String(item, "trading_symbol") ?? BrokerJson.String(order, "trading_symbol"));
        var side = (BrokerJson.String(item, "transaction_type") ?? BrokerJson.String(order, "transaction_type"))?.ToUpperInvariant();
        var quantity = BrokerJson.Decimal(item, "quantity");
        var price = BrokerJson.Decimal(item, "price");
        var at = BrokerJson.IndiaTimestamp(BrokerJson.String(item, "trade_date_time") ?? BrokerJson.String(item, "created_at"));
        if (string.IsNullOrWhiteSpace(tradeId) || symbol is null || side is not ("BUY" or "SELL") || quantity is null || price is null || at is null)
        {
            return null;
        }

        var exchange = (BrokerJson.String(item, "exchange") ?? BrokerJson.String(order, "exchange"))?.ToUpperInvariant();
        var isin = BrokerJson.String(item, "isin")?.Trim().ToUpperInvariant();
        return new BrokerTrade(tradeId, BrokerJson.String(item, "groww_order_id") ?? orderId,
            new BrokerInstrument(symbol, exchange, string.IsNullOrEmpty(isin) ? null : isin, SecurityType.Stock),
            side == "BUY" ? TransactionType.Buy : TransactionType.Sell, quantity.Value, price.Value, at.Value);
    }

    /// <summary>Upper case; the "-EQ" series suffix some Groww answers carry ("RELIANCE-EQ") is dropped.</summary>
    private static string? Symbol(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var symbol = value.Trim().ToUpperInvariant();
        return symbol.EndsWith("-EQ", StringComparison.Ordinal) ? symbol[..^3] : symbol;
    }

    private static string Fingerprint(List<string> ids) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', ids))))[..16];

    private static GrowwCursor? ReadCursor(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            return JsonSerializer.Deserialize<GrowwCursor>(text, CursorJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private BrokerResult<BrokerTradePage> EndlessPaging() =>
        Fail<BrokerTradePage>("trades", BrokerFailureKind.Malformed, "Groww kept paging its order list without end; the run stopped.");

    /// <summary>
    /// One call, after the pipeline's retries: 429 → RateLimited (Retry-After), 5xx, timeouts and refused connections →
    /// Unavailable, 401/403 (GA005) → AuthExpired (InvalidCredentials on the token call), other FAILURE answers →
    /// Unavailable with Groww's code, a body that is not Groww's JSON → Malformed.
    /// </summary>
    private async Task<GrowwReply> SendAsync(HttpMethod method, string path, string bearer, HttpContent? content, bool tokenCall,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        request.Headers.TryAddWithoutValidation("X-API-VERSION", "1.0");

        var exchange = await BrokerHttp.ExchangeAsync(http, request, "Groww", cancellationToken).ConfigureAwait(false);
        if (exchange.Failure is { } failed) return new GrowwReply(default, failed);
        var (status, retryAfter, body) = (exchange.Status, exchange.RetryAfter, exchange.Body);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new GrowwReply(default, (int)status >= 500
                ? new BrokerFailure(BrokerFailureKind.Unavailable, $"Groww is unavailable ({(int)status}).")
                : new BrokerFailure(BrokerFailureKind.Malformed, "Groww's answer was not the JSON it documents."));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new GrowwReply(default, new BrokerFailure(BrokerFailureKind.Malformed, "Groww's answer was not the JSON it documents."));
            }

            var replyStatus = BrokerJson.String(root, "status");
            if ((int)status >= 400 || string.Equals(replyStatus, "FAILURE", StringComparison.OrdinalIgnoreCase))
            {
                var error = BrokerJson.Field(root, "error");
                var code = error is { } e ? BrokerJson.String(e, "code") : null;
                var message = error is { } m ? BrokerJson.Clip(BrokerJson.String(m, "message")) : "";
                var kind = ErrorKind(status, code, tokenCall);
                return new GrowwReply(default, new BrokerFailure(kind, Describe(kind, code, message, status)));
            }

            if (string.Equals(replyStatus, "SUCCESS", StringComparison.OrdinalIgnoreCase))
            {
                return BrokerJson.Field(root, "payload") is { } payload
                    ? new GrowwReply(payload.Clone(), null)
                    : new GrowwReply(default, new BrokerFailure(BrokerFailureKind.Malformed, "Groww's answer had no payload."));
            }

            // The token call answers its object bare.
            return tokenCall
                ? new GrowwReply(root.Clone(), null)
                : new GrowwReply(default, new BrokerFailure(BrokerFailureKind.Malformed, "Groww's answer had no status."));
        }
    }

    internal static BrokerFailureKind ErrorKind(HttpStatusCode status, string? code, bool tokenCall)
    {
        if ((int)status >= 500 || code is "GA000" or "GA003") return BrokerFailureKind.Unavailable;
        if (tokenCall && (int)status is >= 400 and < 500) return BrokerFailureKind.InvalidCredentials;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || code == "GA005")
        {
            return tokenCall ? BrokerFailureKind.InvalidCredentials : BrokerFailureKind.AuthExpired;
        }

        return BrokerFailureKind.Unavailable;
    }

    private static string Describe(BrokerFailureKind kind, string? code, string brokerMessage, HttpStatusCode status)
    {
        var what = kind switch
        {
            BrokerFailureKind.InvalidCredentials => "Groww refused the API key or secret (approve the key on Groww's Trading APIs page today)",
            BrokerFailureKind.AuthExpired => "Groww's access token has expired: reconnect Groww",
            _ => $"Groww could not answer ({(int)status})",
        };
        var detail = string.Join(": ", new[] { code, brokerMessage }.Where(s => !string.IsNullOrEmpty(s)));
        return detail.Length == 0 ? what + "." : $"{what} ({detail}).";
    }

    private BrokerResult<T> Fail<T>(string operation, BrokerFailureKind kind, string message) => Fail<T>(operation, new BrokerFailure(kind, message));

    private BrokerResult<T> Fail<T>(string operation, BrokerFailure failure)
    {
        LogFailed(log, operation, failure.Kind, failure.RetryAfter?.TotalSeconds);
        return BrokerResult<T>.Fail(failure);
    }

    private BrokerResult<T> Malformed<T>(string operation, string endpoint) =>
        Fail<T>(operation, BrokerFailureKind.Malformed, $"Groww's {endpoint} answer was missing fields it documents.");

    [LoggerMessage(LogLevel.Information, "Groww session opened (API key {ApiKey})")]
    private static partial void LogConnected(ILogger logger, string apiKey);

    [LoggerMessage(LogLevel.Warning, "Groww {Operation} failed: {Kind} (retry after {RetryAfterSeconds} s)")]
    private static partial void LogFailed(ILogger logger, string operation, BrokerFailureKind kind, double? retryAfterSeconds);

    private readonly record struct GrowwReply(JsonElement Data, BrokerFailure? Failure);

    /// <summary>Where the next call resumes: the page, the India date the pages belong to, the fingerprint of the page just read.</summary>
    internal sealed record GrowwCursor(int Page, DateOnly Day, string? Previous);
}
