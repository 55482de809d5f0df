using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Admin;

namespace Spark.Tests.Web;

/// <summary>
/// /api/v1/admin/audit over real HTTP on a real database (decision 0044): each filter narrows, ids read as names,
/// CSV export with the formula guard, support sees only their own actions, investors are refused; audit_logs.actor_id.
/// </summary>
public sealed class AdminAuditApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync(string role, string? name = null)
    {
        var user = await TestData.UserAsync(fixture.Database, name ?? $"Staff {role}", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return (user, api);
    }

    private static List<string> Actions(JsonNode? page) => [.. page!["items"]!.AsArray().Select(i => i!["action"]!.GetValue<string>())];

    /// <summary>An investor acted on by an admin (suspend, then reactivate) and by support (a sign-out): three staff rows on a fresh account.</summary>
    private async Task<(SparkUser Admin, ApiClient AdminApi, SparkUser Support, ApiClient SupportApi, SparkUser Investor)> ActedOnAsync(string? investorName = null)
    {
        var (admin, adminApi) = await SignedInAsync(Roles.Admin, "Asha Admin");
        var (support, supportApi) = await SignedInAsync(Roles.Support, "Priya Support");
        var investor = await TestData.UserAsync(fixture.Database, investorName ?? "Ravi Investor");
        Assert.Equal(HttpStatusCode.NoContent, (await adminApi.PostAsync($"admin/users/{investor.Id}/suspend", new { reason = "Chargeback, ticket 42" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await supportApi.PostAsync($"admin/users/{investor.Id}/sign-out", new { reason = "Customer lost a phone" })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await adminApi.PostAsync($"admin/users/{investor.Id}/reactivate", new { reason = "Bank cleared it" })).Status);
        return (admin, adminApi, support, supportApi, investor);
    }

    [Fact]
    public async Task Each_filter_narrows_the_audit_log_and_rows_read_as_names_not_ids()
    {
        var (admin, adminApi, support, supportApi, investor) = await ActedOnAsync();
        using var _ = adminApi;
        using var __ = supportApi;
        var day = DateOnly.ParseExact(await fixture.Database.OwnerScalarAsync<string>(
            "SELECT to_char(max(created_at) AT TIME ZONE 'Asia/Kolkata', 'YYYY-MM-DD') FROM audit_logs WHERE user_id = $1", investor.Id), "yyyy-MM-dd",
            CultureInfo.InvariantCulture);
        var d = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var next = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var byAccount = (await adminApi.GetAsync($"admin/audit?account={investor.Email}")).Body;
        var byAccountId = (await adminApi.GetAsync($"admin/audit?account={investor.Id}")).Body;
        var byActor = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&actor={support.Email!.ToUpperInvariant()}")).Body;
        var byAction = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&action=user_suspended")).Body;
        var byActions = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&action=user_suspended&action=user_reactivated")).Body;
        var byEntity = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&entityType=session")).Body;
        var byStatus = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&status=failed")).Body;
        var sameDay = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&from={d}&to={d}")).Body;
        var dayAfter = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&from={next}")).Body;
        var paged = (await adminApi.GetAsync($"admin/audit?account={investor.Id}&pageSize=2&page=2")).Body;

        Assert.Equal(["user_reactivated", "user_signed_out_by_staff", "user_suspended"], Actions(byAccount));
        Assert.Equal(3, byAccount!["total"]!.GetValue<int>());
        Assert.False(byAccount["totalIsCapped"]!.GetValue<bool>());
        Assert.Equal(Actions(byAccount), Actions(byAccountId));
        Assert.Equal(["user_signed_out_by_staff"], Actions(byActor));
        Assert.Equal(["user_suspended"], Actions(byAction));
        Assert.Equal(["user_reactivated", "user_suspended"], Actions(byActions));
        Assert.Empty(Actions(byEntity));
        Assert.Empty(Actions(byStatus));
        Assert.Equal(3, Actions(sameDay).Count);
        Assert.Empty(Actions(dayAfter));
        Assert.Equal(["user_suspended"], Actions(paged));
        Assert.Equal(3, paged!["total"]!.GetValue<int>());

        var suspended = byAction!["items"]![0]!;
        Assert.Equal("Asha Admin (admin) on Ravi Investor's account: user suspended", suspended["summary"]!.GetValue<string>());
        Assert.Equal(admin.Id, suspended["actor"]!["id"]!.GetValue<Guid>());
        Assert.Equal(admin.Email, suspended["actor"]!["email"]!.GetValue<string>());
        Assert.Equal(investor.Id, suspended["account"]!["id"]!.GetValue<Guid>());
        var changes = suspended["changes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains("reason: Chargeback, ticket 42", changes);
        Assert.Contains("sessions revoked: 0", changes);
        Assert.DoesNotContain(changes, c => c.Contains(admin.Id.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Priya Support (support) on Ravi Investor's account", byActor!["items"]![0]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(support.Id, await fixture.Database.OwnerScalarAsync<Guid>(
            "SELECT actor_id FROM audit_logs WHERE user_id = $1 AND action = 'user_signed_out_by_staff'", investor.Id));
    }

    [Fact]
    public async Task Row_changes_read_as_field_old_to_new_with_ids_named_and_impersonated_rows_read_as_staff_as_customer()
    {
        var (_, adminApi) = await SignedInAsync(Roles.Admin, "Asha Admin");
        using var _ = adminApi;
        var support = await TestData.UserAsync(fixture.Database, "Priya Support", Roles.Support);
        var investor = await TestData.UserAsync(fixture.Database, "Ravi Investor");
        var other = await TestData.UserAsync(fixture.Database, "Meera Nominee");
        await fixture.Database.OwnerExecuteAsync("""
            INSERT INTO audit_logs (user_id, actor_id, action, entity_type, entity_id, changes) VALUES
              ($1, $1, 'UPDATE', 'investments', gen_random_uuid(),
               jsonb_build_object('old', jsonb_build_object('quantity', 1, 'status', 'active', 'updated_at', '2026-01-01', 'nominee', NULL),
                                  'new', jsonb_build_object('quantity', 5, 'status', 'active', 'updated_at', '2026-01-02', 'nominee', $2::text))),
              ($1, $3, 'order_placed', 'order', NULL, jsonb_build_object('impersonation', gen_random_uuid()::text, 'symbol', 'TCS')),
              ($1, NULL, 'impersonation_change', 'trading_orders', NULL, jsonb_build_object('by', $3::text, 'impersonation', gen_random_uuid()::text,
               'operation', 'modified', 'fields', jsonb_build_object('status', jsonb_build_object('old', 'open', 'new', 'cancelled'))))
            """, investor.Id, other.Id, support.Id);

        var page = (await adminApi.GetAsync($"admin/audit?account={investor.Id}")).Body!["items"]!.AsArray();
        var update = page.Single(i => i!["action"]!.GetValue<string>() == "UPDATE")!;
        var impersonated = page.Single(i => i!["action"]!.GetValue<string>() == "order_placed")!;

        // jsonb keeps keys shorter first: nominee before quantity; unchanged fields and updated_at are left out.
        Assert.Equal([$"nominee: – → Meera Nominee <{other.Email}>", "quantity: 1 → 5"], update["changes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("Ravi Investor: row changed", update["summary"]!.GetValue<string>());
        Assert.Equal("Priya Support (support) as Ravi Investor: order placed", impersonated["summary"]!.GetValue<string>());
        Assert.NotNull(impersonated["impersonationId"]);
        Assert.Equal(["symbol: TCS"], impersonated["changes"]!.AsArray().Select(c => c!.GetValue<string>()));
        // The impersonation slice's own rows: the staff member only in "by", the changed columns under "fields".
        var changed = page.Single(i => i!["action"]!.GetValue<string>() == "impersonation_change")!;
        Assert.Equal("Priya Support (support) as Ravi Investor: impersonation change", changed["summary"]!.GetValue<string>());
        Assert.Equal(["status: open → cancelled", "operation: modified"], changed["changes"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_filters_are_field_errors()
    {
        var (_, adminApi) = await SignedInAsync(Roles.Admin);
        using var _ = adminApi;

        var (status, problem) = await adminApi.GetAsync("admin/audit?action=nope&actor=nobody-here@example.test&entityType=Not A Word&from=2026-02-02&to=2026-02-01");
        var (badStatus, statusProblem) = await adminApi.GetAsync("admin/audit?status=maybe");
        var (badAccount, accountProblem) = await adminApi.GetAsync("admin/audit?account=not-an-email");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        foreach (var field in new[] { "action", "actor", "entityType", "to" }) Assert.NotNull(problem!["errors"]![field]);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.NotNull(statusProblem!["errors"]!["status"]);
        Assert.Equal(HttpStatusCode.BadRequest, badAccount);
        Assert.NotNull(accountProblem!["errors"]!["account"]);
    }

    [Fact]
    public async Task Support_sees_only_their_own_actions_is_refused_another_actor_and_investors_are_refused()
    {
        var (admin, adminApi, support, supportApi, investor) = await ActedOnAsync();
        using var _ = adminApi;
        using var __ = supportApi;
        using var investorApi = new ApiClient(fixture.App.CreateHttpClient());
        await investorApi.LoginAsync(investor.Email!, TestData.Password);

        var own = (await supportApi.GetAsync($"admin/audit?account={investor.Id}")).Body;
        var ownByName = (await supportApi.GetAsync($"admin/audit?actor={support.Email}&account={investor.Id}")).Body;
        var (another, anotherProblem) = await supportApi.GetAsync($"admin/audit?actor={admin.Id}");
        var csv = await RawAsync(supportApi, $"admin/audit.csv?account={investor.Id}");
        var (investorStatus, _) = await investorApi.GetAsync("admin/audit");
        var investorCsv = await RawAsync(investorApi, "admin/audit.csv");

        Assert.Equal(["user_signed_out_by_staff"], Actions(own));
        Assert.True(own!["ownActionsOnly"]!.GetValue<bool>());
        Assert.Equal(["user_signed_out_by_staff"], Actions(ownByName));
        Assert.Equal(HttpStatusCode.Forbidden, another);
        Assert.Contains("own actions", anotherProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, csv.Body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("user_signed_out_by_staff", csv.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, investorStatus);
        Assert.Equal(HttpStatusCode.Forbidden, investorCsv.Status);
    }

    [Fact]
    public async Task The_csv_export_holds_the_filtered_rows_quoted_with_formulas_defused_by_the_api_and_the_page_download()
    {
        var (_, adminApi, _, supportApi, investor) = await ActedOnAsync("=HYPERLINK(\"http://evil\",\"x\") Ravi");
        using var _ = adminApi;
        using var __ = supportApi;
        var admin = await TestData.UserAsync(fixture.Database, "Web Admin", Roles.Admin);
        using var browser = fixture.App.CreateHttpClient();
        await WebForms.SignInAsync(browser, admin.Email!, TestData.Password);

        var csv = await RawAsync(adminApi, $"admin/audit.csv?account={investor.Id}");
        var viaFormat = await RawAsync(adminApi, $"admin/audit?account={investor.Id}&format=csv&action=user_suspended");
        var download = await browser.GetAsync($"downloads/admin-audit?account={investor.Id}&action=user_suspended");
        var downloaded = await download.Content.ReadAsStringAsync();
        var recorded = await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE action = 'audit_exported' AND changes->>'account' = $1", investor.Id.ToString());

        Assert.Equal(HttpStatusCode.OK, csv.Status);
        Assert.Equal("text/csv", csv.MediaType);
        var lines = csv.Body.Split("\r\n");
        Assert.StartsWith("when_ist,action,status,actor,actor_email,account,account_email,", lines[0], StringComparison.Ordinal);
        Assert.Equal(5, lines.Length);
        Assert.Equal("", lines[^1]);
        // The name starts with "=": the cell starts with an apostrophe, and its quotes are doubled inside a quoted cell.
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\") Ravi\",", csv.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", csv.Body, StringComparison.Ordinal);
        Assert.Contains("\"reason: Chargeback, ticket 42\nsessions revoked: 0\"", csv.Body, StringComparison.Ordinal);
        Assert.Equal(3, viaFormat.Body.Split("\r\n").Length);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/csv", download.Content.Headers.ContentType?.MediaType);
        Assert.Contains("user_suspended", downloaded, StringComparison.Ordinal);
        Assert.DoesNotContain("user_reactivated", downloaded, StringComparison.Ordinal);
        Assert.Equal(3, recorded);
    }

    [Fact]
    public void A_csv_line_quotes_what_it_must_and_defuses_formulas()
    {
        var line = AuditLogService.CsvLine(["=1+2", "+3", "-4", "@SUM(A1)", "\tx", "plain", "a,b", "say \"hi\"", "two\nlines", null, "a-b"]);

        Assert.Equal("'=1+2,'+3,'-4,'@SUM(A1),'\tx,plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,a-b\r\n", line);

        // Schedule 112A carries a loss as a signed number: a plain number stays as it is, text that only starts like one does not.
        Assert.Equal("-500.00,'-1+2,'=1,'-x\r\n", AuditLogService.CsvLine(["-500.00", "-1+2", "=1", "-x"], numbersAsIs: true));
    }

    [Fact]
    public async Task The_actor_is_the_account_itself_for_its_own_actions_none_for_a_failed_sign_in_and_staff_for_staff_actions()
    {
        var investor = await TestData.UserAsync(fixture.Database, "Self Service");
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(investor.Email!, "not the password at all");
        await api.LoginAsync(investor.Email!, TestData.Password);

        Assert.Equal(investor.Id, await fixture.Database.OwnerScalarAsync<Guid>(
            "SELECT actor_id FROM audit_logs WHERE user_id = $1 AND action = 'sign_in'", investor.Id));
        Assert.Equal(0, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'sign_in_failed' AND actor_id IS NOT NULL", investor.Id));
        Assert.Equal(1, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'sign_in_failed'", investor.Id));
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> RawAsync(ApiClient api, string path)
    {
        using var http = fixture.App.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.AccessToken);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }
}
