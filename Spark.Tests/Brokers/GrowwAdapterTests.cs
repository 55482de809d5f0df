using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Brokers;
using Spark.Web.Services.Connections.Brokers;

namespace Spark.Tests.Brokers;

/// <summary>The Groww Trade API adapter against <see cref="GrowwStub"/>, through the real registration, on a fixed-start clock.</summary>
public sealed class GrowwAdapterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(5.5));
    private static readonly DateOnly Today = new(2026, 11, 27);
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private readonly GrowwStub stub = new();
    private readonly CapturingLoggerProvider logs = new();
    private ServiceProvider services;
    private GrowwAdapter adapter;

    public GrowwAdapterTests()
    {
        (services, adapter) = Build(maxPages: null);
    }

    private BrokerCredentials Credentials => new(stub.ApiKey, stub.ApiSecret);

    public Task InitializeAsync() => BrokerTestHost.WarmUpAsync(adapter);

    public Task DisposeAsync()
    {
        services.Dispose();
        stub.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void Checksum_is_the_lowercase_hex_sha256_of_secret_and_timestamp()
    {
        // FIPS 180-2's SHA-256("abc") vector, and SHA-256 over the concatenated bytes computed directly.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", GrowwAdapter.Checksum("ab", "c"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("s3cret1764217800"))), GrowwAdapter.Checksum("s3cret", "1764217800"));
        Assert.Throws<NotSupportedException>(() => adapter.LoginUrl(Credentials, new Uri("https://spark.example/cb"), "s"));
        Assert.Equal(BrokerAuthFlow.Keys, adapter.Flow);
    }

    [Fact]
    public async Task Connect_takes_a_token_with_the_approval_checksum_valid_until_six_the_next_morning()
    {
        var result = await adapter.ConnectAsync(Credentials, null, null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var session = result.Value!;
        Assert.Equal(stub.LastAccessToken, session.AccessToken);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 6, 0, 0, Ist), session.ExpiresAt);
        // The timestamp is the clock's (27 November 2026, 04:30 UTC, plus the few seconds the test has run).
        var timestamp = long.Parse(stub.LastTimestamp!, CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, Start.ToUnixTimeSeconds(), Start.ToUnixTimeSeconds() + 120);
        Assert.Equal(GrowwAdapter.Checksum(stub.ApiSecret, stub.LastTimestamp!), stub.LastChecksum);
    }

    [Fact]
    public async Task The_expiry_groww_states_is_used_when_it_is_later_than_now()
    {
        stub.TokenExpiry = new DateTimeOffset(2026, 11, 28, 6, 0, 0, Ist);

        var session = (await adapter.ConnectAsync(Credentials, null, null, CancellationToken.None)).Value!;

        Assert.Equal(stub.TokenExpiry, session.ExpiresAt);
    }

    [Fact]
    public async Task A_generated_access_token_without_a_secret_is_checked_with_one_call()
    {
        await adapter.ConnectAsync(Credentials, null, null, CancellationToken.None);
        var token = stub.LastAccessToken!;

        var ok = await adapter.ConnectAsync(new BrokerCredentials(token, ""), null, null, CancellationToken.None);
        var bad = await adapter.ConnectAsync(new BrokerCredentials("eyJnot-a-token", ""), null, null, CancellationToken.None);

        Assert.True(ok.Succeeded, ok.Failure?.Message);
        Assert.Equal(token, ok.Value!.AccessToken);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, bad.Failure?.Kind);
    }

    [Fact]
    public async Task A_wrong_key_or_secret_is_invalid_credentials()
    {
        var wrongSecret = await adapter.ConnectAsync(Credentials with { ApiSecret = "not-the-secret" }, null, null, CancellationToken.None);
        var wrongKey = await adapter.ConnectAsync(Credentials with { ApiKey = "someone-elses-key" }, null, null, CancellationToken.None);

        Assert.Equal(BrokerFailureKind.InvalidCredentials, wrongSecret.Failure?.Kind);
        Assert.Equal(BrokerFailureKind.InvalidCredentials, wrongKey.Failure?.Kind);
    }

    [Fact]
    public async Task Holdings_are_the_net_quantity_with_isin()
    {
        stub.AddHolding("reliance", "ine002a01018", SecurityType.Stock, 10m, 2450.5m, 2900m);
        stub.AddHolding("NIFTYBEES", "INF204KB14I2", SecurityType.Etf, 3m, 250m, 260m);
        var session = await ConnectAsync();

        var result = await adapter.GetHoldingsAsync(session, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(
            [
                new BrokerHolding(new BrokerInstrument("RELIANCE", null, "INE002A01018", SecurityType.Stock), 10m, 2450.5m, null),
                new BrokerHolding(new BrokerInstrument("NIFTYBEES", null, "INF204KB14I2", SecurityType.Stock), 3m, 250m, null),
            ],
            result.Value!);
    }

    [Fact]
    public async Task Trades_page_through_orders_and_their_fills_until_the_last_page()
    {
        // 130 orders (two pages of 100), one of them with 120 fills (three pages of 50), and an unfilled order.
        for (var i = 0; i < 129; i++)
        {
            stub.AddTrade($"T{i:D5}", "SYM" + i.ToString(CultureInfo.InvariantCulture), null, TransactionType.Buy, 1m, 10m + i,
                Start.AddMinutes(i), orderId: $"GO{i:D5}");
        }

        for (var j = 0; j < 120; j++)
        {
            stub.AddTrade($"B{j:D5}", "INFY", "INE009A01021", TransactionType.Sell, 2m, 1500m, new DateTimeOffset(2026, 11, 27, 14, 0, j % 60, Ist),
                orderId: "GOBIG");
        }

        stub.AddOrder("GOOPEN", "TCS", TransactionType.Buy, "OPEN", Start);
        var session = await ConnectAsync();

        var all = new List<BrokerTrade>();
        string? cursor = null;
        var pages = 0;
        while (true)
        {
            var result = await adapter.GetTradesAsync(session, new BrokerTradeQuery(cursor, Today.AddDays(-7), Today), CancellationToken.None);
            Assert.True(result.Succeeded, result.Failure?.Message);
            pages++;
            all.AddRange(result.Value!.Trades);
            if (!result.Value.HasMore)
            {
                Assert.Null(result.Value.NextCursor);
                break;
            }

            cursor = result.Value.NextCursor;
            Assert.NotNull(cursor);
        }

        Assert.Equal(2, pages);
        Assert.Equal(249, all.Count);
        Assert.Equal(all.Count, all.Select(t => t.TradeId).Distinct().Count());
        var first = all.Single(t => t.TradeId == "T00000");
        Assert.Equal(new BrokerTrade("T00000", "GO00000", new BrokerInstrument("SYM0", "NSE", null, SecurityType.Stock), TransactionType.Buy, 1m, 10m,
            new DateTimeOffset(2026, 11, 27, 4, 30, 0, TimeSpan.Zero)), first);
        var big = all.Where(t => t.OrderId == "GOBIG").ToList();
        Assert.Equal(120, big.Count);
        Assert.All(big, t => Assert.Equal(new BrokerInstrument("INFY", "NSE", "INE009A01021", SecurityType.Stock), t.Instrument));
        Assert.All(big, t => Assert.Equal(TransactionType.Sell, t.Side));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 30, 59, TimeSpan.Zero), big.Max(t => t.ExecutedAt));
    }

    [Fact]
    public async Task Trades_seeded_without_order_ids_are_grouped_into_orders_by_symbol_side_and_day()
    {
        stub.AddTrade("A1", "INFY", null, TransactionType.Buy, 1m, 100m, Start);
        stub.AddTrade("A2", "INFY", null, TransactionType.Buy, 2m, 101m, Start.AddMinutes(1));
        stub.AddTrade("A3", "INFY", null, TransactionType.Sell, 1m, 102m, Start.AddMinutes(2));
        var session = await ConnectAsync();

        var page = (await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None)).Value!;

        Assert.Equal(["A1", "A2", "A3"], page.Trades.Select(t => t.TradeId));
        Assert.Equal(page.Trades[0].OrderId, page.Trades[1].OrderId);
        Assert.NotEqual(page.Trades[0].OrderId, page.Trades[2].OrderId);
        Assert.Equal(1 + 2, stub.DataCalls);
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
        stub.AddTrade("A1", "INFY", null, TransactionType.Buy, 1m, 100m, Start);
        var session = await ConnectAsync();
        stub.FailWith(fault);
        var watch = Stopwatch.StartNew();

        var holdings = await adapter.GetHoldingsAsync(session, CancellationToken.None);
        var trades = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None);

        Assert.Equal(expected, holdings.Failure?.Kind);
        Assert.Equal(expected, trades.Failure?.Kind);
        if (fault == StubFault.RateLimited) Assert.Equal(TimeSpan.FromSeconds(120), holdings.Failure!.RetryAfter);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Endless_paging_is_malformed_instead_of_a_loop()
    {
        var session = await ConnectAsync();
        stub.FailWith(StubFault.EndlessPaging);

        string? cursor = null;
        BrokerResult<BrokerTradePage> result = default;
        for (var i = 0; i < 5; i++)
        {
            result = await adapter.GetTradesAsync(session, new BrokerTradeQuery(cursor, Today, Today), CancellationToken.None);
            if (!result.Succeeded) break;
            Assert.True(result.Value!.HasMore);
            cursor = result.Value.NextCursor;
        }

        Assert.Equal(BrokerFailureKind.Malformed, result.Failure?.Kind);
        Assert.Equal(2, stub.DataCalls);
    }

    [Fact]
    public async Task More_pages_than_allowed_are_malformed()
    {
        services.Dispose();
        (services, adapter) = Build(maxPages: 2);
        for (var i = 0; i < 250; i++) stub.AddOrder($"GO{i:D5}", "SYM", TransactionType.Buy, "CANCELLED", Start);
        var session = await ConnectAsync();

        var first = await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None);
        var second = await adapter.GetTradesAsync(session, new BrokerTradeQuery(first.Value!.NextCursor, Today, Today), CancellationToken.None);
        var third = await adapter.GetTradesAsync(session, new BrokerTradeQuery(second.Value!.NextCursor, Today, Today), CancellationToken.None);

        Assert.True(second.Value!.HasMore);
        Assert.Equal(BrokerFailureKind.Malformed, third.Failure?.Kind);
    }

    [Fact]
    public async Task A_cursor_from_another_day_starts_again_from_the_first_page()
    {
        for (var i = 0; i < 150; i++) stub.AddTrade($"T{i}", "SYM", null, TransactionType.Buy, 1m, 1m, Start, orderId: $"GO{i:D5}");
        var session = await ConnectAsync();
        var first = (await adapter.GetTradesAsync(session, new BrokerTradeQuery(null, Today, Today), CancellationToken.None)).Value!;

        var nextDay = (await adapter.GetTradesAsync(session, new BrokerTradeQuery(first.NextCursor, Today, Today.AddDays(1)), CancellationToken.None)).Value!;

        Assert.Equal(100, first.Trades.Count);
        Assert.Equal(first.Trades.Select(t => t.TradeId), nextDay.Trades.Select(t => t.TradeId));
    }

    [Fact]
    public async Task A_503_is_retried_by_the_pipeline_and_the_call_succeeds()
    {
        stub.AddHolding("INFY", "INE009A01021", SecurityType.Stock, 1m, 1m, 1m);
        var session = await ConnectAsync();
        stub.FailNext(StubFault.ServerError);

        var result = await adapter.GetHoldingsAsync(session, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Single(result.Value!);
        Assert.Equal(2, stub.DataCalls);
    }

    [Fact]
    public async Task A_bench_sized_account_is_seeded_and_served_quickly()
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++) stub.AddHolding($"SYM{i}", $"INE{i:D6}01", SecurityType.Stock, 10m + i, 100m, 110m);
        for (var i = 0; i < 10_000; i++)
        {
            stub.AddTrade($"T{i}", $"SYM{i % 300}", null, i % 3 == 0 ? TransactionType.Sell : TransactionType.Buy, 1m, 100m + (i % 7), Start.AddSeconds(i));
        }

        var session = await ConnectAsync();
        var holdings = await adapter.GetHoldingsAsync(session, CancellationToken.None);
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await adapter.GetTradesAsync(session, new BrokerTradeQuery(cursor, Today, Today), CancellationToken.None);
            Assert.True(page.Succeeded, page.Failure?.Message);
            count += page.Value!.Trades.Count;
            cursor = page.Value.HasMore ? page.Value.NextCursor : null;
        }
        while (cursor is not null);

        Assert.Equal(300, holdings.Value!.Count);
        Assert.Equal(10_000, count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Secrets_and_tokens_never_reach_strings_or_logs()
    {
        var session = await ConnectAsync();
        await adapter.GetHoldingsAsync(session, CancellationToken.None);
        stub.FailWith(StubFault.ExpiredToken);
        await adapter.GetHoldingsAsync(session, CancellationToken.None);
        await adapter.ConnectAsync(Credentials with { ApiSecret = "wrong-secret-value" }, null, null, CancellationToken.None);

        var text = session + " " + session.Credentials + " " + string.Join('\n', logs.Messages);
        Assert.Contains(logs.Messages, m => m.Contains("AuthExpired", StringComparison.Ordinal));
        foreach (var secret in new[] { stub.ApiSecret, session.AccessToken!, stub.LastChecksum!, "wrong-secret-value" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private async Task<BrokerSession> ConnectAsync()
    {
        var result = await adapter.ConnectAsync(Credentials, null, null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Failure?.Message);
        return result.Value!;
    }

    private (ServiceProvider Services, GrowwAdapter Adapter) Build(int? maxPages)
    {
        var provider = BrokerTestHost.Build(logs, new TestClock(Start), o =>
        {
            o.Groww.BaseUrl = stub.BaseUrl;
            if (maxPages is { } max) o.Groww.MaxPages = max;
        }, s => s.AddBrokerAdapter<GrowwAdapter>(PlatformNames.Groww));
        return (provider, provider.GetRequiredService<GrowwAdapter>());
    }
}
