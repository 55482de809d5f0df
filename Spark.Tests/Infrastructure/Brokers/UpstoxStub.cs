using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Web;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Spark.Tests.Infrastructure.Brokers;

/// <summary>
/// Upstox API v2 on a local port: the login dialog (302 back to redirect_uri with code and state), the token
/// exchange (form, one-time codes, bearer tokens it issued), long-term holdings, short-term positions, today's trades
/// and the paged historical trades, with Upstox's {"status":"error","errors":[…]} answers for each <see cref="StubFault"/>.
/// Trades dated before <see cref="Today"/> (India date of <see cref="Clock"/>) are history; trades of today are the day's trades.
/// </summary>
public sealed class UpstoxStub : IBrokerStub
{
    private readonly WireMockServer server;
    private readonly Lock gate = new();
    private readonly StubFaultGate faults = new();
    private readonly CancellationTokenSource disposed = new();
    private readonly ConcurrentDictionary<string, string> codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> tokens = new(StringComparer.Ordinal);
    private readonly List<StubHolding> holdings = [];
    private readonly List<StubPosition> positions = [];
    private readonly List<StubTrade> trades = [];
    private StubTrade[] sorted = [];
    private bool dirty;
    private int historicalCalls;

    /// <param name="clock">The clock that says which day is "today" (the app's: a test's TestClock, the bench's system clock).</param>
    public UpstoxStub(TimeProvider clock, string apiKey = "upstox-api-key-0001", string apiSecret = "upstox-api-secret-0001")
    {
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        ApiKey = apiKey;
        ApiSecret = apiSecret;
        server = WireMockServer.Start();
        BaseUrl = new Uri(server.Url!.TrimEnd('/') + "/");
        LoginUrl = new Uri(BaseUrl, "v2/login/authorization/dialog");
        server.Given(Request.Create().WithPath("/v2/login/authorization/dialog").UsingGet()).RespondWith(Response.Create().WithCallback(Dialog));
        server.Given(Request.Create().WithPath("/v2/login/authorization/token").UsingPost()).RespondWith(Response.Create().WithCallback(Token));
        Data("/v2/portfolio/long-term-holdings", _ => Ok(HoldingsJson()));
        Data("/v2/portfolio/short-term-positions", _ => Ok(PositionsJson()));
        Data("/v2/order/trades/get-trades-for-day", _ => Ok(DayTradesJson()));
        Data("/v2/charges/historical-trades", Historical, paged: true);
    }

    public Uri BaseUrl { get; }

    public Uri? LoginUrl { get; }

    public string ApiKey { get; }

    public string ApiSecret { get; }

    /// <summary>Whose "today" splits history from the day's trades (give it the app's clock).</summary>
    public TimeProvider Clock { get; set; }

    public DateOnly Today => IndiaTime.Today(Clock);

    public string UserId { get; set; } = "7AB123";

    public string UserName { get; set; } = "Asha Rao";

    /// <summary>How long a <see cref="StubFault.Timeout"/> answer takes (longer than the adapter's attempt timeout).</summary>
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(30);

    public int DataCalls => faults.DataCalls;

    /// <summary>Historical-trades pages answered with trades (normal and EndlessPaging answers; other faults are not counted).</summary>
    public int HistoricalCalls => Volatile.Read(ref historicalCalls);

    /// <summary>The (start_date, end_date, page_number) of every historical call, in order.</summary>
    public ConcurrentQueue<(DateOnly Start, DateOnly End, int Page)> HistoricalRequests { get; } = new();

    /// <summary>The tokens the stub issued (tests check they never reach logs or ToString()).</summary>
    public IReadOnlyCollection<string> IssuedTokens => [.. tokens.Keys];

    public void AddHolding(string symbol, string? isin, SecurityType type, decimal quantity, decimal averagePrice, decimal lastPrice) =>
        AddHolding(symbol, isin, quantity, 0m, averagePrice, lastPrice);

