using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Spark.Core.Time;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// The market screens. Each test prices its own security through the admin bars API (the simulator is off), and
/// uses a security no other journey prices, because the browser tests share one database.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class MarketJourneyTests(BrowserFixture browser)
{
    private DateOnly Today => browser.Web.Clock.Today;

    [Fact]
    public async Task An_investor_finds_infosys_by_part_of_its_name_or_its_isin_and_opens_its_page()
    {
        var investor = await TestData.UserAsync(browser.Web.Database, "Rohan Mehta");
        var page = await SignedInAsync(investor);

        await page.GotoAsync("market");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Market", Exact = true })).ToBeVisibleAsync();
        var search = page.GetByPlaceholder("Search by name, symbol or ISIN");
        var rows = page.GetByTestId("market-row");

        await search.FillAsync("infos");
        await Expect(rows.First).ToHaveAttributeAsync("data-symbol", "INFY");
        await Expect(rows.First).ToContainTextAsync("Infosys Ltd");

        await search.FillAsync("nothing-is-called-this");
        await Expect(page.GetByTestId("market-empty")).ToContainTextAsync("Nothing matches");

        await search.FillAsync("INE009A01021");
        await Expect(rows).ToHaveCountAsync(1);
        await Pages.SnapshotAsync(page, "market-search");
        await rows.First.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/market/INFY$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Infosys Ltd" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("fact-ISIN")).ToHaveTextAsync("INE009A01021");
        await Expect(page.GetByTestId("fact-Sector")).ToHaveTextAsync("Information Technology");

        await page.GoBackAsync();
        await Expect(search).ToHaveValueAsync("INE009A01021");
        await Expect(rows).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task The_type_chips_narrow_the_list_and_an_unknown_symbol_gets_a_not_found_panel()
    {
        var investor = await TestData.UserAsync(browser.Web.Database, "Ishaan Gupta");
        var page = await SignedInAsync(investor);

        await page.GotoAsync("market");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("type-Etf").ClickAsync();
        await Expect(page.GetByTestId("market-row").Filter(new() { HasText = "Infosys" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("market-row").Filter(new() { HasText = "NIFTYBEES" })).ToHaveCountAsync(1);
        await Expect(page).ToHaveURLAsync(new Regex("/market\\?type=Etf$"));
        await page.GetByPlaceholder("Search by name, symbol or ISIN").FillAsync("nifty");
        await Expect(page.GetByTestId("market-row").Filter(new() { HasText = "GOLDBEES" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("market-row").Filter(new() { HasText = "UTI-NIFTY50-DG" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("market-row").Filter(new() { HasText = "NIFTYBEES" })).ToHaveCountAsync(1);

        await page.GotoAsync("market/NO-SUCH-THING");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("security-not-found")).ToContainTextAsync("No security is listed as “NO-SUCH-THING”");
    }

    [Fact]
    public async Task A_security_page_shows_the_posted_price_in_indian_style_its_52_week_range_a_chart_and_live_moves()
    {
        const string symbol = "ETHINR";
        using var api = await AdminApiAsync();
        await PostBarsAsync(api, symbol,
            Bar(Today.AddDays(-400), 150000m, 400000m, 100000m, 160000m), // older than a year: not in the 52-week range
            Bar(Today.AddDays(-300), 250000m, 260000m, 210987.65m, 255000m),
            Bar(Today.AddDays(-150), 330000m, 345678.90m, 320000m, 340000m),
            Bar(Today.AddDays(-2), 299000m, 301000m, 298000m, 300000m),
            Bar(Today.AddDays(-1), 300000m, 314000m, 299500m, 312345.60m));
        var investor = await TestData.UserAsync(browser.Web.Database, "Kavya Nair");
        var page = await SignedInAsync(investor);

        await page.GotoAsync($"market/{symbol}");
        await Pages.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ethereum" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("security-price")).ToHaveTextAsync("₹3,12,345.60");
        var change = page.GetByTestId("security-change");
        await Expect(change).ToContainTextAsync("▲");
        await Expect(change).ToContainTextAsync("+₹12,345.60 (+4.12 %)");
        await Expect(change).ToHaveClassAsync(new Regex("spark-gain"));
        await Expect(page.GetByTestId("week52-high")).ToHaveTextAsync("₹3,45,678.90");
        await Expect(page.GetByTestId("week52-low")).ToHaveTextAsync("₹2,10,987.65");

        var chart = page.GetByTestId("price-chart");
        await Expect(chart.Locator(".apexcharts-canvas")).ToBeVisibleAsync();
        await Expect(chart.Locator(".apexcharts-area-series")).ToHaveCountAsync(1);
        await chart.GetByText("Candles", new() { Exact = true }).ClickAsync();
        await Expect(chart.Locator(".apexcharts-candlestick-series")).ToHaveCountAsync(1);
        await Expect(chart.Locator(".apexcharts-area-series")).ToHaveCountAsync(0);
        await chart.GetByText("Max", new() { Exact = true }).ClickAsync();
        await Expect(chart.GetByText("Weekly bars")).ToBeVisibleAsync();
        await Expect(chart.Locator(".apexcharts-candlestick-series")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("bar-import")).ToHaveCountAsync(0);
        await page.Mouse.MoveAsync(0, 0);
        await Pages.SnapshotAsync(page, "market-security");

        // A new price reaches the open page as a tick: the header changes in place and flashes upwards.
        var now = IndiaTime.ToIst(browser.Web.Clock.GetUtcNow());
        await PostBarsAsync(api, symbol, new
        {
            timestamp = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, now.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            open = 312345.60m, high = 320000m, low = 312000m, close = 320000m, volume = 12,
        });
        await Expect(page.GetByTestId("security-price")).ToHaveTextAsync("₹3,20,000.00");
        await Expect(page.GetByTestId("security-price")).ToHaveClassAsync(new Regex("flash-up"));

        // 1D draws the latest session's minute bars: the one just posted.
        await chart.GetByText("1D", new() { Exact = true }).ClickAsync();
        await Expect(chart.GetByText("Weekly bars")).ToHaveCountAsync(0);
        await Expect(chart.Locator(".apexcharts-candlestick-series")).ToHaveCountAsync(1);
        await Expect(chart.GetByTestId("chart-empty")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_admin_imports_price_history_with_one_bad_row_and_an_investor_sees_no_import_panel()
    {
        const string symbol = "DIXON";
        var admin = await TestData.UserAsync(browser.Web.Database, "Meera Iyer", Roles.Admin);
        var page = await SignedInAsync(admin);
        await page.GotoAsync($"market/{symbol}");
        await Pages.WaitUntilInteractiveAsync(page);

        var csv = new StringBuilder("date,open,high,low,close,volume\n")
            .Append(CultureInfo.InvariantCulture, $"{Today.AddDays(-3):yyyy-MM-dd},16000,16250,15900,16200,120000\n")
            .Append(CultureInfo.InvariantCulture, $"{Today.AddDays(-2):yyyy-MM-dd},16200,16100,16000,16300,90000\n")
            .Append(CultureInfo.InvariantCulture, $"{Today.AddDays(-1):yyyy-MM-dd},16300,16600,16250,16555.25,110000\n")
            .ToString();
        var panel = page.GetByTestId("bar-import");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Import price history (CSV)" })).ToBeVisibleAsync();
        await panel.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "dixon.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv),
        });

        await Expect(panel.GetByTestId("import-summary")).ToContainTextAsync("2 bars imported, 1 row rejected");
        await Expect(panel.GetByTestId("import-error")).ToHaveCountAsync(1);
        await Expect(panel.GetByTestId("import-error-row")).ToHaveTextAsync("3");
        await Expect(panel.GetByTestId("import-error")).ToContainTextAsync("high");
        await Expect(page.GetByTestId("security-price")).ToHaveTextAsync("₹16,555.25");
        await Pages.SnapshotAsync(page, "market-import");

        var investor = await TestData.UserAsync(browser.Web.Database, "Arjun Pillai");
        var other = await SignedInAsync(investor);
        await other.GotoAsync($"market/{symbol}");
        await Pages.WaitUntilInteractiveAsync(other);
        await Expect(other.GetByTestId("security-price")).ToHaveTextAsync("₹16,555.25");
        await Expect(other.GetByTestId("bar-import")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_market_and_a_security_page_fit_a_360_pixel_phone()
    {
        var investor = await TestData.UserAsync(browser.Web.Database, "Sneha Kulkarni");
        var page = await browser.NewPageAsync(width: 360, height: 780);
        await Pages.SignInAsync(page, investor.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("market");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("market-row").First).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page, "the market list scrolls sideways at 360 px");
        await page.GetByPlaceholder("Search by name, symbol or ISIN").FillAsync("bank");
        await Expect(page.GetByTestId("market-row").Filter(new() { HasText = "Bharti Airtel" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("market-row").Filter(new() { HasText = "HDFCBANK" })).ToHaveCountAsync(1);
        await Pages.SnapshotAsync(page, "market-phone");

        await page.GotoAsync("market/PPFAS-FLEXI-DG");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Parag Parikh Flexi Cap Fund - Direct Plan - Growth" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chart-ranges")).Not.ToContainTextAsync("1D");
        await Expect(page.GetByTestId("chart-modes")).ToHaveCountAsync(0);
        await Pages.ExpectFitsWidthAsync(page, "the security page scrolls sideways at 360 px");
        await Pages.SnapshotAsync(page, "market-fund-phone");
    }

    private async Task<IPage> SignedInAsync(SparkUser user)
    {
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        return page;
    }

    private async Task<ApiClient> AdminApiAsync()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Market Admin", Roles.Admin);
        var api = new ApiClient(browser.Web.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(admin.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return api;
    }

    private static async Task PostBarsAsync(ApiClient api, string symbol, params object[] bars)
    {
        var (status, body) = await api.PostAsync($"admin/securities/{symbol}/bars", bars);
        Assert.True(status == HttpStatusCode.NoContent, $"{status}: {ApiClient.Json(body)}");
    }

    private static object Bar(DateOnly date, decimal open, decimal high, decimal low, decimal close) => new
    {
        timestamp = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), open, high, low, close, volume = 1000,
    };
}
