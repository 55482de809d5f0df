using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using Spark.Core.Time;

namespace Spark.Web.Services.Connections.Brokers;

/// <summary>
/// Upstox API v2 (https://upstox.com/developer/api-documentation/open-api). Redirect flow: the login dialog
/// (GET /v2/login/authorization/dialog, https://upstox.com/developer/api-documentation/authorize) comes back to the
/// callback with <c>code</c> and <c>state</c>; POST /v2/login/authorization/token (form: code, client_id,
/// client_secret, redirect_uri, grant_type=authorization_code; https://upstox.com/developer/api-documentation/get-token;
/// upstox_client/api/login_api.py) gives the access token, sent as <c>Authorization: Bearer</c>. Tokens die at
/// 03:30 IST "the following day, regardless of the time it was generated", and one made at 02:30 dies at 03:30 the
/// same morning (the get-token page). The code "is valid for a single use, regardless of whether the access token
/// generation succeeds" (same page): a token POST the pipeline retries after a timeout fails as InvalidCredentials.
/// </summary>
/// <remarks>
/// Holdings: GET /v2/portfolio/long-term-holdings (quantity + t1_quantity) plus today's delivery (product D) net
/// quantity from GET /v2/portfolio/short-term-positions, so a buy made today counts before it reaches the demat.
/// Trades: GET /v2/charges/historical-trades (segment=EQ, start_date/end_date yyyy-MM-dd, page_number from 1,
/// page_size; meta_data.page.total_pages; https://upstox.com/developer/api-documentation/get-historical-trades;
/// upstox_client/api/post_trade_api.py) for the days before today, one financial year (April to March) per window,
/// and GET /v2/order/trades/get-trades-for-day for today (https://upstox.com/developer/api-documentation/get-trade-history).
/// Upstox serves history "only for last 3 financial years": earlier trades cannot be synced (a tradebook import covers them).
/// </remarks>
public sealed partial class UpstoxAdapter(HttpClient http, IOptions<BrokerOptions> options, TimeProvider clock, ILogger<UpstoxAdapter> log)
    : IBrokerAdapter
{
    /// <summary>Trades asked per historical page.</summary>
    internal const int PageSize = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeOnly HistoricalTradeTime = new(12, 0);

    private BrokerEndpoint Endpoint => options.Value.Upstox;

    public string Platform => PlatformNames.Upstox;

    public BrokerAuthFlow Flow => BrokerAuthFlow.Redirect;

    public Uri LoginUrl(BrokerCredentials credentials, Uri callback, string state)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(callback);
        var dialog = Endpoint.LoginUrl ?? new Uri(Endpoint.BaseUrl, "v2/login/authorization/dialog");
        var query = $"response_type=code&client_id={Uri.EscapeDataString(credentials.ApiKey)}" +
                    $"&redirect_uri={Uri.EscapeDataString(callback.ToString())}&state={Uri.EscapeDataString(state ?? "")}";
        return new UriBuilder(dialog) { Query = query }.Uri;
    }

    public async Task<BrokerResult<BrokerSession>> ConnectAsync(BrokerCredentials credentials, string? authorizationCode, Uri? callback,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (string.IsNullOrWhiteSpace(authorizationCode) || callback is null)
        {
            return BrokerResult<BrokerSession>.Fail(BrokerFailureKind.InvalidCredentials, "Upstox did not send back a login code.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/login/authorization/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["code"] = authorizationCode,
                ["client_id"] = credentials.ApiKey,
                ["client_secret"] = credentials.ApiSecret,
                ["redirect_uri"] = callback.ToString(),
                ["grant_type"] = "authorization_code",
            }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // The token answer is not wrapped in {status, data}: its fields are at the top level.
        var answer = await SendAsync<UpstoxToken>(request, "token", tokenCall: true, enveloped: false, cancellationToken);
        if (answer.Failure is { } failure) return failure;
        var token = answer.Value!;
        if (string.IsNullOrEmpty(token.AccessToken))
        {
            return BrokerResult<BrokerSession>.Fail(BrokerFailureKind.Malformed, "Upstox's token answer had no access token.");
        }

        return BrokerResult<BrokerSession>.Ok(new BrokerSession(credentials, token.AccessToken, ExpiryAfter(clock.GetUtcNow()),
            AccountId: token.UserId, AccountName: token.UserName));
    }

    /// <summary>The next 03:30 in India after <paramref name="now"/>: when an Upstox access token issued then dies.</summary>
    internal static DateTimeOffset ExpiryAfter(DateTimeOffset now)
    {
        var ist = IndiaTime.ToIst(now);
        var expiry = new DateTimeOffset(ist.Year, ist.Month, ist.Day, 3, 30, 0, ist.Offset);
        return expiry > ist ? expiry : expiry.AddDays(1);
    }

    /// <summary>
    /// Long-term holdings (quantity + t1_quantity: settled and bought-but-unsettled units) plus, per instrument, the
    /// day's net delivery quantity of product D positions (quantity − overnight_quantity, i.e. day_buy_quantity −
    /// day_sell_quantity): today's buys are in positions, not yet in holdings. Intraday (I) and MTF positions are not owned.
    /// </summary>
    public async Task<BrokerResult<IReadOnlyList<BrokerHolding>>> GetHoldingsAsync(BrokerSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var holdings = await GetAsync<List<UpstoxHolding>>(session, "v2/portfolio/long-term-holdings", "holdings", cancellationToken);
        if (holdings.Failure is { } failure) return failure;
        var positions = await GetAsync<List<UpstoxPosition>>(session, "v2/portfolio/short-term-positions", "positions", cancellationToken);
        if (positions.Failure is { } positionsFailure) return positionsFailure;

        var owned = new Dictionary<string, BrokerHolding>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var h in holdings.Value!.Data!)
        {
            if (string.IsNullOrEmpty(h.TradingSymbol)) return Malformed<IReadOnlyList<BrokerHolding>>("a holding without a trading symbol");
            var instrument = new BrokerInstrument(h.TradingSymbol, h.Exchange, NullIfEmpty(h.Isin), SecurityType.Stock, h.CompanyName);
            var key = Key(instrument);
            if (!owned.ContainsKey(key)) order.Add(key);
            owned[key] = new BrokerHolding(instrument, h.Quantity + (h.T1Quantity ?? 0), h.AveragePrice ?? 0m, h.LastPrice);
        }

        foreach (var p in positions.Value!.Data!)
        {
            // Delivery equity only: product D is also how carried-forward F&O positions (NFO, "NSE_FO|52618") show.
            if (!string.Equals(p.Product, "D", StringComparison.OrdinalIgnoreCase) || !IsEquity(p)) continue;
            var today = (p.Quantity ?? 0) - (p.OvernightQuantity ?? 0);
            if (today == 0 || string.IsNullOrEmpty(p.TradingSymbol)) continue;
            var dayPrice = p.DayBuyPrice is > 0 ? p.DayBuyPrice.Value : p.AveragePrice ?? 0m;
            var instrument = new BrokerInstrument(TrimSeries(p.TradingSymbol), p.Exchange, IsinOf(p.InstrumentToken), SecurityType.Stock);
            var key = Key(instrument);
            if (owned.TryGetValue(key, out var held))
            {
                var quantity = held.Quantity + today;
                var average = today > 0 && quantity > 0
                    ? (held.Quantity * held.AveragePrice + today * dayPrice) / quantity
                    : held.AveragePrice;
                owned[key] = held with { Quantity = quantity, AveragePrice = decimal.Round(average, 4), LastPrice = held.LastPrice ?? p.LastPrice };
            }
            else if (today > 0)
            {
                order.Add(key);
                owned[key] = new BrokerHolding(instrument, today, dayPrice, p.LastPrice);
            }
        }

        IReadOnlyList<BrokerHolding> result = [.. order.Select(k => owned[k]).Where(h => h.Quantity > 0)];
        return BrokerResult<IReadOnlyList<BrokerHolding>>.Ok(result);
    }

    /// <summary>
    /// One page: a page of the historical window that starts at the cursor's date (a financial year at most, ending
    /// yesterday), or, once history is read, today's trades, which end the run. The last cursor holds today's date,
    /// so the next run reads history from that day on (today's late fills) and nothing older again.
    /// </summary>
    public async Task<BrokerResult<BrokerTradePage>> GetTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(query);
        UpstoxCursor cursor;
        if (query.Cursor is null)
        {
            cursor = new UpstoxCursor(query.Since);
        }
        else
        {
            try
            {
                cursor = JsonSerializer.Deserialize<UpstoxCursor>(query.Cursor, Json) ?? throw new JsonException("null cursor");
            }
            catch (JsonException)
            {
                return Malformed<BrokerTradePage>("Spark's saved Upstox cursor could not be read");
            }
        }

        if (cursor.Pages + 1 > Endpoint.MaxPages)
        {
            return Malformed<BrokerTradePage>($"Upstox kept paging past {Endpoint.MaxPages.ToString(CultureInfo.InvariantCulture)} pages");
        }

        // "Currently this API will give you data only for last 3 financial years" (get-historical-trades).
        var earliest = FinancialYearStart(query.Today).AddYears(-2);
        var from = cursor.From < earliest ? earliest : cursor.From;
        var yesterday = query.Today.AddDays(-1);
        if (from > yesterday) return await TodaysTradesAsync(session, query, cancellationToken);

        var fyEnd = FinancialYearStart(from).AddYears(1).AddDays(-1);
        var to = fyEnd < yesterday ? fyEnd : yesterday;
        var path = "v2/charges/historical-trades?segment=EQ" +
                   $"&start_date={from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" +
                   $"&end_date={to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" +
                   $"&page_number={cursor.Page.ToString(CultureInfo.InvariantCulture)}&page_size={PageSize.ToString(CultureInfo.InvariantCulture)}";
        var answer = await GetAsync<List<UpstoxHistoricalTrade>>(session, path, "historical trades", cancellationToken);
        if (answer.Failure is { } failure) return failure;
        var rows = answer.Value!.Data!;
        var page = answer.Value.MetaData?.Page;
        var totalPages = page?.TotalPages ?? (rows.Count >= PageSize ? cursor.Page + 1 : cursor.Page);
        var more = cursor.Page < totalPages;
        if (more && rows.Count == 0)
        {
            return Malformed<BrokerTradePage>("Upstox answered an empty page yet said more pages follow");
        }

        var firstId = rows.Count > 0 ? rows[0].TradeId : null;
        if (cursor.Page > 1 && firstId is not null && firstId == cursor.FirstId)
        {
            return Malformed<BrokerTradePage>("Upstox answered the same page of trades again");
        }

        var trades = new List<BrokerTrade>(rows.Count);
        foreach (var row in rows)
        {
            if (ToTrade(row) is not { } trade) return Malformed<BrokerTradePage>("a historical trade without id, symbol, date or side");
            if (DateOnly.FromDateTime(IndiaTime.ToIst(trade.ExecutedAt).DateTime) >= query.Since) trades.Add(trade);
        }

        var next = more
            ? new UpstoxCursor(from, cursor.Page + 1, cursor.Pages + 1, firstId)
            : new UpstoxCursor(to.AddDays(1), 1, cursor.Pages + 1);
        LogPage(log, "historical", trades.Count, cursor.Page);
        return BrokerResult<BrokerTradePage>.Ok(new BrokerTradePage(trades, JsonSerializer.Serialize(next, Json), HasMore: true));
    }

    private async Task<BrokerResult<BrokerTradePage>> TodaysTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken)
    {
        var answer = await GetAsync<List<UpstoxDayTrade>>(session, "v2/order/trades/get-trades-for-day", "today's trades", cancellationToken);
        if (answer.Failure is { } failure) return failure;
        var trades = new List<BrokerTrade>();
        foreach (var row in answer.Value!.Data!)
        {
            if (ToTrade(row) is not { } trade) return Malformed<BrokerTradePage>("a trade of the day without id, symbol, time or side");
            trades.Add(trade);
        }

        LogPage(log, "today", trades.Count, 1);
        var next = new UpstoxCursor(query.Today);
        return BrokerResult<BrokerTradePage>.Ok(new BrokerTradePage(trades, JsonSerializer.Serialize(next, Json), HasMore: false));
    }

    private static BrokerTrade? ToTrade(UpstoxHistoricalTrade row)
    {
        if (string.IsNullOrEmpty(row.TradeId) || Side(row.TransactionType) is not { } side) return null;
        var symbol = NullIfEmpty(row.Symbol) ?? NullIfEmpty(row.ScripName);
        if (symbol is null || !DateOnly.TryParseExact(row.TradeDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return null;
        // The history gives a date, not a time: the fill is put at noon in India so its India date is the trade date.
        var executedAt = new DateTimeOffset(date.ToDateTime(HistoricalTradeTime), TimeSpan.FromHours(5.5)).ToUniversalTime();
        var instrument = new BrokerInstrument(symbol, NullIfEmpty(row.Exchange), NullIfEmpty(row.Isin) ?? IsinOf(row.InstrumentToken), SecurityType.Stock);
        return new BrokerTrade(row.TradeId, null, instrument, side, row.Quantity, row.Price, executedAt);
    }

    private static BrokerTrade? ToTrade(UpstoxDayTrade row)
    {
        if (string.IsNullOrEmpty(row.TradeId) || string.IsNullOrEmpty(row.TradingSymbol) || Side(row.TransactionType) is not { } side) return null;
        // exchange_timestamp is India time, "03-Aug-2017 15:03:42" (get-trade-history).
        if (!DateTime.TryParseExact(row.ExchangeTimestamp, "dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        var executedAt = new DateTimeOffset(local, TimeSpan.FromHours(5.5)).ToUniversalTime();
        var instrument = new BrokerInstrument(TrimSeries(row.TradingSymbol), NullIfEmpty(row.Exchange), IsinOf(row.InstrumentToken), SecurityType.Stock);
        return new BrokerTrade(row.TradeId, NullIfEmpty(row.OrderId), instrument, side, row.Quantity, row.AveragePrice, executedAt);
    }

    private static bool IsEquity(UpstoxPosition p) =>
        p.InstrumentToken is { } token
            ? token.StartsWith("NSE_EQ|", StringComparison.OrdinalIgnoreCase) || token.StartsWith("BSE_EQ|", StringComparison.OrdinalIgnoreCase)
            : p.Exchange is "NSE" or "BSE";

    private static TransactionType? Side(string? value) => value?.ToUpperInvariant() switch
    {
        "BUY" or "B" => TransactionType.Buy,
        "SELL" or "S" => TransactionType.Sell,
        _ => null,
    };

    internal static DateOnly FinancialYearStart(DateOnly date) => new(date.Month >= 4 ? date.Year : date.Year - 1, 4, 1);

    /// <summary>"NSE_EQ|INE002A01018" → INE002A01018 (the v2 instrument key); older numeric tokens have no ISIN.</summary>
    private static string? IsinOf(string? instrumentToken)
    {
        var bar = instrumentToken?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (bar < 0) return null;
        var isin = instrumentToken![(bar + 1)..];
        return isin.Length == 12 && char.IsLetter(isin[0]) && char.IsLetter(isin[1]) ? isin : null;
    }

    /// <summary>Order and trade books name NSE equity "GMRINFRA-EQ"; holdings and Spark name it GMRINFRA.</summary>
    private static string TrimSeries(string symbol) => symbol.EndsWith("-EQ", StringComparison.OrdinalIgnoreCase) ? symbol[..^3] : symbol;

    private static string Key(BrokerInstrument instrument) => instrument.Isin ?? $"{instrument.Exchange}:{instrument.Symbol}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static BrokerResult<T> Malformed<T>(string what) => BrokerResult<T>.Fail(BrokerFailureKind.Malformed, $"Upstox's answer was not as documented: {what}.");

    private async Task<BrokerResult<UpstoxEnvelope<T>>> GetAsync<T>(BrokerSession session, string path, string what, CancellationToken cancellationToken)
        where T : class
    {
        if (string.IsNullOrEmpty(session.AccessToken))
        {
            return BrokerResult<UpstoxEnvelope<T>>.Fail(BrokerFailureKind.AuthExpired, "There is no Upstox token: connect Upstox again.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var answer = await SendAsync<UpstoxEnvelope<T>>(request, what, tokenCall: false, enveloped: true, cancellationToken);
        if (answer.Failure is { } failure) return failure;
        return answer.Value!.Data is null
            ? Malformed<UpstoxEnvelope<T>>($"the {what} answer had no data")
            : answer;
    }

    private async Task<BrokerResult<T>> SendAsync<T>(HttpRequestMessage request, string what, bool tokenCall, bool enveloped, CancellationToken cancellationToken)
        where T : class
    {
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
            return BrokerResult<T>.Fail(BrokerFailureKind.Unavailable, $"Upstox did not answer the {what} call in time or refused the connection; Spark will try again later.");
        }

        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutRejectedException)
            {
                LogUnreachable(log, what, e.GetType().Name);
                return BrokerResult<T>.Fail(BrokerFailureKind.Unavailable, $"Upstox broke off its {what} answer; Spark will try again later.");
            }

            if (!response.IsSuccessStatusCode)
            {
                var failure = Failure(response, body, what, tokenCall);
                LogFailure(log, what, (int)response.StatusCode, failure.Kind);
                return failure;
            }

            try
            {
                var value = JsonSerializer.Deserialize<T>(body, Json);
                if (value is null) return Malformed<T>($"the {what} answer was empty");
                if (enveloped && value is IUpstoxStatus { Status: not "success" }) return Malformed<T>($"the {what} answer's status was not success");
                return BrokerResult<T>.Ok(value);
            }
            catch (JsonException)
            {
                LogFailure(log, what, (int)response.StatusCode, BrokerFailureKind.Malformed);
                return Malformed<T>($"the {what} answer was not JSON of the documented shape");
            }
        }
    }

    private static BrokerFailure Failure(HttpResponseMessage response, string body, string what, bool tokenCall)
    {
        var error = ErrorOf(body);
        var reason = error?.Message is { Length: > 0 } message ? $" ({error.ErrorCode}: {message})" : "";
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = BrokerHttp.RetryAfter(response);
            return new BrokerFailure(BrokerFailureKind.RateLimited, $"Upstox limited Spark's calls{reason}; try again later.", wait);
        }

        if (status >= 500) return new BrokerFailure(BrokerFailureKind.Unavailable, $"Upstox failed the {what} call (HTTP {status.ToString(CultureInfo.InvariantCulture)}); Spark will try again later.");
        if (tokenCall && status is >= 400 and < 500)
        {
            return new BrokerFailure(BrokerFailureKind.InvalidCredentials, $"Upstox refused the login code or the app's key and secret{reason}.");
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new BrokerFailure(BrokerFailureKind.AuthExpired, $"Upstox's session has ended{reason}: connect Upstox again.");
        }

        return new BrokerFailure(BrokerFailureKind.Malformed, $"Upstox rejected the {what} call (HTTP {status.ToString(CultureInfo.InvariantCulture)}){reason}.");
    }

    private static UpstoxError? ErrorOf(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<UpstoxEnvelope<JsonElement>>(body, Json)?.Errors?.FirstOrDefault();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Upstox {Call} call failed: HTTP {Status}, {Kind}")]
    private static partial void LogFailure(ILogger logger, string call, int status, BrokerFailureKind kind);

    [LoggerMessage(LogLevel.Warning, "Upstox {Call} call got no answer ({Reason})")]
    private static partial void LogUnreachable(ILogger logger, string call, string reason);

    [LoggerMessage(LogLevel.Debug, "Upstox {Source} trades page {Page}: {Count} trades")]
    private static partial void LogPage(ILogger logger, string source, int count, int page);
}
