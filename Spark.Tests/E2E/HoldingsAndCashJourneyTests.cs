using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>Issue #16: the Cash page (blocked orders, ledger, deposit), the ticket's cash available, and "Record a sale" on a manual holding.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class HoldingsAndCashJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_new_investor_finds_cash_in_the_menu_deposits_sees_the_ledger_and_the_order_blocking_cash_and_the_ticket_shows_what_is_available()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Kavya Menon");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await browser.Web.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);

        await page.GetByTestId("nav-cash").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/cash$"));
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("cash-ledger-empty")).ToContainTextAsync("No cash movements yet");
        await Expect(page.GetByTestId("cash-blocking-empty")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cash-settling-empty")).ToBeVisibleAsync();

        await page.GetByTestId("cash-deposit").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Amount").FillAsync("0");
        await dialog.GetByTestId("cash-confirm").ClickAsync();
        await Expect(dialog).ToContainTextAsync("Enter an amount above zero.");
        await dialog.GetByLabel("Amount").FillAsync("250000");
        await dialog.GetByTestId("cash-confirm").ClickAsync();
        await Expect(dialog.GetByTestId("cash-confirm-text")).ToHaveTextAsync("Deposit ₹2,50,000.00 into your paper cash?");
        await dialog.GetByTestId("cash-confirm").ClickAsync();
        await Expect(page.GetByTestId("cash-balance")).ToHaveTextAsync("₹2,50,000.00");
        await Expect(page.GetByTestId("cash-entry")).ToContainTextAsync("Deposit of paper cash");
        await Expect(page.GetByTestId("cash-entry-amount")).ToContainTextAsync("+₹2,50,000.00");
        await Expect(page.GetByTestId("cash-entry-balance")).ToHaveTextAsync("₹2,50,000.00");

        // The ticket says what a buy can draw on before it is placed, and what this one would set aside.
        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        await PriceAsync(security.Symbol, 100m, "2026-11-20");
        await page.GotoAsync($"market/{security.Symbol}");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("trade-buy").ClickAsync();
        var ticket = page.GetByTestId("order-ticket");
        await Expect(ticket.GetByTestId("ticket-cash-available")).ToHaveTextAsync("₹2,50,000.00");
        await ticket.GetByLabel("Quantity").FillAsync("10");
        await ticket.GetByLabel("Limit price").FillAsync("90");
        await Expect(ticket.GetByTestId("ticket-cash-block")).ToContainTextAsync("this order would block ₹90");
        await page.GetByTestId("ticket-place").ClickAsync();
        await Expect(ticket).ToHaveCountAsync(0);

        await page.GetByTestId("nav-cash").ClickAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        var blocking = page.GetByTestId("cash-blocking-order");
        await Expect(blocking).ToHaveCountAsync(1);
        await Expect(blocking).ToContainTextAsync($"Buy 10 {security.Symbol}");
        var blockedText = await page.GetByTestId("cash-blocked").TextContentAsync();
        await Expect(blocking.GetByTestId("cash-blocking-amount")).ToHaveTextAsync(blockedText!);
        await Expect(page.GetByTestId("cash-available")).Not.ToHaveTextAsync("₹2,50,000.00");

        // Nothing on the page is wider than a phone's screen.
        await page.SetViewportSizeAsync(375, 812);
        await Expect(page.GetByTestId("cash-ledger")).ToBeVisibleAsync();
        await Pages.SnapshotAsync(page, "cash-phone");
        await Pages.ExpectFitsWidthAsync(page);
        await page.SetViewportSizeAsync(1366, 900);

        await blocking.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
    }

    [Fact]
    public async Task Sell_on_a_manual_holding_records_the_sale_prefilled_and_the_holding_drops()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Rohan Das");
        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        await PriceAsync(security.Symbol, 1_250m, "2026-11-26");
        using (var api = new ApiClient(browser.Web.App.CreateHttpClient()))
        {
            await api.LoginAsync(user.Email!, TestData.Password);
            var (status, body) = await api.PostAsync("transactions",
                new { symbol = security.Symbol, type = "buy", quantity = 5, price = 1_000m, transactionDate = "2026-06-01", platform = "manual" });
            Assert.True(status == HttpStatusCode.Created, ApiClient.Json(body));
        }

        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId($"qty-{security.Symbol}")).ToHaveTextAsync("5");

        await page.GetByTestId($"row-sell-{security.Symbol}").ClickAsync();
        var sale = page.GetByTestId("holding-sale-dialog");
        await Expect(sale).ToContainTextAsync("the sale happens at your broker");
        await Expect(sale).Not.ToContainTextAsync("You can sell up to");
        // The dialog's actions render beside its content, so they are found on the page.
        await Expect(page.GetByTestId("sale-practice")).ToHaveTextAsync("Practice on paper");
        await page.GetByTestId("sale-record-manual").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/portfolio/transactions"));
        var entry = page.Locator(".mud-dialog");
        await Expect(entry.GetByLabel("Security")).ToHaveValueAsync(new Regex($"^{security.Symbol} · "));
        await Expect(entry.GetByLabel("Platform")).ToHaveValueAsync("manual");
        await Expect(entry.GetByLabel("Quantity")).ToHaveValueAsync("5");
        await Expect(entry.GetByLabel("Price per unit")).ToHaveValueAsync(new Regex("^1,?250"));
        await Expect(entry).ToContainTextAsync("Units sold at a price");
        await entry.GetByLabel("Quantity").FillAsync("2");
        await entry.GetByTestId("tx-save").ClickAsync();
        await Expect(entry).ToHaveCountAsync(0);

        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId($"qty-{security.Symbol}")).ToHaveTextAsync("3");

        // The security page's Sell asks the same question: the 3 left are held by hand, not on the paper exchange.
        await page.GotoAsync($"market/{security.Symbol}");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("trade-sell").ClickAsync();
        await Expect(page.GetByTestId("holding-sale-dialog")).ToContainTextAsync("the sale happens at your broker");
        await Expect(page.GetByTestId("sale-record-manual")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("order-ticket")).ToHaveCountAsync(0);
    }

    private async Task PriceAsync(string symbol, decimal close, string timestamp)
    {
        var admin = await TestData.UserAsync(browser.Web.Database, role: Roles.Admin);
        using var api = new ApiClient(browser.Web.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        var (status, _) = await api.PostAsync($"admin/securities/{symbol}/bars",
            new[] { new { timestamp, open = close, high = close, low = close, close, volume = 1L } });
        Assert.Equal(HttpStatusCode.NoContent, status);
    }
}
