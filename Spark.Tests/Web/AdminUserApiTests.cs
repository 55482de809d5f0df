using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Security;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;
using Spark.Web.Services.Accounts;

namespace Spark.Tests.Web;

/// <summary>/api/v1/admin/users over real HTTP on a real database: search, detail and the account controls.</summary>
public sealed class AdminUserApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync(string role, string? name = null)
    {
        var user = await TestData.UserAsync(fixture.Database, name ?? $"Staff {role}", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return (user, api);
    }

    /// <summary>Three accounts sharing a tag no other test uses, each different in every filter.</summary>
    private async Task<(string Tag, SparkUser A, SparkUser B, SparkUser C)> TaggedAsync()
    {
        var tag = "Tag" + Guid.NewGuid().ToString("N")[..10];
        var a = await TestData.UserAsync(fixture.Database, $"{tag} Asha");
        var b = await TestData.UserAsync(fixture.Database, $"{tag} Bhavin", Roles.Support);
        var c = await TestData.UserAsync(fixture.Database, $"{tag} Chitra");
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET created_at = '2025-01-10 10:00+05:30', kyc_status = 'verified' WHERE id = $1", a.Id);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET created_at = '2025-02-10 10:00+05:30', kyc_status = 'pending' WHERE id = $1", b.Id);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET created_at = '2025-03-10 10:00+05:30', status = 'suspended' WHERE id = $1", c.Id);
        return (tag, a, b, c);
    }

    private static List<string> Names(JsonNode? page) => [.. page!["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>().Split(' ')[^1])];

    [Fact]
    public async Task Staff_search_by_email_name_and_phone_and_each_filter()
    {
        var (_, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var (tag, a, b, c) = await TaggedAsync();
        var phone = "98" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET phone = $1 WHERE id = $2", phone, b.Id);

        var byEmail = (await support.GetAsync($"admin/users?q={a.Email![..20].ToUpperInvariant()}")).Body;
        var byName = (await support.GetAsync($"admin/users?q={tag.ToLowerInvariant()}")).Body;
        var byPhonePrefix = (await support.GetAsync($"admin/users?q={phone[..7]}")).Body;
        var byPhoneMiddle = (await support.GetAsync($"admin/users?q={phone[3..9]}")).Body;
        var kyc = (await support.GetAsync($"admin/users?q={tag}&kyc=verified")).Body;
        var status = (await support.GetAsync($"admin/users?q={tag}&status=suspended")).Body;
        var role = (await support.GetAsync($"admin/users?q={tag}&role=support")).Body;
        var dates = (await support.GetAsync($"admin/users?q={tag}&from=2025-02-01&to=2025-03-10")).Body;

        Assert.Equal(a.Id, byEmail!["items"]!.AsArray().Single()!["id"]!.GetValue<Guid>());
        Assert.Equal(3, byName!["total"]!.GetValue<int>());
        Assert.Contains(byPhonePrefix!["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == b.Id);
        Assert.Contains(byPhoneMiddle!["items"]!.AsArray(), i => i!["id"]!.GetValue<Guid>() == b.Id);
        Assert.Equal(["Asha"], Names(kyc));
        Assert.Equal(["Chitra"], Names(status));
        Assert.Equal(["Bhavin"], Names(role));
        Assert.Equal("support", role!["items"]![0]!["roles"]!.AsArray().Single()!.GetValue<string>().ToLowerInvariant());
        Assert.Equal(["Chitra", "Bhavin"], Names(dates));
        Assert.Equal(c.Id, dates!["items"]![0]!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_whole_pan_finds_its_account_through_the_keyed_hash_and_the_detail_shows_it_masked()
    {
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var _ = admin;
        var investor = await TestData.UserAsync(fixture.Database, "Pan Holder");
        var pan = RandomPan();
        var protector = fixture.App.Services.GetRequiredService<FieldProtector>();
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET pan_card = $1, pan_card_hash = $2, kyc_status = 'pending' WHERE id = $3",
            protector.Protect(pan, KycService.PanPurpose), protector.KeyedHash(pan, KycService.PanPurpose), investor.Id);

        var (status, found) = await admin.GetAsync($"admin/users?q={pan.ToLowerInvariant()[..5]} {pan[5..]}");
        var partial = (await admin.GetAsync($"admin/users?q={pan[..6]}")).Body;
        var detail = (await admin.GetAsync($"admin/users/{investor.Id}")).Body!;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(investor.Id, found!["items"]!.AsArray().Single()!["id"]!.GetValue<Guid>());
        Assert.Equal(0, partial!["total"]!.GetValue<int>());
        Assert.Equal("XXXXX" + pan[5..], detail["maskedPan"]!.GetValue<string>());
        Assert.DoesNotContain(pan, detail.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("pending", detail["kycStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Results_page_and_sort_on_the_server()
    {
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var _ = admin;
        var (tag, _, _, _) = await TaggedAsync();

        var first = (await admin.GetAsync($"admin/users?q={tag}&sort=name&direction=asc&pageSize=2")).Body;
        var second = (await admin.GetAsync($"admin/users?q={tag}&sort=name&direction=asc&pageSize=2&page=2")).Body;
        var newest = (await admin.GetAsync($"admin/users?q={tag}&sort=created")).Body;
        var byKyc = (await admin.GetAsync($"admin/users?q={tag}&sort=kyc&direction=asc")).Body;
        var (badSort, problem) = await admin.GetAsync($"admin/users?sort=age&kyc=maybe");

        Assert.Equal(["Asha", "Bhavin"], Names(first));
        Assert.Equal(3, first!["total"]!.GetValue<int>());
        Assert.Equal(2, first["pageSize"]!.GetValue<int>());
        Assert.Equal(["Chitra"], Names(second));
        Assert.Equal(["Chitra", "Bhavin", "Asha"], Names(newest));
        // Stored words sort alphabetically: incomplete, pending, verified.
        Assert.Equal(["Chitra", "Bhavin", "Asha"], Names(byKyc));
        Assert.Equal(HttpStatusCode.BadRequest, badSort);
        Assert.NotNull(problem!["errors"]!["sort"]);
        Assert.NotNull(problem["errors"]!["kyc"]);
    }

    [Fact]
    public async Task The_detail_shows_profile_2fa_sessions_roles_and_recent_audit_and_unknown_ids_are_404()
    {
        var (_, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var investor = await TestData.UserAsync(fixture.Database, "Detail Investor");
        using var investorApi = new ApiClient(fixture.App.CreateHttpClient());
        await investorApi.LoginAsync(investor.Email!, TestData.Password);

        var (status, detail) = await support.GetAsync($"admin/users/{investor.Id}");
        var (missing, problem) = await support.GetAsync($"admin/users/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(investor.Email, detail!["email"]!.GetValue<string>());
        Assert.False(detail["twoFactorEnabled"]!.GetValue<bool>());
        Assert.Equal(1, detail["activeSessionCount"]!.GetValue<int>());
        Assert.Single(detail["sessions"]!.AsArray());
        Assert.Equal(["Investor"], detail["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(0, detail["connections"]!.GetValue<int>());
        Assert.Equal(0, detail["holdings"]!.GetValue<int>());
        Assert.Contains(detail["recentAudit"]!.AsArray(), a => a!["action"]!.GetValue<string>() == "sign_in");
        Assert.Null(detail["maskedPan"]);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(404, problem!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Suspending_revokes_every_session_refuses_sign_in_with_the_reason_why_and_reactivating_lets_them_back()
    {
        var (admin, adminApi) = await SignedInAsync(Roles.Admin);
        using var _ = adminApi;
        var investor = await TestData.UserAsync(fixture.Database, "To Be Suspended");
        using var investorApi = new ApiClient(fixture.App.CreateHttpClient());
        await investorApi.LoginAsync(investor.Email!, TestData.Password);
        using var browser = fixture.App.CreateHttpClient();
        await WebForms.SignInAsync(browser, investor.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, (await investorApi.GetAsync("me")).Status);

        var (suspended, _) = await adminApi.PostAsync($"admin/users/{investor.Id}/suspend", new { reason = "Chargeback fraud report #123" });
        var (afterApi, _) = await investorApi.GetAsync("me");
        var afterWeb = await browser.GetAsync("dashboard");
        using var fresh = new ApiClient(fixture.App.CreateHttpClient());
        var (login, loginProblem) = await fresh.LoginAsync(investor.Email!, TestData.Password);
        var (wrongPassword, wrongProblem) = await fresh.LoginAsync(investor.Email!, "not the password at all");
        using var another = fixture.App.CreateHttpClient();
        var form = await another.GetStringAsync("Account/Login");
        var webLogin = await another.PostAsync("Account/Login", WebForms.Login(WebForms.AntiforgeryToken(form), investor.Email!, TestData.Password));
        var webPage = await webLogin.Content.ReadAsStringAsync();
        var sessions = await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM user_sessions WHERE user_id = $1 AND NOT revoked", investor.Id);
        var audit = await fixture.Database.OwnerScalarAsync<string>(
            "SELECT changes::text FROM audit_logs WHERE user_id = $1 AND action = 'user_suspended'", investor.Id);

        Assert.Equal(HttpStatusCode.NoContent, suspended);
        Assert.Equal(HttpStatusCode.Unauthorized, afterApi);
        Assert.Equal(HttpStatusCode.Redirect, afterWeb.StatusCode);
        Assert.Contains("/Account/Login", afterWeb.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, sessions);
        Assert.Equal(HttpStatusCode.Forbidden, login);
        Assert.Equal(SparkSignInManager.SuspendedMessage, loginProblem!["detail"]!.GetValue<string>());
        // A wrong password learns nothing about the account.
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword);
        Assert.DoesNotContain("suspended", wrongProblem!["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, webLogin.StatusCode);
        Assert.Contains(SparkSignInManager.SuspendedMessage, webPage, StringComparison.Ordinal);
        Assert.Contains("Chargeback fraud report #123", audit, StringComparison.Ordinal);
        Assert.Contains(admin.Id.ToString(), audit, StringComparison.Ordinal);

        var (again, againProblem) = await adminApi.PostAsync($"admin/users/{investor.Id}/suspend", new { reason = "twice" });
        var (reactivated, _) = await adminApi.PostAsync($"admin/users/{investor.Id}/reactivate", new { reason = "Cleared by the bank" });
        var (back, _) = await fresh.LoginAsync(investor.Email!, TestData.Password);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, again);
        Assert.Contains("suspended", againProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, reactivated);
        Assert.Equal(HttpStatusCode.OK, back);
    }

    [Fact]
    public async Task An_account_suspended_between_its_password_and_its_code_is_refused_at_the_code()
    {
        var (_, adminApi) = await SignedInAsync(Roles.Admin);
        using var _ = adminApi;
        var investor = await TestData.UserAsync(fixture.Database, "Two Step Investor");
        using var investorApi = new ApiClient(fixture.App.CreateHttpClient());
        await investorApi.LoginAsync(investor.Email!, TestData.Password);
        var key = (await investorApi.PostAsync("me/2fa/setup")).Body!["sharedKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await investorApi.PostAsync("me/2fa/enable", new { code = AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow()) })).Status);
        using var browser = fixture.App.CreateHttpClient();
        var password = await browser.PostAsync("Account/Login",
            WebForms.Login(WebForms.AntiforgeryToken(await browser.GetStringAsync("Account/Login")), investor.Email!, TestData.Password));
        Assert.Contains("LoginWith2fa", password.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var page = password.Headers.Location!.OriginalString.TrimStart('/');
        var token = WebForms.AntiforgeryToken(await browser.GetStringAsync(page));

        Assert.Equal(HttpStatusCode.NoContent, (await adminApi.PostAsync($"admin/users/{investor.Id}/suspend", new { reason = "Account takeover suspected" })).Status);
        var code = await browser.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-with-2fa", ["__RequestVerificationToken"] = token,
            ["Input.TwoFactorCode"] = AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow().AddSeconds(30)),
        }));

        Assert.Equal(HttpStatusCode.OK, code.StatusCode);
        Assert.Contains(SparkSignInManager.SuspendedMessage, await code.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM user_sessions WHERE user_id = $1 AND NOT revoked", investor.Id));
    }

    [Fact]
    public async Task Support_may_force_a_sign_out_but_is_refused_suspending_reactivating_and_roles()
    {
        var (support, supportApi) = await SignedInAsync(Roles.Support);
        using var _ = supportApi;
        var investor = await TestData.UserAsync(fixture.Database, "Helped Investor");
        using var investorApi = new ApiClient(fixture.App.CreateHttpClient());
        await investorApi.LoginAsync(investor.Email!, TestData.Password);

        var (suspend, suspendProblem) = await supportApi.PostAsync($"admin/users/{investor.Id}/suspend", new { reason = "I would like to" });
        var (reactivate, _) = await supportApi.PostAsync($"admin/users/{investor.Id}/reactivate", new { reason = "I would like to" });
        var (roles, _) = await supportApi.SendAsync(HttpMethod.Put, $"admin/users/{investor.Id}/roles", new { roles = new[] { "admin" }, reason = "promotion" });
        var (signOut, signedOut) = await supportApi.PostAsync($"admin/users/{investor.Id}/sign-out", new { reason = "Lost phone, customer called" });
        var (afterSignOut, _) = await investorApi.GetAsync("me");
        var audit = await fixture.Database.OwnerScalarAsync<string>(
            "SELECT changes::text FROM audit_logs WHERE user_id = $1 AND action = 'user_signed_out_by_staff'", investor.Id);

        Assert.Equal(HttpStatusCode.Forbidden, suspend);
        Assert.Contains("admin", suspendProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, reactivate);
        Assert.Equal(HttpStatusCode.Forbidden, roles);
        Assert.Equal(HttpStatusCode.OK, signOut);
        Assert.Equal(1, signedOut!["sessionsRevoked"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Unauthorized, afterSignOut);
        Assert.Contains("Lost phone, customer called", audit, StringComparison.Ordinal);
        Assert.Contains(support.Id.ToString(), audit, StringComparison.Ordinal);
        Assert.Equal("active", await fixture.Database.OwnerScalarAsync<string>("SELECT status FROM users WHERE id = $1", investor.Id));
    }

    [Fact]
    public async Task An_admin_grants_and_revokes_roles_with_a_reason_but_never_their_own()
    {
        var (admin, adminApi) = await SignedInAsync(Roles.Admin);
        using var _ = adminApi;
        var colleague = await TestData.UserAsync(fixture.Database, "New Colleague");

        var (own, ownProblem) = await adminApi.SendAsync(HttpMethod.Put, $"admin/users/{admin.Id}/roles", new { roles = new[] { "investor" }, reason = "stepping down" });
        var (granted, grantedBody) = await adminApi.SendAsync(HttpMethod.Put, $"admin/users/{colleague.Id}/roles",
            new { roles = new[] { "investor", "Support" }, reason = "Joined the support team" });
        var (unknown, unknownProblem) = await adminApi.SendAsync(HttpMethod.Put, $"admin/users/{colleague.Id}/roles", new { roles = new[] { "root" }, reason = "x" });
        var (missing, _) = await adminApi.SendAsync(HttpMethod.Put, $"admin/users/{Guid.NewGuid()}/roles", new { roles = new[] { "investor" }, reason = "x" });
        using var colleagueApi = new ApiClient(fixture.App.CreateHttpClient());
        await colleagueApi.LoginAsync(colleague.Email!, TestData.Password);
        var (asSupport, _) = await colleagueApi.GetAsync("admin/users");
        var (revoked, _) = await adminApi.SendAsync(HttpMethod.Put, $"admin/users/{colleague.Id}/roles", new { roles = new[] { "investor" }, reason = "Left the team" });
        var (afterRevoke, _) = await colleagueApi.GetAsync("admin/users");
        var audit = await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'user_roles_changed'", colleague.Id);

        Assert.Equal(HttpStatusCode.Forbidden, own);
        Assert.Contains("own roles", ownProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, granted);
        Assert.Equal(["Investor", "Support"], grantedBody!["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("root", unknownProblem!["errors"]!["roles"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(HttpStatusCode.OK, asSupport);
        Assert.Equal(HttpStatusCode.OK, revoked);
        // Taking a role away ends the account's sessions, so the old role stops working at once.
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke);
        Assert.Equal(2, audit);
    }

    [Fact]
    public async Task Every_action_needs_a_reason_and_investors_are_forbidden()
    {
        var (_, adminApi) = await SignedInAsync(Roles.Admin);
        using var _ = adminApi;
        var (_, investorApi) = await SignedInAsync(Roles.Investor);
        using var __ = investorApi;
        var target = await TestData.UserAsync(fixture.Database, "Reasonless");

        var answers = new[]
        {
            await adminApi.PostAsync($"admin/users/{target.Id}/suspend", new { reason = "  " }),
            await adminApi.PostAsync($"admin/users/{target.Id}/reactivate", new { }),
            await adminApi.PostAsync($"admin/users/{target.Id}/sign-out", new { reason = "" }),
            await adminApi.SendAsync(HttpMethod.Put, $"admin/users/{target.Id}/roles", new { roles = new[] { "investor" } }),
        };
        var (investorSearch, _) = await investorApi.GetAsync("admin/users");
        var (investorSignOut, _) = await investorApi.PostAsync($"admin/users/{target.Id}/sign-out", new { reason = "because" });

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, a.Status);
            Assert.NotNull(a.Body!["errors"]!["reason"]);
        });
        Assert.Equal(HttpStatusCode.Forbidden, investorSearch);
        Assert.Equal(HttpStatusCode.Forbidden, investorSignOut);
        Assert.Equal("active", await fixture.Database.OwnerScalarAsync<string>("SELECT status FROM users WHERE id = $1", target.Id));
    }

    private static string RandomPan()
    {
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        char Letter() => letters[Random.Shared.Next(letters.Length)];
        return string.Concat(Letter(), Letter(), Letter(), "P", Letter(),
            Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture), Letter());
    }
}
