using System.Net;
using System.Text.Json.Nodes;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>An app whose clock starts on Sunday 6 December 2026, 11:00 IST, with the exchange keeping market hours.</summary>
public sealed class ClosedMarketFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Sunday = new(2026, 12, 6, 11, 0, 0, TimeSpan.FromHours(5.5));

    public TestClock Clock { get; } = new(Sunday);

    public TestDatabase Database { get; } = new();

    public SparkAppFactory App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        App = new SparkAppFactory(Database, new Dictionary<string, string?> { ["Spark:Exchange:EnforceMarketHours"] = "true" }, Clock);
        _ = App.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Moves the clock forward to an instant (never back).</summary>
    public void MoveTo(DateTimeOffset instant)
    {
        var by = instant - Clock.GetUtcNow();
        if (by > TimeSpan.Zero) Clock.Advance(by);
    }
}

/// <summary>
/// The market's status, after-market orders and indices over real HTTP (decision 0051). The clock only moves forward:
/// the after-market journey walks Sunday → Monday's pre-open → Monday's open in one test.
/// </summary>
public sealed class MarketDayApiTests(ClosedMarketFixture fixture) : IClassFixture<ClosedMarketFixture>
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private static DateTimeOffset T(JsonNode? node) => DateTimeOffset.Parse(node!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<ApiClient> TraderAsync(decimal cash = 1_00_000m)
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        if (cash > 0m) Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = cash })).Status);
        return api;
    }

    private async Task BarsAsync(string symbol, params object[] bars)
    {
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        var (status, _) = await api.PostAsync($"admin/securities/{Uri.EscapeDataString(symbol)}/bars", bars);
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    private static object Bar(string timestamp, decimal close) => new { timestamp, open = close, high = close, low = close, close, volume = 1L };

    /// <summary>After the clock jumps a day the access token has expired: the refresh token (still valid) renews it, as a client would.</summary>
    private static async Task RefreshAsync(ApiClient api)
    {
        var (status, tokens) = await api.PostAsync("auth/refresh", new { refreshToken = api.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, status);
        api.UseTokens(tokens!);
    }

    private static async Task<JsonNode> UntilAsync(ApiClient api, string id, string status)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (_, order) = await api.GetAsync($"orders/{id}");
            if (order!["status"]!.GetValue<string>() == status) return order;
            if (waited.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"Order {id} is {order["status"]} instead of {status}.");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_sunday_order_is_after_market_and_fills_at_mondays_open()
    {
        using var api = await TraderAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var coin = await TestData.NewSecurityAsync(fixture.Database, Spark.Core.Market.SecurityType.Crypto, sector: null);
        await BarsAsync(security.Symbol, Bar("2026-12-03", 99m), Bar("2026-12-04", 100m));
        await BarsAsync(coin.Symbol, Bar("2026-12-05", 500m));
        var monday = new DateTimeOffset(2026, 12, 7, 9, 15, 0, Ist);

        // Sunday: closed, next open Monday 09:15.
        var (_, status) = await api.GetAsync("market/status");
        Assert.Equal("closed", status!["status"]!.GetValue<string>());
        Assert.Equal(monday, T(status["nextOpen"]));
        Assert.Null(status["sessionClose"]);

        // The ticket's preview says so before placing.
        var (previewed, preview) = await api.PostAsync("orders/charges-preview", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 10, price = 105m });
        Assert.Equal(HttpStatusCode.OK, previewed);
        Assert.True(preview!["afterMarket"]!.GetValue<bool>());
        Assert.Equal(monday, T(preview["sendsAt"]));
        var (_, gtcPreview) = await api.PostAsync("orders/charges-preview", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 10, price = 105m, validity = "gtc" });
        Assert.False(gtcPreview!["afterMarket"]!.GetValue<bool>());
        Assert.Null(gtcPreview["sendsAt"]);

        var (placed, limit) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 10, price = 105m });
        Assert.Equal(HttpStatusCode.Created, placed);
        Assert.True(limit!["afterMarket"]!.GetValue<bool>());
        Assert.Equal("placed", limit["status"]!.GetValue<string>());
        var (_, market) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "market", quantity = 5 });
        Assert.True(market!["afterMarket"]!.GetValue<bool>());
        // Crypto trades around the clock: never after-market. A GTC order rests in the book: not one either.
        var (_, crypto) = await api.PostAsync("orders", new { symbol = coin.Symbol, side = "buy", type = "limit", quantity = 0.01m, price = 400m });
        Assert.False(crypto!["afterMarket"]!.GetValue<bool>());
        var (_, gtc) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 1, price = 90m, validity = "gtc" });
        Assert.False(gtc!["afterMarket"]!.GetValue<bool>());

        var limitId = limit["id"]!.GetValue<string>();
        var (_, list) = await api.GetAsync("orders?status=open");
        var listed = list!["items"]!.AsArray().Single(o => o!["id"]!.GetValue<string>() == limitId)!;
        Assert.True(listed["afterMarket"]!.GetValue<bool>());
        var (_, detail) = await api.GetAsync($"orders/{limitId}");
        Assert.True(detail!["afterMarket"]!.GetValue<bool>());

        // A price in pre-open does not fill it: the call auction is not run, the order waits for the open.
        fixture.MoveTo(new DateTimeOffset(2026, 12, 7, 9, 5, 0, Ist));
        await RefreshAsync(api);
        (_, status) = await api.GetAsync("market/status");
        Assert.Equal("pre_open", status!["status"]!.GetValue<string>());
        Assert.Equal(monday, T(status["sessionOpen"]));
        await BarsAsync(security.Symbol, Bar("2026-12-07T09:05:00+05:30", 101m));
        Assert.Equal("placed", (await api.GetAsync($"orders/{limitId}")).Body!["status"]!.GetValue<string>());

        // Monday 09:15 and a tick: the open. The limit buy fills at the open's price (at the tick or better).
        fixture.MoveTo(monday.AddSeconds(30));
        await RefreshAsync(api);
        (_, status) = await api.GetAsync("market/status");
        Assert.Equal("open", status!["status"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 15, 30, 0, Ist), T(status["sessionClose"]));
        await BarsAsync(security.Symbol, Bar("2026-12-07T09:15:00+05:30", 101m));
        var filled = await UntilAsync(api, limitId, "executed");
        Assert.Equal(101m, D(filled["averageExecutionPrice"]));
        Assert.True(filled["afterMarket"]!.GetValue<bool>());
        var marketFilled = await UntilAsync(api, market["id"]!.GetValue<string>(), "executed");
        Assert.InRange(D(marketFilled["averageExecutionPrice"]), 101m, 101.1m);

        // Placed now, in the session, an order is an ordinary day order.
        var (_, live) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 1, price = 95m });
        Assert.False(live!["afterMarket"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_indices_are_computed_from_their_constituents_with_the_day_change()
    {
        // Every NIFTY Bank constituent Spark lists closes 1 % above its reference price, after a close at it: the index
        // stands 1 % above its reference level of 59,000 (59,590.00), up 590.00 on the previous close.
        var references = new Dictionary<string, decimal>
        {
            ["HDFCBANK"] = 980m, ["ICICIBANK"] = 1400m, ["SBIN"] = 850m, ["AXISBANK"] = 1150m, ["INDUSINDBK"] = 800m, ["BANKBARODA"] = 250m, ["PNB"] = 110m,
        };
        foreach (var (symbol, reference) in references)
        {
            await BarsAsync(symbol, Bar("2026-12-03", reference), Bar("2026-12-04", reference * 1.01m));
        }

        using var api = await TraderAsync(0m);
        var (status, body) = await api.GetAsync("market/indices");
        Assert.Equal(HttpStatusCode.OK, status);
        var indices = body!.AsArray();
        Assert.Equal(["NIFTY50", "NIFTYBANK", "SENSEX"], indices.Select(i => i!["code"]!.GetValue<string>()));
        var bank = indices.Single(i => i!["code"]!.GetValue<string>() == "NIFTYBANK")!;
        Assert.Equal("NIFTY Bank", bank["name"]!.GetValue<string>());
        Assert.Equal(59_590m, D(bank["level"]));
        Assert.Equal(59_000m, D(bank["previousClose"]));
        Assert.Equal(590m, D(bank["change"]));
        Assert.Equal(0.01m, D(bank["changeRate"]));
        Assert.Equal(7, bank["constituents"]!.GetValue<int>());
        foreach (var index in indices)
        {
            Assert.Equal(D(index!["level"]) - D(index["previousClose"]), D(index["change"]));
        }

        // Indices are not securities: they cannot be found, priced or ordered.
        var (search, found) = await api.GetAsync("securities?query=NIFTY");
        Assert.Equal(HttpStatusCode.OK, search);
        Assert.DoesNotContain(found!["items"]!.AsArray(), s => s!["symbol"]!.GetValue<string>() is "NIFTY50" or "NIFTYBANK" or "SENSEX");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("securities/NIFTY50")).Status);
    }

    [Fact]
    public async Task Market_status_and_indices_need_a_signed_in_user()
    {
        using var anonymous = new ApiClient(fixture.App.CreateHttpClient());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("market/status")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("market/indices")).Status);
    }
}
