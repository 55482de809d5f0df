using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using Spark.Core.Time;

namespace Spark.Web.Services.Connections.Brokers;

/// <summary>
/// Binance spot (github.com/binance/binance-spot-api-docs, rest-api.md). Key flow: every account call is SIGNED
/// ("SIGNED (TRADE, USER_DATA, AND MARGIN) Endpoint security"): the key in the <c>X-MBX-APIKEY</c> header, the
/// query with <c>recvWindow</c> and <c>timestamp</c> (ms, from Spark's clock) and, last, <c>signature</c> =
/// <see cref="BinanceSigning.Sign"/>(secret, query). There is no token: the session carries the key and secret.
/// </summary>
/// <remarks>
/// <para><b>Read-only keys only.</b> <c>canTrade</c>/<c>canWithdraw</c>/<c>permissions</c> of GET /api/v3/account
/// describe the ACCOUNT (whether it may trade at all: they read true for a read-only key on an ordinary account, see
/// JKorf/Binance.Net issue #180), not the key. What the key may do is GET /sapi/v1/account/apiRestrictions ("Get API
/// Key Permission", https://developers.binance.com/docs/wallet/account/api-key-permission): Spark refuses a key with
/// any trading (enableSpotAndMarginTrading, enableMargin, enableFutures, enableVanillaOptions,
/// enablePortfolioMarginTrading, enableFixApiTrade) or money-moving permission (enableWithdrawals,
/// enableInternalTransfer, permitsUniversalTransfer). The account call still runs first: it proves the key and
/// secret (-2014 BAD_API_KEY_FMT, -2015 REJECTED_MBX_KEY, -1022 INVALID_SIGNATURE → InvalidCredentials; errors.md).</para>
/// <para><b>Holdings.</b> Balances with free + locked &gt; 0 become {ASSET}INR crypto holdings. Stablecoins (USDT, USDC,
/// FDUSD, BUSD, TUSD, DAI, USDP) are cash waiting to be invested, not investments, and are skipped. Binance reports no
/// average buy price: computing one would mean reading every symbol's whole trade list on each holdings call (weight
/// 20 a page against 6,000 a minute), so AveragePrice is 0 and Spark's ledger derives cost from the synced trades.
/// LastPrice is GET /api/v3/ticker/price's {ASSET}USDT price × Spark's rupees per USDT today (null without either).</para>
/// <para><b>Trades.</b> GET /api/v3/myTrades is per symbol only (there is no all-symbols endpoint), paged by fromId
/// (trades with id ≥ fromId, limit 1000). A run reads the held assets' USDT pairs and every symbol the cursor
/// remembers; an asset sold out before Spark first saw it cannot be discovered. Prices are converted with
/// <see cref="IQuoteRates"/> on the India date of the fill; without a rate the page fails as Unavailable (the cursor
/// does not move, the next run retries once Spark has the rate) rather than inventing a price. Commission in the quote
/// asset or in the base asset becomes rupee fees (base-asset commission on a buy also lowers the quantity received,
/// so the ledger matches the balance); commission in BNB or another asset is recorded in the note only.</para>
/// <para><b>Limits.</b> 429 and 418 (IP banned after ignoring 429s) carry Retry-After in seconds ("LIMITS" in
/// rest-api.md); both become RateLimited and the pipeline never retries a 418. X-MBX-USED-WEIGHT-1M is logged as a
/// warning past 4,800 of the 6,000 a minute.</para>
/// </remarks>
public sealed partial class BinanceAdapter(HttpClient http, IOptions<BrokerOptions> options, TimeProvider clock, ILogger<BinanceAdapter> log,
    IQuoteRates rates) : IBrokerAdapter
{
    /// <summary>Most trades one myTrades page gives.</summary>
    internal const int TradeLimit = 1000;

    private const int RecvWindowMs = 5000;
    private const int WeightWarning = 4800;

    /// <summary>Quote assets Spark converts to rupees through <see cref="IQuoteRates"/>; discovery reads the USDT pair.</summary>
    internal static readonly string[] QuoteAssets = ["FDUSD", "USDT", "USDC"];

    /// <summary>Cash-like assets that are not reported as holdings.</summary>
    internal static readonly HashSet<string> Stablecoins = new(["USDT", "USDC", "FDUSD", "BUSD", "TUSD", "DAI", "USDP"], StringComparer.OrdinalIgnoreCase);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowReadingFromString };

    private BrokerEndpoint Endpoint => options.Value.Binance;

    public string Platform => PlatformNames.Binance;

    public BrokerAuthFlow Flow => BrokerAuthFlow.Keys;

    public Uri LoginUrl(BrokerCredentials credentials, Uri callback, string state) =>
        throw new NotSupportedException("Binance connects with an API key and secret, not a login page.");

    public async Task<BrokerResult<BrokerSession>> ConnectAsync(BrokerCredentials credentials, string? authorizationCode, Uri? callback,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (string.IsNullOrWhiteSpace(credentials.ApiKey) || string.IsNullOrWhiteSpace(credentials.ApiSecret))
        {
            return BrokerResult<BrokerSession>.Fail(BrokerFailureKind.InvalidCredentials, "Binance needs both the API key and its secret.");
        }

        var account = await SignedGetAsync<BinanceAccount>(credentials, "api/v3/account", "omitZeroBalances=true", "account", cancellationToken);
        if (account.Failure is { } failure) return failure;
        var restrictions = await SignedGetAsync<BinanceApiRestrictions>(credentials, "sapi/v1/account/apiRestrictions", "", "key permissions",
            cancellationToken);
        if (restrictions.Failure is { } restrictionsFailure) return restrictionsFailure;

        var key = restrictions.Value!;
        var allowed = new List<string>();
        if (key.EnableSpotAndMarginTrading) allowed.Add("spot and margin trading");
        if (key.EnableMargin) allowed.Add("margin");
        if (key.EnableFutures) allowed.Add("futures");
        if (key.EnableVanillaOptions) allowed.Add("options");
        if (key.EnablePortfolioMarginTrading) allowed.Add("portfolio margin trading");
        if (key.EnableFixApiTrade) allowed.Add("FIX trading");
        if (key.EnableWithdrawals) allowed.Add("withdrawals");
        if (key.EnableInternalTransfer || key.PermitsUniversalTransfer) allowed.Add("transfers");
        if (allowed.Count > 0)
        {
            return BrokerResult<BrokerSession>.Fail(BrokerFailureKind.PermissionRefused,
                $"This Binance API key allows {string.Join(", ", allowed)}. Spark only reads: create a key with only \"Enable Reading\" ticked.");
        }

        var uid = account.Value!.Uid?.ToString(CultureInfo.InvariantCulture);
        return BrokerResult<BrokerSession>.Ok(new BrokerSession(credentials, null, null, AccountId: uid));
    }

    public async Task<BrokerResult<IReadOnlyList<BrokerHolding>>> GetHoldingsAsync(BrokerSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var account = await SignedGetAsync<BinanceAccount>(session.Credentials, "api/v3/account", "omitZeroBalances=true", "account",
            cancellationToken);
        if (account.Failure is { } failure) return failure;
        if (account.Value!.Balances is not { } balances) return Malformed<IReadOnlyList<BrokerHolding>>("the account answer had no balances");

        var held = new List<(string Asset, decimal Quantity)>();
        foreach (var balance in balances)
        {
            if (string.IsNullOrWhiteSpace(balance.Asset)) return Malformed<IReadOnlyList<BrokerHolding>>("a balance without an asset");
            var quantity = balance.Free + balance.Locked;
            if (quantity > 0 && !Stablecoins.Contains(balance.Asset)) held.Add((balance.Asset.ToUpperInvariant(), quantity));
        }

        if (held.Count == 0) return BrokerResult<IReadOnlyList<BrokerHolding>>.Ok([]);

        var prices = await PublicGetAsync<List<BinanceTickerPrice>>("api/v3/ticker/price", "prices", cancellationToken);
        if (prices.Failure is { } pricesFailure) return pricesFailure;
        var usdt = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in prices.Value!)
        {
            if (p.Symbol is not null) usdt[p.Symbol] = p.Price;
        }

        var inrPerUsdt = await rates.InrPerUnitAsync("USDT", IndiaTime.Today(clock), cancellationToken);
        IReadOnlyList<BrokerHolding> holdings =
        [
            .. held.Select(h => new BrokerHolding(Instrument(h.Asset), h.Quantity, 0m,
                usdt.TryGetValue(h.Asset + "USDT", out var price) && inrPerUsdt is { } rate ? decimal.Round(price * rate, 4) : null)),
        ];
        return BrokerResult<IReadOnlyList<BrokerHolding>>.Ok(holdings);
    }

    public async Task<BrokerResult<BrokerTradePage>> GetTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(query);
        BinanceCursor cursor;
        try
        {
            cursor = query.Cursor is null
                ? new BinanceCursor(new Dictionary<string, long>(StringComparer.Ordinal), [])
                : JsonSerializer.Deserialize<BinanceCursor>(query.Cursor, Json) ?? throw new JsonException("null cursor");
        }
        catch (JsonException)
        {
            return Malformed<BrokerTradePage>("Spark's saved Binance cursor could not be read");
        }

        var next = new Dictionary<string, long>(cursor.Next ?? [], StringComparer.Ordinal);
        var queue = cursor.Queue ?? [];
        if (queue.Count == 0)
        {
            // A new run: the held assets' USDT pairs and every symbol read before.
            var account = await SignedGetAsync<BinanceAccount>(session.Credentials, "api/v3/account", "omitZeroBalances=true", "account",
                cancellationToken);
            if (account.Failure is { } failure) return failure;
            var symbols = new SortedSet<string>(next.Keys, StringComparer.Ordinal);
            foreach (var balance in account.Value!.Balances ?? [])
            {
                if (balance.Asset is { Length: > 0 } asset && balance.Free + balance.Locked > 0 && !Stablecoins.Contains(asset))
                {
                    symbols.Add(asset.ToUpperInvariant() + "USDT");
                }
            }

            queue = [.. symbols];
            if (queue.Count == 0) return Page([], next, [], 0);
        }

        if (cursor.Pages + 1 > Endpoint.MaxPages)
        {
            return Malformed<BrokerTradePage>($"Binance kept paging past {Endpoint.MaxPages.ToString(CultureInfo.InvariantCulture)} pages");
        }

        var symbol = queue[0];
        if (Split(symbol) is not { } pair)
        {
            next.Remove(symbol);
            return Page([], next, queue[1..], cursor.Pages + 1);
        }

        var fromId = next.GetValueOrDefault(symbol, 0);
        var parameters = $"symbol={Uri.EscapeDataString(symbol)}&fromId={fromId.ToString(CultureInfo.InvariantCulture)}" +
                         $"&limit={TradeLimit.ToString(CultureInfo.InvariantCulture)}";
        var answer = await SignedGetAsync<List<BinanceTrade>>(session.Credentials, "api/v3/myTrades", parameters, "trades", cancellationToken);
        if (answer.Code == -1121)
        {
            // Invalid symbol: the asset has no such pair (it trades against another quote asset only).
            LogSkippedSymbol(log, symbol);
            next.Remove(symbol);
            return Page([], next, queue[1..], cursor.Pages + 1);
        }

        if (answer.Failure is { } tradesFailure) return tradesFailure;
        var rows = answer.Value!;
        var trades = new List<BrokerTrade>(rows.Count);
        var rateOn = new Dictionary<DateOnly, decimal>();
        var last = fromId - 1;
        foreach (var row in rows)
        {
            if (row.Id < fromId || row.Id <= last)
            {
                return Malformed<BrokerTradePage>($"Binance answered {symbol} trades out of order or before the asked id (paging without end)");
            }

            last = row.Id;
            var executedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.Time);
            var date = DateOnly.FromDateTime(IndiaTime.ToIst(executedAt).DateTime);
            if (date < query.Since) continue;
            if (!rateOn.TryGetValue(date, out var rate))
            {
                if (await rates.InrPerUnitAsync(pair.Quote, date, cancellationToken) is not { } found)
                {
                    LogNoRate(log, pair.Quote, date);
                    return BrokerResult<BrokerTradePage>.Fail(BrokerFailureKind.Unavailable,
                        $"Spark has no rupee rate for {pair.Quote} on {date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, so {symbol} trades " +
                        "from that day cannot be priced in rupees yet; the sync resumes from them once Spark has the rate.");
                }

                rate = found;
                rateOn[date] = rate;
            }

            trades.Add(ToTrade(row, symbol, pair.Base, pair.Quote, rate, executedAt));
        }

        if (rows.Count > 0) next[symbol] = last + 1;
        var rest = rows.Count >= TradeLimit ? queue : queue[1..];
        LogPage(log, symbol, trades.Count, fromId);
        return Page(trades, next, rest, rest.Count > 0 ? cursor.Pages + 1 : 0);
    }

    private static BrokerResult<BrokerTradePage> Page(List<BrokerTrade> trades, Dictionary<string, long> next, List<string> queue, int pages)
    {
        var cursor = JsonSerializer.Serialize(new BinanceCursor(next, queue, queue.Count > 0 ? pages : 0), Json);
        return BrokerResult<BrokerTradePage>.Ok(new BrokerTradePage(trades, cursor, HasMore: queue.Count > 0));
    }

    private static BrokerTrade ToTrade(BinanceTrade row, string symbol, string baseAsset, string quote, decimal rate, DateTimeOffset executedAt)
    {
        var side = row.IsBuyer ? TransactionType.Buy : TransactionType.Sell;
        var quantity = row.Qty;
        var fees = 0m;
        var note = $"{symbol} {row.Price.ToString("#,##0.00######", CultureInfo.InvariantCulture)} {quote} × ₹{rate.ToString("#,##0.00##", CultureInfo.InvariantCulture)} per {quote}";
        if (row.Commission > 0 && row.CommissionAsset is { } asset)
        {
            if (string.Equals(asset, quote, StringComparison.OrdinalIgnoreCase))
            {
                fees = row.Commission * rate;
            }
            else if (string.Equals(asset, baseAsset, StringComparison.OrdinalIgnoreCase))
            {
                // Paid out of the base asset: a buy receives qty − commission, a sell gives up qty + commission.
                fees = row.Commission * row.Price * rate;
                quantity = side == TransactionType.Buy ? row.Qty - row.Commission : row.Qty + row.Commission;
            }
            else
            {
                note += $"; commission {row.Commission.ToString("0.########", CultureInfo.InvariantCulture)} {asset} not in fees";
            }
        }

        return new BrokerTrade($"{symbol}:{row.Id.ToString(CultureInfo.InvariantCulture)}", row.OrderId.ToString(CultureInfo.InvariantCulture),
            Instrument(baseAsset), side, quantity, decimal.Round(row.Price * rate, 6), executedAt, decimal.Round(fees, 4), note);
    }

    /// <summary>Spark's rupee symbol of a crypto asset (BTC → BTCINR on the CRYPTO exchange).</summary>
    internal static BrokerInstrument Instrument(string asset) => new($"{asset}INR", "CRYPTO", null, SecurityType.Crypto, asset);

    internal static (string Base, string Quote)? Split(string symbol)
    {
        foreach (var quote in QuoteAssets)
        {
            if (symbol.Length > quote.Length && symbol.EndsWith(quote, StringComparison.Ordinal)) return (symbol[..^quote.Length], quote);
        }

        return null;
    }

    private static BrokerResult<T> Malformed<T>(string what) => BrokerResult<T>.Fail(BrokerFailureKind.Malformed, $"Binance's answer was not as documented: {what}.");

    private readonly record struct Answer<T>(T? Value, BrokerFailure? Failure, int? Code)
    {
        public static implicit operator Answer<T>(BrokerFailure failure) => new(default, failure, null);
    }

    private Task<Answer<T>> SignedGetAsync<T>(BrokerCredentials credentials, string path, string parameters, string what, CancellationToken cancellationToken)
        where T : class
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var query = (parameters.Length > 0 ? parameters + "&" : "") + $"recvWindow={RecvWindowMs.ToString(CultureInfo.InvariantCulture)}&timestamp={timestamp}";
        var signature = BinanceSigning.Sign(credentials.ApiSecret, query);
        var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?{query}&signature={signature}");
        request.Headers.Add("X-MBX-APIKEY", credentials.ApiKey);
        return SendAsync<T>(request, what, cancellationToken);
    }

    private async Task<BrokerResult<T>> PublicGetAsync<T>(string path, string what, CancellationToken cancellationToken)
        where T : class
    {
        var answer = await SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), what, cancellationToken);
        return answer.Failure is { } failure ? failure : BrokerResult<T>.Ok(answer.Value!);
    }

    private async Task<Answer<T>> SendAsync<T>(HttpRequestMessage request, string what, CancellationToken cancellationToken)
        where T : class
    {
        using var _ = request;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            LogUnreachable(log, what, e.GetType().Name);
            return new BrokerFailure(BrokerFailureKind.Unavailable, $"Binance did not answer the {what} call in time or refused the connection; Spark will try again later.");
        }

        using (response)
        {
            if (response.Headers.TryGetValues("X-MBX-USED-WEIGHT-1M", out var used) &&
                int.TryParse(used.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var weight) && weight >= WeightWarning)
            {
                LogWeight(log, weight);
            }

            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException)
            {
                LogUnreachable(log, what, e.GetType().Name);
                return new BrokerFailure(BrokerFailureKind.Unavailable, $"Binance broke off its {what} answer; Spark will try again later.");
            }

            if (!response.IsSuccessStatusCode)
            {
                var error = ErrorOf(body);
                var failure = Failure(response, error, what);
                LogFailure(log, what, (int)response.StatusCode, error?.Code ?? 0, failure.Kind);
                return new Answer<T>(default, failure, error?.Code);
            }

            try
            {
                var value = JsonSerializer.Deserialize<T>(body, Json);
                return value is null ? Malformed<T>($"the {what} answer was empty").Failure! : new Answer<T>(value, null, null);
            }
            catch (JsonException)
            {
                LogFailure(log, what, (int)response.StatusCode, 0, BrokerFailureKind.Malformed);
                return Malformed<T>($"the {what} answer was not JSON of the documented shape").Failure!;
            }
        }
    }

    private static BrokerFailure Failure(HttpResponseMessage response, BinanceError? error, string what)
    {
        var status = (int)response.StatusCode;
        var reason = error?.Message is { Length: > 0 } message ? $" ({error.Code.ToString(CultureInfo.InvariantCulture)}: {message})" : "";
        var wait = BrokerHttp.RetryAfter(response);
        if (status == 418)
        {
            var until = wait is { } w ? $" for {Math.Ceiling(w.TotalSeconds).ToString(CultureInfo.InvariantCulture)} seconds" : "";
            return new BrokerFailure(BrokerFailureKind.RateLimited,
                $"Binance has banned Spark's IP address{until} for calling too often after being told to slow down{reason}.", wait);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new BrokerFailure(BrokerFailureKind.RateLimited, $"Binance limited Spark's calls (request weight){reason}; try again later.", wait);
        }

        if (error?.Code is -2014 or -2015 or -1022 or -2008)
        {
            return new BrokerFailure(BrokerFailureKind.InvalidCredentials,
                $"Binance refused the API key or its secret{reason}. Check both, and that the key allows reading from Spark's address.");
        }

        if (error?.Code == -1021)
        {
            return new BrokerFailure(BrokerFailureKind.Unavailable, $"Binance refused the request's time stamp{reason}; Spark will try again later.");
        }

        if (status >= 500 || response.StatusCode == HttpStatusCode.Forbidden)
        {
            return new BrokerFailure(BrokerFailureKind.Unavailable, $"Binance failed the {what} call (HTTP {status.ToString(CultureInfo.InvariantCulture)}); Spark will try again later.");
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return new BrokerFailure(BrokerFailureKind.InvalidCredentials, $"Binance refused the API key{reason}.");
        }

        return new BrokerFailure(BrokerFailureKind.Malformed, $"Binance rejected the {what} call (HTTP {status.ToString(CultureInfo.InvariantCulture)}){reason}.");
    }

    private static BinanceError? ErrorOf(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<BinanceError>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Binance {Call} call failed: HTTP {Status}, code {Code}, {Kind}")]
    private static partial void LogFailure(ILogger logger, string call, int status, int code, BrokerFailureKind kind);

    [LoggerMessage(LogLevel.Warning, "Binance {Call} call got no answer ({Reason})")]
    private static partial void LogUnreachable(ILogger logger, string call, string reason);

    [LoggerMessage(LogLevel.Warning, "Binance request weight used this minute is {Weight} of 6000")]
    private static partial void LogWeight(ILogger logger, int weight);

    [LoggerMessage(LogLevel.Warning, "Spark has no rupee rate for {Asset} on {Date}; Binance trades of that day wait")]
    private static partial void LogNoRate(ILogger logger, string asset, DateOnly date);

    [LoggerMessage(LogLevel.Information, "Binance has no symbol {Symbol}; it is no longer read")]
    private static partial void LogSkippedSymbol(ILogger logger, string symbol);

    [LoggerMessage(LogLevel.Debug, "Binance {Symbol} trades from id {FromId}: {Count} trades")]
    private static partial void LogPage(ILogger logger, string symbol, int count, long fromId);
}
