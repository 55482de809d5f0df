using System.Net;
using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// Auto-invest: subscribe to a strategy from /auto-invest, run the plans due on its execution day (the admin
/// "run due plans for date" action, since a fake clock does not reach Quartz), and see the execution, its orders
/// and the holdings.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AutoInvestJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_investor_subscribes_and_sees_the_monthly_run_buy_the_strategy()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Kavya Rao");
        var strategyName = $"Journey strategy {Guid.NewGuid():N}"[..28];
        await browser.Web.Database.OwnerExecuteAsync(
            "INSERT INTO auto_invest_strategies (name, description, risk_level, expected_returns, min_investment, allocation) VALUES ($1, 'Stocks and ETFs', 'medium', 12, 2000, '{\"stocks\": 60, \"etfs\": 40}'::jsonb)",
            strategyName);
        using var admin = await AdminAsync();
        foreach (var (symbol, close) in new Dictionary<string, decimal> { ["ITC"] = 450m, ["BEL"] = 400m, ["BANKBARODA"] = 250m, ["NIFTYBEES"] = 280m, ["GOLDBEES"] = 106m })
        {
            var (priced, _) = await admin.PostAsync($"admin/securities/{symbol}/bars",
                new[] { new { timestamp = "2026-11-20", open = close, high = close, low = close, close, volume = 1L } });
            Assert.Equal(HttpStatusCode.NoContent, priced);
        }

        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await browser.Web.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        await browser.Web.Database.OwnerExecuteAsync(
            "INSERT INTO cash_accounts (user_id, currency, balance, blocked, created_at, updated_at) VALUES ($1, 'INR', 20000, 0, now(), now())", user.Id);

        // A goal first, and its projection.
        await page.GotoAsync("goals");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("new-goal").ClickAsync();
        var goalDialog = page.GetByRole(AriaRole.Dialog);
        await goalDialog.GetByLabel("Name").FillAsync("First home");
        await goalDialog.GetByTestId("goal-category").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "House" }).ClickAsync();
        await goalDialog.GetByLabel("Target amount").FillAsync("18000");
        await goalDialog.GetByLabel("Target date", new() { Exact = true }).FillAsync(new DateOnly(2031, 1, 1).ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture));
        await goalDialog.GetByLabel("Target date", new() { Exact = true }).PressAsync("Tab");
        await goalDialog.GetByTestId("goal-save").ClickAsync();
        await page.GetByTestId("goal-card").Filter(new() { HasText = "First home" }).ClickAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("projected-amount")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("fan-chart").Locator(".apexcharts-canvas")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("goal-current")).ToHaveTextAsync("₹0.00");
        var goalUrl = page.Url;

        // A plan for it, from the goal page.
        await page.GetByTestId("goal-auto-invest").ClickAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("goal-plan-hint")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("plans-empty")).ToBeVisibleAsync();
        await page.Locator($"[data-testid=strategy-card][data-strategy=\"{strategyName}\"]").GetByTestId("strategy-subscribe").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Every month").FillAsync("1500");
        await dialog.GetByTestId("subscribe-confirm").ClickAsync();
        await Expect(dialog).ToContainTextAsync("needs at least ₹2,000.00 a month");
        await dialog.GetByLabel("Every month").FillAsync("10000");
        await Expect(dialog.GetByTestId("subscribe-goal")).ToContainTextAsync("First home");
        await dialog.GetByTestId("subscribe-confirm").ClickAsync();

        // The plan page: day 5 from 27 Nov 2026 → Saturday 5 Dec → Monday 7 Dec.
        await Expect(page.GetByTestId("plan-next")).ToHaveTextAsync("07 Dec 2026");
        await Expect(page.GetByTestId("executions-empty")).ToBeVisibleAsync();
        await Pages.SnapshotAsync(page, "auto-invest-plan-new");

        var (ran, result) = await admin.PostAsync("admin/plans/run", new { date = "2026-12-07" });
        Assert.True(ran == HttpStatusCode.OK, result?.ToJsonString());
        await page.ReloadAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("plan-next")).ToHaveTextAsync("05 Jan 2027");
        var execution = page.GetByTestId("execution");
        await Expect(execution.GetByTestId("execution-status")).ToHaveTextAsync("completed");
        await Expect(page.GetByTestId("plan-holdings").GetByRole(AriaRole.Row)).ToHaveCountAsync(6);
        await Expect(page.GetByTestId("plan-mix").GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await execution.ClickAsync();
        await Expect(execution.GetByRole(AriaRole.Link, new() { Name = "executed" })).ToHaveCountAsync(5);
        await Pages.SnapshotAsync(page, "auto-invest-plan-executed");
        // At phone width (loaded afresh, as a phone would), the tables scroll inside their cards, not the page.
        await page.SetViewportSizeAsync(375, 800);
        await page.ReloadAsync();
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("plan-mix")).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page, "The plan page scrolls sideways at 375px.");
        await Pages.SnapshotAsync(page, "auto-invest-plan-phone");
        await page.SetViewportSizeAsync(1280, 900);

        await page.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Executed" }).ClickAsync();
        await Expect(page.GetByTestId("order-row")).ToHaveCountAsync(5);
        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByText("NIFTYBEES").First).ToBeVisibleAsync();

        // The goal counts the holdings the plan bought: more than half of ₹18,000, and the milestone said so.
        await page.GotoAsync(goalUrl);
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("goal-current")).Not.ToHaveTextAsync("₹0.00");
        await Expect(page.GetByTestId("goal-current")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^₹9,\d{3}\.\d{2}$"));
        await Expect(page.GetByTestId("notification-bell")).Not.ToHaveAttributeAsync("data-unread", "0");
        await Pages.SnapshotAsync(page, "goal-after-plan");
    }

    [Fact]
    public async Task A_plan_can_be_paused_with_a_reason_and_cancelled_after_confirming()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Arjun Menon");
        var strategy = await browser.Web.Database.OwnerScalarAsync<Guid>("SELECT id FROM auto_invest_strategies WHERE name = 'Conservative Income'");
        var page = await browser.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        // Turned on after signing in, so the test need not compute a code.
        await browser.Web.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        await page.GotoAsync($"auto-invest?subscribe={strategy}");
        await Pages.WaitUntilInteractiveAsync(page);
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByTestId("subscribe-confirm").ClickAsync();

        await page.GetByTestId("plan-pause").ClickAsync();
        await page.GetByTestId("pause-confirm").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Say why you are pausing");
        await page.GetByLabel("Why are you pausing?").FillAsync("School fees this quarter");
        await page.GetByTestId("pause-confirm").ClickAsync();
        await Expect(page.GetByTestId("plan-status")).ToHaveTextAsync("paused");
        await Expect(page.GetByText("Paused: School fees this quarter")).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page, "The plan page scrolls sideways at 375px.");

        await page.GetByTestId("plan-cancel").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel plan" }).ClickAsync();
        await Expect(page.GetByTestId("plan-status")).ToHaveTextAsync("cancelled");
    }

    private async Task<ApiClient> AdminAsync()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, role: Roles.Admin);
        var api = new ApiClient(browser.Web.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        return api;
    }
}
