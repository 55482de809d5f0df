using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Brokers;
using Spark.Web.Services.Connections.Brokers;

namespace Spark.Tests.Brokers;

public sealed class BinanceAdapterTests : IDisposable
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);
    private readonly TestClock clock = new();
    private readonly BinanceStub stub = new();
    private readonly CapturedLogs logs = new();
    private readonly FakeQuoteRates rates = new();
    private readonly ServiceProvider services;

    public BinanceAdapterTests() => services = NewServices(BrokerTestServices.AttemptTimeout);

    private BinanceAdapter Adapter => services.GetRequiredService<BinanceAdapter>();

    private BrokerCredentials Credentials => new(stub.ApiKey, stub.ApiSecret);

    private BrokerSession Session => new(Credentials, null, null);

    public void Dispose()
    {
        services.Dispose();
        stub.Dispose();
    }

    private ServiceProvider NewServices(TimeSpan attemptTimeout, int maxPages = 10_000) => BrokerTestServices.Build(clock, logs, rates, o =>
    {
        o.Binance.BaseUrl = stub.BaseUrl;
        o.Binance.RetryDelay = TimeSpan.FromMilliseconds(10);
        o.Binance.AttemptTimeout = attemptTimeout;
        o.Binance.MaxPages = maxPages;
    }, s => s.AddBrokerAdapter<BinanceAdapter>(PlatformNames.Binance));

    [Fact]
    public void The_signature_matches_Binances_published_HMAC_example()
    {
        const string secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
        const string query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";

        Assert.Equal("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", BinanceSigning.Sign(secret, query));
        Assert.True(BinanceSigning.Verify(secret, query, "C8DB56825AE71D6D79447849E617115F4A920FA2ACDCAB2B053C4B2838BD6B71"));
        Assert.False(BinanceSigning.Verify(secret, query + "1", "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"));
    }

    [Fact]
    public async Task A_read_only_key_is_accepted_with_signed_calls_the_stub_verified()
    {
        var result = await Adapter.ConnectAsync(Credentials, null, null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Null(result.Value!.AccessToken);
        Assert.Equal("354937868", result.Value.AccountId);
        Assert.Equal(2, stub.SignedCalls);
        Assert.Equal(0, stub.SignatureFailures);
        Assert.Equal(BrokerAuthFlow.Keys, Adapter.Flow);
        Assert.Throws<NotSupportedException>(() => Adapter.LoginUrl(Credentials, new Uri("https://spark.example/cb"), "s"));
    }

    [Theory]
    [InlineData(BinanceKeyPermissions.SpotTrading, "spot and margin trading")]
    [InlineData(BinanceKeyPermissions.Withdrawals, "withdrawals")]
    [InlineData(BinanceKeyPermissions.TradingAndWithdrawals, "withdrawals")]
    public async Task A_key_that_can_trade_or_withdraw_is_refused(BinanceKeyPermissions permissions, string named)
    {
        stub.Permissions = permissions;

        var result = await Adapter.ConnectAsync(Credentials, null, null, CancellationToken.None);

        Assert.Equal(BrokerFailureKind.PermissionRefused, result.Failure?.Kind);
        Assert.Contains(named, result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_fails_the_signature_check_and_a_wrong_key_is_refused()
    {
        var wrongSecret = await Adapter.ConnectAsync(Credentials with { ApiSecret = "not-the-secret" }, null, null, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, wrongSecret.Failure?.Kind);
        Assert.Equal(1, stub.SignatureFailures);

        var wrongKey = await Adapter.ConnectAsync(Credentials with { ApiKey = "someone-elses-key" }, null, null, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, wrongKey.Failure?.Kind);
        Assert.Equal(0, stub.SignedCalls);
    }

    [Fact]
    public async Task Holdings_are_INR_crypto_valued_at_the_USDT_price_times_todays_rate_and_stablecoins_are_skipped()
    {
        stub.AddHolding("BTC", null, SecurityType.Crypto, 0.5m, 0m, 60_000m);
        stub.AddHolding("ETH", null, SecurityType.Crypto, 2m, 0m, 3_000m);
        stub.AddBalance("DOGE", 100m, 50m);
        stub.AddBalance("USDT", 1_000m);
        stub.AddBalance("FDUSD", 10m);

        var result = await Adapter.GetHoldingsAsync(Session, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var bySymbol = result.Value!.ToDictionary(h => h.Instrument.Symbol);
        Assert.Equal(["BTCINR", "DOGEINR", "ETHINR"], bySymbol.Keys.Order(StringComparer.Ordinal));
        var btc = bySymbol["BTCINR"];
        Assert.Equal(new BrokerInstrument("BTCINR", "CRYPTO", null, SecurityType.Crypto, "BTC"), btc.Instrument);
        Assert.Equal(0.5m, btc.Quantity);
        Assert.Equal(0m, btc.AveragePrice);
        Assert.Equal(60_000m * 84.20m, btc.LastPrice);
        Assert.Equal(150m, bySymbol["DOGEINR"].Quantity);
        Assert.Null(bySymbol["DOGEINR"].LastPrice); // no DOGEUSDT price in the stub
        Assert.Contains(("USDT", clock.Today), rates.Asked);
    }

    [Fact]
    public async Task Trades_page_by_fromId_per_symbol_in_rupees_and_a_later_run_resumes_after_the_last_id()
    {
        stub.AddHolding("BTC", null, SecurityType.Crypto, 1m, 0m, 60_000m);
        stub.AddHolding("ETH", null, SecurityType.Crypto, 1m, 0m, 3_000m);
        var start = new DateTimeOffset(2026, 1, 1, 10, 0, 0, Ist);
        for (var i = 1; i <= 2_500; i++) stub.AddTrade(i, "BTCUSDT", i % 4 == 0 ? TransactionType.Sell : TransactionType.Buy, 0.001m, 60_000m + i, start.AddHours(i));
        stub.AddTrade(7, "ETHUSDT", TransactionType.Buy, 0.5m, 3_000m, start, commission: 0.0005m, commissionAsset: "ETH");
        stub.AddTrade(8, "ETHUSDT", TransactionType.Sell, 0.2m, 3_100m, start.AddDays(1), commission: 0.62m, commissionAsset: "USDT");
        stub.AddTrade(9, "ETHUSDT", TransactionType.Buy, 0.1m, 3_050m, start.AddDays(2), commission: 0.0001m, commissionAsset: "BNB");
        stub.AddTrade(1, "ETHUSDT", TransactionType.Buy, 1m, 2_000m, new DateTimeOffset(2025, 12, 31, 12, 0, 0, Ist)); // before Since
        var adapter = Adapter;
        var since = new DateOnly(2026, 1, 1);

        var (trades, cursor, pages) = await UpstoxAdapterTests.ReadAllAsync(adapter, Session, new BrokerTradeQuery(null, since, clock.Today));

        Assert.Equal(2_503, trades.Count);
        Assert.Equal(2_503, trades.Select(t => t.TradeId).Distinct().Count());
        Assert.Equal(4, pages);
        Assert.Equal(
            [("BTCUSDT", 0L, 1000), ("BTCUSDT", 1001L, 1000), ("BTCUSDT", 2001L, 1000), ("ETHUSDT", 0L, 1000)],
            stub.TradeRequests.ToArray());

        var btc = trades.Single(t => t.TradeId == "BTCUSDT:1000");
        Assert.Equal(new BrokerInstrument("BTCINR", "CRYPTO", null, SecurityType.Crypto, "BTC"), btc.Instrument);
        Assert.Equal(TransactionType.Buy, trades.Single(t => t.TradeId == "BTCUSDT:999").Side);
        Assert.Equal(TransactionType.Sell, btc.Side);
        Assert.Equal(61_000m * 84.20m, btc.Price);
        Assert.Equal("BTCUSDT 61,000.00 USDT × ₹84.20 per USDT", btc.Note);
        Assert.Equal(start.AddHours(1000), btc.ExecutedAt);
        Assert.Equal("1001000", btc.OrderId);

        var baseFee = trades.Single(t => t.TradeId == "ETHUSDT:7");
        Assert.Equal(0.4995m, baseFee.Quantity);
        Assert.Equal(0.0005m * 3_000m * 84.20m, baseFee.Fees);
        var quoteFee = trades.Single(t => t.TradeId == "ETHUSDT:8");
        Assert.Equal(0.2m, quoteFee.Quantity);
        Assert.Equal(0.62m * 84.20m, quoteFee.Fees);
        var bnbFee = trades.Single(t => t.TradeId == "ETHUSDT:9");
        Assert.Equal(0m, bnbFee.Fees);
        Assert.Contains("commission 0.0001 BNB not in fees", bnbFee.Note, StringComparison.Ordinal);

        // A later run: one new fill; each symbol resumes after its last id.
        stub.AddTrade(2_501, "BTCUSDT", TransactionType.Buy, 0.002m, 62_000m, start.AddDays(200));
        var before = stub.TradeRequests.Count;
        var (again, _, _) = await UpstoxAdapterTests.ReadAllAsync(adapter, Session, new BrokerTradeQuery(cursor, since, clock.Today));

        Assert.Equal("BTCUSDT:2501", Assert.Single(again).TradeId);
        Assert.Equal([("BTCUSDT", 2501L, 1000), ("ETHUSDT", 10L, 1000)], stub.TradeRequests.Skip(before).ToArray());
    }

    [Fact]
    public async Task A_symbol_remembered_in_the_cursor_is_read_after_the_asset_is_sold_out()
    {
        stub.AddHolding("ADA", null, SecurityType.Crypto, 10m, 0m, 0.5m);
        stub.AddTrade(1, "ADAUSDT", TransactionType.Buy, 10m, 0.5m, new DateTimeOffset(2026, 3, 1, 10, 0, 0, Ist));
        var adapter = Adapter;
        var (_, cursor, _) = await UpstoxAdapterTests.ReadAllAsync(adapter, Session, new BrokerTradeQuery(null, new DateOnly(2026, 1, 1), clock.Today));
        using var soldOut = new BinanceStub(stub.ApiKey, stub.ApiSecret); // no balances any more
        soldOut.AddTrade(2, "ADAUSDT", TransactionType.Sell, 10m, 0.6m, new DateTimeOffset(2026, 4, 1, 10, 0, 0, Ist));
        using var other = BrokerTestServices.Build(clock, logs, rates, o => o.Binance.BaseUrl = soldOut.BaseUrl,
            s => s.AddBrokerAdapter<BinanceAdapter>(PlatformNames.Binance));

        var (trades, _, _) = await UpstoxAdapterTests.ReadAllAsync(other.GetRequiredService<BinanceAdapter>(), Session,
            new BrokerTradeQuery(cursor, new DateOnly(2026, 1, 1), clock.Today));

        Assert.Equal("ADAUSDT:2", Assert.Single(trades).TradeId);
    }

    [Fact]
    public async Task Without_a_rupee_rate_for_the_day_the_page_fails_and_the_cursor_stays()
    {
        stub.AddHolding("BTC", null, SecurityType.Crypto, 1m, 0m, 60_000m);
        stub.AddTrade(1, "BTCUSDT", TransactionType.Buy, 1m, 60_000m, new DateTimeOffset(2026, 2, 10, 12, 0, 0, Ist));
        rates.Missing.Add(new DateOnly(2026, 2, 10));

        var page = await Adapter.GetTradesAsync(Session, new BrokerTradeQuery(null, new DateOnly(2026, 1, 1), clock.Today), CancellationToken.None);

        Assert.Equal(BrokerFailureKind.Unavailable, page.Failure?.Kind);
        Assert.Contains("no rupee rate for USDT on 2026-02-10", page.Failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StubFault.ExpiredToken, BrokerFailureKind.InvalidCredentials)]
    [InlineData(StubFault.RateLimited, BrokerFailureKind.RateLimited)]
    [InlineData(StubFault.ServerError, BrokerFailureKind.Unavailable)]
    [InlineData(StubFault.Malformed, BrokerFailureKind.Malformed)]
    [InlineData(StubFault.Timeout, BrokerFailureKind.Unavailable)]
    public async Task Each_fault_is_the_right_failure(StubFault fault, BrokerFailureKind expected)
    {
        stub.AddHolding("BTC", null, SecurityType.Crypto, 1m, 0m, 60_000m);
        using var own = fault == StubFault.Timeout ? NewServices(TimeSpan.FromSeconds(1)) : null;
        var adapter = (own ?? services).GetRequiredService<BinanceAdapter>();
        stub.FailWith(fault);
        var watch = Stopwatch.StartNew();

        var holdings = await adapter.GetHoldingsAsync(Session, CancellationToken.None);

        Assert.Equal(expected, holdings.Failure?.Kind);
        if (fault == StubFault.RateLimited)
        {
            Assert.Equal(TimeSpan.FromSeconds(120), holdings.Failure!.RetryAfter);
            Assert.Equal(1, stub.DataCalls);
        }

        if (fault == StubFault.Timeout) Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        if (fault is StubFault.ServerError or StubFault.Timeout) Assert.Equal(3, stub.DataCalls);
    }

    [Fact]
    public async Task A_418_ban_is_RateLimited_with_its_Retry_After_and_never_retried()
    {
        stub.BanIp(300);

        var holdings = await Adapter.GetHoldingsAsync(Session, CancellationToken.None);

        Assert.Equal(BrokerFailureKind.RateLimited, holdings.Failure?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(300), holdings.Failure!.RetryAfter);
        Assert.Contains("banned", holdings.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.SignedCalls);
    }

    [Fact]
    public async Task Endless_paging_is_Malformed()
    {
        stub.AddHolding("BTC", null, SecurityType.Crypto, 1m, 0m, 60_000m);
        stub.FailWith(StubFault.EndlessPaging);

        var failure = await UpstoxAdapterTests.ReadUntilFailureAsync(Adapter, Session, new BrokerTradeQuery(null, new DateOnly(2020, 1, 1), clock.Today), 50);

        Assert.Equal(BrokerFailureKind.Malformed, failure?.Kind);
        Assert.Equal(2, stub.TradeRequests.Count);
    }

    [Fact]
    public async Task More_pages_than_MaxPages_is_Malformed()
    {
        using var small = NewServices(BrokerTestServices.AttemptTimeout, maxPages: 2);
        stub.AddHolding("BTC", null, SecurityType.Crypto, 1m, 0m, 60_000m);
        for (var i = 1; i <= 3_500; i++) stub.AddTrade(i, "BTCUSDT", TransactionType.Buy, 0.001m, 60_000m, new DateTimeOffset(2026, 1, 1, 0, 0, 0, Ist).AddMinutes(i));

        var failure = await UpstoxAdapterTests.ReadUntilFailureAsync(small.GetRequiredService<BinanceAdapter>(), Session,
            new BrokerTradeQuery(null, new DateOnly(2026, 1, 1), clock.Today), 10);

        Assert.Equal(BrokerFailureKind.Malformed, failure?.Kind);
        Assert.Equal(2, stub.TradeRequests.Count);
    }

    [Fact]
    public async Task A_503_then_an_answer_is_retried_and_succeeds()
    {
        stub.AddHolding("BTC", null, SecurityType.Crypto, 0.25m, 0m, 60_000m);
        stub.FailTimes(StubFault.ServerError, 1);

        var holdings = await Adapter.GetHoldingsAsync(Session, CancellationToken.None);

        Assert.True(holdings.Succeeded, holdings.Failure?.Message);
        Assert.Equal(0.25m, Assert.Single(holdings.Value!).Quantity);
        Assert.Equal(3, stub.DataCalls); // 503, account, ticker
    }

    [Fact]
    public async Task Request_weight_near_the_limit_is_logged()
    {
        stub.UsedWeight = 5_200;

        await Adapter.GetHoldingsAsync(Session, CancellationToken.None);

        Assert.Contains(logs.Messages, m => m.Contains("request weight used this minute is 5200 of 6000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_secret_never_reaches_ToString_or_the_logs()
    {
        var adapter = Adapter;
        stub.AddHolding("BTC", null, SecurityType.Crypto, 1m, 0m, 60_000m);
        var session = (await adapter.ConnectAsync(Credentials, null, null, CancellationToken.None)).Value!;
        await adapter.GetHoldingsAsync(session, CancellationToken.None);
        await adapter.ConnectAsync(Credentials with { ApiSecret = "another-secret-value" }, null, null, CancellationToken.None);
        stub.FailWith(StubFault.ServerError);
        await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, new DateOnly(2026, 1, 1), clock.Today), CancellationToken.None);

        Assert.NotEmpty(logs.Messages);
        foreach (var secret in new[] { stub.ApiSecret, "another-secret-value" })
        {
            Assert.DoesNotContain(secret, session.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, session.Credentials.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Messages, m => m.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(stub.ApiKey, session.ToString(), StringComparison.Ordinal);
    }
}
