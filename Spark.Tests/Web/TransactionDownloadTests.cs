using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Imports;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Endpoints;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>The transactions page's CSV export: a download the browser makes with its sign-in cookie.</summary>
public sealed partial class TransactionDownloadTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static readonly string Header = string.Join(',', GenericTransactionCsv.Columns);

    [Fact]
    public async Task A_signed_in_browser_downloads_its_ledger_as_csv_and_the_filters_narrow_it()
    {
        var user = await TestData.UserAsync(fixture.Database);
        await BuyAsync(user, "TCS", 10, 3500, "2024-01-02");
        await BuyAsync(user, "INFY", 5, 1500, "2024-02-03");
        using var browser = fixture.App.CreateHttpClient();
        await SignInAsync(browser, user.Email!, TestData.Password);

        using var all = await browser.GetAsync(WebDownloads.TransactionsUrl(new TransactionFilter()));
        var lines = Lines(await all.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("text/csv", all.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", all.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^""?spark-transactions-\d{4}-\d{2}-\d{2}\.csv""?$", all.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(Header, lines[0]);
        Assert.Equal([("2024-01-02", "TCS", "buy", 10m, 3500m), ("2024-02-03", "INFY", "buy", 5m, 1500m)], lines[1..].Select(Row));

        using var infy = await browser.GetAsync(WebDownloads.TransactionsUrl(new TransactionFilter(Symbol: "INFY", From: new DateOnly(2024, 1, 1))));
        Assert.Equal([Header, "INFY"], Lines(await infy.Content.ReadAsStringAsync()).Select((l, i) => i == 0 ? l : l.Split(',')[1]));
    }

    [Fact]
    public async Task Another_investor_downloads_only_the_header()
    {
        var owner = await TestData.UserAsync(fixture.Database);
        await BuyAsync(owner, "TCS", 1, 3500, "2024-01-02");
        var other = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        await SignInAsync(browser, other.Email!, TestData.Password);

        var csv = await browser.GetStringAsync(WebDownloads.TransactionsUrl(new TransactionFilter()));

        Assert.Equal([Header], Lines(csv));
    }

    [Fact]
    public async Task A_signed_out_browser_is_sent_to_sign_in()
    {
        using var browser = fixture.App.CreateHttpClient();

        using var response = await browser.GetAsync(WebDownloads.TransactionsUrl(new TransactionFilter(Symbol: "TCS")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_session_can_no_longer_download()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        await SignInAsync(browser, user.Email!, TestData.Password);
        await using (var context = fixture.Database.App(DataScope.ForUser(user.Id)))
        {
            await context.UserSessions.ExecuteUpdateAsync(u => u.SetProperty(s => s.Revoked, true));
        }

        using var response = await browser.GetAsync(WebDownloads.TransactionsUrl(new TransactionFilter()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task An_api_bearer_token_is_not_a_way_in()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        using var browser = fixture.App.CreateHttpClient();
        browser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.AccessToken);

        using var response = await browser.GetAsync(WebDownloads.TransactionsUrl(new TransactionFilter()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private async Task BuyAsync(SparkUser user, string symbol, decimal quantity, decimal price, string date)
    {
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        var (status, _) = await api.PostAsync("transactions", new { symbol, type = "buy", quantity, price, transactionDate = date });
        Assert.Equal(HttpStatusCode.Created, status);
    }

    /// <summary>Date, symbol, type, quantity and price of an exported row (numbers compared by value, not by scale).</summary>
    private static (string, string, string, decimal, decimal) Row(string line)
    {
        var f = line.Split(',');
        return (f[0], f[1], f[3], decimal.Parse(f[4], CultureInfo.InvariantCulture), decimal.Parse(f[5], CultureInfo.InvariantCulture));
    }

    private static string[] Lines(string csv) => csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    private static Task SignInAsync(HttpClient browser, string email, string password) => WebForms.SignInAsync(browser, email, password);
}
