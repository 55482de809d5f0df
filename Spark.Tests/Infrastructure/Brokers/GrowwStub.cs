using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Spark.Tests.Infrastructure.Brokers;

/// <summary>
/// A Groww Trade API stub (WireMock.Net on a free localhost port) answering the shapes of the Groww docs
/// (groww.in/trade-api/docs/curl: Introduction, Portfolio, Orders): <c>POST /v1/token/api/access</c> (Bearer API key;
/// JSON key_type "approval", timestamp, checksum = SHA-256(secret + timestamp)) → <c>{token, tokenRefId, sessionName,
/// expiry, isActive}</c>; <c>GET /v1/holdings/user</c>, <c>GET /v1/order/list</c> (segment, page, page_size) and
/// <c>GET /v1/order/trades/{groww_order_id}</c> (segment, page, page_size), which need <c>Authorization: Bearer
/// token</c>, <c>Accept: application/json</c> and <c>X-API-VERSION: 1.0</c> and answer
/// <c>{"status":"SUCCESS","payload":…}</c> or <c>{"status":"FAILURE","error":{"code","message"}}</c>.
/// </summary>
/// <remarks>
/// <para>Seeded trades are grouped into orders by (symbol, side, India date) unless an order id is given, so a bench
/// of 10,000 fills needs far fewer trade-list calls than one order per fill. The order list serves every seeded
/// order (a stub's "today" is whatever the test seeds), in the order seeded.</para>
/// <para>The token endpoint's error answers are not documented; the stub answers 401 GA005 for a wrong key or checksum.
/// <see cref="StubFault.ExpiredToken"/> answers 401 GA005 and revokes the tokens issued so far; connecting again
/// issues a fresh one. <see cref="StubFault.EndlessPaging"/> makes the order list serve the same full page of (open)
/// orders for every page number.</para>
/// </remarks>
public sealed class GrowwStub : IBrokerStub
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    private readonly WireMockServer server;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<Dictionary<string, object?>> holdings = [];
    private readonly List<Order> orders = [];
    private readonly Dictionary<string, Order> ordersById = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Symbol, TransactionType Side, DateOnly Day), Order> orderGroups = [];
    private readonly HashSet<string> accessTokens = new(StringComparer.Ordinal);
    private StubFault fault;
    private int passesBeforeFault;
    private StubFault nextFault;
    private int nextFaultTimes;
    private int dataCalls;

    public GrowwStub(string apiKey = "growwstubkey01", string apiSecret = "growwstubsecret0123456789")
    {
        ApiKey = apiKey;
        ApiSecret = apiSecret;
        server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/token/api/access").UsingPost())
            .RespondWith(Response.Create().WithCallback(Token));
        server.Given(Request.Create().WithPath("/v1/holdings/user").UsingGet())
            .RespondWith(Response.Create().WithCallback(req => DataAsync(req, _ => new Dictionary<string, object?> { ["holdings"] = Snapshot() })));
        server.Given(Request.Create().WithPath("/v1/order/list").UsingGet())
            .RespondWith(Response.Create().WithCallback(req => DataAsync(req, endless => OrderList(req, endless))));
        server.Given(Request.Create().WithPath(new WildcardMatcher("/v1/order/trades/*")).UsingGet())
            .RespondWith(Response.Create().WithCallback(req => DataAsync(req, _ => TradeList(req))));
    }

    public Uri BaseUrl => new(server.Url + "/");

    /// <summary>Groww connects with keys: no login page.</summary>
    public Uri? LoginUrl => null;

    public string ApiKey { get; }

    public string ApiSecret { get; }

    /// <summary>The expiry the token answer carries (omitted when null, and the adapter takes the documented 06:00 IST).</summary>
    public DateTimeOffset? TokenExpiry { get; set; }

    /// <summary>How long a <see cref="StubFault.Timeout"/> answer is held back (longer than the adapter's attempt timeout).</summary>
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The checksum and timestamp the last token call carried.</summary>
    public string? LastChecksum { get; private set; }

    public string? LastTimestamp { get; private set; }

    /// <summary>The access token issued last.</summary>
    public string? LastAccessToken { get; private set; }

    public int DataCalls => Volatile.Read(ref dataCalls);

    /// <summary>A /v1/holdings/user row (Groww lists demat holdings; the type is not part of the row).</summary>
    public void AddHolding(string symbol, string? isin, SecurityType type, decimal quantity, decimal averagePrice, decimal lastPrice)
    {
        var row = new Dictionary<string, object?>
        {
            ["isin"] = isin ?? "",
            ["trading_symbol"] = symbol,
            ["quantity"] = quantity,
            ["average_price"] = averagePrice,
            ["pledge_quantity"] = 0,
            ["demat_locked_quantity"] = 0,
            ["groww_locked_quantity"] = 0,
            ["repledge_quantity"] = 0,
            ["t1_quantity"] = 0,
            ["demat_free_quantity"] = quantity,
            ["corporate_action_additional_quantity"] = 0,
            ["active_demat_transfer_quantity"] = 0,
        };
        lock (gate) holdings.Add(row);
    }

    /// <summary>A fill of the order for (symbol, side, India date), created on first use.</summary>
    public void AddTrade(string tradeId, string symbol, string? isin, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt) =>
        AddTrade(tradeId, symbol, isin, side, quantity, price, executedAt, orderId: null);

    /// <summary>A fill of order <paramref name="orderId"/> (created on first use), or of the (symbol, side, date) order when null.</summary>
    public void AddTrade(string tradeId, string symbol, string? isin, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt,
        string? orderId, string exchange = "NSE")
    {
        ArgumentNullException.ThrowIfNull(tradeId);
        ArgumentNullException.ThrowIfNull(symbol);
        if (side is not (TransactionType.Buy or TransactionType.Sell)) throw new ArgumentOutOfRangeException(nameof(side), side, "Buy or Sell.");
        var ist = IndiaTime.ToIst(executedAt);
        lock (gate)
        {
            Order? order;
            if (orderId is null)
            {
                var key = (symbol, side, DateOnly.FromDateTime(ist.DateTime));
                if (!orderGroups.TryGetValue(key, out order))
                {
                    order = NewOrder($"GMK{orders.Count + 1:D12}", symbol, isin, side, "EXECUTED", ist, exchange);
                    orderGroups[key] = order;
                }
            }
            else if (!ordersById.TryGetValue(orderId, out order))
            {
                order = NewOrder(orderId, symbol, isin, side, "EXECUTED", ist, exchange);
            }

            order.Trades.Add(new Dictionary<string, object?>
            {
                ["groww_trade_id"] = tradeId,
                ["groww_order_id"] = order.Id,
                ["exchange_trade_id"] = "X" + tradeId,
                ["exchange_order_id"] = "XO" + order.Id,
                ["trading_symbol"] = symbol,
                ["isin"] = isin ?? "",
                ["exchange"] = order.Exchange,
                ["segment"] = "CASH",
                ["transaction_type"] = side == TransactionType.Buy ? "BUY" : "SELL",
                ["product"] = "CNC",
                ["quantity"] = quantity,
                ["price"] = price,
                ["trade_status"] = "EXECUTED",
                ["trade_date_time"] = ist.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                ["created_at"] = ist.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            });
            order.Filled += quantity;
            order.Value += quantity * price;
        }
    }

    /// <summary>An order with no fills (OPEN, CANCELLED, REJECTED…): listed, but it has no trades.</summary>
    public void AddOrder(string orderId, string symbol, TransactionType side, string status, DateTimeOffset createdAt)
    {
        lock (gate) NewOrder(orderId, symbol, null, side, status, IndiaTime.ToIst(createdAt), "NSE");
    }

    public void FailWith(StubFault fault, int afterCalls = 0)
    {
        lock (gate)
        {
            this.fault = fault;
            passesBeforeFault = Math.Max(0, afterCalls);
        }
    }

    /// <summary>The next <paramref name="times"/> data calls answer <paramref name="fault"/>, then the stub answers normally.</summary>
    public void FailNext(StubFault fault, int times = 1)
    {
        lock (gate)
        {
            nextFault = fault;
            nextFaultTimes = Math.Max(0, times);
        }
    }

    /// <summary>Revokes every access token issued so far (Groww's 06:00 expiry).</summary>
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

    private Order NewOrder(string id, string symbol, string? isin, TransactionType side, string status, DateTimeOffset ist, string exchange)
    {
        var order = new Order(id, symbol, isin, side, status, ist, exchange);
        orders.Add(order);
        ordersById[id] = order;
        return order;
    }

    private ResponseMessage Token(IRequestMessage request)
    {
        var auth = KiteStub.Header(request, "Authorization");
        string? keyType = null, checksum = null, timestamp = null;
        try
        {
            using var body = JsonDocument.Parse(request.Body ?? "");
            keyType = Str(body.RootElement, "key_type");
            checksum = Str(body.RootElement, "checksum");
            timestamp = Str(body.RootElement, "timestamp");
        }
        catch (JsonException)
        {
            return Failure(400, "GA001", "Bad request");
        }

        lock (gate)
        {
            LastChecksum = checksum;
            LastTimestamp = timestamp;
            if (auth != "Bearer " + ApiKey) return Failure(401, "GA005", "User not authorised to perform this operation");
            if (keyType != "approval" || string.IsNullOrEmpty(timestamp)) return Failure(400, "GA001", "Bad request");
            var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiSecret + timestamp)));
            if (checksum != expected) return Failure(401, "GA005", "User not authorised to perform this operation");
            var token = "eyJ" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            accessTokens.Add(token);
            LastAccessToken = token;
            var answer = new Dictionary<string, object?>
            {
                ["token"] = token,
                ["tokenRefId"] = Guid.NewGuid().ToString(),
                ["sessionName"] = "Spark stub",
                ["isActive"] = true,
            };
            if (TokenExpiry is { } expiry)
            {
                answer["expiry"] = IndiaTime.ToIst(expiry).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            }

            return Text(200, JsonSerializer.Serialize(answer, Json));
        }
    }

    private async Task<IResponseMessage> DataAsync(IRequestMessage request, Func<bool, object> payload)
    {
        StubFault answer;
        lock (gate)
        {
            dataCalls++;
            if (KiteStub.Header(request, "X-API-VERSION") != "1.0" || KiteStub.Header(request, "Accept")?.Contains("application/json", StringComparison.Ordinal) != true)
            {
                return Failure(400, "GA001", "Bad request");
            }

            var auth = KiteStub.Header(request, "Authorization") ?? "";
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !accessTokens.Contains(auth["Bearer ".Length..]))
            {
                return Failure(401, "GA005", "User not authorised to perform this operation");
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
                return Failure(401, "GA005", "User not authorised to perform this operation");
            case StubFault.RateLimited:
                var limited = Failure(429, "GA003", "Unable to serve request currently");
                limited.AddHeader("Retry-After", "120");
                return limited;
            case StubFault.ServerError:
                return Failure(503, "GA000", "Internal error occurred");
            case StubFault.Malformed:
                return Text(200, "{\"status\":\"SUCCESS\",\"payload\":{\"holdings\":[{\"isin\":");
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

        lock (gate)
        {
            return Text(200, JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["status"] = "SUCCESS",
                ["payload"] = payload(answer == StubFault.EndlessPaging),
            }, Json));
        }
    }

    private Dictionary<string, object?> OrderList(IRequestMessage request, bool endless)
    {
        var query = KiteStub.ParseQuery(new Uri(request.AbsoluteUrl).Query.TrimStart('?'));
        var page = Int(query, "page", 0);
        var size = Math.Clamp(Int(query, "page_size", 25), 1, 500);
        var rows = new List<Dictionary<string, object?>>();
        if (endless)
        {
            for (var i = 0; i < size; i++) rows.Add(OrderRow(new Order($"GLOOP{i:D8}", "LOOP", null, TransactionType.Buy, "OPEN", default, "NSE")));
        }
        else if (!query.TryGetValue("segment", out var segment) || segment == "CASH")
        {
            foreach (var order in orders.Skip(page * size).Take(size)) rows.Add(OrderRow(order));
        }

        return new Dictionary<string, object?> { ["order_list"] = rows };
    }

    private Dictionary<string, object?> TradeList(IRequestMessage request)
    {
        var id = Uri.UnescapeDataString(request.Path.Split('/')[^1]);
        var query = KiteStub.ParseQuery(new Uri(request.AbsoluteUrl).Query.TrimStart('?'));
        var page = Int(query, "page", 0);
        var size = Math.Clamp(Int(query, "page_size", 50), 1, 500);
        var rows = ordersById.TryGetValue(id, out var order) && (!query.TryGetValue("segment", out var segment) || segment == "CASH")
            ? order.Trades.Skip(page * size).Take(size).ToList()
            : [];
        return new Dictionary<string, object?> { ["trade_list"] = rows };
    }

    private static Dictionary<string, object?> OrderRow(Order order)
    {
        var created = order.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return new Dictionary<string, object?>
        {
            ["groww_order_id"] = order.Id,
            ["trading_symbol"] = order.Symbol,
            ["order_status"] = order.Status,
            ["remark"] = "",
            ["quantity"] = order.Filled,
            ["price"] = 0,
            ["trigger_price"] = 0,
            ["filled_quantity"] = order.Filled,
            ["remaining_quantity"] = 0,
            ["average_fill_price"] = order.Filled > 0m ? Math.Round(order.Value / order.Filled, 4) : 0m,
            ["deliverable_quantity"] = order.Filled,
            ["amo_status"] = "NA",
            ["validity"] = "DAY",
            ["exchange"] = order.Exchange,
            ["order_type"] = "MARKET",
            ["transaction_type"] = order.Side == TransactionType.Buy ? "BUY" : "SELL",
            ["segment"] = "CASH",
            ["product"] = "CNC",
            ["created_at"] = created,
            ["exchange_time"] = created,
            ["trade_date"] = created,
            ["order_reference_id"] = "",
        };
    }

    private List<Dictionary<string, object?>> Snapshot() => [.. holdings];

    private static int Int(Dictionary<string, string> query, string name, int fallback) =>
        query.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : fallback;

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static ResponseMessage Failure(int status, string code, string message) =>
        Text(status, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["status"] = "FAILURE",
            ["error"] = new Dictionary<string, object?> { ["code"] = code, ["message"] = message, ["metadata"] = null },
        }, Json));

    private static ResponseMessage Text(int status, string body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        return response;
    }

    private sealed class Order(string id, string symbol, string? isin, TransactionType side, string status, DateTimeOffset createdAt, string exchange)
    {
        public string Id { get; } = id;

        public string Symbol { get; } = symbol;

        public string? Isin { get; } = isin;

        public TransactionType Side { get; } = side;

        public string Status { get; } = status;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public string Exchange { get; } = exchange;

        public List<Dictionary<string, object?>> Trades { get; } = [];

        public decimal Filled { get; set; }

        public decimal Value { get; set; }
    }
}
