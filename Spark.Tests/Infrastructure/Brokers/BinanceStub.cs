using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Spark.Core.Market;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Spark.Tests.Infrastructure.Brokers;

/// <summary>What the stub's API key may do, as GET /sapi/v1/account/apiRestrictions reports it.</summary>
public enum BinanceKeyPermissions
{
    ReadOnly,
    SpotTrading,
    Withdrawals,
    TradingAndWithdrawals,
}

/// <summary>
/// Binance spot on a local port: signed GET /api/v3/account (balances), GET /sapi/v1/account/apiRestrictions (the
/// key's <see cref="Permissions"/>), GET /api/v3/myTrades (per symbol, fromId/limit paging) and the public GET
/// /api/v3/ticker/price. Signed calls need <see cref="ApiKey"/> in X-MBX-APIKEY and a valid HMAC-SHA256 signature
/// with <see cref="ApiSecret"/> (else -2015 / -1022). Prices are in the pair's quote asset (USDT): rupee rates come
/// from the app's <see cref="IQuoteRates"/>, not from the stub.
/// </summary>
public sealed class BinanceStub : IBrokerStub
{
    private readonly WireMockServer server;
    private readonly Lock gate = new();
    private readonly StubFaultGate faults = new();
    private readonly CancellationTokenSource disposed = new();
    private readonly Dictionary<string, (decimal Free, decimal Locked)> balances = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, decimal> prices = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<StubTrade>> trades = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> unsorted = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> lastIds = new(StringComparer.OrdinalIgnoreCase);
    private int signatureFailures;
    private int signedCalls;
    private int banSeconds = -1;

    public BinanceStub(string apiKey = "binance-api-key-vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
        string apiSecret = "binance-secret-NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqq")
    {
        ApiKey = apiKey;
        ApiSecret = apiSecret;
        server = WireMockServer.Start();
        BaseUrl = new Uri(server.Url!.TrimEnd('/') + "/");
        Signed("/api/v3/account", Account, data: true);
        Signed("/sapi/v1/account/apiRestrictions", _ => StubHttp.Json(200, RestrictionsJson()), data: false);
        Signed("/api/v3/myTrades", MyTrades, data: true);
        server.Given(Request.Create().WithPath("/api/v3/ticker/price").UsingGet())
            .RespondWith(Response.Create().WithCallback(req => AnswerAsync(req, TickerPrice, data: true)));
    }

    public Uri BaseUrl { get; }

    public Uri? LoginUrl => null;

    public string ApiKey { get; }

    public string ApiSecret { get; }

    /// <summary>The key's permissions (read-only by default).</summary>
    public BinanceKeyPermissions Permissions { get; set; } = BinanceKeyPermissions.ReadOnly;

    /// <summary>The account's uid in /api/v3/account.</summary>
    public long Uid { get; set; } = 354937868;

    /// <summary>The X-MBX-USED-WEIGHT-1M header every answer carries.</summary>
    public int UsedWeight { get; set; } = 20;

    /// <summary>How long a <see cref="StubFault.Timeout"/> answer takes (longer than the adapter's attempt timeout).</summary>
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(30);

    public int DataCalls => faults.DataCalls;

    /// <summary>Signed calls whose key and signature the stub verified.</summary>
    public int SignedCalls => Volatile.Read(ref signedCalls);

    /// <summary>Signed calls refused for a bad signature (-1022).</summary>
    public int SignatureFailures => Volatile.Read(ref signatureFailures);

    /// <summary>(symbol, fromId, limit) of every myTrades call, in order.</summary>
    public ConcurrentQueue<(string Symbol, long FromId, int Limit)> TradeRequests { get; } = new();

