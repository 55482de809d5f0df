using System.Globalization;
using System.Net;
using Spark.Data.Identity;
using Xunit.Abstractions;
using Spark.Tests.Infrastructure;
using Spark.Tests.Infrastructure.Circuits;

namespace Spark.Tests.Web;

/// <summary>
/// script/load's protocol-level client (decision 0069) against the real app over a real WebSocket: it opens a dashboard
/// circuit without a browser, and every tick the dashboard renders reaches it as a render batch carrying data-tick-at.
/// </summary>
public sealed class ProtocolCircuitTests(WebAppFixture fixture, ITestOutputHelper output) : IClassFixture<WebAppFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_dashboard_circuit_opened_without_a_browser_receives_each_posted_tick_in_a_render_batch()
    {
        var admin = await TestData.UserAsync(fixture.Database, "Market Desk", Roles.Admin);
        using var desk = await SignedInAsync(admin.Email!);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var today = fixture.Clock.Today;
        await PostBarsAsync(desk, security.Symbol, [(today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 100m)]);
        var investor = await TestData.UserAsync(fixture.Database, "Ritu Pai");
        using (var api = await SignedInAsync(investor.Email!))
        {
            var (bought, body) = await api.PostAsync("transactions", new
            {
                symbol = security.Symbol, type = "buy", quantity = 10m, price = 90m,
                transactionDate = today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
            Assert.True(bought == HttpStatusCode.Created, ApiClient.Json(body));
        }

        var cookies = new CookieContainer();
        using (var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = fixture.App.BaseAddress })
        {
            await WebForms.SignInAsync(browser, investor.Email!, TestData.Password);
        }

        await using var circuit = await ProtocolCircuit.OpenAsync(fixture.App.BaseAddress, "dashboard", cookies, "dashboard-summary", Patience);
        Assert.True(circuit.IsInteractive);
        // The layout's and the dashboard's interop reached the client and were answered (else the page would not render).
        Assert.NotEmpty(circuit.JSCalls);

        // Twelve ticks, each waited for: more render batches than the server sends to a client that does not acknowledge
        // them (its limit of unacknowledged batches is 10), so they arrive only if every batch is acknowledged.
        var opening = new DateTimeOffset(today.ToDateTime(new TimeOnly(9, 20)), TimeSpan.FromHours(5.5));
        var expected = new List<long>();
        for (var k = 0; k < 12; k++)
        {
            var at = opening.AddMinutes(k);
            await PostBarsAsync(desk, security.Symbol, [(at.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), 101m + k)]);
            expected.Add(at.ToUnixTimeMilliseconds());
            Assert.True(await circuit.WaitUntilAsync(c => c.LastTickAt == expected[^1], Patience),
                $"tick {k} ({expected[^1]}) did not arrive; last seen {circuit.LastTickAt}, {circuit.Batches} batches, errors: {string.Join("; ", circuit.ErrorExamples)}");
        }

        var samples = circuit.TakeSamples();
        Assert.Equal(expected, samples.Select(s => s.TickAt));
        Assert.All(samples, s => Assert.True(s.ReceivedAt > 0));
        output.WriteLine("JS calls: " + string.Join("\n", circuit.JSCalls.Select(c => $"{c.Key} ×{c.Value} {circuit.JSCallArguments[c.Key]}")));
        Assert.True(circuit.Errors.Count == 0, string.Join("; ", circuit.ErrorExamples));
    }

    private async Task<ApiClient> SignedInAsync(string email)
    {
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(email, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return api;
    }

    private static async Task PostBarsAsync(ApiClient admin, string symbol, IReadOnlyList<(string Timestamp, decimal Close)> bars)
    {
        var (status, body) = await admin.PostAsync($"admin/securities/{symbol}/bars",
            bars.Select(b => new { timestamp = b.Timestamp, open = b.Close, high = b.Close, low = b.Close, close = b.Close, volume = 1000 }));
        Assert.True(status == HttpStatusCode.NoContent, ApiClient.Json(body));
    }
}
