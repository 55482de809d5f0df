using System.Collections.Concurrent;
using System.Diagnostics;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Brokers;
using Spark.Web.Services.Connections.Brokers;

namespace Spark.Tests.Brokers;

public sealed class UpstoxAdapterTests : IDisposable
{
    private static readonly Uri Callback = new("https://spark.example/connections/upstox/callback");
    private readonly TestClock clock = new();
    private readonly UpstoxStub stub;
    private readonly CapturedLogs logs = new();
    private readonly ServiceProvider services;

    public UpstoxAdapterTests()
    {
        stub = new UpstoxStub(clock);
        services = NewServices(BrokerTestServices.AttemptTimeout);
    }

    private ServiceProvider NewServices(TimeSpan attemptTimeout) => BrokerTestServices.Build(clock, logs, new FakeQuoteRates(), o =>
    {
        o.Upstox.BaseUrl = stub.BaseUrl;
        o.Upstox.LoginUrl = stub.LoginUrl;
        o.Upstox.RetryDelay = TimeSpan.FromMilliseconds(10);
        o.Upstox.AttemptTimeout = attemptTimeout;
    }, s => s.AddBrokerAdapter<UpstoxAdapter>(PlatformNames.Upstox));

    private UpstoxAdapter Adapter => services.GetRequiredService<UpstoxAdapter>();

    private BrokerCredentials Credentials => new(stub.ApiKey, stub.ApiSecret);

    public void Dispose()
    {
        services.Dispose();
        stub.Dispose();
    }

