using System.Net;
using System.Net.Http.Headers;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>/metrics over real HTTP (decision 0058): Prometheus text for staff only, with ASP.NET Core's and Spark's own instruments.</summary>
public sealed class TelemetryTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> SignedInAsync(string role)
    {
        var user = await TestData.UserAsync(fixture.Database, $"Telemetry {role}", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        if (role == Roles.Investor)
        {
            await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        }
        return api;
    }

    private async Task<(HttpStatusCode Status, string Text, string? MediaType)> ScrapeAsync(string? token)
    {
        using var http = fixture.App.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Anonymous_callers_and_investors_are_refused_the_metrics()
    {
        using var investor = await SignedInAsync(Roles.Investor);

        var (anonymous, anonymousText, _) = await ScrapeAsync(null);
        var (asInvestor, investorText, _) = await ScrapeAsync(investor.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.Forbidden, asInvestor);
        Assert.DoesNotContain("http_server_request_duration_seconds", anonymousText, StringComparison.Ordinal);
        Assert.DoesNotContain("http_server_request_duration_seconds", investorText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_read_prometheus_text_with_request_durations_and_the_order_placement_latency()
    {
        using var investor = await SignedInAsync(Roles.Investor);
        Assert.Equal(HttpStatusCode.OK, (await investor.PostAsync("cash/deposit", new { amount = 50_000m })).Status);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        using (var admin = await SignedInAsync(Roles.Admin))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"admin/securities/{security.Symbol}/bars",
                new[] { new { timestamp = "2026-11-20", open = 100m, high = 100m, low = 100m, close = 100m, volume = 1L } })).Status);
        }
        var (placed, _) = await investor.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 2, price = 90m, validity = "day" });
        Assert.Equal(HttpStatusCode.Created, placed);
        using var support = await SignedInAsync(Roles.Support);
        using var admin2 = await SignedInAsync(Roles.Admin);

        var (status, text, mediaType) = await ScrapeAsync(admin2.AccessToken);
        var (supportStatus, _, _) = await ScrapeAsync(support.AccessToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, supportStatus);
        Assert.Equal("text/plain", mediaType);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_count{", text, StringComparison.Ordinal);
        Assert.Contains("spark_orders_placement_duration_seconds_count{", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"accepted\"", text, StringComparison.Ordinal);
    }
}