    /// <summary>
    /// A holding: <paramref name="symbol"/> is the base asset ("BTC"); <paramref name="lastPrice"/> is its USDT price
    /// (served as {ASSET}USDT by ticker/price). Binance reports no average price, so <paramref name="averagePrice"/> is ignored.
    /// </summary>
    public void AddHolding(string symbol, string? isin, SecurityType type, decimal quantity, decimal averagePrice, decimal lastPrice)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        AddBalance(symbol, quantity);
        lock (gate) prices[symbol.ToUpperInvariant() + "USDT"] = lastPrice;
    }

    /// <summary>A balance of any asset (USDT, BNB…), free and locked.</summary>
    public void AddBalance(string asset, decimal free, decimal locked = 0m)
    {
        ArgumentNullException.ThrowIfNull(asset);
        lock (gate)
        {
            var current = balances.GetValueOrDefault(asset);
            balances[asset.ToUpperInvariant()] = (current.Free + free, current.Locked + locked);
        }
    }

    /// <summary>
    /// A fill of <paramref name="symbol"/> (the pair, "BTCUSDT") at <paramref name="price"/> in its quote asset.
    /// <paramref name="tradeId"/> is the numeric Binance id (unique per symbol); anything else gets the next id of the symbol.
    /// </summary>
    public void AddTrade(string tradeId, string symbol, string? isin, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt) =>
        AddTrade(long.TryParse(tradeId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null, symbol, side, quantity, price,
            executedAt);

    /// <summary>A fill with its commission (in <paramref name="commissionAsset"/>, e.g. the quote asset, the base asset or BNB).</summary>
    public long AddTrade(long? id, string symbol, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt,
        decimal commission = 0m, string? commissionAsset = null)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        symbol = symbol.ToUpperInvariant();
        lock (gate)
        {
            var tradeId = id ?? lastIds.GetValueOrDefault(symbol) + 1;
            if (!trades.TryGetValue(symbol, out var list)) trades[symbol] = list = [];
            if (list.Count > 0 && list[^1].Id >= tradeId) unsorted.Add(symbol);
            list.Add(new StubTrade(tradeId, tradeId + 1_000_000, side == TransactionType.Buy, quantity, price, commission,
                commissionAsset ?? (commission > 0 ? QuoteOf(symbol) : "BNB"), executedAt.ToUnixTimeMilliseconds()));
            lastIds[symbol] = Math.Max(lastIds.GetValueOrDefault(symbol), tradeId);
            return tradeId;
        }
    }

    public void FailWith(StubFault fault, int afterCalls = 0) => faults.Arm(fault, afterCalls, times: -1);

    /// <summary>The next <paramref name="times"/> data calls answer with <paramref name="fault"/>, then the stub answers normally.</summary>
    public void FailTimes(StubFault fault, int times) => faults.Arm(fault, 0, times);

    /// <summary>Every call answers 418 (the IP is banned) with Retry-After <paramref name="seconds"/>; null lifts the ban.</summary>
    public void BanIp(int? seconds) => Volatile.Write(ref banSeconds, seconds ?? -1);

    public void Dispose()
    {
        disposed.Cancel();
        server.Stop();
        server.Dispose();
        disposed.Dispose();
    }

    private void Signed(string path, Func<IRequestMessage, IResponseMessage> answer, bool data) =>
        server.Given(Request.Create().WithPath(path).UsingGet()).RespondWith(Response.Create().WithCallback(req => SignedAsync(req, answer, data)));

    private Task<IResponseMessage> SignedAsync(IRequestMessage req, Func<IRequestMessage, IResponseMessage> answer, bool data)
    {
        if (StubHttp.Header(req, "X-MBX-APIKEY") != ApiKey) return Task.FromResult(Error(401, -2015, "Invalid API-key, IP, or permissions for action."));
        var raw = (req.RawQuery ?? "").TrimStart('?');
        var at = raw.LastIndexOf("&signature=", StringComparison.Ordinal);
        if (at < 0) return Task.FromResult(Error(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."));
        if (StubHttp.Query(req, "timestamp") is null) return Task.FromResult(Error(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed."));
        if (!BinanceSigning.Verify(ApiSecret, raw[..at], raw[(at + "&signature=".Length)..]))
        {
            Interlocked.Increment(ref signatureFailures);
            return Task.FromResult(Error(400, -1022, "Signature for this request is not valid."));
        }

        Interlocked.Increment(ref signedCalls);
        return AnswerAsync(req, answer, data);
    }

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage req, Func<IRequestMessage, IResponseMessage> answer, bool data)
    {
        if (Volatile.Read(ref banSeconds) is var ban and >= 0)
        {
            return Error(418, -1003, $"Way too much request weight used; IP banned until {ban.ToString(CultureInfo.InvariantCulture)} seconds from now.",
                ("Retry-After", ban.ToString(CultureInfo.InvariantCulture)));
        }

        if (!data) return answer(req);
        switch (faults.Next())
        {
            case StubFault.ExpiredToken: return Error(401, -2015, "Invalid API-key, IP, or permissions for action.");
            case StubFault.RateLimited:
                return Error(429, -1003, "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.", ("Retry-After", "120"));
            case StubFault.ServerError: return Error(503, -1001, "Internal error; unable to process your request. Please try again.");
            case StubFault.Malformed: return StubHttp.Json(200, "{\"balances\": [ {\"asset\": ");
            case StubFault.Timeout:
                await Task.Delay(TimeoutDelay, disposed.Token).ConfigureAwait(false);
                return answer(req);
            case StubFault.EndlessPaging when req.Path.EndsWith("/myTrades", StringComparison.Ordinal): return EndlessTrades(req);
            default: return answer(req);
        }
    }

    private IResponseMessage Account(IRequestMessage req)
    {
        var omitZero = StubHttp.Query(req, "omitZeroBalances") == "true";
        lock (gate)
        {
            var rows = balances.Where(b => !omitZero || b.Value.Free + b.Value.Locked > 0)
                .OrderBy(b => b.Key, StringComparer.Ordinal)
                .Select(b => new { asset = b.Key, free = Text(b.Value.Free), locked = Text(b.Value.Locked) });
            return Ok(JsonSerializer.Serialize(new
            {
                makerCommission = 10,
                takerCommission = 10,
                buyerCommission = 0,
                sellerCommission = 0,
                commissionRates = new { maker = "0.00100000", taker = "0.00100000", buyer = "0.00000000", seller = "0.00000000" },
                // Account-level flags: true for an ordinary account whatever the key may do.
                canTrade = true,
                canWithdraw = true,
                canDeposit = true,
                brokered = false,
                requireSelfTradePrevention = false,
                preventSor = false,
                updateTime = 123456789,
                accountType = "SPOT",
                balances = rows,
                permissions = new[] { "SPOT" },
                uid = Uid,
            }));
        }
    }

    private string RestrictionsJson()
    {
        var trading = Permissions is BinanceKeyPermissions.SpotTrading or BinanceKeyPermissions.TradingAndWithdrawals;
        var withdrawals = Permissions is BinanceKeyPermissions.Withdrawals or BinanceKeyPermissions.TradingAndWithdrawals;
        return JsonSerializer.Serialize(new
        {
            ipRestrict = withdrawals,
            createTime = 1698645219000,
            enableReading = true,
            enableWithdrawals = withdrawals,
            enableInternalTransfer = false,
            enableMargin = false,
            enableFutures = false,
            permitsUniversalTransfer = false,
            enableVanillaOptions = false,
            enableFixApiTrade = false,
            enableFixReadOnly = false,
            enableSpotAndMarginTrading = trading,
            enablePortfolioMarginTrading = false,
        });
    }

    private IResponseMessage TickerPrice(IRequestMessage req)
    {
        var symbol = StubHttp.Query(req, "symbol");
        lock (gate)
        {
            if (symbol is not null)
            {
                return prices.TryGetValue(symbol, out var price)
                    ? Ok(JsonSerializer.Serialize(new { symbol = symbol.ToUpperInvariant(), price = Text(price) }))
                    : Error(400, -1121, "Invalid symbol.");
            }

            return Ok(JsonSerializer.Serialize(prices.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new { symbol = p.Key, price = Text(p.Value) })));
        }
    }

    private IResponseMessage MyTrades(IRequestMessage req)
    {
        var symbol = StubHttp.Query(req, "symbol")?.ToUpperInvariant();
        if (symbol is null || QuoteOf(symbol) is null) return Error(400, -1121, "Invalid symbol.");
        var fromId = long.TryParse(StubHttp.Query(req, "fromId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var f) ? f : 0;
        var limit = int.TryParse(StubHttp.Query(req, "limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 500;
        TradeRequests.Enqueue((symbol, fromId, limit));
        List<StubTrade> page;
        lock (gate)
        {
            if (!trades.TryGetValue(symbol, out var list))
            {
                page = [];
            }
            else
            {
                if (unsorted.Remove(symbol)) list.Sort((a, b) => a.Id.CompareTo(b.Id));
                var first = LowerBound(list, fromId);
                page = list.GetRange(first, Math.Min(limit, list.Count - first));
            }
        }

        return Ok(TradesJson(symbol, page));
    }

    private IResponseMessage EndlessTrades(IRequestMessage req)
    {
        var symbol = StubHttp.Query(req, "symbol")?.ToUpperInvariant() ?? "BTCUSDT";
        var limit = int.TryParse(StubHttp.Query(req, "limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 500;
        var fromId = long.TryParse(StubHttp.Query(req, "fromId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var f) ? f : 0;
        TradeRequests.Enqueue((symbol, fromId, limit));
        // The same full page of the first ids, whatever fromId asks: a page of nothing new, forever.
        var page = Enumerable.Range(1, limit).Select(i => new StubTrade(i, i, true, 1m, 1m, 0m, "BNB", 1_700_000_000_000 + i)).ToList();
        return Ok(TradesJson(symbol, page));
    }

    private static string TradesJson(string symbol, List<StubTrade> page) =>
        JsonSerializer.Serialize(page.Select(t => new
        {
            symbol,
            id = t.Id,
            orderId = t.OrderId,
            orderListId = -1,
            price = Text(t.Price),
            qty = Text(t.Quantity),
            quoteQty = Text(t.Price * t.Quantity),
            commission = Text(t.Commission),
            commissionAsset = t.CommissionAsset,
            time = t.Time,
            isBuyer = t.IsBuyer,
            isMaker = false,
            isBestMatch = true,
        }));

    private static int LowerBound(List<StubTrade> list, long id)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (list[mid].Id < id) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }

    private static string? QuoteOf(string symbol) =>
        new[] { "FDUSD", "USDT", "USDC", "BTC", "BNB" }.FirstOrDefault(q => symbol.Length > q.Length && symbol.EndsWith(q, StringComparison.Ordinal));

    private static string Text(decimal value) => value.ToString("0.00000000", CultureInfo.InvariantCulture);

    private IResponseMessage Ok(string body) =>
        StubHttp.Json(200, body, ("X-MBX-USED-WEIGHT-1M", UsedWeight.ToString(CultureInfo.InvariantCulture)));

    private IResponseMessage Error(int status, int code, string message, params (string Name, string Value)[] headers) =>
        StubHttp.Json(status, JsonSerializer.Serialize(new { code, msg = message }),
            [("X-MBX-USED-WEIGHT-1M", UsedWeight.ToString(CultureInfo.InvariantCulture)), .. headers]);

    private sealed record StubTrade(long Id, long OrderId, bool IsBuyer, decimal Quantity, decimal Price, decimal Commission, string? CommissionAsset, long Time);
}
