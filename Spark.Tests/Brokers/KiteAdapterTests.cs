using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>
/// The Kite Connect adapter against <see cref="KiteStub"/>, through the real registration
/// (<see cref="BrokerHttp.AddBrokerAdapter{TAdapter}"/>: typed client, retries, token bucket, attempt timeout). The
/// clock is a <see cref="TestClock"/> fixed at Friday 27 November 2026 10:00 IST that runs at wall pace, so the
/// pipeline's delays elapse while the dates do not depend on the machine's.
/// </summary>
public sealed class KiteAdapterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(5.5));
    private static readonly DateOnly Today = new(2026, 11, 27);

    private readonly KiteStub stub = new() { CallbackUrl = new Uri("https://spark.example/connections/zerodha/callback") };
    private readonly CapturingLoggerProvider logs = new();
    private readonly ServiceProvider services;
    private readonly KiteAdapter adapter;

    public KiteAdapterTests()
    {
        services = BrokerTestHost.Build(logs, new TestClock(Start), o =>
        {
            o.Zerodha.BaseUrl = stub.BaseUrl;
            o.Zerodha.LoginUrl = stub.LoginUrl;
        }, s => s.AddBrokerAdapter<KiteAdapter>(PlatformNames.Zerodha));
        adapter = services.GetRequiredService<KiteAdapter>();
    }

    private BrokerCredentials Credentials => new(stub.ApiKey, stub.ApiSecret);

    /// <summary>
    /// One refused token call first, so the first timed call of a test does not also pay for starting WireMock and
    /// JIT-compiling the pipeline: on a loaded machine that has taken over the attempt timeout, and the pipeline's retry
    /// of a timed-out POST session/token finds its one-time request token already spent.
    /// </summary>
    public Task InitializeAsync() => BrokerTestHost.WarmUpAsync(adapter);

    public Task DisposeAsync()
    {
        services.Dispose();
        stub.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Checksum_is_the_lowercase_hex_sha256_of_key_token_and_secret()
    {
        // No published test vector was found in Kite's docs or the official clients' tests (pykiteconnect's unit tests
        // use mock responses only), so this checks against FIPS 180-2's SHA-256("abc") vector, with "a" + "b" + "c"
        // as key, request token and secret, and against SHA-256 computed over the concatenated bytes directly.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KiteSigning.KiteChecksum("a", "b", "c"));

        var independent = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("kitekey1" + "rtoken2" + "ksecret3")));
        Assert.Equal(independent, KiteSigning.KiteChecksum("kitekey1", "rtoken2", "ksecret3"));
    }

    [Fact]
    public void Login_url_carries_version_key_and_state_in_redirect_params_but_not_the_callback()
    {
        var url = adapter.LoginUrl(Credentials, new Uri("https://spark.example/cb"), "a b&c=d");

        Assert.Equal(stub.LoginUrl.GetLeftPart(UriPartial.Path), url.GetLeftPart(UriPartial.Path));
        var query = KiteStub.ParseQuery(url.Query.TrimStart('?'));
        Assert.Equal("3", query["v"]);
        Assert.Equal(stub.ApiKey, query["api_key"]);
        Assert.Equal("state=a%20b%26c%3Dd", query["redirect_params"]);
        Assert.Equal("a b&c=d", KiteStub.ParseQuery(query["redirect_params"])["state"]);
        Assert.Equal(3, query.Count);
        Assert.DoesNotContain("spark.example", url.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_exchanges_the_request_token_from_the_login_redirect_for_a_session_until_six_the_next_morning()
    {
        var (requestToken, redirect) = await LoginAsync("state-123");

        Assert.Equal("login", redirect["action"]);
        Assert.Equal("success", redirect["status"]);
        Assert.Equal("state-123", redirect["state"]);

        var result = await adapter.ConnectAsync(Credentials, requestToken, stub.CallbackUrl, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var session = result.Value!;
        Assert.Equal(KiteSigning.KiteChecksum(stub.ApiKey, requestToken, stub.ApiSecret), stub.LastChecksum);
        Assert.Equal(stub.LastAccessToken, session.AccessToken);
        Assert.Equal("ZX1234", session.AccountId);
        Assert.Equal("Stub Investor", session.AccountName);
        Assert.Null(session.RefreshToken);
        // Friday 27 November 10:00 IST → Saturday 28 November 06:00 IST.
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 6, 0, 0, TimeSpan.FromHours(5.5)), session.ExpiresAt);

        // A request token is good once.
        var again = await adapter.ConnectAsync(Credentials, requestToken, stub.CallbackUrl, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, again.Failure?.Kind);
    }

    [Theory]
    [InlineData("2026-11-27T05:59:59+05:30", "2026-11-27T06:00:00+05:30")]
    [InlineData("2026-11-27T06:00:00+05:30", "2026-11-28T06:00:00+05:30")]
    [InlineData("2026-11-27T23:30:00+05:30", "2026-11-28T06:00:00+05:30")]
    [InlineData("2026-11-27T20:00:00+00:00", "2026-11-28T06:00:00+05:30")]
    public void Tokens_expire_at_the_next_six_in_the_morning_in_india(string now, string expected)
    {
        var at = BrokerJson.NextIndiaSixAm(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
    }

    [Fact]
    public async Task A_wrong_secret_or_key_is_invalid_credentials()
    {
        var wrongSecret = await adapter.ConnectAsync(Credentials with { ApiSecret = "not-the-secret" }, stub.IssueRequestToken(), null, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, wrongSecret.Failure?.Kind);

        var wrongKey = await adapter.ConnectAsync(Credentials with { ApiKey = "otherkey99" }, stub.IssueRequestToken(), null, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, wrongKey.Failure?.Kind);

        var noToken = await adapter.ConnectAsync(Credentials, null, null, CancellationToken.None);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, noToken.Failure?.Kind);
    }

    [Fact]
    public async Task Holdings_count_t1_units_today_s_delivery_trades_and_mutual_funds()
    {
        stub.AddHolding("infy", "ine009a01021", 10m, 0m, 1400m, 1500m);
        stub.AddHolding("HDFCBANK", "INE040A01034", 5m, 3m, 1600m, 1700m);
        stub.AddHolding("NIFTYBEES", "INF204KB14I2", SecurityType.Etf, 20m, 250m, 260m);
        // Today: 4 TCS bought for delivery (not in holdings yet), 2 INFY sold from holdings, an intraday and an F&O position.
        stub.AddPosition("TCS", "NSE", "CNC", 4m, 0m, 3500m, 3510m);
        stub.AddPosition("INFY", "NSE", "CNC", -2m, 0m, 1510m, 1500m);
        stub.AddPosition("SBIN", "NSE", "MIS", 50m, 0m, 800m, 801m);
        stub.AddPosition("NIFTY26DECFUT", "NFO", "NRML", 75m, 75m, 24000m, 24100m);
        stub.AddMutualFund("INF205K01NT8", "INVESCO INDIA TAX PLAN - DIRECT PLAN", 382.488m, 78.43m, 84.86m);
        stub.AddMutualFund("INF205K01NT8", "INVESCO INDIA TAX PLAN - DIRECT PLAN", 17.512m, 78.43m, 84.86m, folio: "999");
        var session = await ConnectAsync();

        var result = await adapter.GetHoldingsAsync(session, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var holdings = result.Value!.ToDictionary(h => h.Instrument.Symbol);
        Assert.Equal(["INFY", "HDFCBANK", "NIFTYBEES", "TCS", "INF205K01NT8"], result.Value!.Select(h => h.Instrument.Symbol));

        Assert.Equal(new BrokerInstrument("INFY", "NSE", "INE009A01021", SecurityType.Stock), holdings["INFY"].Instrument);
        Assert.Equal(8m, holdings["INFY"].Quantity);
        Assert.Equal(1400m, holdings["INFY"].AveragePrice);
        Assert.Equal(1500m, holdings["INFY"].LastPrice);
        Assert.Equal(8m, holdings["HDFCBANK"].Quantity);
        Assert.Equal(SecurityType.Stock, holdings["NIFTYBEES"].Instrument.Type);
        Assert.Equal(new BrokerHolding(new BrokerInstrument("TCS", "NSE", null, SecurityType.Stock), 4m, 3500m, 3510m), holdings["TCS"]);

        var fund = holdings["INF205K01NT8"];
        Assert.Equal(new BrokerInstrument("INF205K01NT8", null, "INF205K01NT8", SecurityType.MutualFund, "INVESCO INDIA TAX PLAN - DIRECT PLAN"), fund.Instrument);
        Assert.Equal(400m, fund.Quantity);
        Assert.Equal(78.43m, fund.AveragePrice);
    }

    [Fact]
    public async Task Trades_are_today_s_equity_fills_with_ist_times_in_utc()
    {
        stub.AddTrade("10000001", "INFY", "INE009A01021", TransactionType.Buy, 10m, 1500.5m, new DateTimeOffset(2026, 11, 27, 9, 16, 39, TimeSpan.FromHours(5.5)));
        stub.AddTrade("10000002", "infy", TransactionType.Sell, 4m, 1510m, new DateTimeOffset(2026, 11, 27, 14, 2, 0, TimeSpan.FromHours(5.5)),
            orderId: "250000000000077", exchange: "BSE", product: "MIS");
        stub.AddTrade("10000003", "NIFTY26DECFUT", TransactionType.Buy, 75m, 24000m, new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.FromHours(5.5)),
            exchange: "NFO", product: "NRML");
        var session = await ConnectAsync();

        var result = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today.AddDays(-30), Today), CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var page = result.Value!;
        Assert.False(page.HasMore);
        Assert.Null(page.NextCursor);
        Assert.Equal(2, page.Trades.Count);
        Assert.Equal(new BrokerTrade("10000001", "200000010000001", new BrokerInstrument("INFY", "NSE", null, SecurityType.Stock), TransactionType.Buy, 10m,
            1500.5m, new DateTimeOffset(2026, 11, 27, 3, 46, 39, TimeSpan.Zero)), page.Trades[0]);
        Assert.Equal(new BrokerTrade("10000002", "250000000000077", new BrokerInstrument("INFY", "BSE", null, SecurityType.Stock), TransactionType.Sell, 4m,
            1510m, new DateTimeOffset(2026, 11, 27, 8, 32, 0, TimeSpan.Zero)), page.Trades[1]);
        Assert.Equal(TimeSpan.Zero, page.Trades[0].ExecutedAt.Offset);
    }

    [Theory]
    [InlineData(StubFault.ExpiredToken, BrokerFailureKind.AuthExpired)]
    [InlineData(StubFault.RateLimited, BrokerFailureKind.RateLimited)]
    [InlineData(StubFault.ServerError, BrokerFailureKind.Unavailable)]
    [InlineData(StubFault.Malformed, BrokerFailureKind.Malformed)]
    [InlineData(StubFault.Timeout, BrokerFailureKind.Unavailable)]
    public async Task Each_fault_is_the_failure_spark_acts_on(StubFault fault, BrokerFailureKind expected)
    {
        stub.AddHolding("INFY", "INE009A01021", SecurityType.Stock, 1m, 1m, 1m);
        var session = await ConnectAsync();
        stub.FailWith(fault);
        var watch = Stopwatch.StartNew();

        var holdings = await adapter.GetHoldingsAsync(session, CancellationToken.None);
        var trades = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None);

        Assert.Equal(expected, holdings.Failure?.Kind);
        Assert.Equal(expected, trades.Failure?.Kind);
        Assert.False(string.IsNullOrWhiteSpace(holdings.Failure!.Message));
        if (fault == StubFault.RateLimited) Assert.Equal(TimeSpan.FromSeconds(120), holdings.Failure.RetryAfter);
        // Timeouts: three 2 s attempts a call (10 ms backoff) for two calls; each attempt gives up before the stub's 5 s hold.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task An_expired_token_needs_a_reconnect_which_gets_a_fresh_token()
    {
        var session = await ConnectAsync();
        stub.FailWith(StubFault.ExpiredToken);
        Assert.Equal(BrokerFailureKind.AuthExpired, (await adapter.GetHoldingsAsync(session, CancellationToken.None)).Failure?.Kind);
        stub.FailWith(StubFault.None);
        Assert.Equal(BrokerFailureKind.AuthExpired, (await adapter.GetHoldingsAsync(session, CancellationToken.None)).Failure?.Kind);

        var fresh = await ConnectAsync();

        Assert.NotEqual(session.AccessToken, fresh.AccessToken);
        Assert.True((await adapter.GetHoldingsAsync(fresh, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task A_503_is_retried_by_the_pipeline_and_the_call_succeeds()
    {
        stub.AddTrade("1", "INFY", null, TransactionType.Buy, 1m, 100m, Start);
        var session = await ConnectAsync();
        stub.FailNext(StubFault.ServerError);

        var result = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Single(result.Value!.Trades);
        Assert.Equal(2, stub.DataCalls);
    }

    [Fact]
    public async Task Faults_after_some_calls_let_those_calls_through()
    {
        var session = await ConnectAsync();
        stub.FailWith(StubFault.ServerError, afterCalls: 3);

        Assert.True((await adapter.GetHoldingsAsync(session, CancellationToken.None)).Succeeded);
        Assert.Equal(BrokerFailureKind.Unavailable, (await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None)).Failure?.Kind);
    }

    [Fact]
    public async Task A_bench_sized_account_is_seeded_and_served_quickly()
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++) stub.AddHolding($"SYM{i}", $"INE{i:D6}01", SecurityType.Stock, 10m + i, 100m, 110m);
        for (var i = 0; i < 10_000; i++)
        {
            stub.AddTrade($"{i}", $"SYM{i % 300}", null, i % 3 == 0 ? TransactionType.Sell : TransactionType.Buy, 1m, 100m + (i % 7), Start.AddSeconds(i));
        }

        var session = await ConnectAsync();
        var holdings = await adapter.GetHoldingsAsync(session, CancellationToken.None);
        var trades = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None);

        Assert.Equal(300, holdings.Value!.Count);
        Assert.Equal(10_000, trades.Value!.Trades.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Secrets_and_tokens_never_reach_strings_or_logs()
    {
        var (requestToken, _) = await LoginAsync("s");
        var session = (await adapter.ConnectAsync(Credentials, requestToken, null, CancellationToken.None)).Value!;
        await adapter.GetHoldingsAsync(session, CancellationToken.None);
        stub.FailWith(StubFault.RateLimited);
        await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None);
        await adapter.ConnectAsync(Credentials with { ApiSecret = "wrong-secret-value" }, stub.IssueRequestToken(), null, CancellationToken.None);

        var text = session + " " + session.Credentials + " " + string.Join('\n', logs.Messages);
        Assert.NotEmpty(logs.Messages);
        Assert.Contains(logs.Messages, m => m.Contains("RateLimited", StringComparison.Ordinal));
        foreach (var secret in new[] { stub.ApiSecret, session.AccessToken!, requestToken, stub.LastChecksum!, "wrong-secret-value" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private async Task<BrokerSession> ConnectAsync()
    {
        var result = await adapter.ConnectAsync(Credentials, stub.IssueRequestToken(), null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Failure?.Message);
        return result.Value!;
    }

    /// <summary>Follows the adapter's login URL to the stub's login page and reads the redirect to the callback.</summary>
    private async Task<(string RequestToken, Dictionary<string, string> Redirect)> LoginAsync(string state)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await browser.GetAsync(adapter.LoginUrl(Credentials, stub.CallbackUrl!, state));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(stub.CallbackUrl!.GetLeftPart(UriPartial.Path), location.GetLeftPart(UriPartial.Path));
        var redirect = KiteStub.ParseQuery(location.Query.TrimStart('?'));
        return (redirect["request_token"], redirect);
    }
}

/// <summary>A service provider like the app's for one broker adapter: logging into a capture, a chosen clock, broker options.</summary>
internal static class BrokerTestHost
{
    public static ServiceProvider Build(CapturingLoggerProvider logs, TimeProvider clock, Action<BrokerOptions> configure,
        Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSingleton(clock);
        services.Configure<BrokerOptions>(o =>
        {
            foreach (var endpoint in new[] { o.Zerodha, o.Groww })
            {
                endpoint.RetryDelay = TimeSpan.FromMilliseconds(10);
                // 2 s, not 1: on a loaded machine the first call through a fresh stub can take over a second, and a
                // timed-out POST session/token that the pipeline retries has already spent its one-time request token.
                endpoint.AttemptTimeout = TimeSpan.FromSeconds(2);
                endpoint.RequestsPerSecond = 1000;
            }

            configure(o);
        });
        register(services);
        return services.BuildServiceProvider();
    }

    /// <summary>A connect with a key no stub accepts: one token call through the pipeline, no data call.</summary>
    public static async Task WarmUpAsync(IBrokerAdapter adapter)
    {
        var result = await adapter.ConnectAsync(new BrokerCredentials("warm-up-key", "warm-up-secret"), "warm-up-token", null, CancellationToken.None);
        Assert.False(result.Succeeded);
    }
}

/// <summary>Keeps every log line (with its exception) of every category, for asserting what reaches logs.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> messages = new();

    public IReadOnlyCollection<string> Messages => messages;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, messages);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopeless = $"{logLevel} {category}: {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                scopeless += " " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
            }

            messages.Enqueue(exception is null ? scopeless : scopeless + " " + exception);
        }
    }
}