    /// <summary>A long-term holding with settled <paramref name="quantity"/> and unsettled <paramref name="t1Quantity"/>.</summary>
    public void AddHolding(string symbol, string? isin, decimal quantity, decimal t1Quantity, decimal averagePrice, decimal lastPrice, string exchange = "NSE")
    {
        lock (gate) holdings.Add(new StubHolding(symbol, isin, exchange, quantity, t1Quantity, averagePrice, lastPrice));
    }

    /// <summary>A short-term position (product D delivery, I intraday): overnight quantity plus the day's buys and sells.</summary>
    public void AddPosition(string symbol, string? isin, string product, decimal overnightQuantity, decimal dayBuyQuantity, decimal dayBuyPrice,
        decimal daySellQuantity = 0m, decimal lastPrice = 0m, string exchange = "NSE")
    {
        lock (gate) positions.Add(new StubPosition(symbol, isin, exchange, product, overnightQuantity, dayBuyQuantity, dayBuyPrice, daySellQuantity, lastPrice));
    }

    public void AddTrade(string tradeId, string symbol, string? isin, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt)
    {
        var trade = new StubTrade(tradeId, symbol, isin, side, quantity, price, executedAt, DateOnly.FromDateTime(IndiaTime.ToIst(executedAt).DateTime));
        lock (gate)
        {
            trades.Add(trade);
            dirty = true;
        }
    }

