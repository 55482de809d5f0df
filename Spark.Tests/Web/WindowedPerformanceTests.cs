using System.Net;
using System.Text.Json.Nodes;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>
/// GET /portfolio/performance with a window (issue 15, item 5; api.md "XIRR of a window"): the value held at the start
/// of <c>from</c> is paid in on <c>from</c>, the flows inside as usual, the value at the end of <c>to</c> received on
/// <c>to</c>. Without a window, or with one covering the whole history, the figure is the all-history XIRR.
/// </summary>
public sealed class WindowedPerformanceTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private static async Task TradeAsync(ApiClient api, string symbol, string type, decimal quantity, decimal price, string date)
    {
        var (status, body) = await api.PostAsync("transactions", new { symbol, type, quantity, price, fees = 0m, tax = 0m, gst = 0m, transactionDate = date });
        Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {ApiClient.Json(body)}");
    }

    private static async Task ClosesAsync(ApiClient admin, string symbol, params (string Date, decimal Close)[] closes)
    {
        var (status, _) = await admin.PostAsync($"admin/securities/{symbol}/bars",
            closes.Select(c => new { timestamp = c.Date, open = c.Close, high = c.Close, low = c.Close, close = c.Close, volume = 1L }).ToArray());
        Assert.Equal(HttpStatusCode.NoContent, status);
    }

    private static decimal? Xirr(JsonNode? body) => body!["xirr"]?.GetValue<decimal>();

    [Fact]
    public async Task A_window_that_starts_with_holdings_pays_their_value_in_and_receives_the_value_at_its_end()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var api = await SignedInAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await ClosesAsync(admin, s.Symbol, ("2007-12-03", 100m), ("2007-12-31", 100m), ("2009-04-01", 110m));
        await TradeAsync(api, s.Symbol, "buy", 100, 100m, "2007-12-03");
        await TradeAsync(api, s.Symbol, "sell", 25, 110m, "2008-03-01");
        await TradeAsync(api, s.Symbol, "sell", 25, 170m, "2008-10-30");
        await TradeAsync(api, s.Symbol, "sell", 25, 130m, "2009-02-15");

        var (status, window) = await api.GetAsync("portfolio/performance?from=2008-01-01&to=2009-04-01");

        // Held at the start of 1 January 2008: 100 units at the 31 December 2007 close of ₹100 = ₹10,000 paid in on
        // 2008-01-01. Inside: 25 × 110 = 2,750 (2008-03-01), 25 × 170 = 4,250 (2008-10-30), 25 × 130 = 3,250 (2009-02-15).
        // At the end of 1 April 2009: 25 units at ₹110 = 2,750. These are the flows of Microsoft's XIRR documentation
        // example, =XIRR(...) = 0.373362535.
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0.373362535, (double)Xirr(window)!.Value, 6);
        Assert.Null(window!["xirrNote"]);
        Assert.Equal("2008-01-01", window["from"]!.GetValue<string>());
        Assert.Equal("2009-04-01", window["to"]!.GetValue<string>());

        // Without a window the figure is the all-history one the summary shows (bought on 2007-12-03, valued today),
        // and a window from before the first transaction to today is the whole history.
        var (_, summary) = await api.GetAsync("portfolio/summary");
        var (_, all) = await api.GetAsync("portfolio/performance");
        var (_, fromBefore) = await api.GetAsync("portfolio/performance?from=2000-01-01");
        Assert.NotNull(Xirr(summary));
        Assert.NotEqual(Xirr(window), Xirr(summary));
        Assert.Equal(Xirr(summary), Xirr(all));
        Assert.Equal(Xirr(summary), Xirr(fromBefore));
    }

    [Fact]
    public async Task A_year_held_without_flows_returns_the_growth_of_its_value()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var api = await SignedInAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await ClosesAsync(admin, s.Symbol, ("2023-06-01", 80m), ("2023-12-29", 100m), ("2024-12-31", 110m), ("2025-06-02", 150m));
        await TradeAsync(api, s.Symbol, "buy", 10, 80m, "2023-06-01");

        var (_, year) = await api.GetAsync("portfolio/performance?from=2024-01-01&to=2024-12-31");

        // ₹1,000 held at the start of 2024 (10 × the 29 December 2023 close of 100; nothing traded on the 30th or 31st),
        // ₹1,100 at the end of 31 December 2024 (10 × 110): 365 days apart, so (1,100 / 1,000)^(365/365) − 1 = 0.10.
        // The all-history figure, from ₹800 on 2023-06-01, would be far higher: the window's is its own.
        Assert.Equal(0.1m, Xirr(year));
        // The TWR of the same window is the same 10 %: no money moved in it.
        Assert.Equal(0.1m, year!["twr"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_window_before_anything_was_bought_has_no_xirr_and_an_inverted_one_is_a_field_error()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var api = await SignedInAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await ClosesAsync(admin, s.Symbol, ("2024-03-01", 100m));
        await TradeAsync(api, s.Symbol, "buy", 1, 100m, "2024-03-01");

        var (_, before) = await api.GetAsync("portfolio/performance?from=2020-01-01&to=2020-12-31");
        var (inverted, problem) = await api.GetAsync("portfolio/performance?from=2024-02-01&to=2024-01-01");

        Assert.Null(Xirr(before));
        Assert.Equal(Spark.Core.Portfolio.Xirr.NothingInvestedNote, before!["xirrNote"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, inverted);
        Assert.NotNull(problem!["errors"]!["to"]);
    }
}
