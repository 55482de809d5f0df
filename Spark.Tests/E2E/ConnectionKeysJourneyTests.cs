using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Brokers;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// Connecting Groww by its API key (a <see cref="GrowwStub"/>): a key Groww refuses is a field error, a good one
/// connects and syncs on the spot, auto-sync can be turned off, and disconnecting can delete the history.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class ConnectionKeysJourneyTests(BrowserFixture browser, ConnectionKeysJourneyTests.GrowwHost groww)
    : IClassFixture<ConnectionKeysJourneyTests.GrowwHost>
{
    [Fact]
    public async Task An_investor_connects_groww_by_key_turns_auto_sync_off_and_disconnects_deleting_the_history()
    {
        var security = await TestData.NewSecurityAsync(groww.Database);
        var user = await TestData.UserAsync(groww.Database, "Meera Iyer");
        groww.Stub.AddHolding(security.Symbol, null, SecurityType.Stock, 3m, 410m, 420m);
        groww.Stub.AddTrade("GT-900001", security.Symbol, null, TransactionType.Buy, 3m, 410m, groww.App.Clock.GetUtcNow().AddMinutes(-45));
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = groww.App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-IN",
            TimezoneId = "Asia/Kolkata", ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(BrowserFixture.Patience);
        var page = await context.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("settings/connections");
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GetByTestId("connect-groww").ClickAsync();
        var card = page.GetByTestId("connection-groww");
        await card.GetByLabel("API key", new() { Exact = true }).FillAsync("not-a-key-groww-knows");
        await card.GetByLabel("API secret (if your key has one)").FillAsync(groww.Stub.ApiSecret);
        await page.GetByTestId("connect-submit-groww").ClickAsync();
        await Expect(card).ToContainTextAsync("The broker did not accept these keys");

        await card.GetByLabel("API key", new() { Exact = true }).FillAsync(groww.Stub.ApiKey);
        await page.GetByTestId("connect-submit-groww").ClickAsync();
        await Expect(page.GetByTestId("sync-status-groww")).ToHaveTextAsync("Completed");
        await Expect(page.GetByTestId("connection-status-groww")).ToHaveTextAsync("Connected");
        await Expect(page.GetByTestId("sync-counts-groww")).ToContainTextAsync("1 created");
        await Expect(page.GetByTestId("holdings-count-groww")).ToHaveTextAsync("1");
        Assert.Equal(1L, await groww.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM transactions WHERE user_id = $1 AND platform = 'groww'", user.Id));

        var autoSync = page.GetByTestId("connection-groww").GetByRole(AriaRole.Switch, new() { Name = "Sync on its own" });
        await Expect(autoSync).ToBeCheckedAsync();
        await autoSync.ClickAsync();
        await Expect(autoSync).Not.ToBeCheckedAsync();
        await WaitForAsync(async () => !await groww.Database.OwnerScalarAsync<bool>(
            "SELECT auto_sync_enabled FROM platform_connections WHERE user_id = $1", user.Id));

        await page.GetByTestId("disconnect-groww").ClickAsync();
        var dialog = page.GetByTestId("disconnect-dialog");
        await dialog.GetByTestId("disconnect-delete").ClickAsync();
        await Expect(page.GetByTestId("disconnect-delete-warning")).ToBeVisibleAsync();
        await page.GetByTestId("disconnect-confirm").ClickAsync();
        await Expect(page.GetByTestId("connection-status-groww")).ToHaveTextAsync("Not connected");
        Assert.Equal(0L, await groww.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM transactions WHERE user_id = $1 AND platform = 'groww'", user.Id));
        Assert.Equal(0L, await groww.Database.OwnerScalarAsync<long>("SELECT count(*) FROM platform_connections WHERE user_id = $1", user.Id));
        Assert.Empty(browser.ConsoleErrors(page));
    }

    /// <summary>Polls a database condition that follows a click (the page answers before or after the write lands).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "The change did not reach the database.");
            await Task.Delay(50);
        }
    }

    /// <summary>A Groww stub and a Spark host whose Groww endpoint is the stub.</summary>
    public sealed class GrowwHost : IAsyncLifetime
    {
        public GrowwStub Stub { get; } = new();

        public TestDatabase Database { get; } = new();

        public SparkAppFactory App { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            App = new SparkAppFactory(Database, new Dictionary<string, string?>
            {
                ["Spark:Brokers:Groww:BaseUrl"] = Stub.BaseUrl.ToString(),
                ["Spark:Brokers:Groww:AttemptTimeout"] = "00:01:00",
            });
            _ = App.BaseAddress;
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            Stub.Dispose();
            await Database.DisposeAsync();
        }
    }
}
