namespace Spark.Web.Services.Connections.Brokers;

/// <summary>
/// Where each broker's API is and how hard Spark may call it (<c>Spark:Brokers</c>). The defaults are the brokers'
/// production hosts and their documented rate limits; tests point <see cref="BrokerEndpoint.BaseUrl"/> at stub servers.
/// </summary>
public sealed class BrokerOptions
{
    public const string Section = "Spark:Brokers";

    /// <summary>Kite Connect v3. Documented limit: 10 requests a second per API key for most endpoints (3 for quotes); Spark keeps to 3.</summary>
    public BrokerEndpoint Zerodha { get; set; } = new()
    {
        BaseUrl = new Uri("https://api.kite.trade/"),
        LoginUrl = new Uri("https://kite.zerodha.com/connect/login"),
        RequestsPerSecond = 3,
    };

    /// <summary>Upstox API v2. Documented limit: 50 requests a second for standard APIs; Spark keeps to 25.</summary>
    public BrokerEndpoint Upstox { get; set; } = new()
    {
        BaseUrl = new Uri("https://api.upstox.com/"),
        LoginUrl = new Uri("https://api.upstox.com/v2/login/authorization/dialog"),
        RequestsPerSecond = 25,
    };

    /// <summary>Binance spot API. Limits are by request weight (6,000 a minute per IP); Spark keeps to 10 requests a second.</summary>
    public BrokerEndpoint Binance { get; set; } = new()
    {
        BaseUrl = new Uri("https://api.binance.com/"),
        RequestsPerSecond = 10,
    };

    /// <summary>Groww Trade API. Documented limit: 10 requests a second for non-trading calls; Spark keeps to 5.</summary>
    public BrokerEndpoint Groww { get; set; } = new()
    {
        BaseUrl = new Uri("https://api.groww.in/"),
        RequestsPerSecond = 5,
    };

    public BrokerEndpoint For(string platform) => platform switch
    {
        Spark.Core.Platforms.PlatformNames.Zerodha => Zerodha,
        Spark.Core.Platforms.PlatformNames.Upstox => Upstox,
        Spark.Core.Platforms.PlatformNames.Binance => Binance,
        Spark.Core.Platforms.PlatformNames.Groww => Groww,
        _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, "Not a connectable broker."),
    };
}

/// <summary>One broker's host, login page and call budget.</summary>
public sealed class BrokerEndpoint
{
    /// <summary>The API's root; adapters resolve relative paths ("portfolio/holdings") against it, so it ends with '/'.</summary>
    public Uri BaseUrl { get; set; } = new("http://localhost/");

    /// <summary>The broker's login page for redirect flows (Kite, Upstox); null for key flows.</summary>
    public Uri? LoginUrl { get; set; }

    /// <summary>Calls a second from this process to this broker (a token bucket; callers wait rather than fail).</summary>
    public int RequestsPerSecond { get; set; } = 5;

    /// <summary>One attempt's time limit.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries after a 5xx, a timeout or a 429 whose Retry-After is short (see <see cref="MaxRetryAfter"/>).</summary>
    public int RetryAttempts { get; set; } = 2;

    /// <summary>The first retry's delay (doubled each time, with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A 429 asking to wait longer than this is not retried in the run: the run fails with the broker's reason and the next one tries again.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most pages one run reads: past it the broker is said to be paging without end and the run fails.</summary>
    public int MaxPages { get; set; } = 10_000;
}
