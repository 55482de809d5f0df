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

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }
}