    [Fact]
    public void The_login_url_is_the_dialog_with_key_callback_and_state()
    {
        var url = Adapter.LoginUrl(Credentials, Callback, "st-123");

        Assert.Equal(stub.LoginUrl!.GetLeftPart(UriPartial.Path), url.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(stub.ApiKey, query["client_id"]);
        Assert.Equal(Callback.ToString(), query["redirect_uri"]);
        Assert.Equal("st-123", query["state"]);
        Assert.Equal(BrokerAuthFlow.Redirect, Adapter.Flow);
        Assert.Equal(PlatformNames.Upstox, Adapter.Platform);
    }

    [Fact]
    public async Task The_dialog_redirects_with_a_code_that_exchanges_for_a_token_dying_at_0330_IST_next_day()
    {
        var adapter = Adapter;
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var dialog = await browser.GetAsync(adapter.LoginUrl(Credentials, Callback, "st-9"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, dialog.StatusCode);
        var back = dialog.Headers.Location!;
        Assert.Equal(Callback.GetLeftPart(UriPartial.Path), back.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(back.Query);
        Assert.Equal("st-9", query["state"]);

        var connected = await adapter.ConnectAsync(Credentials, query["code"], Callback, CancellationToken.None);

        Assert.True(connected.Succeeded, connected.Failure?.Message);
        var session = connected.Value!;
        Assert.Contains(session.AccessToken, stub.IssuedTokens);
        // Issued Friday 27 November 2026 at 10:00 IST: dies Saturday 28 November at 03:30 IST.
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 3, 30, 0, TimeSpan.FromHours(5.5)), session.ExpiresAt);
        Assert.Equal(stub.UserId, session.AccountId);
        Assert.Equal(stub.UserName, session.AccountName);
        Assert.True((await adapter.GetHoldingsAsync(session, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public void A_token_issued_before_0330_IST_dies_the_same_morning()
    {
        var issued = new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.FromHours(5.5));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 3, 30, 0, TimeSpan.FromHours(5.5)), UpstoxAdapter.ExpiryAfter(issued));
    }

    [Fact]
    public async Task A_bad_or_reused_code_or_a_wrong_secret_is_InvalidCredentials()
    {
        var adapter = Adapter;
        var bad = await adapter.ConnectAsync(Credentials, "not-a-code", Callback, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, bad.Failure?.Kind);

        var code = stub.IssueCode(Callback);
        Assert.True((await adapter.ConnectAsync(Credentials, code, Callback, CancellationToken.None)).Succeeded);
        var reused = await adapter.ConnectAsync(Credentials, code, Callback, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, reused.Failure?.Kind);

        var wrongSecret = await adapter.ConnectAsync(Credentials with { ApiSecret = "nope" }, stub.IssueCode(Callback), Callback, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, wrongSecret.Failure?.Kind);
    }

    [Fact]
    public async Task Holdings_count_settled_unsettled_and_todays_delivery_buys_but_not_intraday()
    {
        stub.AddHolding("INFY", "INE009A01021", quantity: 10, t1Quantity: 2, averagePrice: 1500m, lastPrice: 1620m);
        stub.AddHolding("YESBANK", "INE528G01035", SecurityType.Stock, 36, 18.75m, 17.05m);
        stub.AddPosition("INFY", "INE009A01021", "D", overnightQuantity: 0, dayBuyQuantity: 3, dayBuyPrice: 1600m, lastPrice: 1620m);
        stub.AddPosition("TCS", "INE467B01029", "D", overnightQuantity: 0, dayBuyQuantity: 5, dayBuyPrice: 3500m, lastPrice: 3510m);
        // Yesterday's buy, already counted as t1_quantity in holdings: no change.
        stub.AddPosition("YESBANK", "INE528G01035", "D", overnightQuantity: 4, dayBuyQuantity: 0, dayBuyPrice: 0m);
        stub.AddPosition("SBIN", "INE062A01020", "I", overnightQuantity: 0, dayBuyQuantity: 50, dayBuyPrice: 800m);
        // A carried-forward option bought today is product D too, but not a holding.
        stub.AddPosition("BANKNIFTY23OCT38000PE", null, "D", overnightQuantity: 0, dayBuyQuantity: 15, dayBuyPrice: 2.65m, exchange: "NFO");

        var adapter = Adapter;
        var session = await ConnectAsync(adapter);
        var result = await adapter.GetHoldingsAsync(session, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var bySymbol = result.Value!.ToDictionary(h => h.Instrument.Symbol);
        Assert.Equal(["INFY", "TCS", "YESBANK"], bySymbol.Keys.Order());
        Assert.Equal(15m, bySymbol["INFY"].Quantity);
        Assert.Equal((12 * 1500m + 3 * 1600m) / 15, bySymbol["INFY"].AveragePrice);
        Assert.Equal("INE009A01021", bySymbol["INFY"].Instrument.Isin);
        Assert.Equal("NSE", bySymbol["INFY"].Instrument.Exchange);
        Assert.Equal(1620m, bySymbol["INFY"].LastPrice);
        Assert.Equal(5m, bySymbol["TCS"].Quantity);
        Assert.Equal(3500m, bySymbol["TCS"].AveragePrice);
        Assert.Equal(36m, bySymbol["YESBANK"].Quantity);
    }

    [Fact]
    public async Task History_pages_through_financial_year_windows_then_today_and_a_later_run_reads_nothing_old()
    {
        var ist = TimeSpan.FromHours(5.5);
        var id = 70_000_000;
        // 10 in the first window (from Since to 31 March 2025), 1,200 in FY 2025-26 (three pages), 5 this year, 2 today.
        for (var i = 0; i < 10; i++) stub.AddTrade((id++).ToString(), "INFY", "INE009A01021", TransactionType.Buy, 1, 1500, new DateTimeOffset(2025, 2, 1 + i, 11, 0, 0, ist));
        for (var i = 0; i < 1200; i++) stub.AddTrade((id++).ToString(), "TCS", "INE467B01029", i % 3 == 0 ? TransactionType.Sell : TransactionType.Buy, 2, 3500, new DateTimeOffset(2025, 4, 1, 10, 0, 0, ist).AddDays(i % 360));
        for (var i = 0; i < 5; i++) stub.AddTrade((id++).ToString(), "SBIN", "INE062A01020", TransactionType.Buy, 10, 800, new DateTimeOffset(2026, 6, 1 + i, 12, 0, 0, ist));
        stub.AddTrade("90000001", "INFY", "INE009A01021", TransactionType.Buy, 4, 1610.5m, new DateTimeOffset(2026, 11, 27, 9, 20, 15, ist));
        stub.AddTrade("90000002", "INFY", "INE009A01021", TransactionType.Sell, 1, 1612m, new DateTimeOffset(2026, 11, 27, 9, 45, 0, ist));
        stub.AddTrade("10", "OLD", "INE000000001", TransactionType.Buy, 1, 1, new DateTimeOffset(2025, 1, 10, 12, 0, 0, ist)); // before Since

        var adapter = Adapter;
        var session = await ConnectAsync(adapter);
        var since = new DateOnly(2025, 1, 15);
        var (trades, cursor, pages) = await ReadAllAsync(adapter, session, new BrokerTradeQuery(null, since, clock.Today));

        Assert.Equal(1217, trades.Count);
        Assert.Equal(1217, trades.Select(t => t.TradeId).Distinct().Count());
        Assert.DoesNotContain(trades, t => t.TradeId == "10");
        Assert.Equal(
        [
            (new DateOnly(2025, 1, 15), new DateOnly(2025, 3, 31), 1),
            (new DateOnly(2025, 4, 1), new DateOnly(2026, 3, 31), 1),
            (new DateOnly(2025, 4, 1), new DateOnly(2026, 3, 31), 2),
            (new DateOnly(2025, 4, 1), new DateOnly(2026, 3, 31), 3),
            (new DateOnly(2026, 4, 1), new DateOnly(2026, 11, 26), 1),
        ], stub.HistoricalRequests.ToArray());
        Assert.Equal(6, pages);

        var historical = trades.Single(t => t.TradeId == "70000010");
        Assert.Equal("TCS", historical.Instrument.Symbol);
        Assert.Equal("INE467B01029", historical.Instrument.Isin);
        Assert.Equal(TransactionType.Sell, historical.Side);
        Assert.Equal(new DateOnly(2025, 4, 1), DateOnly.FromDateTime(Spark.Core.Time.IndiaTime.ToIst(historical.ExecutedAt).DateTime));
        var today = trades.Single(t => t.TradeId == "90000001");
        Assert.Equal("INFY", today.Instrument.Symbol);
        Assert.Equal("INE009A01021", today.Instrument.Isin);
        Assert.Equal(1610.5m, today.Price);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 20, 15, ist), today.ExecutedAt);

        // Next morning: a late fill of yesterday and one of today; nothing before yesterday is asked for again.
        clock.Advance(TimeSpan.FromDays(1));
        stub.AddTrade("90000003", "INFY", "INE009A01021", TransactionType.Buy, 1, 1600m, new DateTimeOffset(2026, 11, 27, 15, 10, 0, ist));
        stub.AddTrade("90000004", "TCS", "INE467B01029", TransactionType.Buy, 1, 3600m, new DateTimeOffset(2026, 11, 28, 10, 5, 0, ist));
        var before = stub.HistoricalRequests.Count;
        var (again, _, _) = await ReadAllAsync(adapter, session, new BrokerTradeQuery(cursor, since, clock.Today));

        Assert.Equal(["90000001", "90000002", "90000003", "90000004"], again.Select(t => t.TradeId).Order(StringComparer.Ordinal));
        Assert.All(stub.HistoricalRequests.Skip(before), r => Assert.True(r.Start >= new DateOnly(2026, 11, 27)));
    }

    [Fact]
    public async Task Ten_thousand_trades_over_the_served_years_sync_quickly()
    {
        var first = new DateTimeOffset(2024, 4, 2, 10, 0, 0, TimeSpan.FromHours(5.5));
        for (var i = 0; i < 10_000; i++) stub.AddTrade((100_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), "TCS", "INE467B01029", TransactionType.Buy, 1, 3500, first.AddHours(i * 2.2));
        var adapter = Adapter;
        var session = await ConnectAsync(adapter);
        var watch = Stopwatch.StartNew();

        var (trades, _, _) = await ReadAllAsync(adapter, session, new BrokerTradeQuery(null, new DateOnly(2024, 4, 1), clock.Today));

        Assert.Equal(10_000, trades.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task History_starts_no_earlier_than_Upstox_serves_three_financial_years()
    {
        var adapter = Adapter;
        var session = await ConnectAsync(adapter);
        var page = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, new DateOnly(2019, 5, 1), clock.Today), CancellationToken.None);

        Assert.True(page.Succeeded, page.Failure?.Message);
        Assert.Equal((new DateOnly(2024, 4, 1), new DateOnly(2025, 3, 31), 1), stub.HistoricalRequests.Single());
    }

    [Theory]
    [InlineData(StubFault.ExpiredToken, BrokerFailureKind.AuthExpired)]
    [InlineData(StubFault.RateLimited, BrokerFailureKind.RateLimited)]
    [InlineData(StubFault.ServerError, BrokerFailureKind.Unavailable)]
    [InlineData(StubFault.Malformed, BrokerFailureKind.Malformed)]
    [InlineData(StubFault.Timeout, BrokerFailureKind.Unavailable)]
    public async Task Each_fault_is_the_right_failure(StubFault fault, BrokerFailureKind expected)
    {
        stub.AddHolding("INFY", "INE009A01021", SecurityType.Stock, 1, 1500, 1600);
        // Timeouts: attempts of 1 s (three in all) against a stub that answers after 30 s.
        using var own = fault == StubFault.Timeout ? NewServices(TimeSpan.FromSeconds(1)) : null;
        var adapter = (own ?? services).GetRequiredService<UpstoxAdapter>();
        var session = await ConnectAsync(adapter);
        stub.FailWith(fault);
        var watch = Stopwatch.StartNew();

        var holdings = await adapter.GetHoldingsAsync(session, CancellationToken.None);

        Assert.Equal(expected, holdings.Failure?.Kind);
        Assert.DoesNotContain(session.AccessToken!, holdings.Failure!.Message, StringComparison.Ordinal);
        if (fault == StubFault.RateLimited) Assert.Equal(TimeSpan.FromSeconds(120), holdings.Failure.RetryAfter);
        if (fault == StubFault.Timeout) Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        if (fault is StubFault.ServerError or StubFault.Timeout) Assert.Equal(3, stub.DataCalls); // the pipeline retried twice
        if (fault == StubFault.RateLimited) Assert.Equal(1, stub.DataCalls); // Retry-After 120 s is past what a run waits
    }

    [Fact]
    public async Task A_revoked_token_is_AuthExpired()
    {
        var adapter = Adapter;
        var session = await ConnectAsync(adapter);
        stub.RevokeTokens();

        var trades = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, clock.Today, clock.Today), CancellationToken.None);

