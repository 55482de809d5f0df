using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Spark.Core.Formatting;
using Spark.Core.Time;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// The dashboard, the holdings table and a holding's page. Holdings are bought through the API and priced through
/// the admin bars API (the simulator is off); securities other journeys might price are guarded (see PriceDayAsync).
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class PortfolioJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_investor_watches_a_live_price_change_on_screen()
    {
        using var admin = await AdminAsync();
        var day = await PriceDayAsync(admin, "TCS");
        await PostCloseAsync(admin, "TCS", day, 3500m);
        var user = await TestData.UserAsync(browser.Web.Database, "Ishaan Verma");
        await BuyAsync(user, "TCS", 5m, 3400m, day.AddDays(-30));
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("ltp-TCS")).ToHaveTextAsync("₹3,500.00");
        await PostCloseAsync(admin, "TCS", day, 3612.35m);

        await Expect(page.GetByTestId("ltp-TCS")).ToHaveTextAsync("₹3,612.35");
        await Expect(page.GetByTestId("value-TCS")).ToHaveTextAsync("₹18,061.75");
        await Expect(page.GetByTestId("ltp-TCS").Locator(".flash-up")).ToHaveCountAsync(1);
        await Pages.SnapshotAsync(page, "portfolio-holdings");
    }

    [Fact]
    public async Task The_dashboard_values_the_holdings_at_the_posted_close()
    {
        using var admin = await AdminAsync();
        var symbol = (await TestData.NewSecurityAsync(browser.Web.Database)).Symbol;
        await PostCloseAsync(admin, symbol, Yesterday, 16234.55m);
        var user = await TestData.UserAsync(browser.Web.Database, "Naina Bose");
        await BuyAsync(user, symbol, 7m, 15000m, Yesterday.AddDays(-40));
        var page = await browser.NewPageAsync();

        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByTestId("stat-value")).ToContainTextAsync(IndianFormat.Money(7m * 16234.55m));
        await Expect(page.GetByTestId("stat-value")).ToContainTextAsync("₹1,13,641.85");
        await Expect(page.GetByTestId("stat-invested")).ToContainTextAsync("₹1,05,000.00");
        await Expect(page.GetByTestId("stat-gain")).ToContainTextAsync("+₹8,641.85");
        await Expect(page.GetByTestId("stat-xirr")).ToContainTextAsync("Absolute return");
        await Expect(page.GetByTestId("recent-transactions")).ToContainTextAsync(symbol);
        await Expect(page.Locator(".spark-chart .apexcharts-pie-series")).ToHaveCountAsync(1);
        Assert.Empty(browser.ConsoleErrors(page));
        await Pages.SnapshotAsync(page, "dashboard-holdings");
    }

    [Fact]
    public async Task A_holding_opens_with_its_lots_and_transactions_and_another_investors_holding_is_not_found()
    {
        using var admin = await AdminAsync();
        var symbol = (await TestData.NewSecurityAsync(browser.Web.Database, sector: "Consumer Durables")).Symbol;
        var day = Yesterday;
        // Two months of weekday closes rising to 1,550, for the price chart.
        var days = Enumerable.Range(0, 61).Select(i => day.AddDays(i - 60))
            .Where(d => d == day || d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        await PostClosesAsync(admin, symbol, [.. days.Select((d, i) => (d, Math.Round(1450m + 100m * i / (days.Count - 1), 2)))]);
        var user = await TestData.UserAsync(browser.Web.Database, "Rohan Pillai");
        await BuyAsync(user, symbol, 10m, 1400m, day.AddDays(-60));
        await BuyAsync(user, symbol, 4m, 1500m, day.AddDays(-20));
        var stranger = await TestData.UserAsync(browser.Web.Database, "Someone Else");
        using var strangerApi = await BuyAsync(stranger, symbol, 1m, 1450m, day.AddDays(-10));
        var strangersHolding = (await strangerApi.GetAsync("investments")).Body!["items"]![0]!["id"]!.GetValue<Guid>();
        var page = await browser.NewPageAsync(width: 360, height: 740);
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId($"ltp-{symbol}")).ToContainTextAsync("₹1,550.00");
        await Pages.ExpectFitsWidthAsync(page);
        await Pages.SnapshotAsync(page, "portfolio-holdings-phone");
        await page.GetByTestId("holding-symbol").Filter(new() { HasText = symbol }).ClickAsync();

        await Expect(page.GetByTestId("holding-price")).ToHaveTextAsync("₹1,550.00");
        await Expect(page.GetByTestId("lots-table").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("holding-transactions").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("holding-stats")).ToContainTextAsync("₹21,700.00");
        await Pages.ExpectFitsWidthAsync(page);
        await Pages.SnapshotAsync(page, "portfolio-holding-phone");

        var desktop = await browser.NewPageAsync();
        await Pages.SignInAsync(desktop, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(desktop);
        await desktop.GotoAsync(page.Url);
        await Expect(desktop.Locator(".spark-chart .apexcharts-line-series")).ToHaveCountAsync(1);
        await Pages.SnapshotAsync(desktop, "portfolio-holding");

        await page.GotoAsync($"portfolio/holdings/{strangersHolding}");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("holding-not-found")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("holding-stats")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_investor_with_nothing_yet_is_guided_to_add_import_or_connect()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Kabir Anand");
        var page = await browser.NewPageAsync(width: 360, height: 740);

        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByTestId("empty-portfolio")).ToBeVisibleAsync();
        await Expect(page.GetByText("Your portfolio is empty")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("empty-add-transaction")).ToHaveAttributeAsync("href", "portfolio/transactions?add=1");
        await Expect(page.GetByTestId("empty-import")).ToHaveAttributeAsync("href", "portfolio/transactions?import=1");
        await Expect(page.GetByTestId("empty-connect")).ToHaveAttributeAsync("href", "settings/connections");
        await Expect(page.GetByTestId("dashboard-summary")).ToHaveCountAsync(0);
        await Pages.ExpectFitsWidthAsync(page);
        await Pages.SnapshotAsync(page, "dashboard-empty-phone");
    }

    private DateOnly Yesterday => browser.Web.Clock.Today.AddDays(-1);

    private async Task<ApiClient> AdminAsync()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Market Desk", Roles.Admin);
        return await SignedInAsync(admin.Email!);
    }

    private async Task<ApiClient> SignedInAsync(string email)
    {
        var api = new ApiClient(browser.Web.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(email, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return api;
    }

    private async Task<ApiClient> BuyAsync(SparkUser user, string symbol, decimal quantity, decimal price, DateOnly date)
    {
        var api = await SignedInAsync(user.Email!);
        var (status, body) = await api.PostAsync("transactions", new
        {
            symbol, type = "buy", quantity, price, transactionDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        Assert.True(status == HttpStatusCode.Created, ApiClient.Json(body));
        return api;
    }

    /// <summary>
    /// The browser tests share one database and a seeded security may be priced by others: the day of a test's bar
    /// is the latest one stored (daily or intraday) or yesterday, so the bar it posts is the newest and sets the price.
    /// </summary>
    private async Task<DateOnly> PriceDayAsync(ApiClient api, string symbol)
    {
        var day = Yesterday;
        foreach (var interval in new[] { "1d", "1m" })
        {
            var (status, bars) = await api.GetAsync($"securities/{symbol}/bars?interval={interval}");
            Assert.Equal(HttpStatusCode.OK, status);
            foreach (var bar in bars!.AsArray())
            {
                var at = DateTimeOffset.Parse(bar!["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                var date = DateOnly.FromDateTime(IndiaTime.ToIst(at).DateTime);
                if (date > day) day = date;
            }
        }
        return day;
    }

    private static Task PostCloseAsync(ApiClient admin, string symbol, DateOnly day, decimal close) => PostClosesAsync(admin, symbol, [(day, close)]);

    private static async Task PostClosesAsync(ApiClient admin, string symbol, IReadOnlyList<(DateOnly Day, decimal Close)> closes)
    {
        var bars = closes.Select(c => new
        {
            timestamp = c.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), open = c.Close, high = c.Close, low = c.Close, close = c.Close, volume = 1000,
        });
        var (status, body) = await admin.PostAsync($"admin/securities/{symbol}/bars", bars);
        Assert.True(status == HttpStatusCode.NoContent, ApiClient.Json(body));
    }
}
