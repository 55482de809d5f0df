using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
/// A Kite Connect v3 stub (WireMock.Net on a free localhost port) answering the shapes of the Kite docs and the
/// official mocks (zerodha/kiteconnect-mocks): <c>GET /connect/login</c> (302 to <see cref="CallbackUrl"/> with
/// request_token, action=login, status=success and the decoded redirect_params), <c>POST /session/token</c>
/// (checks api_key, a request token it issued, once, and checksum = SHA-256(api_key + request_token + api_secret)),
/// and the data calls <c>GET /portfolio/holdings</c>, <c>/portfolio/positions</c>, <c>/mf/holdings</c>, <c>/trades</c>,
/// which need <c>X-Kite-Version: 3</c> and <c>Authorization: token api_key:access_token</c>.
/// </summary>
/// <remarks>
/// <para>Errors are Kite's: <c>{"status":"error","message":…,"error_type":…}</c> with 403 TokenException for a bad or
/// expired token or checksum, 400 InputException for a bad key or missing version header.</para>
/// <para><c>/trades</c> returns every seeded trade whatever its date (a stub's "today" is whatever the test seeds).
/// <see cref="StubFault.ExpiredToken"/> revokes the access tokens issued so far (they stay dead after
/// <c>FailWith(None)</c>); logging in again issues a fresh one. Kite has no paged endpoint, so
/// <see cref="StubFault.EndlessPaging"/> answers normally.</para>
/// </remarks>
public sealed class KiteStub : IBrokerStub
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    private readonly WireMockServer server;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<Dictionary<string, object?>> holdings = [];
    private readonly List<Dictionary<string, object?>> funds = [];
    private readonly List<Dictionary<string, object?>> positions = [];
    private readonly List<Dictionary<string, object?>> trades = [];
    private readonly HashSet<string> requestTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> accessTokens = new(StringComparer.Ordinal);
    private StubFault fault;
    private int passesBeforeFault;
    private StubFault nextFault;
    private int nextFaultTimes;
    private int dataCalls;

    public KiteStub(string apiKey = "kitestubkey01", string apiSecret = "kitestubsecret0123456789")
    {
        ApiKey = apiKey;
        ApiSecret = apiSecret;
        server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/connect/login").UsingGet())
            .RespondWith(Response.Create().WithCallback(Login));
        server.Given(Request.Create().WithPath("/session/token").UsingPost())
            .RespondWith(Response.Create().WithCallback(SessionToken));
        server.Given(Request.Create().WithPath("/portfolio/holdings").UsingGet())
            .RespondWith(Response.Create().WithCallback(req => DataAsync(req, () => Snapshot(holdings))));
        server.Given(Request.Create().WithPath("/portfolio/positions").UsingGet())
            .RespondWith(Response.Create().WithCallback(req => DataAsync(req, () => new { net = Snapshot(positions), day = Snapshot(positions) })));
        server.Given(Request.Create().WithPath("/mf/holdings").UsingGet())
            .RespondWith(Response.Create().WithCallback(req => DataAsync(req, () => Snapshot(funds))));
        server.Given(Request.Create().WithPath("/trades").UsingGet())
            .RespondWith(Response.Create().WithCallback(req => DataAsync(req, () => Snapshot(trades))));
    }

    /// <summary>The API root (<c>Spark:Brokers:Zerodha:BaseUrl</c>).</summary>
    public Uri BaseUrl => new(server.Url + "/");

    /// <summary>The login page (<c>Spark:Brokers:Zerodha:LoginUrl</c>).</summary>
    public Uri LoginUrl => new(server.Url + "/connect/login");

    Uri? IBrokerStub.LoginUrl => LoginUrl;

    /// <summary>The redirect URL "registered" for the app: where the login page sends the investor back.</summary>
    public Uri? CallbackUrl { get; set; }

    public string ApiKey { get; }

    public string ApiSecret { get; }

    /// <summary>The account the session answer names.</summary>
    public string UserId { get; set; } = "ZX1234";

    public string UserName { get; set; } = "Stub Investor";

    /// <summary>How long a <see cref="StubFault.Timeout"/> answer is held back (longer than the adapter's attempt timeout).</summary>
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The checksum the last <c>POST /session/token</c> carried.</summary>
    public string? LastChecksum { get; private set; }

    /// <summary>The access token issued last.</summary>
    public string? LastAccessToken { get; private set; }

    public int DataCalls => Volatile.Read(ref dataCalls);

    /// <summary>Issues a request token as a successful login would (for tests that skip the redirect).</summary>
    public string IssueRequestToken()
    {
        lock (gate)
        {
            var token = "rt" + Random(24);
            requestTokens.Add(token);
            return token;
        }
    }

    /// <summary>Stocks and ETFs go to portfolio/holdings (on NSE, no T1 units); mutual funds to mf/holdings, keyed by ISIN.</summary>
    public void AddHolding(string symbol, string? isin, SecurityType type, decimal quantity, decimal averagePrice, decimal lastPrice)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        if (type == SecurityType.MutualFund)
        {
            AddMutualFund(isin ?? symbol, symbol, quantity, averagePrice, lastPrice);
            return;
        }

        AddHolding(symbol, isin, quantity, 0m, averagePrice, lastPrice);
    }

    /// <summary>A portfolio/holdings row: <paramref name="quantity"/> settled units and <paramref name="t1Quantity"/> units awaiting delivery.</summary>
    public void AddHolding(string symbol, string? isin, decimal quantity, decimal t1Quantity, decimal averagePrice, decimal lastPrice, string exchange = "NSE")
    {
        var row = new Dictionary<string, object?>
        {
            ["tradingsymbol"] = symbol,
            ["exchange"] = exchange,
            ["instrument_token"] = 100_000 + holdings.Count,
            ["isin"] = isin ?? "",
            ["product"] = "CNC",
            ["price"] = 0,
            ["quantity"] = quantity,
            ["used_quantity"] = 0,
            ["t1_quantity"] = t1Quantity,
            ["realised_quantity"] = quantity,
            ["authorised_quantity"] = 0,
            ["authorised_date"] = "2026-01-01 00:00:00",
            ["opening_quantity"] = quantity,
            ["collateral_quantity"] = 0,
            ["collateral_type"] = "",
            ["discrepancy"] = false,
            ["average_price"] = averagePrice,
            ["last_price"] = lastPrice,
            ["close_price"] = lastPrice,
            ["pnl"] = (lastPrice - averagePrice) * (quantity + t1Quantity),
            ["day_change"] = 0,
            ["day_change_percentage"] = 0,
        };
        lock (gate) holdings.Add(row);
    }

    /// <summary>An mf/holdings row (tradingsymbol is the scheme's ISIN).</summary>
    public void AddMutualFund(string isin, string fund, decimal quantity, decimal averagePrice, decimal lastPrice, string folio = "1234567890")
    {
        var row = new Dictionary<string, object?>
        {
            ["folio"] = folio,
            ["fund"] = fund,
            ["tradingsymbol"] = isin,
            ["average_price"] = averagePrice,
            ["last_price"] = lastPrice,
            ["last_price_date"] = "",
            ["pledged_quantity"] = 0,
            ["pnl"] = 0,
            ["quantity"] = quantity,
        };
        lock (gate) funds.Add(row);
    }

    /// <summary>
    /// A portfolio/positions row (served as both <c>net</c> and <c>day</c>): <paramref name="quantity"/> is the net
    /// quantity, <paramref name="overnightQuantity"/> what was carried from yesterday. A CNC buy today is (symbol,
    /// "NSE", "CNC", 5, 0, …); a sale today from holdings is quantity −5.
    /// </summary>
    public void AddPosition(string symbol, string exchange, string product, decimal quantity, decimal overnightQuantity, decimal averagePrice,
        decimal lastPrice)
    {
        var today = quantity - overnightQuantity;
        var row = new Dictionary<string, object?>
        {
            ["tradingsymbol"] = symbol,
            ["exchange"] = exchange,
            ["instrument_token"] = 200_000 + positions.Count,
            ["product"] = product,
            ["quantity"] = quantity,
            ["overnight_quantity"] = overnightQuantity,
            ["multiplier"] = 1,
            ["average_price"] = averagePrice,
            ["close_price"] = 0,
            ["last_price"] = lastPrice,
            ["value"] = -quantity * averagePrice,
            ["pnl"] = 0,
            ["m2m"] = 0,
            ["unrealised"] = 0,
            ["realised"] = 0,
            ["buy_quantity"] = Math.Max(today, 0m),
            ["buy_price"] = today > 0m ? averagePrice : 0m,
            ["sell_quantity"] = Math.Max(-today, 0m),
            ["sell_price"] = today < 0m ? averagePrice : 0m,
            ["day_buy_quantity"] = Math.Max(today, 0m),
            ["day_buy_price"] = today > 0m ? averagePrice : 0m,
            ["day_sell_quantity"] = Math.Max(-today, 0m),
            ["day_sell_price"] = today < 0m ? averagePrice : 0m,
        };
        lock (gate) positions.Add(row);
    }

    /// <summary>A /trades row on NSE, product CNC, order id derived from the trade id. <paramref name="isin"/> is not part of Kite's trade rows.</summary>
    public void AddTrade(string tradeId, string symbol, string? isin, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt) =>
        AddTrade(tradeId, symbol, side, quantity, price, executedAt);

    /// <summary>A /trades row; times are printed in IST ("yyyy-MM-dd HH:mm:ss") as Kite does.</summary>
    public void AddTrade(string tradeId, string symbol, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt,
        string? orderId = null, string exchange = "NSE", string product = "CNC")
    {
        ArgumentNullException.ThrowIfNull(tradeId);
        if (side is not (TransactionType.Buy or TransactionType.Sell)) throw new ArgumentOutOfRangeException(nameof(side), side, "Buy or Sell.");
        var ist = IndiaTime.ToIst(executedAt);
        var stamp = ist.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var row = new Dictionary<string, object?>
        {
            ["trade_id"] = tradeId,
            ["order_id"] = orderId ?? "2" + tradeId.PadLeft(14, '0'),
            ["exchange"] = exchange,
            ["tradingsymbol"] = symbol,
            ["instrument_token"] = 300_000,
            ["product"] = product,
            ["average_price"] = price,
            ["quantity"] = quantity,
            ["exchange_order_id"] = "3" + tradeId.PadLeft(14, '0'),
            ["transaction_type"] = side == TransactionType.Buy ? "BUY" : "SELL",
            ["fill_timestamp"] = stamp,
            ["order_timestamp"] = ist.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            ["exchange_timestamp"] = stamp,
        };
        lock (gate) trades.Add(row);
    }

    /// <summary>Data calls after the next <paramref name="afterCalls"/> successful ones answer <paramref name="fault"/> until changed (None restores).</summary>
    public void FailWith(StubFault fault, int afterCalls = 0)
    {
        lock (gate)
        {
            this.fault = fault;
            passesBeforeFault = Math.Max(0, afterCalls);
        }
    }

    /// <summary>The next <paramref name="times"/> data calls answer <paramref name="fault"/>, then the stub answers normally (a 503 the pipeline retries past).</summary>
    public void FailNext(StubFault fault, int times = 1)
    {
        lock (gate)
        {
            nextFault = fault;
            nextFaultTimes = Math.Max(0, times);
        }
    }

    /// <summary>Revokes every access token issued so far (Kite's 06:00 expiry); the next login issues a fresh one.</summary>
    public void ExpireAccessTokens()
    {
        lock (gate) accessTokens.Clear();
    }

    public void Dispose()
    {
        stopping.Cancel();
        server.Stop();
        server.Dispose();
        stopping.Dispose();
    }

    private ResponseMessage Login(IRequestMessage request)
    {
        var query = ParseQuery(new Uri(request.AbsoluteUrl).Query.TrimStart('?'));
        if (!query.TryGetValue("api_key", out var key) || key != ApiKey || !query.TryGetValue("v", out var version) || version != "3")
        {
            return Text(400, "text/html", "<html><body>Invalid `api_key` or version.</body></html>");
        }

        if (CallbackUrl is not { } callback)
        {
            return Text(400, "text/html", "<html><body>No redirect URL is registered for this app.</body></html>");
        }

        var token = IssueRequestToken();
        var location = callback.ToString();
        location += (callback.Query.Length > 1 ? "&" : "?") + $"request_token={token}&action=login&status=success";
        if (query.TryGetValue("redirect_params", out var redirectParams) && redirectParams.Length > 0) location += "&" + redirectParams;
        var response = Text(302, "text/html", "");
        response.AddHeader("Location", location);
        return response;
    }

    private ResponseMessage SessionToken(IRequestMessage request)
    {
        if (Header(request, "X-Kite-Version") != "3") return Error(400, "InputException", "Missing or invalid X-Kite-Version header.");
        var form = ParseQuery(request.Body ?? "");
        form.TryGetValue("api_key", out var key);
        form.TryGetValue("request_token", out var requestToken);
        form.TryGetValue("checksum", out var checksum);
        lock (gate)
        {
            LastChecksum = checksum;
            if (string.IsNullOrEmpty(key) || key != ApiKey) return Error(400, "InputException", "Invalid `api_key`.");
            if (string.IsNullOrEmpty(requestToken) || !requestTokens.Contains(requestToken)) return Error(403, "TokenException", "Token is invalid or has expired.");
            var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey + requestToken + ApiSecret)));
            if (checksum != expected) return Error(403, "TokenException", "Invalid `checksum`.");
            requestTokens.Remove(requestToken);
            var accessToken = "at" + Random(32);
            accessTokens.Add(accessToken);
            LastAccessToken = accessToken;
            var data = new Dictionary<string, object?>
            {
                ["user_type"] = "individual",
                ["email"] = "stub@example.invalid",
                ["user_name"] = UserName,
                ["user_shortname"] = UserName.Split(' ')[0],
                ["broker"] = "ZERODHA",
                ["exchanges"] = new[] { "NSE", "BSE", "MF" },
                ["products"] = new[] { "CNC", "MIS", "NRML" },
                ["order_types"] = new[] { "MARKET", "LIMIT", "SL", "SL-M" },
                ["avatar_url"] = null,
                ["user_id"] = UserId,
                ["api_key"] = ApiKey,
                ["access_token"] = accessToken,
                ["public_token"] = "pt" + Random(16),
                ["enctoken"] = "",
                ["refresh_token"] = "",
                ["silo"] = "",
                ["login_time"] = "2026-01-01 09:00:00",
                ["meta"] = new { demat_consent = "physical" },
            };
            return Success(data);
        }
    }

    private async Task<IResponseMessage> DataAsync(IRequestMessage request, Func<object> data)
    {
        StubFault answer;
        lock (gate)
        {
            dataCalls++;
            if (Header(request, "X-Kite-Version") != "3") return Error(400, "InputException", "Missing or invalid X-Kite-Version header.");
            var auth = Header(request, "Authorization") ?? "";
            var prefix = $"token {ApiKey}:";
            if (!auth.StartsWith(prefix, StringComparison.Ordinal) || !accessTokens.Contains(auth[prefix.Length..]))
            {
                return Error(403, "TokenException", "Incorrect `api_key` or `access_token`.");
            }

            if (nextFaultTimes > 0)
            {
                nextFaultTimes--;
                answer = nextFault;
            }
            else if (fault != StubFault.None && passesBeforeFault == 0)
            {
                answer = fault;
            }
            else
            {
                if (fault != StubFault.None) passesBeforeFault--;
                answer = StubFault.None;
            }

            if (answer == StubFault.ExpiredToken) accessTokens.Clear();
        }

        switch (answer)
        {
            case StubFault.ExpiredToken:
                return Error(403, "TokenException", "Incorrect `api_key` or `access_token`.");
            case StubFault.RateLimited:
                var limited = Error(429, "NetworkException", "Too many requests");
                limited.AddHeader("Retry-After", "120");
                return limited;
            case StubFault.ServerError:
                return Error(503, "NetworkException", "Service unavailable. Please try again later.");
            case StubFault.Malformed:
                return Text(200, "application/json", "{\"status\":\"success\",\"data\":[{\"tradingsymbol\":");
            case StubFault.Timeout:
                try
                {
                    await Task.Delay(TimeoutDelay, stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // The stub is being disposed.
                }

                break;
        }

        lock (gate) return Success(data());
    }

    private static List<Dictionary<string, object?>> Snapshot(List<Dictionary<string, object?>> rows) => [.. rows];

    private static ResponseMessage Success(object data) =>
        Text(200, "application/json", JsonSerializer.Serialize(new Dictionary<string, object?> { ["status"] = "success", ["data"] = data }, Json));

    private static ResponseMessage Error(int status, string errorType, string message) =>
        Text(status, "application/json", JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["status"] = "error",
            ["message"] = message,
            ["data"] = null,
            ["error_type"] = errorType,
        }, Json));

    private static ResponseMessage Text(int status, string contentType, string body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", contentType + "; charset=utf-8");
        return response;
    }

    internal static string? Header(IRequestMessage request, string name)
    {
        if (request.Headers is null) return null;
        foreach (var (key, values) in request.Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return values.Count > 0 ? values[0] : null;
        }

        return null;
    }

    /// <summary>A form body or query string, decoded once ("+" is a space).</summary>
    internal static Dictionary<string, string> ParseQuery(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((at < 0 ? pair : pair[..at]).Replace('+', ' '));
            var value = at < 0 ? "" : Uri.UnescapeDataString(pair[(at + 1)..].Replace('+', ' '));
            result[key] = value;
        }

        return result;
    }

    private static string Random(int length) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((length + 1) / 2))[..length];
}
