using System.Net;
using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// An order placed while the market is closed (decision 0051): the ticket says it will be an after-market order, the
/// orders list marks it AMO, and it fills at the next session's open once the clock reaches it. A host of its own, on a
/// database of its own (alone, so it owns its paper exchange), keeps market hours and starts its clock on Monday 7 December 2026 at 08:57 IST, before the
/// pre-open (a jump of a whole day would outlive the browser's sign-in; the API tests place theirs on a Sunday).
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AfterMarketJourneyTests(BrowserFixture browser)
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private static async Task<IPage> PageAsync(IBrowser chromium, SparkAppFactory app, int width)
    {
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = 900 }, Locale = "en-IN", TimezoneId = "Asia/Kolkata", ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(BrowserFixture.Patience);
        return await context.NewPageAsync();
    }

    [Fact]
    public async Task An_order_placed_before_the_open_is_marked_after_market_and_fills_at_the_open()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 12, 7, 8, 57, 0, Ist));
        // A database of its own: on the browser fixture's database this app would be a second instance, a standby of the
        // fixture's exchange owner (decision 0056), and the bars posted here would move only its own prices.
        var database = new TestDatabase();
        await database.InitializeAsync();
        await using var dropped = new DisposeAtEnd(database);
        await using var app = new SparkAppFactory(database, new Dictionary<string, string?> { ["Spark:Exchange:EnforceMarketHours"] = "true" }, clock);
        var user = await TestData.UserAsync(database, "Ravi Sunday");
        var admin = await TestData.UserAsync(database, "Asha Bars", Roles.Admin);
        using var adminApi = new ApiClient(app.CreateHttpClient());
        await adminApi.LoginAsync(admin.Email!, TestData.Password);
        var security = await TestData.NewSecurityAsync(database);
        async Task BarAsync(string timestamp, decimal close) => Assert.Equal(HttpStatusCode.NoContent, (await adminApi.PostAsync($"admin/securities/{security.Symbol}/bars",
            new[] { new { timestamp, open = close, high = close, low = close, close, volume = 1L } })).Status);
        await BarAsync("2026-12-04", 100m);

        var page = await PageAsync(browser.Browser, app, 1280);
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        using (var api = new ApiClient(app.CreateHttpClient()))
        {
            await api.LoginAsync(user.Email!, TestData.Password);
            await database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = 50_000m })).Status);
        }

        await page.GotoAsync($"market/{security.Symbol}");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("market-status")).ToHaveTextAsync("Closed · opens 09:15");
        await Expect(page.GetByTestId("security-market-status")).ToHaveTextAsync("Closed · opens 09:15");
        await Expect(page.GetByTestId("security-asof")).ToHaveTextAsync("Close of 4 Dec 2026");
        await page.GetByTestId("trade-buy").ClickAsync();
        var ticket = page.GetByTestId("order-ticket");
        await Expect(ticket.GetByTestId("ticket-amo")).ToHaveTextAsync(
            "The market is closed. This will be an after-market order, sent at the next session's open: Mon 7 Dec, 09:15.");
        await ticket.GetByLabel("Quantity").FillAsync("10");
        await ticket.GetByLabel("Limit price").FillAsync("105");
        await Expect(ticket.GetByTestId("estimated-cost")).ToContainTextAsync("₹1,05");
        await Pages.SnapshotAsync(page, "orders-ticket-after-market");
        await page.GetByTestId("ticket-place").ClickAsync();
        await Expect(ticket).ToHaveCountAsync(0);

        await page.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(page);
        var row = page.GetByTestId("order-row").Filter(new() { HasText = security.Symbol });
        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("Open");
        await Expect(row.GetByTestId("order-amo")).ToHaveTextAsync("AMO");

        // 09:15 and a tick: the session opens and the order fills at the open's price, on the open page.
        clock.Advance(new DateTimeOffset(2026, 12, 7, 9, 15, 30, Ist) - clock.GetUtcNow());
        await adminApi.LoginAsync(admin.Email!, TestData.Password); // a fresh access token after the clock's jump
        await BarAsync("2026-12-07T09:15:00+05:30", 101m);
        // The exchange matches the tick in the background: wait for the fill in the database, then the page lists the order
        // under Executed.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await database.OwnerScalarAsync<long>("SELECT count(*) FROM trading_orders WHERE user_id = $1 AND status = 'executed'", user.Id) == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "The after-market order did not fill at the open.");
            await Task.Yield();
        }
        await page.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Executed" }).ClickAsync();
        await Expect(row.GetByTestId("order-status")).ToHaveTextAsync("Executed");
        await Expect(row.GetByTestId("order-qty")).ToHaveTextAsync("10/10");
        await Expect(row.GetByTestId("order-avg")).ToHaveTextAsync("₹101.00");
        await Expect(row.GetByTestId("order-amo")).ToHaveTextAsync("AMO");
        // The header chip follows the clock without a reload (the tick re-reads it).
        await Expect(page.GetByTestId("market-status")).ToHaveTextAsync("Market open · closes 15:30");
        await Pages.SnapshotAsync(page, "orders-after-market-filled");

        await row.GetByTestId("order-link").ClickAsync();
        await Expect(page.GetByTestId("order-detail").GetByTestId("order-amo")).ToBeVisibleAsync();
        await Expect(page.GetByText("after-market order", new() { Exact = false }).First).ToBeVisibleAsync();

        // On a phone the strip is one line that scrolls inside itself; the page does not scroll sideways.
        // (The same signed-in page at phone width: the investor now has two-factor sign-in on, as trading requires.)
        var phone = page;
        await phone.SetViewportSizeAsync(375, 900);
        await phone.GotoAsync("orders");
        await Pages.WaitUntilInteractiveAsync(phone);
        await Expect(phone.GetByTestId("market-status")).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(phone, "The page scrolls sideways at 375px.");
        Assert.True(await phone.GetByTestId("market-strip").EvaluateAsync<bool>("e => e.getBoundingClientRect().height < 48"), "The market strip wraps on a phone.");
    }
}

/// <summary>Drops the test's own database when the test ends (after the app using it, declared later, is disposed).</summary>
internal sealed class DisposeAtEnd(TestDatabase database) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await database.DisposeAsync();
}