    /// <summary>Issues a one-time code as the dialog would (for tests that skip the redirect).</summary>
    public string IssueCode(Uri redirectUri)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        var code = "code-" + Guid.NewGuid().ToString("N")[..12];
        codes[code] = redirectUri.ToString();
        return code;
    }

    /// <summary>Forgets every token it issued: the next data call gets 401 UDAPI100050.</summary>
    public void RevokeTokens() => tokens.Clear();

    public void FailWith(StubFault fault, int afterCalls = 0) => faults.Arm(fault, afterCalls, times: -1);

    /// <summary>The next <paramref name="times"/> data calls answer with <paramref name="fault"/>, then the stub answers normally.</summary>
    public void FailTimes(StubFault fault, int times) => faults.Arm(fault, 0, times);

    public void Dispose()
    {
        disposed.Cancel();
        server.Stop();
        server.Dispose();
        disposed.Dispose();
    }

    private void Data(string path, Func<IRequestMessage, IResponseMessage> answer, bool paged = false) =>
        server.Given(Request.Create().WithPath(path).UsingGet()).RespondWith(Response.Create().WithCallback(req => DataAsync(req, answer, paged)));

    private async Task<IResponseMessage> DataAsync(IRequestMessage req, Func<IRequestMessage, IResponseMessage> answer, bool paged)
    {
        var auth = StubHttp.Header(req, "Authorization");
        if (auth is null || !auth.StartsWith("Bearer ", StringComparison.Ordinal) || !tokens.ContainsKey(auth["Bearer ".Length..]))
        {
            return Error(401, "UDAPI100050", "Invalid token used to access API");
        }

        switch (faults.Next())
        {
            case StubFault.ExpiredToken: return Error(401, "UDAPI100050", "Invalid token used to access API");
            case StubFault.RateLimited: return StubHttp.Json(429, ErrorBody("UDAPI10005", "Too Many Request Sent"), ("Retry-After", "120"));
            case StubFault.ServerError: return Error(503, "UDAPI100500", "Something went wrong, please try again later");
            case StubFault.Malformed: return StubHttp.Json(200, "<html><body>Service temporarily unavailable</body></html>");
            case StubFault.Timeout:
                await Task.Delay(TimeoutDelay, disposed.Token).ConfigureAwait(false);
                return answer(req);
            case StubFault.EndlessPaging when paged: return Endless(req);
            default: return answer(req);
        }
    }

    private IResponseMessage Dialog(IRequestMessage req)
    {
        var clientId = StubHttp.Query(req, "client_id");
        var redirect = StubHttp.Query(req, "redirect_uri");
        if (clientId != ApiKey || string.IsNullOrEmpty(redirect) || StubHttp.Query(req, "response_type") != "code")
        {
            return Error(400, "UDAPI100069", "Check your 'client_id' and 'redirect_uri'; one or both are incorrect.");
        }

        var code = IssueCode(new Uri(redirect));
        var state = StubHttp.Query(req, "state") ?? "";
        var location = redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") +
                       $"code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}";
        return StubHttp.Redirect(location);
    }

    private IResponseMessage Token(IRequestMessage req)
    {
        var form = HttpUtility.ParseQueryString(req.Body ?? "");
        if (form["grant_type"] != "authorization_code" || form["client_id"] != ApiKey || form["client_secret"] != ApiSecret)
        {
            return Error(401, "UDAPI100016", "Invalid Credentials");
        }

        if (form["code"] is not { } code || !codes.TryRemove(code, out var redirect) || redirect != form["redirect_uri"])
        {
            return Error(400, "UDAPI100057", "Invalid Auth code");
        }

        var token = "upstox-token-" + Guid.NewGuid().ToString("N");
        tokens[token] = true;
        return StubHttp.Json(200, JsonSerializer.Serialize(new
        {
            email = "asha@example.com",
            exchanges = new[] { "NSE", "BSE" },
            products = new[] { "D", "I" },
            broker = "UPSTOX",
            user_id = UserId,
            user_name = UserName,
            order_types = new[] { "MARKET", "LIMIT" },
            user_type = "individual",
            poa = false,
            is_active = true,
            access_token = token,
            extended_token = (string?)null,
        }));
    }

    private string HoldingsJson()
    {
        lock (gate)
        {
            return Success(holdings.Select(h => new
            {
                isin = h.Isin ?? "",
                cnc_used_quantity = 0,
                collateral_type = "WC",
                company_name = h.Symbol + " LTD.",
                haircut = 0.2m,
                product = "D",
                quantity = h.Quantity,
                trading_symbol = h.Symbol,
                tradingsymbol = h.Symbol,
                last_price = h.LastPrice,
                close_price = h.LastPrice,
                pnl = (h.LastPrice - h.AveragePrice) * (h.Quantity + h.T1Quantity),
                day_change = 0,
                day_change_percentage = 0,
                instrument_token = $"{h.Exchange}_EQ|{h.Isin}",
                average_price = h.AveragePrice,
                collateral_quantity = 0,
                collateral_update_quantity = 0,
                t1_quantity = h.T1Quantity,
                exchange = h.Exchange,
            }));
        }
    }

    private string PositionsJson()
    {
        lock (gate)
        {
            return Success(positions.Select(p => new
            {
                exchange = p.Exchange,
                multiplier = 1.0m,
                value = 0m,
                pnl = 0m,
                product = p.Product,
                instrument_token = $"{p.Exchange}_EQ|{p.Isin}",
                // As in the documented example, a position opened today has "average_price": null.
                average_price = p.OvernightQuantity == 0 ? (decimal?)null : p.DayBuyPrice,
                buy_value = p.DayBuyQuantity * p.DayBuyPrice,
                overnight_quantity = p.OvernightQuantity,
                day_buy_value = p.DayBuyQuantity * p.DayBuyPrice,
                day_buy_price = p.DayBuyPrice,
                overnight_buy_amount = 0m,
                overnight_buy_quantity = p.OvernightQuantity,
                day_buy_quantity = p.DayBuyQuantity,
                day_sell_value = 0m,
                day_sell_price = 0m,
                overnight_sell_amount = 0m,
                overnight_sell_quantity = 0,
                day_sell_quantity = p.DaySellQuantity,
                quantity = p.OvernightQuantity + p.DayBuyQuantity - p.DaySellQuantity,
                last_price = p.LastPrice,
                unrealised = 0m,
                realised = 0m,
                sell_value = 0m,
                tradingsymbol = p.Symbol,
                trading_symbol = p.Symbol,
                close_price = p.LastPrice,
                buy_price = p.DayBuyPrice,
                sell_price = 0m,
            }));
        }
    }

    private string DayTradesJson()
    {
        var today = Today;
        var rows = Sorted().Where(t => t.Date == today).Select(t => new
        {
            exchange = "NSE",
            product = "D",
            trading_symbol = t.Symbol + "-EQ",
            tradingsymbol = t.Symbol + "-EQ",
            instrument_token = $"NSE_EQ|{t.Isin}",
            order_type = "MARKET",
            transaction_type = t.Side == TransactionType.Sell ? "SELL" : "BUY",
            quantity = t.Quantity,
            exchange_order_id = "1" + t.TradeId,
            order_id = "O" + t.TradeId,
            exchange_timestamp = IndiaTime.ToIst(t.ExecutedAt).ToString("dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture),
            average_price = t.Price,
            trade_id = t.TradeId,
            order_ref_id = (string?)null,
            order_timestamp = IndiaTime.ToIst(t.ExecutedAt).ToString("dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture),
        });
        return Success(rows);
    }

    private IResponseMessage Historical(IRequestMessage req)
    {
        Interlocked.Increment(ref historicalCalls);
        if (!TryRange(req, out var start, out var end, out var pageNumber, out var pageSize))
        {
            return Error(400, "UDAPI1000", "Invalid start_date, end_date, page_number or page_size");
        }

        HistoricalRequests.Enqueue((start, end, pageNumber));
        var all = Sorted();
        var first = LowerBound(all, start);
        var last = LowerBound(all, end.AddDays(1));
        var today = Today;
        while (last > first && all[last - 1].Date >= today) last--;
        var count = Math.Max(0, last - first);
        var totalPages = (count + pageSize - 1) / pageSize;
        var skip = (pageNumber - 1) * pageSize;
        var page = all.Skip(first + skip).Take(Math.Max(0, Math.Min(pageSize, count - skip)));
        return StubHttp.Json(200, HistoricalBody(page, pageNumber, pageSize, count, totalPages));
    }

    private IResponseMessage Endless(IRequestMessage req)
    {
        Interlocked.Increment(ref historicalCalls);
        if (!TryRange(req, out var start, out var end, out var pageNumber, out var pageSize)) return Error(400, "UDAPI1000", "Invalid request");
        HistoricalRequests.Enqueue((start, end, pageNumber));
        // The same first page again and again, always with one more page to come.
        var page = Sorted().Take(pageSize).ToList();
        if (page.Count == 0)
        {
            page = [new StubTrade("999999", "LOOP", "INE000000000", TransactionType.Buy, 1, 1, new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), start)];
        }

        return StubHttp.Json(200, HistoricalBody(page, pageNumber, pageSize, (pageNumber + 1) * pageSize, pageNumber + 1));
    }

    private static bool TryRange(IRequestMessage req, out DateOnly start, out DateOnly end, out int pageNumber, out int pageSize)
    {
        end = default;
        pageNumber = 0;
        pageSize = 0;
        return DateOnly.TryParseExact(StubHttp.Query(req, "start_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out start)
               & DateOnly.TryParseExact(StubHttp.Query(req, "end_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out end)
               & int.TryParse(StubHttp.Query(req, "page_number"), NumberStyles.Integer, CultureInfo.InvariantCulture, out pageNumber)
               & int.TryParse(StubHttp.Query(req, "page_size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize)
               && pageNumber >= 1 && pageSize >= 1 && end >= start;
    }

    private static string HistoricalBody(IEnumerable<StubTrade> page, int pageNumber, int pageSize, int totalRecords, int totalPages) =>
        JsonSerializer.Serialize(new
        {
            status = "success",
            data = page.Select(t => new
            {
                exchange = "NSE",
                segment = "EQ",
                option_type = "",
                quantity = t.Quantity,
                amount = t.Quantity * t.Price,
                trade_id = t.TradeId,
                trade_date = t.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                transaction_type = t.Side == TransactionType.Sell ? "SELL" : "BUY",
                scrip_name = t.Symbol,
                strike_price = "0.0",
                expiry = "",
                price = t.Price,
                isin = t.Isin,
                symbol = t.Symbol,
                instrument_token = $"NSE_EQ|{t.Isin}",
            }),
            errors = (object?)null,
            meta_data = new { page = new { page_number = pageNumber, page_size = pageSize, total_records = totalRecords, total_pages = totalPages } },
        });

    private StubTrade[] Sorted()
    {
        lock (gate)
        {
            if (dirty)
            {
                sorted = [.. trades.OrderBy(t => t.Date).ThenBy(t => t.ExecutedAt).ThenBy(t => t.TradeId, StringComparer.Ordinal)];
                dirty = false;
            }

            return sorted;
        }
    }

    private static int LowerBound(StubTrade[] all, DateOnly date)
    {
        int lo = 0, hi = all.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (all[mid].Date < date) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    private static string Success<T>(IEnumerable<T> data) => JsonSerializer.Serialize(new { status = "success", data });

    private static IResponseMessage Ok(string body) => StubHttp.Json(200, body);

    private static string ErrorBody(string code, string message) => JsonSerializer.Serialize(new
    {
        status = "error",
        errors = new[] { new { errorCode = code, message, propertyPath = (string?)null, invalidValue = (string?)null, error_code = code, property_path = (string?)null, invalid_value = (string?)null } },
    });

    private static IResponseMessage Error(int status, string code, string message) => StubHttp.Json(status, ErrorBody(code, message));

    private sealed record StubHolding(string Symbol, string? Isin, string Exchange, decimal Quantity, decimal T1Quantity, decimal AveragePrice, decimal LastPrice);

    private sealed record StubPosition(string Symbol, string? Isin, string Exchange, string Product, decimal OvernightQuantity, decimal DayBuyQuantity,
        decimal DayBuyPrice, decimal DaySellQuantity, decimal LastPrice);

    private sealed record StubTrade(string TradeId, string Symbol, string? Isin, TransactionType Side, decimal Quantity, decimal Price, DateTimeOffset ExecutedAt,
        DateOnly Date);
}

/// <summary>Which data call a stub answers with its armed fault.</summary>
internal sealed class StubFaultGate
{
    private readonly Lock gate = new();
    private StubFault fault;
    private int after;
    private int okSinceArmed;
    private int times;
    private int dataCalls;

    public int DataCalls => Volatile.Read(ref dataCalls);

    public void Arm(StubFault value, int afterCalls, int times)
    {
        lock (gate)
        {
            fault = value;
            after = afterCalls;
            okSinceArmed = 0;
            this.times = times;
        }
    }

    /// <summary>Counts a data call and says which fault (if any) it gets.</summary>
    public StubFault Next()
    {
        lock (gate)
        {
            dataCalls++;
            if (fault == StubFault.None) return StubFault.None;
            if (okSinceArmed < after)
            {
                okSinceArmed++;
                return StubFault.None;
            }

            var current = fault;
            if (times > 0 && --times == 0) fault = StubFault.None;
            return current;
        }
    }
}

/// <summary>WireMock answers and request reading shared by the stub brokers.</summary>
internal static class StubHttp
{
    public static IResponseMessage Json(int status, string body, params (string Name, string Value)[] headers)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            Headers = new Dictionary<string, WireMockList<string>>(StringComparer.OrdinalIgnoreCase),
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "application/json;charset=utf-8");
        foreach (var (name, value) in headers) response.AddHeader(name, value);
        return response;
    }

    public static IResponseMessage Redirect(string location)
    {
        var response = new ResponseMessage { StatusCode = 302, Headers = new Dictionary<string, WireMockList<string>>(StringComparer.OrdinalIgnoreCase) };
        response.AddHeader("Location", location);
        return response;
    }

    public static string? Query(IRequestMessage req, string name) =>
        req.Query is { } query && query.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

    public static string? Header(IRequestMessage req, string name) =>
        req.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}
