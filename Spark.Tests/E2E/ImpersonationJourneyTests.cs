using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>Support viewing a customer's account in a browser (issue #14, decision 0045).</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class ImpersonationJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Support_finds_a_customer_views_their_account_read_only_is_refused_a_write_stops_and_the_customer_sees_the_visit()
    {
        var support = await TestData.UserAsync(browser.Web.Database, "Sana Support", Roles.Support);
        var customer = await TestData.UserAsync(browser.Web.Database, "Ravi Customer");
        var stock = await TestData.NewSecurityAsync(browser.Web.Database);
        using (var api = new ApiClient(browser.Web.App.CreateHttpClient()))
        {
            await api.LoginAsync(customer.Email!, TestData.Password);
            var (status, _) = await api.PostAsync("transactions", new { symbol = stock.Symbol, type = "buy", quantity = 3, price = 100m, transactionDate = "2024-01-02" });
            Assert.Equal(HttpStatusCode.Created, status);
        }

        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, support.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("admin/users");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Email, name, phone or PAN").FillAsync(customer.Email!);
        var link = page.GetByTestId("admin-user-link");
        await Expect(link).ToHaveCountAsync(1);
        await Expect(link).ToHaveTextAsync("Ravi Customer");
        await link.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ravi Customer" })).ToBeVisibleAsync();

        await page.GetByTestId("admin-user-impersonate").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("impersonation-start").ClickAsync();
        await Expect(dialog).ToContainTextAsync("Say why you are opening this account");
        await dialog.GetByLabel("Reason (the customer sees it)").FillAsync("Customer called: holdings look wrong");
        await dialog.GetByLabel("Ticket reference (optional)").FillAsync("SUP-77");
        await dialog.GetByTestId("impersonation-start").ClickAsync();

        // Spark as the customer sees it, under a banner naming both and the time left.
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        await Pages.WaitUntilInteractiveAsync(page);
        var banner = page.GetByTestId("impersonation-banner");
        await Expect(banner).ToContainTextAsync("Ravi Customer");
        await Expect(banner).ToContainTextAsync("Sana Support");
        await Expect(banner).ToContainTextAsync("SUP-77");
        await Expect(page.GetByTestId("impersonation-mode")).ToHaveTextAsync("Read-only: changes are refused");
        await Expect(page.GetByTestId("impersonation-left")).ToHaveTextAsync(new Regex(@"^(29|30):\d\d left$"));
        await Pages.SnapshotAsync(page, "impersonation-dashboard");

        await page.GotoAsync("portfolio/transactions");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByText(stock.Symbol).First).ToBeVisibleAsync();
        await page.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(banner).ToBeVisibleAsync();
        // A write is refused by the server with the reason.
        await page.GetByTestId("cash-deposit").ClickAsync();
        var cash = page.GetByRole(AriaRole.Dialog);
        await cash.GetByLabel("Amount").FillAsync("5000");
        await cash.GetByTestId("cash-confirm").ClickAsync();
        await cash.GetByTestId("cash-confirm").ClickAsync();
        await Expect(cash.GetByTestId("cash-alert")).ToContainTextAsync("cannot move cash");
        await cash.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        // Never open: the customer's security settings.
        await page.GotoAsync("settings/security");
        await Expect(page.GetByTestId("access-denied")).ToContainTextAsync("Not while viewing a customer's account");

        await page.GotoAsync("dashboard");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("impersonation-stop").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/admin/users/{customer.Id}$"));
        await Expect(page.GetByTestId("impersonation-banner")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("admin-user-status")).ToHaveTextAsync("Active");
        Assert.Equal(0L, await browser.Web.Database.OwnerScalarAsync<long>("SELECT count(*) FROM cash_ledger WHERE user_id = $1", customer.Id));
        // Support's list of their own visits shows this one, ended by Stop.
        await page.GotoAsync("admin/impersonations");
        await Pages.WaitUntilInteractiveAsync(page);
        var visit = page.GetByTestId("impersonations").Locator("tr", new() { HasText = "Ravi Customer" });
        await Expect(visit).ToContainTextAsync("Customer called: holdings look wrong (ticket SUP-77)");
        await Expect(visit.GetByTestId("impersonation-state")).ToContainTextAsync("stopped");
        foreach (var path in new[] { "/dashboard", "/portfolio/transactions", "/orders" })
        {
            Assert.True(await browser.Web.Database.OwnerScalarAsync<long>(
                "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'impersonation_page_view' AND changes->>'by' = $2 AND changes->>'path' = $3",
                customer.Id, support.Id.ToString(), path) >= 1, path);
        }

        // The customer sees who looked, when and why.
        var own = await browser.NewPageAsync();
        await Pages.SignInAsync(own, customer.Email!, TestData.Password);
        await own.GotoAsync("settings/security");
        await Pages.WaitUntilInteractiveAsync(own);
        var visits = own.GetByTestId("support-visits");
        await Expect(visits).ToContainTextAsync("Sana Support");
        await Expect(visits).ToContainTextAsync("Customer called: holdings look wrong (ticket SUP-77)");
        await Expect(visits).ToContainTextAsync("Read-only");
        await own.GetByTestId("consent-code-create").ClickAsync();
        await Expect(own.GetByTestId("consent-code-value")).ToHaveTextAsync(new Regex(@"^\d{4} \d{4}$"));
        await Pages.SnapshotAsync(own, "support-visits");
    }

    [Fact]
    public async Task An_admin_stopping_the_impersonation_elsewhere_takes_the_open_page_back_within_seconds()
    {
        var support = await TestData.UserAsync(browser.Web.Database, "Sana Support", Roles.Support);
        var admin = await TestData.UserAsync(browser.Web.Database, "Meera Admin", Roles.Admin);
        var customer = await TestData.UserAsync(browser.Web.Database, "Kiran Customer");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, support.Email!, TestData.Password);
        await page.GotoAsync($"admin/users/{customer.Id}");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("admin-user-impersonate").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason (the customer sees it)").FillAsync("Checking a statement");
        await dialog.GetByTestId("impersonation-start").ClickAsync();
        await Expect(page.GetByTestId("impersonation-banner")).ToContainTextAsync("Kiran Customer");
        await Pages.WaitUntilInteractiveAsync(page);

        using var api = new ApiClient(browser.Web.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        var open = (await api.GetAsync($"admin/impersonations?userId={customer.Id}&active=true")).Body!["items"]!.AsArray().Single()!;
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"admin/impersonations/{open["id"]!.GetValue<Guid>()}/stop")).Status);

        // No action on the page: its banner notices the end and takes support back to their own view of the account.
        await Expect(page).ToHaveURLAsync(new Regex($"/admin/users/{customer.Id}$"), new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("impersonation-banner")).ToHaveCountAsync(0);
        Assert.Equal(1L, await browser.Web.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'impersonation_ended' AND actor_id = $2", customer.Id, admin.Id));
    }
}
