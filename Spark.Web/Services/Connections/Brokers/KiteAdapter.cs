using System.Globalization;
using System.Net;
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
/// Zerodha through Kite Connect v3 (https://kite.trade/docs/connect/v3/). Request and response shapes follow the
/// docs' pages "User" (login flow, session/token), "Portfolio" (portfolio/holdings, portfolio/positions), "Orders"
/// (trades), "Mutual funds" (mf/holdings) and "Exceptions", cross-checked with the official Python client
/// (zerodha/pykiteconnect kiteconnect/connect.py: routes, headers, checksum) and the official mock responses
/// (zerodha/kiteconnect-mocks: generate_session.json, holdings.json, positions.json, mf_holdings.json, trades.json).
/// </summary>
/// <remarks>
/// <para>Every call sends <c>X-Kite-Version: 3</c>; authenticated calls send <c>Authorization: token api_key:access_token</c>
/// (connect.py <c>_request</c>). Answers are <c>{"status":"success","data":…}</c> or
/// <c>{"status":"error","message":…,"error_type":"TokenException"|"InputException"|…}</c>.</para>
/// <para>Kite has no trade history: <c>GET /trades</c> lists today's fills only, so the ledger learns older trades from a
/// tradebook import and the opening balance from holdings. The access token dies at 06:00 IST the next morning.</para>
/// </remarks>
public sealed partial class KiteAdapter(HttpClient http, IOptions<BrokerOptions> options, TimeProvider clock, ILogger<KiteAdapter> log)
    : IBrokerAdapter
{
    private static readonly HashSet<string> EquityExchanges = new(StringComparer.OrdinalIgnoreCase) { "NSE", "BSE" };

    public string Platform => PlatformNames.Zerodha;

    public BrokerAuthFlow Flow => BrokerAuthFlow.Redirect;

    /// <summary>
    /// <c>{LoginUrl}?v=3&amp;api_key=KEY&amp;redirect_params=state%3D…</c> ("User" → "Login flow"). Kite sends the investor back to
    /// the redirect URL registered for the app (so <paramref name="callback"/> is not part of the URL) with
    /// <c>request_token</c>, <c>action=login</c>, <c>status=success</c> and the decoded redirect_params, i.e. <c>state</c>.
    /// </summary>
    public Uri LoginUrl(BrokerCredentials credentials, Uri callback, string state)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(state);
        var login = options.Value.Zerodha.LoginUrl ?? throw new InvalidOperationException("Spark:Brokers:Zerodha:LoginUrl is not set.");
        var redirectParams = "state=" + Uri.EscapeDataString(state);
        var query = $"v=3&api_key={Uri.EscapeDataString(credentials.ApiKey)}&redirect_params={Uri.EscapeDataString(redirectParams)}";
        return new UriBuilder(login) { Query = query }.Uri;
    }

    /// <summary>
    /// <c>POST /session/token</c> (form: api_key, request_token, checksum = SHA-256(api_key + request_token + api_secret))
    /// → <c>data.access_token</c>, <c>user_id</c>, <c>user_name</c>, <c>refresh_token</c> (empty for most apps).
    /// A bad checksum, key or spent request token answers TokenException/InputException: wrong credentials.
    /// </summary>
    public async Task<BrokerResult<BrokerSession>> ConnectAsync(BrokerCredentials credentials, string? authorizationCode, Uri? callback,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (string.IsNullOrWhiteSpace(authorizationCode))
        {
            return Fail<BrokerSession>("connect", BrokerFailureKind.InvalidCredentials, "Kite did not send back a request token: log in to Kite again.");
        }

        var checksum = KiteSigning.KiteChecksum(credentials.ApiKey, authorizationCode, credentials.ApiSecret);
        var form = new FormUrlEncodedContent(
        [
            new("api_key", credentials.ApiKey),
            new("request_token", authorizationCode),
            new("checksum", checksum),
        ]);
        var reply = await SendAsync(HttpMethod.Post, "session/token", null, form, tokenCall: true, cancellationToken).ConfigureAwait(false);
        if (reply.Failure is { } failure) return Fail<BrokerSession>("connect", failure);

        var data = reply.Data;
        var accessToken = BrokerJson.String(data, "access_token");
        if (string.IsNullOrEmpty(accessToken))
        {
            return Fail<BrokerSession>("connect", BrokerFailureKind.Malformed, "Kite's session answer had no access token.");
        }

        var refreshToken = BrokerJson.String(data, "refresh_token");
        var session = new BrokerSession(credentials, accessToken, BrokerJson.NextIndiaSixAm(clock.GetUtcNow()),
            string.IsNullOrEmpty(refreshToken) ? null : refreshToken, BrokerJson.String(data, "user_id"), BrokerJson.String(data, "user_name"));
        LogConnected(log, session.AccountId ?? "", BrokerCredentials.Mask(credentials.ApiKey));
        return BrokerResult<BrokerSession>.Ok(session);
    }

    /// <summary>
    /// Demat holdings, today's delivery trades and mutual funds, one entry per instrument:
    /// <list type="bullet">
    /// <item><c>GET /portfolio/holdings</c>: units = <c>quantity</c> + <c>t1_quantity</c>. The docs' attribute table calls
    /// <c>quantity</c> "Net quantity (T+1 + realised)", yet their example and the official mocks show quantity equal to
    /// realised_quantity, and Kite shows T1 units apart from Qty; Spark's contract (<see cref="BrokerHolding"/>) takes
    /// the sum. <c>used_quantity</c> (sold today) is not subtracted here, because today's sell appears in positions as a
    /// negative CNC quantity, folded in below; <c>collateral_quantity</c> (pledged) is still owned and stays in.</item>
    /// <item><c>GET /portfolio/positions</c> → <c>data.net</c>: CNC (delivery) rows on NSE/BSE add today's change,
    /// <c>quantity</c> − <c>overnight_quantity</c>: a buy today is not in holdings until the next morning. MIS and F&amp;O
    /// rows are not owned instruments and are left out.</item>
    /// <item><c>GET /mf/holdings</c>: <c>tradingsymbol</c> is the scheme's ISIN, <c>fund</c> its name; folios of one
    /// scheme are added up.</item>
    /// </list>
    /// Equity is reported as <see cref="SecurityType.Stock"/> (Kite does not tell ETFs apart; Spark matches by ISIN).
    /// </summary>
    public async Task<BrokerResult<IReadOnlyList<BrokerHolding>>> GetHoldingsAsync(BrokerSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var holdingsReply = await SendAsync(HttpMethod.Get, "portfolio/holdings", session, null, tokenCall: false, cancellationToken).ConfigureAwait(false);
        if (holdingsReply.Failure is { } f1) return Fail<IReadOnlyList<BrokerHolding>>("holdings", f1);
        var positionsReply = await SendAsync(HttpMethod.Get, "portfolio/positions", session, null, tokenCall: false, cancellationToken).ConfigureAwait(false);
        if (positionsReply.Failure is { } f2) return Fail<IReadOnlyList<BrokerHolding>>("holdings", f2);
        var fundsReply = await SendAsync(HttpMethod.Get, "mf/holdings", session, null, tokenCall: false, cancellationToken).ConfigureAwait(false);
        if (fundsReply.Failure is { } f3) return Fail<IReadOnlyList<BrokerHolding>>("holdings", f3);

        var equity = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var order = new List<string>();
        if (!BrokerJson.IsArray(holdingsReply.Data)) return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "portfolio/holdings");
        foreach (var item in holdingsReply.Data.EnumerateArray())
        {
            var symbol = BrokerJson.String(item, "tradingsymbol");
            var quantity = BrokerJson.Decimal(item, "quantity");
            var average = BrokerJson.Decimal(item, "average_price");
            if (string.IsNullOrWhiteSpace(symbol) || quantity is null || average is null)
            {
                return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "portfolio/holdings");
            }

            var units = quantity.Value + (BrokerJson.Decimal(item, "t1_quantity") ?? 0m);
            var key = symbol.Trim().ToUpperInvariant();
            if (!equity.TryGetValue(key, out var acc))
            {
                acc = new Accumulator(key, BrokerJson.String(item, "exchange")?.ToUpperInvariant(), Isin(BrokerJson.String(item, "isin")));
                equity[key] = acc;
                order.Add(key);
            }

            acc.Add(units, average.Value);
            acc.LastPrice = BrokerJson.Decimal(item, "last_price") ?? acc.LastPrice;
        }

        var positions = positionsReply.Data.ValueKind == JsonValueKind.Object ? BrokerJson.Field(positionsReply.Data, "net") : null;
        if (!BrokerJson.IsArray(positions)) return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "portfolio/positions");
        foreach (var item in positions!.Value.EnumerateArray())
        {
            var product = BrokerJson.String(item, "product");
            var exchange = BrokerJson.String(item, "exchange");
            if (!string.Equals(product, "CNC", StringComparison.OrdinalIgnoreCase) || exchange is null || !EquityExchanges.Contains(exchange)) continue;
            var symbol = BrokerJson.String(item, "tradingsymbol");
            var quantity = BrokerJson.Decimal(item, "quantity");
            if (string.IsNullOrWhiteSpace(symbol) || quantity is null) return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "portfolio/positions");
            var today = quantity.Value - (BrokerJson.Decimal(item, "overnight_quantity") ?? 0m);
            if (today == 0m) continue;
            var key = symbol.Trim().ToUpperInvariant();
            var price = BrokerJson.Decimal(item, "day_buy_price") is { } p && p > 0m ? p : BrokerJson.Decimal(item, "average_price") ?? 0m;
            if (!equity.TryGetValue(key, out var acc))
            {
                // A sell today of something not held is a short (or a holding Kite has not listed yet): nothing owned.
                if (today < 0m) continue;
                acc = new Accumulator(key, exchange.ToUpperInvariant(), null);
                equity[key] = acc;
                order.Add(key);
            }

            acc.Add(today, price);
            acc.LastPrice = BrokerJson.Decimal(item, "last_price") ?? acc.LastPrice;
        }

        var holdings = new List<BrokerHolding>(order.Count);
        foreach (var key in order)
        {
            var acc = equity[key];
            if (acc.Quantity <= 0m) continue;
            holdings.Add(new BrokerHolding(new BrokerInstrument(key, acc.Exchange, acc.Isin, SecurityType.Stock), acc.Quantity, acc.AveragePrice, acc.LastPrice));
        }

        if (!BrokerJson.IsArray(fundsReply.Data)) return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "mf/holdings");
        var funds = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        var fundOrder = new List<string>();
        foreach (var item in fundsReply.Data.EnumerateArray())
        {
            var isin = Isin(BrokerJson.String(item, "tradingsymbol"));
            var quantity = BrokerJson.Decimal(item, "quantity");
            if (isin is null || quantity is null) return Malformed<IReadOnlyList<BrokerHolding>>("holdings", "mf/holdings");
            if (!funds.TryGetValue(isin, out var acc))
            {
                acc = new Accumulator(isin, null, isin) { Name = BrokerJson.String(item, "fund") };
                funds[isin] = acc;
                fundOrder.Add(isin);
            }

            acc.Add(quantity.Value, BrokerJson.Decimal(item, "average_price") ?? 0m);
            acc.LastPrice = BrokerJson.Decimal(item, "last_price") ?? acc.LastPrice;
        }

        foreach (var isin in fundOrder)
        {
            var acc = funds[isin];
            if (acc.Quantity <= 0m) continue;
            holdings.Add(new BrokerHolding(new BrokerInstrument(isin, null, isin, SecurityType.MutualFund, acc.Name), acc.Quantity, acc.AveragePrice,
                acc.LastPrice));
        }

        return BrokerResult<IReadOnlyList<BrokerHolding>>.Ok(holdings);
    }

    /// <summary>
    /// <c>GET /trades</c>: today's fills (trade_id, order_id, exchange, tradingsymbol, transaction_type, quantity,
    /// average_price, fill_timestamp / exchange_timestamp in IST as "yyyy-MM-dd HH:mm:ss", product), in one page.
    /// The cursor is not needed (Kite keeps no history and the ledger keys fills by trade id), so it stays null.
    /// Equity fills on NSE/BSE are kept whatever the product: intraday (MIS) buys and sells are real trades whose two
    /// legs net to zero in the ledger. F&amp;O, currency and commodity fills (NFO, BFO, CDS, BCD, MCX) are left out.
    /// </summary>
    public async Task<BrokerResult<BrokerTradePage>> GetTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(query);
        var reply = await SendAsync(HttpMethod.Get, "trades", session, null, tokenCall: false, cancellationToken).ConfigureAwait(false);
        if (reply.Failure is { } failure) return Fail<BrokerTradePage>("trades", failure);
        if (!BrokerJson.IsArray(reply.Data)) return Malformed<BrokerTradePage>("trades", "trades");

        var trades = new List<BrokerTrade>(reply.Data.GetArrayLength());
        foreach (var item in reply.Data.EnumerateArray())
        {
            var exchange = BrokerJson.String(item, "exchange");
            var tradeId = BrokerJson.String(item, "trade_id");
            var symbol = BrokerJson.String(item, "tradingsymbol");
            var side = BrokerJson.String(item, "transaction_type")?.ToUpperInvariant();
            var quantity = BrokerJson.Decimal(item, "quantity");
            var price = BrokerJson.Decimal(item, "average_price");
            var at = BrokerJson.IndiaTimestamp(BrokerJson.String(item, "fill_timestamp") ?? BrokerJson.String(item, "exchange_timestamp"));
            if (exchange is null || string.IsNullOrWhiteSpace(tradeId) || string.IsNullOrWhiteSpace(symbol) || quantity is null || price is null
                || at is null || side is not ("BUY" or "SELL"))
            {
                return Malformed<BrokerTradePage>("trades", "trades");
            }

            if (!EquityExchanges.Contains(exchange)) continue;
            trades.Add(new BrokerTrade(tradeId, BrokerJson.String(item, "order_id"),
                new BrokerInstrument(symbol.Trim().ToUpperInvariant(), exchange.ToUpperInvariant(), null, SecurityType.Stock),
                side == "BUY" ? TransactionType.Buy : TransactionType.Sell, quantity.Value, price.Value, at.Value));
        }

        trades.Sort((a, b) => a.ExecutedAt != b.ExecutedAt ? a.ExecutedAt.CompareTo(b.ExecutedAt) : string.CompareOrdinal(a.TradeId, b.TradeId));
        return BrokerResult<BrokerTradePage>.Ok(new BrokerTradePage(trades, null, HasMore: false));
    }

    private static string? Isin(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToUpperInvariant();

    /// <summary>
    /// One call. The resilience pipeline has already retried 5xx, timeouts and short 429s; what is left becomes a
    /// failure: 429 → RateLimited (with Retry-After), 5xx, timeouts and refused connections → Unavailable, a body
    /// that is not Kite's JSON → Malformed, a Kite error → <see cref="ErrorKind"/>.
    /// </summary>
    private async Task<KiteReply> SendAsync(HttpMethod method, string path, BrokerSession? session, HttpContent? content, bool tokenCall,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation("X-Kite-Version", "3");
        if (session is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"token {session.Credentials.ApiKey}:{session.AccessToken}");
        }

        var exchange = await BrokerHttp.ExchangeAsync(http, request, "Kite", cancellationToken).ConfigureAwait(false);
        if (exchange.Failure is { } failed) return new KiteReply(default, failed);
        var (status, retryAfter, body) = (exchange.Status, exchange.RetryAfter, exchange.Body);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new KiteReply(default, (int)status >= 500
                ? new BrokerFailure(BrokerFailureKind.Unavailable, $"Kite is unavailable ({(int)status}).")
                : new BrokerFailure(BrokerFailureKind.Malformed, "Kite's answer was not the JSON it documents."));
        }

        using (document)
        {
            var root = document.RootElement;
            var replyStatus = BrokerJson.String(root, "status");
            var errorType = BrokerJson.String(root, "error_type");
            if ((int)status >= 400 || string.Equals(replyStatus, "error", StringComparison.OrdinalIgnoreCase) || errorType is not null)
            {
                var kind = ErrorKind(status, errorType, tokenCall);
                var message = BrokerJson.Clip(BrokerJson.String(root, "message"));
                return new KiteReply(default, new BrokerFailure(kind, Describe(kind, message, status)));
            }

            if (!string.Equals(replyStatus, "success", StringComparison.OrdinalIgnoreCase) || BrokerJson.Field(root, "data") is not { } data)
            {
                return new KiteReply(default, new BrokerFailure(BrokerFailureKind.Malformed, "Kite's answer had no data."));
            }

            return new KiteReply(data.Clone(), null);
        }
    }

    /// <summary>
    /// Kite's "Exceptions" page: TokenException (403) = session expired or invalidated; InputException (400) = bad
    /// parameters; NetworkException / GeneralException / DataException = Kite's side. On <c>session/token</c> a
    /// TokenException or InputException means the key, checksum (secret) or request token is wrong.
    /// </summary>
    internal static BrokerFailureKind ErrorKind(HttpStatusCode status, string? errorType, bool tokenCall)
    {
        if ((int)status >= 500) return BrokerFailureKind.Unavailable;
        if (tokenCall && (errorType is "TokenException" or "InputException" or "PermissionException"
            || status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized))
        {
            return BrokerFailureKind.InvalidCredentials;
        }

        if (errorType == "TokenException" || status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized) return BrokerFailureKind.AuthExpired;
        if (errorType is "DataException") return BrokerFailureKind.Malformed;
        return BrokerFailureKind.Unavailable;
    }

    private static string Describe(BrokerFailureKind kind, string brokerMessage, HttpStatusCode status)
    {
        var what = kind switch
        {
            BrokerFailureKind.InvalidCredentials => "Kite refused the API key, secret or login",
            BrokerFailureKind.AuthExpired => "Kite's session has expired: reconnect Zerodha",
            BrokerFailureKind.Malformed => "Kite's answer was not what it documents",
            _ => $"Kite could not answer ({(int)status})",
        };
        return brokerMessage.Length == 0 ? what + "." : $"{what} ({brokerMessage}).";
    }

    private BrokerResult<T> Fail<T>(string operation, BrokerFailureKind kind, string message) => Fail<T>(operation, new BrokerFailure(kind, message));

    private BrokerResult<T> Fail<T>(string operation, BrokerFailure failure)
    {
        LogFailed(log, operation, failure.Kind, failure.RetryAfter?.TotalSeconds);
        return BrokerResult<T>.Fail(failure);
    }

    private BrokerResult<T> Malformed<T>(string operation, string endpoint) =>
        Fail<T>(operation, BrokerFailureKind.Malformed, $"Kite's {endpoint} answer was missing fields it documents.");

    [LoggerMessage(LogLevel.Information, "Kite session opened for account {AccountId} (API key {ApiKey})")]
    private static partial void LogConnected(ILogger logger, string accountId, string apiKey);

    [LoggerMessage(LogLevel.Warning, "Kite {Operation} failed: {Kind} (retry after {RetryAfterSeconds} s)")]
    private static partial void LogFailed(ILogger logger, string operation, BrokerFailureKind kind, double? retryAfterSeconds);

    private readonly record struct KiteReply(JsonElement Data, BrokerFailure? Failure);

    /// <summary>Units and average cost of one instrument gathered from several rows (folios, exchanges, today's trades).</summary>
    private sealed class Accumulator(string symbol, string? exchange, string? isin)
    {
        public string Symbol { get; } = symbol;

        public string? Exchange { get; } = exchange;

        public string? Isin { get; } = isin;

        public string? Name { get; init; }

        public decimal Quantity { get; private set; }

        public decimal AveragePrice { get; private set; }

        public decimal? LastPrice { get; set; }

        /// <summary>Buys move the average cost; sells only reduce the units.</summary>
        public void Add(decimal units, decimal price)
        {
            if (units > 0m && Quantity + units > 0m)
            {
                AveragePrice = Quantity <= 0m ? price : Math.Round(((Quantity * AveragePrice) + (units * price)) / (Quantity + units), 6);
            }

            Quantity += units;
        }
    }
}
