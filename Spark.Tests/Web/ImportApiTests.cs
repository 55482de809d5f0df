using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>Spark with a 1 MB import cap, so that a file over it is cheap to send.</summary>
public sealed class SmallImportCapFixture : IAsyncLifetime
{
    public const long Cap = 1024 * 1024;

    public WebAppFixture Web { get; } = new(new Dictionary<string, string?>
    {
        ["Spark:Imports:MaxUploadBytes"] = Cap.ToString(CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => Web.InitializeAsync();

    public Task DisposeAsync() => Web.DisposeAsync();
}

/// <summary>Large CSV imports through the API over real HTTP (issue #12): batches, the upload cap, one import per investor.</summary>
public sealed class ImportApiTests(SmallImportCapFixture fixture) : IClassFixture<SmallImportCapFixture>
{
    private WebAppFixture Web => fixture.Web;

    private async Task<(ApiClient Api, SparkUser User)> InvestorAsync()
    {
        var user = await TestData.UserAsync(Web.Database);
        var api = new ApiClient(Web.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return (api, user);
    }

    private static int Int(JsonNode? node) => node!.GetValue<int>();

    private async Task<int> TransactionCountAsync(ApiClient api, string symbol)
    {
        var (_, page) = await api.GetAsync($"transactions?symbol={symbol}&pageSize=1");
        return Int(page!["total"]);
    }

    [Fact]
    public async Task A_twenty_thousand_row_import_keeps_every_good_row_reports_each_bad_row_by_number_and_adds_nothing_the_second_time()
    {
        using var api = (await InvestorAsync()).Api;
        var securities = new[] { await TestData.NewSecurityAsync(Web.Database), await TestData.NewSecurityAsync(Web.Database), await TestData.NewSecurityAsync(Web.Database) };
        var held = new decimal[securities.Length];
        var bad = new SortedSet<int>();
        var csv = new StringBuilder("date,symbol,type,quantity,price,fees\n");
        var start = new DateOnly(2020, 1, 1);
        for (var i = 0; i < 20_000; i++)
        {
            var row = i + 2;
            var h = i % securities.Length;
            var date = start.AddDays(i / 20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var symbol = securities[h].Symbol;
            if (i % 997 == 500)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{date},NOSUCH{i},buy,1,10,0\n");
                bad.Add(row);
            }
            else if (i % 1499 == 700)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{date},{symbol},buy,-3,10,0\n");
                bad.Add(row);
            }
            else if (i % 1999 == 900)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{date},{symbol},sell,1000000,10,0\n");
                bad.Add(row);
            }
            else if (i % 5 == 4 && held[h] >= 2)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{date},{symbol},sell,2,12,1\n");
                held[h] -= 2;
            }
            else
            {
                csv.Append(CultureInfo.InvariantCulture, $"{date},{symbol},buy,3,10,1\n");
                held[h] += 3;
            }
        }

        var (status, report) = await api.UploadAsync("transactions/import?format=generic&platform=zerodha", csv.ToString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(20_000 - bad.Count == Int(report!["imported"]), ApiClient.Json(report)[..Math.Min(3000, ApiClient.Json(report).Length)]);
        Assert.Equal(bad.ToList(), report["errors"]!.AsArray().Select(e => Int(e!["row"])).Distinct().ToList());
        Assert.Equal(bad.Count, Int(report["rejectedRows"]));
        Assert.Contains(report["errors"]!.AsArray(), e => e!["message"]!.GetValue<string>().Contains("are held", StringComparison.Ordinal));
        var (_, holdings) = await api.GetAsync("investments?status=all");
        for (var h = 0; h < securities.Length; h++)
        {
            var holding = holdings!["items"]!.AsArray().Single(x => x!["symbol"]!.GetValue<string>() == securities[h].Symbol)!;
            Assert.Equal(held[h], holding["quantity"]!.GetValue<decimal>());
            var (_, detail) = await api.GetAsync($"investments/{holding["id"]!.GetValue<Guid>()}");
            Assert.Equal(held[h], detail!["lots"]!.AsArray().Sum(l => l!["remainingQuantity"]!.GetValue<decimal>()));
        }

        var (_, again) = await api.UploadAsync("transactions/import?format=generic&platform=zerodha", csv.ToString());
        Assert.Equal((0, 20_000 - bad.Count), (Int(again!["imported"]), Int(again["skippedDuplicates"])));
        Assert.Equal(20_000 - bad.Count, await TransactionCountAsync(api, securities[0].Symbol) + await TransactionCountAsync(api, securities[1].Symbol) + await TransactionCountAsync(api, securities[2].Symbol));
    }

    [Fact]
    public async Task A_file_with_more_bad_rows_than_a_report_lists_names_the_first_thousand_and_counts_them_all()
    {
        using var api = (await InvestorAsync()).Api;
        var csv = new StringBuilder("date,symbol,type,quantity,price\n");
        for (var i = 0; i < 1_500; i++) csv.Append("2024-01-02,NOSUCHTHING,buy,1,10\n");

        var (_, report) = await api.UploadAsync("transactions/import?format=generic", csv.ToString());

        var errors = report!["errors"]!.AsArray();
        Assert.Equal(LedgerService.MaxReportedErrors, errors.Count);
        Assert.Equal((2, LedgerService.MaxReportedErrors + 1), (Int(errors[0]!["row"]), Int(errors[^1]!["row"])));
        Assert.Equal((1_500, 1_500, 0), (Int(report["errorCount"]), Int(report["rejectedRows"]), Int(report["imported"])));
    }

    [Fact]
    public async Task An_upload_over_the_configured_cap_is_refused_with_413_and_a_clear_message_and_writes_nothing()
    {
        using var api = (await InvestorAsync()).Api;
        var s = await TestData.NewSecurityAsync(Web.Database);
        var csv = new StringBuilder("date,symbol,type,quantity,price\n");
        while (csv.Length <= SmallImportCapFixture.Cap) csv.Append(CultureInfo.InvariantCulture, $"2024-01-02,{s.Symbol},buy,1,10\n");

        var (declared, problem) = await api.UploadAsync("transactions/import?format=generic", csv.ToString());
        // Without a declared length the limit is met while the form is read.
        using var content = ApiClient.File(csv.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/transactions/import?format=generic") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.AccessToken);
        using var http = Web.App.CreateHttpClient();
        using var chunked = await http.SendAsync(request);
        var chunkedProblem = JsonNode.Parse(await chunked.Content.ReadAsStringAsync());

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.RequestEntityTooLarge), (declared, chunked.StatusCode));
        Assert.Equal("The file is larger than 1 MB, the most one import takes; split it into smaller files and import each.",
            problem!["detail"]!.GetValue<string>());
        Assert.Equal(problem["detail"]!.GetValue<string>(), chunkedProblem!["detail"]!.GetValue<string>());
        Assert.Equal(0, await TransactionCountAsync(api, s.Symbol));
    }

    [Fact]
    public async Task A_second_import_while_one_runs_for_the_same_investor_gets_409_and_other_investors_are_not_held_up()
    {
        var investor = await InvestorAsync();
        using var api = investor.Api;
        using var other = (await InvestorAsync()).Api;
        var s = await TestData.NewSecurityAsync(Web.Database);
        var csv = $"date,symbol,type,quantity,price\n2024-01-02,{s.Symbol},buy,5,10\n";

        // The running import is this test's session holding the investor's import lock, as another instance would.
        await using (var running = new NpgsqlConnection(Web.Database.AppConnectionString))
        {
            await running.OpenAsync();
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", running) { Parameters = { new() { Value = ImportGuard.Key(investor.User.Id) } } })
            {
                await take.ExecuteNonQueryAsync();
            }

            var (status, problem) = await api.UploadAsync("transactions/import?format=generic", csv);
            var (otherStatus, _) = await other.UploadAsync("transactions/import?format=generic", csv);

            Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.OK), (status, otherStatus));
            Assert.Contains("already running", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(0, await TransactionCountAsync(api, s.Symbol));
            // A pooled connection keeps its session, and the session its lock, until the lock is let go.
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", running) { Parameters = { new() { Value = ImportGuard.Key(investor.User.Id) } } };
            await release.ExecuteNonQueryAsync();
        }

        var (after, report) = await api.UploadAsync("transactions/import?format=generic", csv);
        Assert.Equal((HttpStatusCode.OK, 1), (after, Int(report!["imported"])));
    }
}
