using System.Net;
using Spark.Core.Tax;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Endpoints;

namespace Spark.Tests.Web;

/// <summary>The Tax page's Schedule 112A and Schedule CG downloads: files the browser fetches with its sign-in cookie.</summary>
public sealed class TaxDownloadTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static readonly FinancialYear Fy2425 = new(2024);

    [Fact]
    public async Task A_signed_in_browser_downloads_schedule_112a_with_its_long_term_lot_and_schedule_cg()
    {
        var user = await TestData.UserAsync(fixture.Database);
        // 10 TCS bought on 1 June 2023 at ₹3,000 and sold on 1 August 2024 at ₹4,000, no charges: held more than 12
        // months, so a section 112A lot acquired after 31 January 2018 ("AE"): sale value 10 × 4,000 = 40,000,
        // cost 10 × 3,000 = 30,000, balance 40,000 − 30,000 = 10,000.
        await TradeAsync(user, "buy", 3000, "2023-06-01");
        await TradeAsync(user, "sell", 4000, "2024-08-01");
        using var browser = fixture.App.CreateHttpClient();
        await WebForms.SignInAsync(browser, user.Email!, TestData.Password);

        using var response = await browser.GetAsync(WebDownloads.CapitalGainsUrl(Fy2425, "112a"));
        var lines = Lines(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("spark-schedule-112a-fy2024-25.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(string.Join(',', TaxEndpoints.Schedule112AColumns.Select(c => c.Contains(',', StringComparison.Ordinal) ? $"\"{c}\"" : c)), lines[0]);
        var row = Assert.Single(lines[1..]).Split(',');
        Assert.Equal(["AE", "INE467B01029"], row[..2]);
        Assert.Equal(["10", "4000.00", "40000.00", "30000.00", "30000.00", "", "", ""], row[^11..^3]);
        Assert.Equal(["0.00", "30000.00", "10000.00"], row[^3..]);

        var cg = Lines(await browser.GetStringAsync(WebDownloads.CapitalGainsUrl(Fy2425, "cg")));
        Assert.Equal(string.Join(',', TaxEndpoints.ScheduleCgColumns), cg[0]);
        Assert.Contains(cg, l => l.StartsWith("equity_long_term,112A,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fy=2024-26&schedule=112a")]
    [InlineData("fy=2024&schedule=112a")]
    [InlineData("schedule=112a")]
    [InlineData("fy=2024-25&schedule=itr")]
    [InlineData("fy=2099-00&schedule=cg")]
    public async Task A_malformed_or_future_year_or_an_unknown_schedule_is_refused_not_guessed(string query)
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        await WebForms.SignInAsync(browser, user.Email!, TestData.Password);

        using var response = await browser.GetAsync($"{WebDownloads.CapitalGainsPath.TrimStart('/')}?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_out_browser_is_sent_to_sign_in_and_another_investor_gets_only_the_header()
    {
        var owner = await TestData.UserAsync(fixture.Database);
        await TradeAsync(owner, "buy", 3000, "2023-06-01");
        await TradeAsync(owner, "sell", 4000, "2024-08-01");
        using var signedOut = fixture.App.CreateHttpClient();
        using var refused = await signedOut.GetAsync(WebDownloads.CapitalGainsUrl(Fy2425, "112a"));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/Account/Login", refused.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var other = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        await WebForms.SignInAsync(browser, other.Email!, TestData.Password);
        Assert.Single(Lines(await browser.GetStringAsync(WebDownloads.CapitalGainsUrl(Fy2425, "112a"))));
    }

    private async Task TradeAsync(SparkUser user, string type, decimal price, string date)
    {
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        var (status, _) = await api.PostAsync("transactions", new { symbol = "TCS", type, quantity = 10, price, transactionDate = date });
        Assert.Equal(HttpStatusCode.Created, status);
    }

    private static string[] Lines(string csv) => csv.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
}
