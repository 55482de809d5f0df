using System.Net;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>
/// The back office's one gate over real HTTP: the folder's policy lets staff in (support too, except on admin-only
/// pages), keeps investors out, and AdminLayout audits every page view once, with its path.
/// </summary>
public sealed class AdminPageGateTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(SparkUser User, HttpClient Browser)> SignedInAsync(string role)
    {
        var user = await TestData.UserAsync(fixture.Database, $"Gate {role}", role);
        var browser = fixture.App.CreateHttpClient();
        await WebForms.SignInAsync(browser, user.Email!, TestData.Password);
        return (user, browser);
    }

    private Task<long> ViewsAsync(Guid userId, string path) => fixture.Database.OwnerScalarAsync<long>(
        "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'admin_access' AND changes->>'path' = $2", userId, path);

    [Fact]
    public async Task Every_view_of_a_back_office_page_is_audited_once_with_its_path()
    {
        var (admin, browser) = await SignedInAsync(Roles.Admin);
        using var _ = browser;
        var investor = await TestData.UserAsync(fixture.Database, "Viewed Investor");

        var users = await browser.GetAsync("admin/users");
        var afterFirst = await ViewsAsync(admin.Id, "/admin/users");
        await browser.GetAsync("admin/users");
        var detail = await browser.GetAsync($"admin/users/{investor.Id}");
        var kyc = await browser.GetAsync("admin/kyc");
        var home = await browser.GetAsync("admin");

        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Equal(1, afterFirst);
        Assert.Equal(2, await ViewsAsync(admin.Id, "/admin/users"));
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Contains("Viewed Investor", await detail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await ViewsAsync(admin.Id, $"/admin/users/{investor.Id}"));
        Assert.Equal(HttpStatusCode.OK, kyc.StatusCode);
        Assert.Equal(1, await ViewsAsync(admin.Id, "/admin/kyc"));
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(1, await ViewsAsync(admin.Id, "/admin"));
    }

    [Fact]
    public async Task Support_opens_the_back_office_users_the_read_only_pages_and_their_own_audit_log()
    {
        var (support, browser) = await SignedInAsync(Roles.Support);
        using var _ = browser;

        var home = await browser.GetAsync("admin");
        var homeHtml = await home.Content.ReadAsStringAsync();
        var users = await browser.GetAsync("admin/users");
        var kyc = await browser.GetAsync("admin/kyc");
        var strategies = await browser.GetAsync("admin/strategies");
        var readOnly = new[] { await browser.GetAsync("admin/jobs"), await browser.GetAsync("admin/sync-health"), await browser.GetAsync("admin/plans") };
        // The audit log opens to support as "Your actions" (decision 0044).
        var audit = await browser.GetAsync("admin/audit");

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("admin-users-link", homeHtml, StringComparison.Ordinal);
        Assert.Contains("admin-strategies-link", homeHtml, StringComparison.Ordinal);
        Assert.Contains("admin-jobs-link", homeHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        // Support reads the KYC queue and strategies; the pages say why their buttons are off (decision 0043).
        Assert.Equal(HttpStatusCode.OK, kyc.StatusCode);
        Assert.Contains("kyc-read-only", await kyc.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, strategies.StatusCode);
        Assert.Contains("strategies-read-only", await strategies.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(readOnly, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await ViewsAsync(support.Id, "/admin/kyc"));
        Assert.Equal(1, await ViewsAsync(support.Id, "/admin/jobs"));
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.Contains("Your actions", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_without_two_factor_sign_in_are_sent_to_turn_it_on_by_the_api_and_the_pages()
    {
        await using var app = new SparkAppFactory(fixture.Database, new Dictionary<string, string?> { ["Spark:Security:RequireTwoFactorForStaff"] = "true" });
        var support = await TestData.UserAsync(fixture.Database, "Support Without 2FA", Roles.Support);
        using var api = new ApiClient(app.CreateHttpClient());
        await api.LoginAsync(support.Email!, TestData.Password);
        using var browser = app.CreateHttpClient();
        await WebForms.SignInAsync(browser, support.Email!, TestData.Password);

        var (status, problem) = await api.GetAsync("admin/users");
        var page = await browser.GetAsync("admin/users");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("two-factor", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/settings/security", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await ViewsAsync(support.Id, "/admin/users"));
    }

    [Fact]
    public async Task Support_finds_the_back_office_in_the_navigation()
    {
        var (_, browser) = await SignedInAsync(Roles.Support);
        using var _ = browser;

        var dashboard = await browser.GetStringAsync("dashboard");

        Assert.Contains("data-testid=\"nav-admin\"", dashboard, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_investor_is_refused_every_back_office_page_and_nothing_is_recorded_as_a_view()
    {
        var (investor, browser) = await SignedInAsync(Roles.Investor);
        using var _ = browser;

        var answers = new[] { await browser.GetAsync("admin"), await browser.GetAsync("admin/users"), await browser.GetAsync($"admin/users/{investor.Id}") };

        Assert.All(answers, r =>
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", r.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        });
        Assert.Equal(0, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'admin_access'", investor.Id));
    }
}
