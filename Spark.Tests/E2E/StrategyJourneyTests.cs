using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Spark.Core.AutoInvest;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.AutoInvest;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// A strategy's page with its backtest, and the admin's strategies screen. The backtest runs on two securities the
/// test makes for itself (the browser tests share one database), through a backtester given those as its baskets.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class StrategyJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_investor_opens_a_strategy_and_sees_its_backtest_growth_chart_and_yearly_returns()
    {
        var id = await StrategyWithBacktestAsync();
        var investor = await TestData.UserAsync(browser.Web.Database, "Divya Menon");
        var page = await SignedInAsync(investor);

        await page.GotoAsync($"auto-invest/strategies/{id}");
        await Pages.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Journey strategy", Exact = false })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("strategy-summary")).ToContainTextAsync("₹2,500 a month");
        await Expect(page.GetByTestId("metric-cagr")).ToContainTextAsync("+6.08 %");
        await Expect(page.GetByTestId("metric-drawdown")).ToContainTextAsync("\u221225.00 %");
        await Expect(page.GetByTestId("metric-best-year")).ToContainTextAsync("+50.00 %");
        await Expect(page.GetByTestId("metric-best-year")).ToContainTextAsync("in 2021");
        await Expect(page.GetByTestId("metric-worst-year")).ToContainTextAsync("in 2022");
        await Expect(page.GetByTestId("metric-final")).ToContainTextAsync("₹11,250.00");
        await Expect(page.GetByTestId("strategy-growth").Locator(".apexcharts-area-series")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("strategy-year")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=strategy-year][data-year='2022']")).ToContainTextAsync("\u221225.00 %");
        await Expect(page.GetByTestId("strategy-allocation")).ToContainTextAsync("Stocks");
        await Expect(page.GetByTestId("strategy-method")).ToContainTextAsync("Brokerage, STT, stamp duty, taxes and idle cash are left out");
        await Expect(page.GetByTestId("strategy-subscribe")).ToHaveAttributeAsync("href", $"auto-invest?subscribe={id}");

        // Each figure explains itself in one sentence.
        await page.GetByLabel($"About Max drawdown: {Spark.Web.Components.Pages.Strategies.StrategyFormat.DrawdownHint}").HoverAsync();
        await Expect(page.GetByText(Spark.Web.Components.Pages.Strategies.StrategyFormat.DrawdownHint, new() { Exact = true })).ToBeVisibleAsync();
        await page.Mouse.MoveAsync(0, 0);
        await Pages.SnapshotAsync(page, "strategy-page");

        await page.GotoAsync($"auto-invest/strategies/{Guid.NewGuid()}");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("strategy-not-found")).ToContainTextAsync("We couldn't find this strategy");
    }

    [Fact]
    public async Task A_strategy_page_fits_a_375_pixel_phone()
    {
        var id = await StrategyWithBacktestAsync();
        var investor = await TestData.UserAsync(browser.Web.Database, "Nikhil Rao");
        var page = await browser.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(page, investor.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync($"auto-invest/strategies/{id}");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("metric-cagr")).ToContainTextAsync("+6.08 %");
        await Expect(page.GetByTestId("strategy-growth").Locator(".apexcharts-canvas")).ToBeVisibleAsync();

        await Pages.ExpectFitsWidthAsync(page, "the strategy page scrolls sideways at 375 px");
        await Pages.SnapshotAsync(page, "strategy-page-phone");
    }

    [Fact]
    public async Task An_admin_creates_a_strategy_after_fixing_its_allocation_and_deactivates_it_after_confirming()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Farhan Qureshi", Roles.Admin);
        var page = await SignedInAsync(admin);
        var name = $"Admin journey {Guid.NewGuid():N}"[..22];

        await page.GotoAsync("admin");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("admin-strategies-link").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Strategies", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=strategy-row][data-strategy='Aggressive Growth']")).ToBeVisibleAsync();

        await page.GetByTestId("strategy-new").ClickAsync();
        var form = page.GetByRole(AriaRole.Dialog);
        await form.GetByLabel("Name").FillAsync(name);
        await form.GetByLabel("Minimum monthly investment").FillAsync("2500");
        await form.GetByLabel("Stocks", new() { Exact = true }).FillAsync("60");
        await form.GetByLabel("Debt", new() { Exact = true }).FillAsync("30");
        await Expect(form.GetByTestId("strategy-total")).ToContainTextAsync("must be 100 %");
        await form.GetByTestId("strategy-save").ClickAsync();
        await Expect(form.GetByTestId("strategy-allocation-error")).ToContainTextAsync("add up to 90.00 %");

        await form.GetByLabel("Debt", new() { Exact = true }).FillAsync("40");
        await Expect(form.GetByTestId("strategy-total")).Not.ToContainTextAsync("must be 100 %");
        await form.GetByTestId("strategy-save").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        var row = page.Locator($"tr:has([data-testid=strategy-row][data-strategy='{name}'])");
        await Expect(row).ToContainTextAsync("Stocks 60 %");
        await Expect(row).ToContainTextAsync("Debt 40 %");
        await Expect(row.GetByTestId("strategy-status")).ToHaveTextAsync("Active");
        await Pages.SnapshotAsync(page, "admin-strategies");

        await row.GetByTestId("strategy-deactivate").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync($"Deactivate {name}?");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        await Expect(row.GetByTestId("strategy-status")).ToHaveTextAsync("Inactive");
    }

    /// <summary>
    /// A strategy half in a stock that doubles in 2021 and halves in 2022 and half in a flat bond, rebalanced yearly:
    /// by hand 10,000 → 15,000 → 11,250, CAGR 6.08 %, maximum drawdown −25 %.
    /// </summary>
    private async Task<Guid> StrategyWithBacktestAsync()
    {
        var stock = await TestData.NewSecurityAsync(browser.Web.Database);
        var bond = await TestData.NewSecurityAsync(browser.Web.Database, Spark.Core.Market.SecurityType.Bond, null);
        var admin = await TestData.UserAsync(browser.Web.Database, role: Roles.Admin);
        using var api = new ApiClient(browser.Web.App.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        foreach (var (symbol, closes) in new[] { (stock.Symbol, new[] { 100m, 200m, 200m, 100m }), (bond.Symbol, new[] { 100m, 100m, 100m, 100m }) })
        {
            var dates = new[] { "2021-01-01", "2021-12-31", "2022-01-03", "2022-12-30" };
            var (posted, _) = await api.PostAsync($"admin/securities/{symbol}/bars",
                dates.Zip(closes, (d, c) => new { timestamp = d, open = c, high = c, low = c, close = c, volume = 1L }).ToArray());
            Assert.Equal(HttpStatusCode.NoContent, posted);
        }
        var (created, strategy) = await api.PostAsync("admin/strategies", new
        {
            name = $"Journey strategy {Guid.NewGuid():N}"[..26],
            description = "Half a test stock, half a test bond.",
            riskLevel = "medium",
            expectedReturnRate = 0.1m,
            minInvestment = 2_500m,
            allocation = new { stocks = 0.5m, debt = 0.5m },
            rebalancingFrequency = "yearly",
        });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = strategy!["id"]!.GetValue<Guid>();

        var baskets = new AutoInvestOptions();
        baskets.Baskets["stocks"] = [new BasketItem { Symbol = stock.Symbol }];
        baskets.Baskets["debt"] = [new BasketItem { Symbol = bond.Symbol }];
        var backtester = ActivatorUtilities.CreateInstance<StrategyBacktester>(browser.Web.App.Services, Options.Create(baskets));
        Assert.Equal(1, await backtester.RefreshAsync(onlyStale: false, id));
        return id;
    }

    private async Task<IPage> SignedInAsync(SparkUser user)
    {
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        return page;
    }
}