        Assert.Equal(BrokerFailureKind.AuthExpired, trades.Failure?.Kind);
    }

    [Fact]
    public async Task Endless_paging_is_Malformed()
    {
        for (var i = 0; i < 600; i++) stub.AddTrade($"5{i:D6}", "TCS", "INE467B01029", TransactionType.Buy, 1, 3500, new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.FromHours(5.5)).AddMinutes(i));
        var adapter = Adapter;
        var session = await ConnectAsync(adapter);
        stub.FailWith(StubFault.EndlessPaging);

        var result = await ReadUntilFailureAsync(adapter, session, new BrokerTradeQuery(null, new DateOnly(2026, 4, 1), clock.Today), 50);

        Assert.Equal(BrokerFailureKind.Malformed, result?.Kind);
        Assert.True(stub.HistoricalCalls <= 3, $"{stub.HistoricalCalls} pages read");
    }

    [Fact]
    public async Task More_pages_than_MaxPages_is_Malformed()
    {
        using var small = BrokerTestServices.Build(clock, logs, new FakeQuoteRates(), o =>
        {
            o.Upstox.BaseUrl = stub.BaseUrl;
            o.Upstox.MaxPages = 2;
        }, s => s.AddBrokerAdapter<UpstoxAdapter>(PlatformNames.Upstox));
        for (var i = 0; i < 1600; i++) stub.AddTrade($"6{i:D6}", "TCS", "INE467B01029", TransactionType.Buy, 1, 3500, new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.FromHours(5.5)).AddMinutes(i));
        var adapter = small.GetRequiredService<UpstoxAdapter>();
        var session = await ConnectAsync(adapter);

        var result = await ReadUntilFailureAsync(adapter, session, new BrokerTradeQuery(null, new DateOnly(2026, 4, 1), clock.Today), 10);

        Assert.Equal(BrokerFailureKind.Malformed, result?.Kind);
        Assert.Equal(2, stub.HistoricalCalls);
    }

    [Fact]
    public async Task A_503_then_an_answer_is_retried_and_succeeds()
    {
        stub.AddHolding("INFY", "INE009A01021", SecurityType.Stock, 7, 1500, 1600);
        var adapter = Adapter;
        var session = await ConnectAsync(adapter);
        stub.FailTimes(StubFault.ServerError, 1);

        var holdings = await adapter.GetHoldingsAsync(session, CancellationToken.None);

        Assert.True(holdings.Succeeded, holdings.Failure?.Message);
        Assert.Equal(7m, Assert.Single(holdings.Value!).Quantity);
        Assert.Equal(3, stub.DataCalls);
    }

    [Fact]
    public async Task Secrets_tokens_and_codes_never_reach_ToString_or_the_logs()
    {
        var adapter = Adapter;
        var code = stub.IssueCode(Callback);
        var session = (await adapter.ConnectAsync(Credentials, code, Callback, CancellationToken.None)).Value!;
        await adapter.GetHoldingsAsync(session, CancellationToken.None);
        stub.FailWith(StubFault.ExpiredToken);
        await adapter.GetHoldingsAsync(session, CancellationToken.None);
        stub.FailWith(StubFault.ServerError);
        await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, clock.Today.AddDays(-3), clock.Today), CancellationToken.None);

        Assert.NotEmpty(logs.Messages);
        foreach (var secret in new[] { stub.ApiSecret, session.AccessToken!, code })
        {
            Assert.DoesNotContain(secret, session.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, session.Credentials.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Messages, m => m.Contains(secret, StringComparison.Ordinal));
        }
    }

    private async Task<BrokerSession> ConnectAsync(UpstoxAdapter adapter)
    {
        var result = await adapter.ConnectAsync(Credentials, stub.IssueCode(Callback), Callback, CancellationToken.None);
        Assert.True(result.Succeeded, result.Failure?.Message);
        return result.Value!;
    }

    internal static async Task<(List<BrokerTrade> Trades, string? Cursor, int Pages)> ReadAllAsync(IBrokerAdapter adapter, BrokerSession session,
        BrokerTradeQuery query)
    {
        var trades = new List<BrokerTrade>();
        var cursor = query.Cursor;
        for (var pages = 1; pages < 1000; pages++)
        {
            var page = await adapter.GetTradesAsync(session, query with { Cursor = cursor }, CancellationToken.None);
            Assert.True(page.Succeeded, page.Failure?.Message);
            trades.AddRange(page.Value!.Trades);
            cursor = page.Value.NextCursor;
            if (!page.Value.HasMore) return (trades, cursor, pages);
        }

        throw new InvalidOperationException("no last page");
    }

    internal static async Task<BrokerFailure?> ReadUntilFailureAsync(IBrokerAdapter adapter, BrokerSession session, BrokerTradeQuery query, int most)
    {
        var cursor = query.Cursor;
        for (var i = 0; i < most; i++)
        {
            var page = await adapter.GetTradesAsync(session, query with { Cursor = cursor }, CancellationToken.None);
            if (!page.Succeeded) return page.Failure;
            if (!page.Value!.HasMore) return null;
            cursor = page.Value.NextCursor;
        }

        return null;
    }
}

