using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// Spark served by Kestrel on a free loopback port against a test database, with the scheduler off.
/// Tests talk to it over real HTTP (and browsers through <see cref="BaseAddress"/>). The app runs on
/// <see cref="Clock"/>, never the machine's date: a test reads "today" from it.
/// </summary>
public sealed class SparkAppFactory : WebApplicationFactory<Program>
{
    private readonly TestDatabase database;
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? services;

    /// <param name="settings">Configuration for this host on top of the test defaults (rate limits off, jobs off).</param>
    /// <param name="clock">The app's clock; by default one starting at <see cref="TestClock.DefaultStart"/>.</param>
    /// <param name="services">Replacements after the app's own registrations and the clock (a fake clock, say).</param>
    public SparkAppFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, TestClock? clock = null,
        Action<IServiceCollection>? services = null)
    {
        this.database = database;
        this.settings = settings ?? new Dictionary<string, string?>();
        this.services = services;
        Clock = clock ?? new TestClock();
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
    }

    public TestClock Clock { get; }

    /// <summary>A setting ("true") that keeps the product's 210,000 PBKDF2 iterations in this host (see <see cref="TestData.HashIterations"/>).</summary>
    public const string ProductionPasswordHashing = "Tests:ProductionPasswordHashing";

    public const string TestKeyEncryptionKey = "c3BhcmstdGVzdC1rZXktZW5jcnlwdGlvbi1rZXkhISE=";

    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("spark-test-").FullName;

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new Uri(address.EndsWith('/') ? address : address + "/");
        }
    }

    public HttpClient CreateHttpClient(bool followRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true }) { BaseAddress = BaseAddress };

    /// <summary>
    /// What every test host runs with, in process or as a separate process (<see cref="SparkProcess"/>, which passes them
    /// as environment variables): one list, so the two cannot drift apart.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> TestDefaults(string stateDirectory)
    {
        var values = new Dictionary<string, string?>
        {
            ["Spark:Jobs:Enabled"] = "false",
            ["Spark:StateDirectory"] = stateDirectory,
            ["Spark:RateLimits:Enabled"] = "false",
            // Test admins sign in with a password alone; the tests about staff 2FA switch this back on.
            ["Spark:Security:RequireTwoFactorForStaff"] = "false",
            // One key-encryption key for every test host, so hosts sharing a database read each other's data-protection keys.
            ["Spark:DataProtection:KeyEncryptionKey"] = TestKeyEncryptionKey,
            ["Spark:Market:SimulatorEnabled"] = "false",
            // Tests post prices at any hour; a test about market hours builds the exchange with its own options.
            ["Spark:Exchange:EnforceMarketHours"] = "false",
        };
        // Tests never reach a real broker: unless a test points a broker at its stub, calls are refused at once (port 9, discard).
        foreach (var broker in new[] { "Zerodha", "Upstox", "Binance", "Groww" })
        {
            values[$"Spark:Brokers:{broker}:BaseUrl"] = "http://127.0.0.1:9/";
            values[$"Spark:Brokers:{broker}:LoginUrl"] = "http://127.0.0.1:9/login";
        }
        return values;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Spark", database.AppConnectionString);
        builder.UseSetting("ConnectionStrings:SparkOwner", database.OwnerConnectionString);
        foreach (var (key, value) in TestDefaults(StateDirectory)) builder.UseSetting(key, value);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // Passwords hashed at TestData.HashIterations, unless the host is the one that checks the product's hashing.
            if (!settings.TryGetValue(ProductionPasswordHashing, out var production) || production != "true")
            {
                services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestData.HashIterations);
            }
        });
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (services is not null) builder.ConfigureTestServices(services);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(StateDirectory)) Directory.Delete(StateDirectory, recursive: true);
    }
}

/// <summary>One database and one running app per test class.</summary>
public class WebAppFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?>? settings;

    public WebAppFixture()
    {
    }

    internal WebAppFixture(IReadOnlyDictionary<string, string?> settings) => this.settings = settings;

    public TestClock Clock { get; } = new();

    public TestDatabase Database { get; } = new();

    public SparkAppFactory App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        App = new SparkAppFactory(Database, settings, Clock);
        _ = App.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>A <see cref="WebAppFixture"/> whose host hashes passwords as the product does (210,000 iterations).</summary>
public sealed class ProductionHashingAppFixture() : WebAppFixture(new Dictionary<string, string?> { [SparkAppFactory.ProductionPasswordHashing] = "true" });
