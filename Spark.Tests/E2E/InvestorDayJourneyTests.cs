using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Data.Seed;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;
using Spark.Web.Services.Notifications;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>Numbers in the reader's grouping on chart axes and in notifications; a phone's dashboard (issue #16).</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class InvestorDayJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Switching_to_international_grouping_changes_the_chart_axis_and_a_notifications_amount()
    {
        var (page, userId) = await SignInDemoInvestorAsync(1366, 900);
        try
        {
            await using (var scope = browser.Web.App.Services.CreateAsyncScope())
            {
                // As the paper exchange writes a fill (issue #16 saw "0.002 at ₹9673796.73").
                await scope.ServiceProvider.GetRequiredService<NotificationService>().NotifyAsync(userId, NotificationKinds.OrderExecuted,
                    "Buy 0.002 BTCINR executed", "0.002 at ₹9673796.73; 0.002 of 0.002 filled.", null);
            }

            await page.GotoAsync("dashboard");
            await Pages.WaitUntilInteractiveAsync(page);
            var axis = page.Locator(".apexcharts-yaxis-label tspan");
            await Expect(axis.First).ToHaveTextAsync(new Regex(@"^₹[\d.,]+( (K|L|Cr))?$"));
            var indian = await axis.AllTextContentsAsync();
            Assert.Contains(indian, l => l.EndsWith(" L", StringComparison.Ordinal) || l.EndsWith(" Cr", StringComparison.Ordinal));
            Assert.DoesNotContain(indian, l => l.Contains('.') && l.Split('.')[1].Length > 2);
            await page.GotoAsync("notifications");
            await Expect(page.GetByTestId("notification-message").First).ToHaveTextAsync("0.002 at ₹96,73,796.73; 0.002 of 0.002 filled.");

            await page.GotoAsync("settings/preferences");
            await Pages.WaitUntilInteractiveAsync(page);
            await page.GetByTestId("pref-number-format").ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex("^International") }).ClickAsync();
            await page.GetByTestId("save-preferences").ClickAsync();
            await Expect(page.GetByText("Preferences saved")).ToBeVisibleAsync();

            await page.GotoAsync("dashboard");
            await Pages.WaitUntilInteractiveAsync(page);
            await Expect(axis.First).ToHaveTextAsync(new Regex(@"^₹[\d.,]+( (K|M|B))?$"));
            var international = await axis.AllTextContentsAsync();
            Assert.Contains(international, l => l.EndsWith(" K", StringComparison.Ordinal) || l.EndsWith(" M", StringComparison.Ordinal));
            Assert.DoesNotContain(international, l => l.EndsWith(" L", StringComparison.Ordinal) || l.EndsWith(" Cr", StringComparison.Ordinal));
            await Pages.SnapshotAsync(page, "dashboard-international-axis");
            await page.GotoAsync("notifications");
            await Expect(page.GetByTestId("notification-message").First).ToHaveTextAsync("0.002 at ₹9,673,796.73; 0.002 of 0.002 filled.");
        }
        finally
        {
            await browser.Web.Database.OwnerExecuteAsync("UPDATE user_preferences SET number_format = 'indian' WHERE user_id = $1", userId);
        }
    }

    [Fact]
    public async Task Todays_movers_show_whole_symbols_on_a_phone()
    {
        var (page, userId) = await SignInDemoInvestorAsync(375, 812);
        // A day's move for the demo's longest held symbol, through the admin bars API (prices are set there in tests).
        var symbol = await browser.Web.Database.OwnerScalarAsync<string>(
            "SELECT symbol FROM investments WHERE user_id = $1 AND quantity > 0 AND type <> 'mutual_fund' ORDER BY length(symbol) DESC, symbol LIMIT 1", userId);
        var admin = await TestData.UserAsync(browser.Web.Database, "Movers Admin", Roles.Admin);
        using (var api = new ApiClient(browser.Web.App.CreateHttpClient()))
        {
            await api.LoginAsync(admin.Email!, TestData.Password);
            var today = Spark.Core.Time.IndiaTime.Today(browser.Web.Clock);
            var (status, body) = await api.PostAsync($"admin/securities/{symbol}/bars", new object[]
            {
                new { timestamp = today.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), open = 1000m, high = 1010m, low = 990m, close = 1000m, volume = 1000 },
                new { timestamp = today.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), open = 1000m, high = 1060m, low = 995m, close = 1050m, volume = 1000 },
            });
            Assert.True(status == System.Net.HttpStatusCode.NoContent, $"{status}: {ApiClient.Json(body)}");
        }

        await page.GotoAsync("dashboard");
        await Pages.WaitUntilInteractiveAsync(page);
        var symbols = page.GetByTestId("mover-symbol");
        await Expect(symbols.First).ToBeVisibleAsync();

        // A symbol cut to "B…" is wider inside than its box.
        var cut = await symbols.EvaluateAllAsync<string[]>(
            "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > document.documentElement.clientWidth).map(e => e.textContent)");
        Assert.Empty(cut);
        await Pages.SnapshotAsync(page, "phone-dashboard-movers");
    }

    private async Task<(IPage Page, Guid UserId)> SignInDemoInvestorAsync(int width, int height)
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
        return (page, userId);
    }
}
