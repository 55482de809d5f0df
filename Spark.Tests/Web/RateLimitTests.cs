using System.Net;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>Sign-in, registration and token endpoints are rate limited per client address.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();
    private SparkAppFactory app = default!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        app = new SparkAppFactory(database, new Dictionary<string, string?> { ["Spark:RateLimits:Enabled"] = "true" });
    }

    [Fact]
    public async Task The_twenty_first_sign_in_attempt_in_a_minute_is_refused_with_a_429_problem()
    {
        using var api = new ApiClient(app.CreateHttpClient());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await api.LoginAsync("nobody@example.test", "not a password")).Status);
        }

        var refused = await api.LoginAsync("nobody@example.test", "not a password");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal(429, refused.Body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_sign_in_page_is_rate_limited_too()
    {
        using var browser = app.CreateHttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 21; i++) statuses.Add((await browser.GetAsync("Account/ForgotPassword")).StatusCode);

        Assert.All(statuses.Take(20), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[20]);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }
}
