using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class SettingsJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_investor_turns_on_two_factor_with_the_shown_key_and_then_signs_in_with_a_code()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Farah Ali");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("settings/security");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("start-2fa").ClickAsync();
        var key = (await page.GetByTestId("shared-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        await page.GetByLabel("6-digit code").FillAsync(AuthenticatorCodes.Compute(key, browser.Web.Clock.GetUtcNow()));
        await page.GetByTestId("enable-2fa").ClickAsync();
        await Expect(page.GetByTestId("recovery-codes").Locator("span")).ToHaveCountAsync(10);
        await Pages.SnapshotAsync(page, "settings-2fa-recovery-codes");

        await page.Locator(".spark-avatar").ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enter your code" })).ToBeVisibleAsync();
        // The code that turned 2FA on is spent; the next step's code is accepted.
        await page.GetByLabel("Authenticator code").FillAsync(AuthenticatorCodes.Compute(key, browser.Web.Clock.GetUtcNow().AddSeconds(30)));
        await page.GetByTestId("verify-code").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
    }

    [Fact]
    public async Task Revoking_another_session_signs_that_browser_out()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Dev Malhotra");
        var laptop = await browser.NewPageAsync();
        var phone = await browser.NewPageAsync(width: 390, height: 844);
        await Pages.SignInAsync(phone, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(phone);
        await Pages.SignInAsync(laptop, user.Email!, TestData.Password);

        await laptop.GotoAsync("settings/security");
        await Pages.WaitUntilInteractiveAsync(laptop);
        await Expect(laptop.GetByTestId("session")).ToHaveCountAsync(2);
        await Pages.SnapshotAsync(laptop, "settings-security");
        await laptop.GetByTestId("revoke-session").ClickAsync();
        await Expect(laptop.GetByTestId("session")).ToHaveCountAsync(1);

        await phone.GotoAsync("portfolio");
        await Expect(phone).ToHaveURLAsync(new Regex("/Account/Login"));
    }

    [Fact]
    public async Task An_open_page_signs_out_by_itself_when_its_session_is_revoked_elsewhere()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Tara Joshi");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await browser.Web.Database.OwnerExecuteAsync($"UPDATE user_sessions SET revoked = true WHERE user_id = '{user.Id}'");

        // No navigation by the test: the circuit's own revalidation sends the page to sign-in.
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
    }

    [Fact]
    public async Task A_new_theme_and_number_format_apply_at_once()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Meher Kapoor");
        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        await using (var scope = browser.Web.App.Services.CreateAsyncScope())
        {
            // No bars for a new security: the holding is valued at its trade price, 10 × 123,456.789.
            await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Portfolio.LedgerService>().CreateAsync(user.Id,
                new Spark.Core.Portfolio.TransactionDraft(security.Symbol, Spark.Core.Portfolio.TransactionType.Buy, 10m, 123456.789m, null,
                    0m, 0m, 0m, new DateOnly(2025, 1, 6), "manual"));
        }
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("dashboard-summary")).ToContainTextAsync("₹12,34,567.89");

        await page.GotoAsync("settings/preferences");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("pref-theme").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Dark" }).ClickAsync();
        await page.GetByTestId("pref-number-format").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex("^International") }).ClickAsync();
        await page.GetByTestId("save-preferences").ClickAsync();
        await Expect(page.Locator("#spark-root")).ToHaveAttributeAsync("data-theme", "dark");

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(page.GetByTestId("dashboard-summary")).ToContainTextAsync("₹1,234,567.89");
    }

    [Fact]
    public async Task A_locked_out_account_gets_the_same_message_as_a_wrong_password()
    {
        var user = await TestData.UserAsync(browser.Web.Database);
        var page = await browser.NewPageAsync();
        for (var i = 0; i < 5; i++)
        {
            await Pages.SignInAsync(page, user.Email!, "not the right password");
            await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        }

        await Pages.SignInAsync(page, user.Email!, TestData.Password);

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Spark.Web.Components.Account.Pages.Login.GenericFailure);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
    }
}
