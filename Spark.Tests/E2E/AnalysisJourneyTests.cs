using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Data.Seed;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// Issue #18's screens (decision 0060): the demo investor's security page with indicator overlays, the RSI and MACD panes
/// and the analysis card, and the Analysis page listing what they hold. TITAN's prices come through the admin bars API;
/// no other journey prices TITAN.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AnalysisJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_demo_investor_sees_indicators_and_the_analysis_of_a_security_and_the_analysis_page_lists_what_they_hold_and_watch()
    {
        await PriceTitanAsync();
        var page = await SignInDemoInvestorAsync(1366, 900);
        // The demo investor sold their TITAN in 2023: they watch it now, so the Analysis page lists it beside what they hold.
        var investor = DemoDataSeeder.Logins.Single(l => l.Role == Roles.Investor);
        var userId = await browser.Web.Database.OwnerScalarAsync<Guid>("SELECT id FROM users WHERE email = $1", investor.Email);
        await using (var scope = browser.Web.App.Services.CreateAsyncScope())
        {
            var watchlists = scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Watchlists.WatchlistService>();
            if (!(await watchlists.ListAsync(userId)).Any(l => l.Items.Any(i => i.Symbol == "TITAN")))
            {
                await watchlists.CreateAsync(userId, new Spark.Web.Services.Watchlists.WatchlistRequest("Analysis", ["TITAN"]));
            }
        }

        await page.GotoAsync("market/TITAN");
        await Pages.WaitUntilInteractiveAsync(page);
        var chart = page.GetByTestId("price-chart");
        await Expect(chart.Locator(".apexcharts-canvas")).ToBeVisibleAsync();
        await chart.GetByTestId("indicator-sma50").ClickAsync();
        await chart.GetByTestId("indicator-bollinger").ClickAsync();
        // The price, SMA 50 and the three bands, named in the legend.
        await Expect(chart.Locator(".apexcharts-legend-text")).ToHaveCountAsync(5);
        await Expect(chart.Locator(".apexcharts-legend-text", new() { HasText = "SMA 50" })).ToHaveCountAsync(1);
        await Expect(chart.Locator(".apexcharts-legend-text", new() { HasText = "Upper band" })).ToHaveCountAsync(1);
        await chart.GetByTestId("indicator-rsi").ClickAsync();
        await chart.GetByTestId("indicator-macd").ClickAsync();
        await Expect(page.GetByTestId("rsi-pane").Locator(".apexcharts-canvas")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("macd-pane").Locator(".apexcharts-canvas")).ToBeVisibleAsync();

        var card = page.GetByTestId("analysis-card");
        await Expect(card.GetByTestId("analysis-health")).ToContainTextAsync("/ 100");
        await Expect(card.GetByTestId("analysis-valuation")).ToBeVisibleAsync();
        await Expect(card.GetByTestId("analysis-risk")).ToBeVisibleAsync();
        await Expect(card.GetByTestId("analysis-recommendation")).ToContainTextAsync("Confidence");
        await Expect(card.GetByTestId("analysis-cons")).ToContainTextAsync("RSI");
        await Expect(card.GetByTestId("analysis-times")).ToContainTextAsync("IST");
        await Expect(card.GetByTestId("analysis-disclaimer")).ToContainTextAsync("SEBI");
        await page.Mouse.MoveAsync(0, 0);
        await Pages.SnapshotAsync(page, "analysis-security");

        await page.GotoAsync("analysis");
        await Pages.WaitUntilInteractiveAsync(page);
        var rows = page.GetByTestId("analysis-row");
        await Expect(rows.Filter(new() { HasText = "TITAN" })).ToHaveCountAsync(1);
        await Expect(rows.Filter(new() { HasText = "RELIANCE" })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("portfolio-insight")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("analysis-disclaimer")).ToBeVisibleAsync();
        await Pages.SnapshotAsync(page, "analysis-page");
        await rows.Filter(new() { HasText = "TITAN" }).GetByRole(AriaRole.Link, new() { Name = "TITAN" }).ClickAsync();
        await Expect(page.GetByTestId("analysis-card")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_phone_the_analysis_card_and_the_chips_fit_the_width()
    {
        await PriceTitanAsync();
        var page = await SignInDemoInvestorAsync(375, 812);
        await page.GotoAsync("market/TITAN");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("analysis-card").GetByTestId("analysis-health")).ToContainTextAsync("/ 100");
        await page.GetByTestId("indicator-rsi").ClickAsync();
        await Expect(page.GetByTestId("rsi-pane").Locator(".apexcharts-canvas")).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page);
        await Pages.SnapshotAsync(page, "analysis-security-phone");
    }

    [Fact]
    public async Task The_demo_investors_analysis_page_shows_their_portfolio_against_the_index_on_a_phone()
    {
        await PriceTitanAsync();
        var page = await SignInDemoInvestorAsync(375, 812);
        await page.GotoAsync("analysis");
        await Pages.WaitUntilInteractiveAsync(page);
        var insight = page.GetByTestId("portfolio-insight");
        await Expect(insight.GetByTestId("insight-hhi")).ToContainTextAsync("Herfindahl index");
        await Expect(insight.GetByTestId("insight-sectors").Locator("li").First).ToBeVisibleAsync();
        await Expect(insight.GetByTestId("insight-risk-fit")).ToContainTextAsync("risk");
        await Expect(insight.GetByTestId("insight-cash")).ToContainTextAsync("Cash");
        await Expect(insight.GetByTestId("insight-xirr")).ToBeVisibleAsync();
        await Expect(insight.GetByTestId("insight-index-xirr")).ToBeVisibleAsync();
        var holdings = insight.GetByTestId("insight-holding");
        await Expect(holdings.First).ToBeVisibleAsync();
        await insight.GetByTestId("sort-difference").ClickAsync();
        await Expect(holdings.First).ToBeVisibleAsync();
        await Expect(insight.GetByTestId("insight-tax")).ToContainTextAsync("112A");
        await Expect(insight.GetByTestId("insight-times")).ToContainTextAsync("insights-2026-12");
        await Expect(page.GetByTestId("analysis-disclaimer")).ToContainTextAsync("SEBI");
        await Pages.ExpectFitsWidthAsync(page);
        await Pages.SnapshotAsync(page, "analysis-portfolio-phone");
    }

    /// <summary>300 sessions of TITAN rising 0.2 % a day to yesterday, around its reference price of ₹3,500.</summary>
    private async Task PriceTitanAsync()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Analysis Admin", Roles.Admin);
        using var api = new ApiClient(browser.Web.App.CreateHttpClient());
        Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(admin.Email!, TestData.Password)).Status);
        var last = browser.Web.Clock.Today.AddDays(-1);
        var bars = Enumerable.Range(0, 300).Select(i =>
        {
            var close = Math.Round(2000m * (decimal)Math.Pow(1.002, i), 2);
            return new
            {
                timestamp = last.AddDays(i - 299).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                open = close, high = Math.Round(close * 1.005m, 2), low = Math.Round(close * 0.995m, 2), close, volume = 1000,
            };
        }).ToArray();
        var (status, body) = await api.PostAsync("admin/securities/TITAN/bars", bars);
        Assert.True(status == HttpStatusCode.NoContent, $"{status}: {ApiClient.Json(body)}");
    }

    private async Task<IPage> SignInDemoInvestorAsync(int width, int height)
    {
        await using (var scope = browser.Web.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
        }
        var investor = DemoDataSeeder.Logins.Single(l => l.Role == Roles.Investor);
        var userId = await browser.Web.Database.OwnerScalarAsync<Guid>("SELECT id FROM users WHERE email = $1", investor.Email);
        await browser.Web.Database.OwnerExecuteAsync("UPDATE user_security SET two_factor_last_step = NULL WHERE user_id = $1", userId);
        var page = await browser.NewPageAsync(width, height);
        await Pages.SignInAsync(page, investor.Email, investor.Password);
        await page.GetByLabel("Authenticator code").FillAsync(AuthenticatorCodes.Compute(investor.AuthenticatorKey!, browser.Web.Clock.GetUtcNow()));
        await page.GetByTestId("verify-code").ClickAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        return page;
    }
}
