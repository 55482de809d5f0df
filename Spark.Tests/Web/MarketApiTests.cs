using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Hubs;

namespace Spark.Tests.Web;

/// <summary>Securities, bars and the live market hub over real HTTP and WebSockets.</summary>
public sealed class MarketApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    [Fact]
    public async Task Search_matches_symbol_name_and_isin_in_the_list_envelope()
    {
        using var api = await SignedInAsync();
        var (_, byName) = await api.GetAsync("securities?query=infosys");
        Assert.Contains(byName!["items"]!.AsArray(), i => i!["symbol"]!.GetValue<string>() == "INFY");
        var (_, byIsin) = await api.GetAsync("securities?query=INE009A01021");
        Assert.Equal("INFY", byIsin!["items"]![0]!["symbol"]!.GetValue<string>());
        var (_, funds) = await api.GetAsync("securities?type=mutual_fund&pageSize=5");
        Assert.All(funds!["items"]!.AsArray(), i => Assert.Equal("mutual_fund", i!["type"]!.GetValue<string>()));
        Assert.True(funds["total"]!.GetValue<int>() > 5);
        var (notFound, _) = await api.GetAsync("securities/NOSUCHTHING");
        Assert.Equal(HttpStatusCode.NotFound, notFound);
    }

    [Fact]
    public async Task Posted_bars_become_the_price_the_52_week_range_and_the_bars_read_back()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var api = await SignedInAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var (status, _) = await admin.PostAsync($"admin/securities/{s.Symbol}/bars", new object[]
        {
            new { timestamp = "2026-06-01", open = 500m, high = 560m, low = 480m, close = 550m, volume = 10L },
            new { timestamp = "2026-11-20", open = 520m, high = 530m, low = 510m, close = 515.5m, volume = 20L },
            new { timestamp = "2026-11-23T10:01:00+05:30", open = 516m, high = 518m, low = 515m, close = 517.25m, volume = 3L },
        });
        Assert.Equal(HttpStatusCode.NoContent, status);

        var (_, detail) = await api.GetAsync($"securities/{s.Symbol}");
        Assert.Equal((517.25m, 515.5m), (detail!["lastPrice"]!.GetValue<decimal>(), detail["previousClose"]!.GetValue<decimal>()));
        Assert.Equal((560m, 480m), (detail["week52High"]!.GetValue<decimal>(), detail["week52Low"]!.GetValue<decimal>()));
        var (_, daily) = await api.GetAsync($"securities/{s.Symbol}/bars?interval=1d&from=2026-01-01");
        Assert.Equal([550m, 515.5m], daily!.AsArray().Select(b => b!["close"]!.GetValue<decimal>()));
        var (_, minutes) = await api.GetAsync($"securities/{s.Symbol}/bars?interval=1m&from=2026-11-23&to=2026-11-23");
        Assert.Equal(517.25m, minutes!.AsArray().Single()!["close"]!.GetValue<decimal>());
        var (badInterval, _) = await api.GetAsync($"securities/{s.Symbol}/bars?interval=5m");
        Assert.Equal(HttpStatusCode.BadRequest, badInterval);
    }

    [Fact]
    public async Task Bars_that_break_ohlc_rules_are_refused_and_an_investor_may_not_post_bars()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var investor = await SignedInAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var (bad, problem) = await admin.PostAsync($"admin/securities/{s.Symbol}/bars", new[]
        {
            new { timestamp = "2026-11-20", open = 100m, high = 90m, low = 95m, close = 92m, volume = 1L },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.NotNull(problem!["errors"]!["[0]"]);
        var (forbidden, _) = await investor.PostAsync($"admin/securities/{s.Symbol}/bars", new[]
        {
            new { timestamp = "2026-11-20", open = 100m, high = 110m, low = 95m, close = 105m, volume = 1L },
        });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
    }

    [Fact]
    public async Task A_history_csv_keeps_good_rows_and_reports_bad_ones_and_reposting_corrects_a_bar()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var csv = """
            date,open,high,low,close,volume
            2025-01-02,100,105,99,104,1000
            2025-01-03,104,103,101,102,1000
            2025-01-06,102,108,101,107,1000
            """;
        var (_, report) = await admin.UploadAsync($"admin/securities/{s.Symbol}/bars/import", csv);
        Assert.Equal(2, report!["imported"]!.GetValue<int>());
        Assert.Equal(3, report["errors"]!.AsArray().Single()!["row"]!.GetValue<int>());

        var (_, corrected) = await admin.UploadAsync($"admin/securities/{s.Symbol}/bars/import", "date,open,high,low,close,volume\n2025-01-06,102,109,101,108.5,1500\n");
        Assert.Equal(1, corrected!["imported"]!.GetValue<int>());
        var (_, bars) = await admin.GetAsync($"securities/{s.Symbol}/bars?interval=1d");
        Assert.Equal([104m, 108.5m], bars!.AsArray().Select(b => b!["close"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task The_market_hub_streams_ticks_for_subscribed_symbols_to_an_api_client()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var investor = await SignedInAsync();
        var watched = await TestData.NewSecurityAsync(fixture.Database);
        var other = await TestData.NewSecurityAsync(fixture.Database);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.App.BaseAddress, MarketHub.Path.TrimStart('/')), o => o.AccessTokenProvider = () => Task.FromResult(investor.AccessToken))
            .Build();
        var ticks = Channel.CreateUnbounded<TickMessage>();
        hub.On<TickMessage>("tick", t => ticks.Writer.TryWrite(t));
        await hub.StartAsync();
        var subscribed = await hub.InvokeAsync<List<string>>("Subscribe", new List<string> { watched.Symbol, "NOSUCHTHING" });
        Assert.Equal([watched.Symbol], subscribed);

        await admin.PostAsync($"admin/securities/{other.Symbol}/bars", new[] { new { timestamp = "2026-11-20", open = 10m, high = 10m, low = 10m, close = 10m, volume = 1L } });
        await admin.PostAsync($"admin/securities/{watched.Symbol}/bars", new[] { new { timestamp = "2026-11-20", open = 20m, high = 21m, low = 19m, close = 20.55m, volume = 1L } });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var tick = await ticks.Reader.ReadAsync(timeout.Token);
        Assert.Equal((watched.Symbol, 20.55m), (tick.Symbol, tick.Price));
    }

    [Fact]
    public async Task The_market_hub_refuses_a_client_without_a_token()
    {
        using var http = fixture.App.CreateHttpClient();
        var negotiate = await http.PostAsync(MarketHub.Path.TrimStart('/') + "/negotiate?negotiateVersion=1", null);
        Assert.True(negotiate.StatusCode == HttpStatusCode.Unauthorized, $"{negotiate.StatusCode} {negotiate.Headers} {await negotiate.Content.ReadAsStringAsync()}");
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(fixture.App.BaseAddress, MarketHub.Path.TrimStart('/'))).Build();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }
}
