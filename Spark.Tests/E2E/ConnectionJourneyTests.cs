using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Brokers;
using Spark.Web.Hosting;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>
/// Connecting Zerodha through Kite's login (a <see cref="KiteStub"/>), syncing, and a sync that fails because Kite ended
/// the session. These run against a host of their own: its Kite endpoints point at the stub, and the stub's login sends
/// the browser back to this host's callback.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class ConnectionJourneyTests(BrowserFixture browser, ConnectionJourneyTests.KiteHost kite) : IClassFixture<ConnectionJourneyTests.KiteHost>
{
    [Fact]
    public async Task An_investor_connects_kite_through_its_login_syncs_sees_the_holdings_beside_manual_ones_and_is_told_to_reconnect_when_kite_ends_the_session()
    {
        var manual = await TestData.NewSecurityAsync(kite.Database);
        var synced = await TestData.NewSecurityAsync(kite.Database);
        var user = await TestData.UserAsync(kite.Database, "Anaya Rao");
        await BuyAsync(user.Email!, manual.Symbol, 5m, 200m, kite.App.Clock.Today.AddDays(-30));
        // Kite reports 12 units held and, among today's trades, a buy of 2 of them: the sync records the trade, and
        // reconciliation records the 10 bought before Kite's history reaches.
        kite.Stub.AddHolding(synced.Symbol, null, SecurityType.Stock, 12m, 1500m, 1600m);
        kite.Stub.AddTrade("700000001", synced.Symbol, null, TransactionType.Buy, 2m, 1590m, kite.App.Clock.GetUtcNow().AddMinutes(-30));
        var page = await NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("settings/connections");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("connection-status-zerodha")).ToHaveTextAsync("Not connected");
        await page.GetByTestId("connect-zerodha").ClickAsync();
        await Expect(page.GetByTestId("callback-url-zerodha")).ToHaveTextAsync(new Uri(kite.App.BaseAddress, "connections/callback/zerodha").ToString());
        await Expect(page.GetByTestId("kite-tradebook-import")).ToHaveAttributeAsync("href", "portfolio/transactions?import=1");
        var card = page.GetByTestId("connection-zerodha");
        await card.GetByLabel("API key", new() { Exact = true }).FillAsync(kite.Stub.ApiKey);
        await card.GetByLabel("API secret", new() { Exact = true }).FillAsync(kite.Stub.ApiSecret);
        await page.GetByTestId("connect-submit-zerodha").ClickAsync();

        // Off to Kite's login, which sends the browser back to Spark's callback, which lands here connected.
        await Expect(page).ToHaveURLAsync(new Regex("/settings/connections\\?connected="));
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("connected-alert")).ToContainTextAsync("Connected to Zerodha (Kite)");
        // The first sync starts by itself; the page follows it to its end.
        await Expect(page.GetByTestId("sync-status-zerodha")).ToHaveTextAsync("Completed");
        await Expect(page.GetByTestId("connection-status-zerodha")).ToHaveTextAsync("Connected");
        await Expect(page.GetByTestId("sync-counts-zerodha")).ToContainTextAsync("1 created");
        await Expect(page.GetByTestId("account-zerodha")).ToHaveTextAsync(kite.Stub.UserName);
        await Expect(page.GetByTestId("masked-key-zerodha")).Not.ToHaveTextAsync(kite.Stub.ApiKey);

        await page.GetByTestId("sync-now-zerodha").ClickAsync();
        await Expect(page.GetByTestId("sync-status-zerodha")).ToHaveTextAsync("Completed");
        await Expect(page.GetByTestId("sync-counts-zerodha")).ToContainTextAsync("0 created");
        await page.GetByTestId("sync-history-zerodha").GetByText("History").ClickAsync();
        await Expect(page.GetByTestId("sync-history-row-zerodha")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("sync-history-zerodha")).ToContainTextAsync("After connecting");

        await Expect(page.GetByTestId("reconciliation-lines-zerodha")).ToContainTextAsync(synced.Symbol);
        await page.GetByTestId("reconcile-accept-zerodha").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Accept and record" }).ClickAsync();
        await Expect(page.GetByTestId("in-balance-zerodha")).ToContainTextAsync("In balance with Zerodha (Kite)");
        await Expect(page.GetByTestId("holdings-count-zerodha")).ToHaveTextAsync("1");

        // At phone width the cards stack with nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await Expect(page.GetByTestId("connection-zerodha")).ToBeVisibleAsync();
        await Pages.SnapshotAsync(page, "settings-connections-phone");
        var wide = await page.EvaluateAsync<string>("""
            [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' | ')
            """);
        await Pages.ExpectFitsWidthAsync(page, wide);
        await page.SetViewportSizeAsync(1280, 900);

        await page.GotoAsync("dashboard");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("stat-value")).ToContainTextAsync("2 holdings");
        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId($"value-{manual.Symbol}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId($"value-{synced.Symbol}")).ToBeVisibleAsync();
        // Sell on the synced holding is done at Kite, not with a paper order.
        await page.GetByTestId($"row-sell-{synced.Symbol}").ClickAsync();
        await Expect(page.GetByTestId("holding-sale-dialog")).ToContainTextAsync("Spark records the sale at the next sync");
        // Record a sale opens the manual entry as a sale of that security on Zerodha.
        await page.GetByTestId("sale-record-zerodha").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portfolio/transactions"));
        var entry = page.Locator(".mud-dialog");
        await Expect(entry.GetByLabel("Security")).ToHaveValueAsync(new Regex($"^{synced.Symbol} · "));
        await Expect(entry.GetByLabel("Platform")).ToHaveValueAsync("zerodha");
        // The type select's hint is the sale's.
        await Expect(entry).ToContainTextAsync("Units sold at a price");
        await entry.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // Kite ends the session (as it does every morning): the next sync fails, says why and offers to reconnect.
        kite.Stub.FailWith(StubFault.ExpiredToken);
        await page.GotoAsync("settings/connections");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("sync-now-zerodha").ClickAsync();
        await Expect(page.GetByTestId("sync-status-zerodha")).ToHaveTextAsync("Failed");
        await Expect(page.GetByTestId("sync-error-zerodha")).Not.ToBeEmptyAsync();
        await Expect(page.GetByTestId("sync-reconnect-zerodha")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("connection-status-zerodha")).ToHaveTextAsync("Reconnect needed");
        await Expect(page.GetByTestId("sync-now-zerodha")).ToBeDisabledAsync();
        await Pages.SnapshotAsync(page, "settings-connections-reconnect");

        // Reconnecting goes through Kite's login again and syncs.
        kite.Stub.FailWith(StubFault.None);
        await page.GetByTestId("sync-reconnect-zerodha").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/settings/connections\\?connected="));
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("sync-status-zerodha")).ToHaveTextAsync("Completed");
        await Expect(page.GetByTestId("connection-status-zerodha")).ToHaveTextAsync("Connected");
        Assert.Empty(browser.ConsoleErrors(page));
    }

    [Fact]
    public async Task A_refused_or_cancelled_kite_login_comes_back_as_a_message_shown_as_text()
    {
        var user = await TestData.UserAsync(kite.Database, "Vikram Sethi");
        var page = await NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("connections/callback/zerodha?status=cancelled&request_token=x");

        await Expect(page).ToHaveURLAsync(new Regex("/settings/connections\\?error="));
        await Expect(page.GetByTestId("connect-error")).ToContainTextAsync("was cancelled or refused");
        await page.GotoAsync("settings/connections?error=" + Uri.EscapeDataString("<b id=\"injected\">bold</b>"));
        await Expect(page.GetByTestId("connect-error")).ToContainTextAsync("<b id=\"injected\">bold</b>");
        await Expect(page.Locator("#injected")).ToHaveCountAsync(0);
    }

    /// <summary>A browser page on this class's host (the collection's browser, its own cookies).</summary>
    private async Task<IPage> NewPageAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = kite.App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-IN",
            TimezoneId = "Asia/Kolkata", ReducedMotion = ReducedMotion.Reduce,
        });
        // A sync runs in the background after a click; the page shows its end within a few seconds (the suite's patience,
        // as BrowserFixture's own pages: a passing step never waits for it).
        context.SetDefaultTimeout(BrowserFixture.Patience);
        return await context.NewPageAsync();
    }

    private async Task BuyAsync(string email, string symbol, decimal quantity, decimal price, DateOnly date)
    {
        using var api = new ApiClient(kite.App.CreateHttpClient());
        var (login, _) = await api.LoginAsync(email, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, login);
        var (status, body) = await api.PostAsync("transactions", new
        {
            symbol, type = "buy", quantity, price, transactionDate = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        Assert.True(status == HttpStatusCode.Created, ApiClient.Json(body));
    }

    /// <summary>A Kite stub and a Spark host whose Zerodha endpoints are the stub's, with the stub's login returning to this host.</summary>
    public sealed class KiteHost : IAsyncLifetime
    {
        public KiteStub Stub { get; } = new();

        public TestDatabase Database { get; } = new();

        public SparkAppFactory App { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            App = new SparkAppFactory(Database, new Dictionary<string, string?>
            {
                ["Spark:Brokers:Zerodha:BaseUrl"] = Stub.BaseUrl.ToString(),
                ["Spark:Brokers:Zerodha:LoginUrl"] = Stub.LoginUrl.ToString(),
                // Time to spare on a loaded machine: the token exchange is a single attempt (its request token is one-time).
                ["Spark:Brokers:Zerodha:AttemptTimeout"] = "00:01:00",
            });
            var address = App.BaseAddress;
            // The host listens on a port chosen when it starts, so its public URL (where a broker's login returns) is only
            // known now; Spark reads it from SparkOptions when it builds the callback.
            App.Services.GetRequiredService<IOptions<SparkOptions>>().Value.PublicUrl = address.ToString();
            Stub.CallbackUrl = new Uri(address, "connections/callback/zerodha");
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            Stub.Dispose();
            await Database.DisposeAsync();
        }
    }
}
