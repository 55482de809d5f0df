using Microsoft.Playwright;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// One app host and one Debian Chromium for the browser tests, which run one at a time after the other test classes
/// (their collection disables parallelism; decision 0061 measured running them beside the others: slower, not faster).
/// Never downloads a browser: it drives Debian's chromium-headless-shell (or chromium).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // Circuits re-check their session every 2 seconds here (60 in production), so a test can watch one end.
    public WebAppFixture Web { get; } = new(new Dictionary<string, string?> { ["Spark:Security:CircuitRevalidationSeconds"] = "2" });

    public IBrowser Browser { get; private set; } = default!;

    private IPlaywright? playwright;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPage, List<string>> consoleErrors = new();

    /// <summary>Errors the page logged to its console (a Content-Security-Policy violation shows up here).</summary>
    public IReadOnlyList<string> ConsoleErrors(IPage page) => consoleErrors.GetValueOrDefault(page) ?? [];

    /// <summary>
    /// How long an action or an assertion waits (ms). 15 s proved short on a loaded two-core machine: a sign-in's
    /// navigation (PBKDF2, then the first dashboard render) timed out after its click on a clean-clone run.
    /// </summary>
    public const float Patience = 30_000;

    /// <summary>
    /// Debian's chromium-headless-shell when installed (script/lib.sh installs it), else Debian's chromium. The shell is
    /// the same Blink without the browser's UI layers; Playwright itself drives it for headless runs.
    /// </summary>
    public static string ChromiumPath =>
        File.Exists("/usr/bin/chromium-headless-shell") ? "/usr/bin/chromium-headless-shell" : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        await Web.InitializeAsync();
        // Assertions wait as long as actions do (Patience): a busy machine may take longer than Playwright's 5 s default to
        // render what is asserted. A passing step never waits for it; only a failing one takes that long to report.
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(Patience);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            ],
        });
    }

    /// <summary>A fresh browser context (its own cookies) at the given viewport.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Web.App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme,
            Locale = "en-IN",
            TimezoneId = "Asia/Kolkata", ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(Patience);
        var page = await context.NewPageAsync();
        var errors = consoleErrors.GetOrAdd(page, _ => []);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") lock (errors) errors.Add(message.Text);
        };
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await Web.DisposeAsync();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
