using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Spark.Core.Formatting;
using Spark.Core.Tax;
using Spark.Data.Identity;
using Spark.Data.Seed;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;
using Spark.Web.Services.Tax;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class TaxJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_demo_investor_reads_a_years_capital_gains_switches_year_downloads_schedule_112a_and_prints()
    {
        await using (var scope = browser.Web.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
        }
        var investorId = await browser.Web.Database.OwnerScalarAsync<Guid>("SELECT id FROM users WHERE email = $1",
            DemoDataSeeder.Logins.Single(l => l.Role == Roles.Investor).Email);
        // The demo's newest sales are in FY 2025-26 (none later, whatever the clock): the page opens on it.
        var newest = new FinancialYear(2025);
        CapitalGainsStatement expected;
        await using (var scope = browser.Web.App.Services.CreateAsyncScope())
        {
            expected = await scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>().GetAllAsync(investorId, newest);
        }
        var page = await SignInDemoInvestorAsync(investorId);

        await page.GetByTestId("nav-tax").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portfolio/tax$"));
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lots sold in FY 2025-26" })).ToBeVisibleAsync();
        // MARUTI short-term, NIFTYBEES long-term, BTCINR crypto: one lot each (FIFO's oldest lot covers each sale).
        await Expect(page.GetByTestId("tax-lot-symbol")).ToHaveTextAsync(["BTCINR", "MARUTI", "NIFTYBEES"]);
        await Expect(page.GetByTestId("tax-estimate")).ToContainTextAsync(IndianFormat.Money(expected.EstimatedTax));
        await Expect(page.GetByTestId("tax-tds")).ToContainTextAsync(IndianFormat.Money(expected.TdsCredit));
        Assert.True(expected.TdsCredit > 0m, "the demo's crypto sale withholds section 194S TDS");
        await Expect(page.GetByTestId("tax-head-EquityLongTerm")).ToContainTextAsync("Sec. 112A");
        await Expect(page.GetByTestId("tax-head-EquityShortTerm")).ToContainTextAsync("Sec. 111A");
        await Expect(page.GetByTestId("tax-head-VirtualDigitalAsset")).ToContainTextAsync("Sec. 115BBH");
        await Expect(page.GetByTestId("tax-dividend-amount")).ToHaveCountAsync(2);
        await Pages.SnapshotAsync(page, "tax-fy2025-26");

        // The drill-down names the sale and the buy behind a lot.
        var niftyRow = page.Locator("[data-testid='tax-lots'] tr.mud-table-row").Filter(new() { HasText = "NIFTYBEES" });
        await niftyRow.Locator("button").First.ClickAsync();
        var detail = page.GetByTestId("tax-lot-detail");
        await Expect(detail.GetByTestId("tax-lot-transaction")).ToHaveTextAsync([new Regex(@"Sale\s*10/11/2025\s*·\s*Sell\s*·\s*50 units"), new Regex(@"Bought\s*04/01/2021\s*·\s*Buy\s*·\s*100 units")]);
        await Expect(detail.GetByTestId("tax-lot-transactions")).ToHaveAttributeAsync("href", "portfolio/transactions?symbol=NIFTYBEES");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("tax-download-112a").ClickAsync());
        Assert.Equal("spark-schedule-112a-fy2025-26.csv", download.SuggestedFilename);
        var lines = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.StartsWith("Share/Unit acquired(1a),ISIN Code(2),Name of the Share/Unit(3),No. of Shares/Units(4),", lines[0], StringComparison.Ordinal);
        Assert.Equal(14, lines[0].Split(',').Length);
        var nifty = Assert.Single(lines[1..], l => l.Contains("INF204KB14I2", StringComparison.Ordinal)).Split(',');
        // Bought 4 January 2021, after 31 January 2018: "AE", no fair market value columns; 50 units; Balance (14) = (6) − (13).
        Assert.Equal(["AE", "INF204KB14I2", "Nippon India ETF Nifty 50 BeES", "50"], nifty[..4]);
        Assert.Equal(["", "", ""], nifty[8..11]);
        Assert.Equal(decimal.Parse(nifty[5], System.Globalization.CultureInfo.InvariantCulture) - decimal.Parse(nifty[12], System.Globalization.CultureInfo.InvariantCulture),
            decimal.Parse(nifty[13], System.Globalization.CultureInfo.InvariantCulture));

        await page.GetByTestId("tax-year").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "FY 2024-25" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/portfolio/tax\?fy=2024-25$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lots sold in FY 2024-25" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("tax-lot-symbol")).ToContainTextAsync(["WIPRO"]);
        await Expect(page.GetByTestId("tax-download-cg")).ToHaveAttributeAsync("href", "downloads/tax/capital-gains?fy=2024-25&schedule=cg");
        Assert.Empty(browser.ConsoleErrors(page));

        // At phone width the lots scroll inside their card; the page itself never scrolls sideways.
        await page.SetViewportSizeAsync(375, 800);
        await page.ReloadAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("tax-lot-symbol").First).ToBeAttachedAsync();
        await Pages.ExpectFitsWidthAsync(page, "the tax page scrolls sideways at 375 px");
        await Pages.SnapshotAsync(page, "tax-phone");

        // The printable page has every row and no navigation.
        await page.GotoAsync("portfolio/tax/print?fy=2025-26");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("tax-print-rows").Locator("tbody tr")).ToHaveCountAsync(expected.RowCount);
        await Expect(page.GetByTestId("tax-print-estimate")).ToHaveTextAsync(IndianFormat.Money(expected.EstimatedTax));
        await Expect(page.Locator(".spark-nav")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("tax-print")).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page, "the printable page scrolls sideways at 375 px");
        await Pages.SnapshotAsync(page, "tax-print");
    }

    [Fact]
    public async Task A_new_investor_at_phone_width_is_told_what_will_appear_and_nothing_is_wider_than_the_screen()
    {
        var fresh = await TestData.UserAsync(browser.Web.Database, "Tara Kulkarni");
        var page = await browser.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(page, fresh.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("portfolio/tax");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("tax-empty")).ToContainTextAsync("No capital gains yet");
        await Pages.ExpectFitsWidthAsync(page, "the empty tax page scrolls sideways at 375 px");
    }

    /// <summary>
    /// Signs the demo investor in with a code of the current step. Other journeys sign the same account in; the
    /// replay guard (tested in AccountTakeoverTests) would refuse a second use of a step, so its marker is cleared first.
    /// </summary>
    private async Task<IPage> SignInDemoInvestorAsync(Guid investorId)
    {
        var investor = DemoDataSeeder.Logins.Single(l => l.Role == Roles.Investor);
        await browser.Web.Database.OwnerExecuteAsync("UPDATE user_security SET two_factor_last_step = NULL WHERE user_id = $1", investorId);
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, investor.Email, investor.Password);
        await page.GetByLabel("Authenticator code").FillAsync(AuthenticatorCodes.Compute(investor.AuthenticatorKey!, browser.Web.Clock.GetUtcNow()));
        await page.GetByTestId("verify-code").ClickAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        return page;
    }
}
