using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// The order screens: paper cash, the order ticket with its charges, live order status, cancelling. Each test
/// trades a security of its own, priced through the admin bars API; fills happen at any hour in tests.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class OrderJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_verified_investor_deposits_places_a_limit_buy_from_the_security_page_and_sees_it_execute_live()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Meera Iyer");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        // Turned on after signing in, so the test need not compute a code; placing an order reads the account fresh.
        await browser.Web.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);

        await page.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("orders-empty")).ToContainTextAsync("No open orders");
        await Expect(page.GetByTestId("cash-ledger-empty")).ToBeVisibleAsync();
        await page.GetByTestId("cash-deposit").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Amount").FillAsync("100000");
        await dialog.GetByTestId("cash-confirm").ClickAsync();
        await Expect(dialog.GetByTestId("cash-confirm-text")).ToHaveTextAsync("Deposit ₹1,00,000.00 into your paper cash?");
        await dialog.GetByTestId("cash-confirm").ClickAsync();
        await Expect(page.GetByTestId("cash-balance")).ToHaveTextAsync("₹1,00,000.00");
        await Expect(page.GetByTestId("cash-withdrawable")).ToHaveTextAsync("₹1,00,000.00");
        await Expect(page.GetByTestId("cash-entry")).ToContainTextAsync("Deposit");

        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        await PriceAsync(security.Symbol, 100m, "2026-11-20");
        await page.GotoAsync($"market/{security.Symbol}");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("trade-buy").ClickAsync();
        var ticket = page.GetByTestId("order-ticket");
        await Expect(page.GetByTestId("ticket-title")).ToHaveTextAsync($"Buy {security.Symbol}");
        await ticket.GetByLabel("Quantity").FillAsync("10");
        await ticket.GetByLabel("Limit price").FillAsync("95");
        await Expect(ticket.GetByTestId("charge-turnover")).ToHaveTextAsync("₹950.00");
        await Expect(ticket.GetByTestId("charge-stamp")).ToBeVisibleAsync();
        await Expect(ticket.GetByTestId("charge-gst")).ToBeVisibleAsync();
        await Expect(ticket.GetByTestId("estimated-cost")).ToContainTextAsync("₹95");
        await Pages.SnapshotAsync(page, "orders-ticket");
        await page.GetByTestId("ticket-place").ClickAsync();
        await Expect(ticket).ToHaveCountAsync(0);

        var bell = page.GetByTestId("notification-bell");
        await page.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(page);
        var row = page.GetByTestId("order-row").Filter(new() { HasText = security.Symbol });
        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("Open");
        await Expect(row.GetByTestId("order-qty")).ToHaveTextAsync("0/10");
        await Expect(page.GetByTestId("cash-blocked")).Not.ToHaveTextAsync("₹0.00");
        await Expect(bell).ToHaveAttributeAsync("data-unread", "1");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Executed" }).ClickAsync();
        await Expect(page.GetByTestId("orders-empty")).ToContainTextAsync("No executed orders yet");

        await PriceAsync(security.Symbol, 94m, "2026-11-23");

        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("Executed");
        await Expect(row.GetByTestId("order-qty")).ToHaveTextAsync("10/10");
        await Expect(bell).ToHaveAttributeAsync("data-unread", "2");
        await Expect(page.GetByTestId("cash-blocked")).ToHaveTextAsync("₹0.00");
        await Pages.SnapshotAsync(page, "orders-executed");

        await row.GetByTestId("order-link").ClickAsync();
        await Expect(page.GetByTestId("fills").GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("order-detail").GetByTestId("order-avg")).ToHaveTextAsync("₹94.00");
        await Pages.SnapshotAsync(page, "orders-detail");

        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        // On the page, not in the bell's (closed) menu, which holds the execution's notification (decision 0072).
        await Expect(page.Locator(".spark-page").GetByText(security.Symbol).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_open_order_is_cancelled_after_a_confirmation_that_names_it_on_a_phone()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Sana Qureshi");
        var page = await browser.NewPageAsync(width: 360, height: 780);
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        using var api = await TraderAsync(user);
        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        await PriceAsync(security.Symbol, 100m, "2026-11-20");
        var (placed, _) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 10, price = 95m, validity = "day" });
        Assert.Equal(HttpStatusCode.Created, placed);

        await page.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(page);
        var row = page.GetByTestId("order-row").Filter(new() { HasText = security.Symbol });
        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("Open");
        await Pages.ExpectFitsWidthAsync(page, "The orders page scrolls sideways at 360px.");
        await Pages.SnapshotAsync(page, "orders-phone");

        await row.GetByTestId("order-cancel").ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync($"Cancel the buy of 10 {security.Symbol} at ₹95.00?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel order" }).ClickAsync();

        await Expect(page.GetByTestId("orders-empty")).ToContainTextAsync("No open orders");
        await Expect(page.GetByTestId("cash-blocked")).ToHaveTextAsync("₹0.00");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Cancelled" }).ClickAsync();
        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("Cancelled");
        // The cancel is notified (decision 0053).
        var toast = page.Locator(".mud-snackbar").Filter(new() { HasText = "is available again" });
        await Expect(toast).ToContainTextAsync($"Buy 10 {security.Symbol} cancelled");

        // A new order from the page picks its security; selling what is not held is refused with the reason.
        await page.GetByTestId("new-order").ClickAsync();
        var ticket = page.GetByTestId("order-ticket");
        await Expect(page.GetByTestId("ticket-title")).ToHaveTextAsync("New order");
        await ChooseSecurityAsync(page, security.Symbol);
        await Expect(page.GetByTestId("ticket-title")).ToHaveTextAsync($"Buy {security.Symbol}");
        await Expect(ticket.GetByLabel("Limit price")).ToHaveValueAsync("100.00");
        await ticket.GetByTestId("ticket-side").GetByText("Sell", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("ticket-title")).ToHaveTextAsync($"Sell {security.Symbol}");
        await ticket.GetByLabel("Quantity").FillAsync("5");
        await ticket.GetByLabel("Limit price").FillAsync("101");
        await Expect(ticket.GetByTestId("capital-gains")).ToContainTextAsync("no gain to estimate");
        await Pages.ExpectFitsWidthAsync(page, "The ticket scrolls sideways at 360px.");
        await Pages.SnapshotAsync(page, "orders-ticket-phone");
        // At 360 px the notification toasts sit over the ticket's buttons (bottom right) while they show: the click goes to
        // the button itself.
        await page.GetByTestId("ticket-place").DispatchEventAsync("click");
        await Expect(ticket.GetByTestId("ticket-alert")).ToContainTextAsync($"You can sell up to 0 {security.Symbol}");
    }

    [Fact]
    public async Task An_investor_without_kyc_sees_in_the_ticket_why_they_cannot_trade()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Arjun Das");
        var security = await TestData.NewSecurityAsync(browser.Web.Database, SecurityType.Etf);
        await PriceAsync(security.Symbol, 250m, "2026-11-20");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync($"market/{security.Symbol}");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("trade-buttons")).ToHaveAttributeAsync("data-keys", "on");

        await page.Keyboard.PressAsync("b");
        var ticket = page.GetByTestId("order-ticket");
        await Expect(page.GetByTestId("ticket-title")).ToHaveTextAsync($"Buy {security.Symbol}");
        await ticket.GetByLabel("Quantity").FillAsync("4");
        await Expect(ticket.GetByTestId("estimated-cost")).ToContainTextAsync("₹1,00");
        await ticket.GetByTestId("ticket-validity").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Good till cancelled" }).ClickAsync();
        await Expect(ticket).ToContainTextAsync("NSE has no good-till-cancelled orders");
        await ticket.GetByLabel("Quantity").PressAsync("Enter");

        await Expect(ticket.GetByTestId("ticket-alert")).ToHaveTextAsync("Complete your KYC (Settings → KYC) before you trade.");
        await page.Keyboard.PressAsync("Escape");
        await Expect(ticket).ToHaveCountAsync(0);
    }

    /// <summary>Signs the user in to the API, then verifies KYC and turns on 2FA (after any browser sign-in, so no code is asked) and deposits cash.</summary>
    private async Task<ApiClient> TraderAsync(SparkUser user)
    {
        var api = new ApiClient(browser.Web.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await browser.Web.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = 50_000m })).Status);
        return api;
    }

    private static async Task ChooseSecurityAsync(IPage page, string symbol)
    {
        var field = page.GetByLabel("Security");
        var option = page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex($"^{symbol}\\b") }).First;
        await field.ClickAsync();
        await field.FillAsync(symbol);
        if (!await AppearsAsync(option))
        {
            // Text typed while the just-opened dialog was still wiring up its input can be missed: type it again.
            await field.FillAsync("");
            await field.FillAsync(symbol);
        }
        await option.ClickAsync();
    }

    private static async Task<bool> AppearsAsync(ILocator locator)
    {
        try
        {
            await Expect(locator).ToBeVisibleAsync(new() { Timeout = 5_000 });
            return true;
        }
        catch (PlaywrightException)
        {
            return false;
        }
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