/// <summary>The DI of the broker tests: the real registration (typed client + resilience pipeline) against a stub.</summary>
internal static class BrokerTestServices
{
    /// <summary>
    /// Attempt timeout of most broker tests: long enough for a cold first call on a busy two-core machine running three
    /// test classes and the browser tests at once (a timed-out token POST would be retried with an already spent
    /// one-time code; 5 s was seen to run out), and it costs nothing when the stub answers. The timeout cases set their own.
    /// </summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static ServiceProvider Build(TimeProvider clock, CapturedLogs logs, IQuoteRates rates, Action<BrokerOptions> configure,
        Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(clock);
        services.AddSingleton(rates);
        services.Configure<BrokerOptions>(o =>
        {
            foreach (var endpoint in new[] { o.Upstox, o.Binance })
            {
                endpoint.RetryDelay = TimeSpan.FromMilliseconds(10);
                endpoint.AttemptTimeout = AttemptTimeout;
            }

            configure(o);
        });
        register(services);
        return services.BuildServiceProvider();
    }
}

/// <summary>Every log line (message and exception) written through it.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            sink.Messages.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

/// <summary>Rupees per quote asset: <see cref="Rate"/> on every date except <see cref="Missing"/>.</summary>
internal sealed class FakeQuoteRates : IQuoteRates
{
    public decimal Rate { get; set; } = 84.20m;

    public HashSet<DateOnly> Missing { get; } = [];

    public ConcurrentQueue<(string Asset, DateOnly Date)> Asked { get; } = new();

    public ValueTask<decimal?> InrPerUnitAsync(string asset, DateOnly date, CancellationToken cancellationToken)
    {
        Asked.Enqueue((asset, date));
        return ValueTask.FromResult<decimal?>(Missing.Contains(date) ? null : Rate);
    }
}
