using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>/api/v1/admin/securities over real HTTP on a real database: staff read, admins write, CSV import, audit.</summary>
public sealed class AdminSecurityApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> SignedInAsync(string role)
    {
        var user = await TestData.UserAsync(fixture.Database, $"Staff {role}", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return api;
    }

    private static string Symbol() => "S" + Guid.NewGuid().ToString("N")[..9].ToUpperInvariant();

    [Fact]
    public async Task An_admin_creates_edits_deactivates_and_reactivates_a_security_and_each_change_is_audited_old_to_new()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var symbol = Symbol();

        var (created, body) = await admin.PostAsync("admin/securities", new
        {
            symbol = symbol.ToLowerInvariant(), name = "Sample Industries", isin = (string?)null,
            type = "stock", exchange = "nse", sector = "Energy", lotSize = 1,
        });
        var id = body!["id"]!.GetValue<Guid>();
        var (edited, after) = await admin.SendAsync(HttpMethod.Put, $"admin/securities/{id}", new
        {
            name = "Sample Industries Ltd", type = "stock", exchange = "NSE", sector = "Energy", industry = "Refineries", lotSize = 1,
        });
        var (deactivated, inactive) = await admin.PostAsync($"admin/securities/{id}/deactivate", new { reason = "Delisted" });
        var (searchStatus, search) = await admin.GetAsync($"securities?query={symbol}");
        var (again, _) = await admin.PostAsync($"admin/securities/{id}/deactivate", new { reason = "twice" });
        var (reactivated, active) = await admin.PostAsync($"admin/securities/{id}/reactivate", new { });
        var (listStatus, list) = await admin.GetAsync($"admin/securities?q={symbol}&type=stock&exchange=NSE&sector=Energy&active=true");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(symbol, body["symbol"]!.GetValue<string>());
        Assert.Equal("NSE", body["exchange"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, edited);
        Assert.Equal("Sample Industries Ltd", after!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, deactivated);
        Assert.False(inactive!["isActive"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, searchStatus);
        Assert.Equal(0, search!["total"]!.GetValue<int>());
        Assert.Equal((HttpStatusCode)422, again);
        Assert.Equal(HttpStatusCode.OK, reactivated);
        Assert.True(active!["isActive"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Equal(id, list!["items"]!.AsArray().Single()!["id"]!.GetValue<Guid>());

        var update = await fixture.Database.OwnerScalarAsync<string>(
            "SELECT changes::text FROM audit_logs WHERE action = 'security_updated' AND entity_id = $1", id);
        var changes = JsonNode.Parse(update)!["changes"]!;
        Assert.Equal("Sample Industries", changes["name"]!["old"]!.GetValue<string>());
        Assert.Equal("Sample Industries Ltd", changes["name"]!["new"]!.GetValue<string>());
        Assert.Null(changes["industry"]!["old"]);
        Assert.Equal("Refineries", changes["industry"]!["new"]!.GetValue<string>());
        Assert.Null(changes["sector"]);
        var deactivation = await fixture.Database.OwnerScalarAsync<string>(
            "SELECT changes::text FROM audit_logs WHERE action = 'security_deactivated' AND entity_id = $1", id);
        Assert.Equal("Delisted", JsonNode.Parse(deactivation)!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_fields_are_400_with_each_field_named_and_a_taken_symbol_or_isin_is_409()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var symbol = Symbol();
        var isin = await FreeIsinAsync();

        var (bad, problem) = await admin.PostAsync("admin/securities", new
        {
            symbol = "BAD SYMBOL!", name = "", isin = "INE002A01019", type = "share", exchange = "LSE", lotSize = 0, currency = "RUPEES",
        });
        var (empty, emptyProblem) = await admin.PostAsync("admin/securities", new { });
        var (first, _) = await admin.PostAsync("admin/securities", new { symbol, name = "First", isin, type = "etf", exchange = "NSE" });
        var (dupSymbol, _) = await admin.PostAsync("admin/securities", new { symbol, name = "Again", type = "etf", exchange = "NSE" });
        var (dupIsin, _) = await admin.PostAsync("admin/securities", new { symbol = Symbol(), name = "Other", isin, type = "etf", exchange = "NSE" });
        var (unknown, _) = await admin.SendAsync(HttpMethod.Put, $"admin/securities/{Guid.NewGuid()}", new { name = "X", type = "stock", exchange = "NSE" });
        var (badQuery, queryProblem) = await admin.GetAsync("admin/securities?type=share&sort=age&direction=up");

        Assert.Equal(HttpStatusCode.BadRequest, bad);
        foreach (var field in new[] { "symbol", "name", "isin", "type", "exchange", "lotSize", "currency" })
        {
            Assert.NotNull(problem!["errors"]![field]);
        }
        Assert.Contains("ISO 6166", problem!["errors"]!["isin"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.NotNull(emptyProblem!["errors"]!["symbol"]);
        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.Conflict, dupSymbol);
        Assert.Equal(HttpStatusCode.Conflict, dupIsin);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(HttpStatusCode.BadRequest, badQuery);
        Assert.NotNull(queryProblem!["errors"]!["type"]);
        Assert.NotNull(queryProblem["errors"]!["sort"]);
        Assert.NotNull(queryProblem["errors"]!["direction"]);
    }

    [Fact]
    public async Task A_deactivated_security_cannot_be_bought_in_a_new_order()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var trader = await TestData.UserAsync(fixture.Database, "Deactivated Buyer");
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(trader.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", trader.Id);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"admin/securities/{security.Id}/deactivate", new { reason = "Delisted" })).Status);

        var (status, problem) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 1, price = 100m, validity = "day" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("can be sold but not bought", problem!["errors"]!["symbol"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symbol_cannot_be_renamed_by_an_edit()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await admin.SendAsync(HttpMethod.Put, $"admin/securities/{security.Id}",
            new { symbol = Symbol(), name = security.Name, type = "stock", exchange = "NSE" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["symbol"]);
    }

    [Fact]
    public async Task Csv_import_keeps_the_good_rows_reports_each_bad_row_by_line_and_a_second_import_changes_nothing()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        var (a, b, c) = (Symbol(), Symbol(), Symbol());
        var existing = await TestData.NewSecurityAsync(fixture.Database);
        var csv = $"""
            symbol,name,isin,type,exchange,sector,industry,lot_size
            {a},Alpha Ltd,,stock,NSE,Energy,Oil,1
            {b},Beta Fund,,mutual_fund,AMFI,,,1
            bad symbol,Gamma,,stock,NSE,,,1
            {c},Gamma,INE002A01019,stock,NSE,,,1
            {Symbol()},Delta,,spaceship,NSE,,,x
            {a},Alpha again,,stock,NSE,,,1
            {existing.Symbol},Renamed Existing,,stock,NSE,Information Technology,Testing,1

            """;

        var (status, report) = await UploadAsync(admin, csv);
        var (_, second) = await UploadAsync(admin, csv);
        var (rawStatus, raw) = await admin.SendAsync(HttpMethod.Post, "admin/securities/import",
            new StringContent($"symbol,name,type,exchange\n{existing.Symbol},Renamed Existing,stock,BSE\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, report!["imported"]!.GetValue<int>());
        Assert.Equal(1, report["updated"]!.GetValue<int>());
        var errors = report["errors"]!.AsArray().Select(e => (Line: e!["line"]!.GetValue<int>(), Field: e["field"]?.GetValue<string>())).ToList();
        Assert.Contains((4, "symbol"), errors);
        Assert.Contains((5, "isin"), errors);
        Assert.Contains((6, "type"), errors);
        Assert.Contains((6, "lotSize"), errors);
        Assert.Contains((7, "symbol"), errors);
        Assert.Equal(0, second!["imported"]!.GetValue<int>());
        Assert.Equal(0, second["updated"]!.GetValue<int>());
        Assert.Equal(3, second["unchanged"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, rawStatus);
        Assert.Equal((2, "exchange"), raw!["errors"]!.AsArray().Select(e => (e!["line"]!.GetValue<int>(), e["field"]!.GetValue<string>())).Single());

        await using var db = fixture.Database.Owner();
        Assert.Equal(SecurityType.MutualFund, (await db.Securities.SingleAsync(s => s.Symbol == b)).Type);
        Assert.Equal("Renamed Existing", (await db.Securities.SingleAsync(s => s.Symbol == existing.Symbol)).Name);
        Assert.Equal(1, await db.Securities.CountAsync(s => s.Symbol == a));
    }

    [Fact]
    public async Task Support_reads_the_securities_master_but_every_write_is_refused_and_investors_get_nothing()
    {
        using var support = await SignedInAsync(Roles.Support);
        using var investor = await SignedInAsync(Roles.Investor);
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (list, page) = await support.GetAsync($"admin/securities?q={security.Symbol}");
        var (one, _) = await support.GetAsync($"admin/securities/{security.Id}");
        var writes = new[]
        {
            (await support.PostAsync("admin/securities", new { symbol = Symbol(), name = "X", type = "stock", exchange = "NSE" })).Status,
            (await support.SendAsync(HttpMethod.Put, $"admin/securities/{security.Id}", new { name = "X", type = "stock", exchange = "NSE" })).Status,
            (await support.PostAsync($"admin/securities/{security.Id}/deactivate", new { reason = "no" })).Status,
            (await support.UploadAsync("admin/securities/import", "symbol,name,type\nX,Y,stock\n")).Status,
            (await support.GetAsync("admin/corporate-actions")).Status,
            (await support.PostAsync("admin/corporate-actions/preview", new { symbol = security.Symbol, type = "dividend", exDate = "2024-01-01", amountPerShare = 1 })).Status,
        };
        var investorAnswers = new[]
        {
            (await investor.GetAsync("admin/securities")).Status,
            (await investor.GetAsync($"admin/securities/{security.Id}")).Status,
            (await investor.PostAsync("admin/securities", new { symbol = Symbol(), name = "X", type = "stock", exchange = "NSE" })).Status,
            (await investor.GetAsync("admin/corporate-actions")).Status,
        };

        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Equal(security.Id, page!["items"]!.AsArray().Single()!["id"]!.GetValue<Guid>());
        Assert.Equal(HttpStatusCode.OK, one);
        Assert.All(writes, s => Assert.Equal(HttpStatusCode.Forbidden, s));
        Assert.All(investorAnswers, s => Assert.Equal(HttpStatusCode.Forbidden, s));
        await using var db = fixture.Database.Owner();
        Assert.True((await db.Securities.SingleAsync(s => s.Id == security.Id)).IsActive);
    }

    [Fact]
    public async Task The_service_itself_refuses_support_with_the_reason()
    {
        var support = await TestData.UserAsync(fixture.Database, "Support direct", Roles.Support);
        using var scope = fixture.App.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Admin.AdminSecurityService>();

        var refused = await Assert.ThrowsAsync<Spark.Web.Services.Admin.StaffForbiddenException>(() =>
            service.CreateAsync(support.Id, new Spark.Web.Services.Admin.SecurityInput { Symbol = Symbol(), Name = "X", Type = "stock", Exchange = "NSE" }));
        var permissions = await service.PermissionsAsync(support.Id);

        Assert.Contains("admins", refused.Message, StringComparison.Ordinal);
        Assert.False(permissions.CanEdit);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> UploadAsync(ApiClient api, string csv) =>
        await api.UploadAsync("admin/securities/import", csv.Replace("\r\n", "\n", StringComparison.Ordinal));

    /// <summary>A valid ISIN no other test uses: a random national number with its ISO 6166 check digit.</summary>
    private async Task<string> FreeIsinAsync()
    {
        while (true)
        {
            var body = "INE" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
            for (var d = 0; d <= 9; d++)
            {
                var candidate = body + d;
                if (!Isin.IsValid(candidate)) continue;
                await using var db = fixture.Database.Owner();
                if (!await db.Securities.AnyAsync(s => s.Isin == candidate)) return candidate;
            }
        }
    }
}
