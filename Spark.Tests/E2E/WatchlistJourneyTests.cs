using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Spark.Core.Time;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// Watchlists in the browser (decision 0052): add from a security's page and from a market row, see the list tick,
/// reorder, remove, rename and delete. Each test prices securities of its own through the admin bars API.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class WatchlistJourneyTests(BrowserFixture browser)
{
    private DateOnly Today => browser.Web.Clock.Today;

    [Fact]
    public async Task An_investor_adds_a_symbol_to_a_new_watchlist_and_sees_it_tick_then_reorders_and_deletes_the_list()
    {
        using var api = await AdminApiAsync();
        var first = await TestData.NewSecurityAsync(browser.Web.Database);
        var second = await TestData.NewSecurityAsync(browser.Web.Database);
        await PostBarsAsync(api, first.Symbol, Bar(Today.AddDays(-2), 100m), Bar(Today.AddDays(-1), 104m));
        await PostBarsAsync(api, second.Symbol, Bar(Today.AddDays(-2), 50m), Bar(Today.AddDays(-1), 49m));
        var investor = await TestData.UserAsync(browser.Web.Database, "Tara Menon");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, investor.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        // No list yet: the page says how to add one.
        await page.GotoAsync("watchlists");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("watchlists-empty")).ToContainTextAsync("Add to watchlist");

        // From the security's page: a new list holding it.
        await page.GotoAsync($"market/{first.Symbol}");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("add-to-watchlist").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("New list").FillAsync("Momentum");
        await dialog.GetByTestId("watchlist-new-create").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = $"Remove {first.Symbol} from Momentum" })).ToBeVisibleAsync();
        await dialog.GetByTestId("watchlist-pick-done").ClickAsync();

        // From a market row: the same list.
        await page.GotoAsync($"market?q={second.Symbol}");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add {second.Symbol} to a watchlist" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = $"Add {second.Symbol} to Momentum" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = $"Remove {second.Symbol} from Momentum" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Dialog).GetByTestId("watchlist-pick-done").ClickAsync();
        // The dialog's own "Open watchlists" link stays in the page while it closes: wait until it has gone.
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Watchlists", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/watchlists$"));
        await Pages.WaitUntilInteractiveAsync(page);
        var rows = page.GetByTestId("watchlist-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-symbol", first.Symbol);
        var row = rows.Nth(0);
        await Expect(row.GetByTestId("watchlist-price")).ToHaveTextAsync("₹104.00");
        await Expect(row.GetByTestId("watchlist-change")).ToContainTextAsync("+4.00 %");
        await Expect(rows.Nth(1).GetByTestId("watchlist-change")).ToHaveClassAsync(new Regex("spark-loss"));

        // A tick reaches the open list: the new price, flashing upwards, and the day's change with it.
        var now = IndiaTime.ToIst(browser.Web.Clock.GetUtcNow());
        await PostBarsAsync(api, first.Symbol, new
        {
            timestamp = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, now.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            open = 104m, high = 110.5m, low = 104m, close = 110.5m, volume = 7,
        });
        await Expect(row.GetByTestId("watchlist-price")).ToHaveTextAsync("₹110.50");
        await Expect(row.GetByTestId("watchlist-price")).ToHaveClassAsync(new Regex("flash-up"));
        await Expect(row.GetByTestId("watchlist-change")).ToContainTextAsync("+6.25 %");
        await Pages.SnapshotAsync(page, "watchlists");

        // Reorder with the buttons, then remove one.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Move {second.Symbol} up" }).ClickAsync();
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-symbol", second.Symbol);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {second.Symbol} from Momentum" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-symbol", first.Symbol);

        // Rename, then delete after confirming.
        await page.GetByTestId("watchlist-rename").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Name").FillAsync("Breakouts");
        await page.GetByTestId("watchlist-name-save").ClickAsync();
        await Expect(page.GetByTestId("watchlist-title")).ToHaveTextAsync("Breakouts");
        await page.GetByTestId("watchlist-delete").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("watchlists-empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Watchlists_and_the_sorted_market_list_fit_a_375_pixel_phone_in_dark_mode()
    {
        using var api = await AdminApiAsync();
        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        await PostBarsAsync(api, security.Symbol, Bar(Today.AddDays(-2), 1234.5m), Bar(Today.AddDays(-1), 1250m));
        var investor = await TestData.UserAsync(browser.Web.Database, "Dev Malhotra");
        await using (var scope = browser.Web.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Watchlists.WatchlistService>()
                .CreateAsync(investor.Id, new Spark.Web.Services.Watchlists.WatchlistRequest("A long watchlist name to test phone rows", [security.Symbol, "INFY", "HDFCBANK"]));
        }

        await browser.Web.Database.OwnerExecuteAsync(
            "INSERT INTO user_preferences (user_id, theme) VALUES ($1, 'dark') ON CONFLICT (user_id) DO UPDATE SET theme = 'dark'", investor.Id);
        var page = await browser.NewPageAsync(width: 375, height: 800, colorScheme: ColorScheme.Dark);
        await Pages.SignInAsync(page, investor.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("watchlists");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("watchlist-row")).ToHaveCountAsync(3);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Move HDFCBANK up" })).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page, "the watchlist scrolls sideways at 375 px");
        await Pages.SnapshotAsync(page, "watchlists-phone");

        await page.GotoAsync("market?sort=dayChangeRate&dir=desc");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("market-dir")).ToContainTextAsync("highest first");
        await Expect(page.GetByTestId("market-movers")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("market-row").First).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page, "the sorted market list scrolls sideways at 375 px");
        await Pages.SnapshotAsync(page, "market-sorted-phone");
    }

    private async Task<ApiClient> AdminApiAsync()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Watchlist Admin", Roles.Admin);
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

    private static object Bar(DateOnly date, decimal close) => new
    {
        timestamp = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), open = close, high = close, low = close, close, volume = 1000,
    };
}
