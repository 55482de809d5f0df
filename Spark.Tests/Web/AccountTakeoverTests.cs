using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;

namespace Spark.Tests.Web;

/// <summary>Issue #12, account takeover paths: each test reproduces one way into (or kept in) an account.</summary>
public sealed partial class AccountTakeoverTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private ApiClient Api() => new(fixture.App.CreateHttpClient());

    [Fact]
    public async Task A_cookie_reissued_by_the_security_stamp_check_keeps_its_session_and_still_opens_the_market_hub()
    {
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var app = new SparkAppFactory(fixture.Database, services: s => s.AddSingleton<TimeProvider>(clock));
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = app.CreateHttpClient();
        await SignInAsync(browser, user.Email!, TestData.Password);

        // Two steps, each shorter than the idle timeout, together longer than Identity's 30-minute validation interval.
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("dashboard")).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(15));
        var revalidated = await browser.GetAsync("dashboard");
        var negotiate = await browser.PostAsync("hubs/market/negotiate?negotiateVersion=1", null);
        var later = await browser.GetAsync("dashboard");

        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        Assert.Contains(revalidated.Headers.GetValues("Set-Cookie"), c => c.StartsWith("spark.auth=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task A_revoked_web_session_no_longer_renders_a_page_whose_path_contains_a_dot()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        await SignInAsync(browser, user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("market/ITC.NS")).StatusCode);

        await using (var context = fixture.Database.App(DataScope.ForUser(user.Id)))
        {
            await context.UserSessions.ExecuteUpdateAsync(u => u.SetProperty(s => s.Revoked, true));
        }
        var afterRevoke = await browser.GetAsync("market/ITC.NS");

        Assert.Equal(HttpStatusCode.Redirect, afterRevoke.StatusCode);
        Assert.StartsWith("/Account/Login", afterRevoke.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resetting_the_password_ends_every_session_and_refresh_token_from_before()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();
        await api.LoginAsync(user.Email!, TestData.Password);
        using var otherBrowser = fixture.App.CreateHttpClient();
        await SignInAsync(otherBrowser, user.Email!, TestData.Password);

        using var browser = fixture.App.CreateHttpClient();
        var link = await RequestResetLinkAsync(browser, user.Email!);
        var form = await browser.GetStringAsync(new Uri(link).PathAndQuery.TrimStart('/'));
        var reset = await browser.PostAsync("Account/ResetPassword", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "reset-password", ["__RequestVerificationToken"] = Token(form), ["Input.Email"] = user.Email!,
            ["Input.Password"] = "saffron kites over the ghats", ["Input.ConfirmPassword"] = "saffron kites over the ghats",
            ["Input.Code"] = WebUtility.HtmlDecode(HiddenCode().Match(form).Groups[1].Value),
        }));

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.EndsWith("Account/ResetPasswordConfirmation", reset.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("me")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync("auth/refresh", new { refreshToken = api.RefreshToken })).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await otherBrowser.GetAsync("dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api().LoginAsync(user.Email!, "saffron kites over the ghats")).Status);
    }

    [Fact]
    public async Task Parallel_wrong_passwords_through_the_api_lock_the_account()
    {
        var user = await TestData.UserAsync(fixture.Database);

        await Task.WhenAll(Enumerable.Range(0, 18).Select(async _ =>
        {
            using var api = Api();
            await api.LoginAsync(user.Email!, "not the password at all");
        }));
        var right = await Api().LoginAsync(user.Email!, TestData.Password);

        Assert.True(await fixture.Database.OwnerScalarAsync<bool>("SELECT coalesce(lockout_end > $2, false) FROM users WHERE id = $1", user.Id, fixture.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Unauthorized, right.Status);
    }

    [Fact]
    public async Task Parallel_wrong_passwords_on_the_sign_in_page_lock_the_account()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        var token = Token(await browser.GetStringAsync("Account/Login"));

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => browser.PostAsync("Account/Login", WebForms.Login(token, user.Email!, "not the password at all"))));
        var right = await browser.PostAsync("Account/Login", WebForms.Login(token, user.Email!, TestData.Password));

        Assert.True(await fixture.Database.OwnerScalarAsync<bool>("SELECT coalesce(lockout_end > $2, false) FROM users WHERE id = $1", user.Id, fixture.Clock.GetUtcNow()));
        Assert.NotEqual(HttpStatusCode.Redirect, right.StatusCode);
    }

    [Fact]
    public async Task Fifteen_parallel_wrong_authenticator_codes_through_the_api_refuse_the_right_code_after_them()
    {
        var (user, key) = await TwoFactorUserAsync();

        await Task.WhenAll(Enumerable.Range(0, 15).Select(async i =>
        {
            using var api = Api();
            await api.LoginAsync(user.Email!, TestData.Password, WrongCode(key, i));
        }));
        var right = await Api().LoginAsync(user.Email!, TestData.Password, AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow().AddSeconds(30)));

        Assert.Equal(HttpStatusCode.Unauthorized, right.Status);
        Assert.True(await fixture.Database.OwnerScalarAsync<bool>("SELECT coalesce(lockout_end > $2, false) FROM users WHERE id = $1", user.Id, fixture.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Fifteen_parallel_wrong_authenticator_codes_on_the_sign_in_page_refuse_the_right_code_after_them()
    {
        var (user, key) = await TwoFactorUserAsync();
        using var browser = fixture.App.CreateHttpClient();
        var token = Token(await browser.GetStringAsync("Account/Login"));
        var password = await browser.PostAsync("Account/Login", WebForms.Login(token, user.Email!, TestData.Password));
        Assert.Contains("LoginWith2fa", password.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var page = password.Headers.Location!.OriginalString.TrimStart('/');
        var formToken = Token(await browser.GetStringAsync(page));

        await Task.WhenAll(Enumerable.Range(0, 15).Select(i => browser.PostAsync(page, CodeForm(formToken, WrongCode(key, i)))));
        var right = await browser.PostAsync(page, CodeForm(formToken, AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow().AddSeconds(30))));

        Assert.False(right.StatusCode == HttpStatusCode.Redirect && right.Headers.Location!.OriginalString.EndsWith("/dashboard", StringComparison.Ordinal),
            "the right code signed in after 15 wrong ones");
        Assert.True(await fixture.Database.OwnerScalarAsync<bool>("SELECT coalesce(lockout_end > $2, false) FROM users WHERE id = $1", user.Id, fixture.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Only_the_paper_exchange_writes_the_paper_platform_not_a_posted_edited_or_imported_transaction()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();
        await api.LoginAsync(user.Email!, TestData.Password);
        var s = await TestData.NewSecurityAsync(fixture.Database);
        object Trade(string platform) => new { symbol = s.Symbol, type = "buy", quantity = 10, price = 100m, transactionDate = "2024-01-02", platform };

        var posted = await api.PostAsync("transactions", Trade("paper"));
        var manual = await api.PostAsync("transactions", Trade("manual"));
        var edited = await api.SendAsync(HttpMethod.Put, $"transactions/{manual.Body!["id"]!.GetValue<Guid>()}", Trade(" Paper "));
        var imported = await api.UploadAsync("transactions/import?format=generic&platform=paper",
            $"date,symbol,type,quantity,price,fees\n2024-01-03,{s.Symbol},buy,10,100,0\n");

        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.NotNull(posted.Body!["errors"]!["platform"]);
        Assert.Equal(HttpStatusCode.Created, manual.Status);
        Assert.Equal(HttpStatusCode.BadRequest, edited.Status);
        Assert.NotNull(edited.Body!["errors"]!["platform"]);
        Assert.Equal(0, imported.Body!["imported"]!.GetValue<int>());
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM transactions WHERE user_id = $1 AND platform = 'paper'", user.Id));
    }

    [Fact]
    public async Task A_forged_host_header_is_refused()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "Account/ForgotPassword");
        request.Headers.Host = "attacker.example";

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Reset_and_confirmation_links_point_at_the_public_url_whatever_host_the_request_names()
    {
        // Even with host filtering off, the links come from configuration and never from the request.
        await using var app = new SparkAppFactory(fixture.Database, new Dictionary<string, string?>
        {
            ["AllowedHosts"] = "*", ["Spark:PublicUrl"] = "https://spark.example/",
        });
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = app.CreateHttpClient();

        var reset = new Uri(await RequestResetLinkAsync(browser, user.Email!, "attacker.example", app));
        var email = $"{Guid.NewGuid():N}@example.test";
        using (var register = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/register")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { email, password = "tulip granite monsoon ferry", name = "Kavya Rao" }),
        })
        {
            register.Headers.Host = "attacker.example";
            Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(register)).StatusCode);
        }
        var confirm = new Uri(LinkIn(LatestMailTo(email, app)));

        Assert.Equal(("https", "spark.example", "/Account/ResetPassword"), (reset.Scheme, reset.Host, reset.AbsolutePath));
        Assert.Equal(("https", "spark.example"), (confirm.Scheme, confirm.Host));
    }

    [Fact]
    public async Task The_development_mailbox_is_closed_to_anonymous_callers_and_shows_a_user_only_their_own_mail()
    {
        var (alice, bob) = (await TestData.UserAsync(fixture.Database), await TestData.UserAsync(fixture.Database));
        using (var anonymous = fixture.App.CreateHttpClient())
        {
            await RequestResetLinkAsync(anonymous, bob.Email!);
            await RequestResetLinkAsync(anonymous, alice.Email!);
            var closed = await anonymous.GetAsync("dev/mailbox");
            Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
            Assert.StartsWith("/Account/Login", closed.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        using var browser = fixture.App.CreateHttpClient();
        await SignInAsync(browser, alice.Email!, TestData.Password);

        var mailbox = await browser.GetStringAsync("dev/mailbox");

        Assert.Contains(alice.Email!, mailbox, StringComparison.Ordinal);
        Assert.DoesNotContain(bob.Email!, mailbox, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_reads_everyones_mail_in_the_development_mailbox()
    {
        var (admin, bob) = (await TestData.UserAsync(fixture.Database, role: Roles.Admin), await TestData.UserAsync(fixture.Database));
        using var browser = fixture.App.CreateHttpClient();
        await RequestResetLinkAsync(browser, bob.Email!);
        await SignInAsync(browser, admin.Email!, TestData.Password);

        var mailbox = await browser.GetStringAsync("dev/mailbox");

        Assert.Contains(bob.Email!, mailbox, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_without_two_factor_sign_in_are_kept_out_of_the_back_office_until_they_turn_it_on()
    {
        await using var app = new SparkAppFactory(fixture.Database, new Dictionary<string, string?> { ["Spark:Security:RequireTwoFactorForStaff"] = "true" });
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        using var api = new ApiClient(app.CreateHttpClient());
        await api.LoginAsync(admin.Email!, TestData.Password);
        using var browser = app.CreateHttpClient();
        await SignInAsync(browser, admin.Email!, TestData.Password);

        var apiWithout = await api.GetAsync("admin/kyc");
        var pageWithout = await browser.GetAsync("admin");
        var key = (await api.PostAsync("me/2fa/setup")).Body!["sharedKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("me/2fa/enable", new { code = AuthenticatorCodes.Compute(key, app.Clock.GetUtcNow()) })).Status);
        var apiWith = await api.GetAsync("admin/kyc");
        var pageWith = await browser.GetAsync("admin");

        Assert.Equal(HttpStatusCode.Forbidden, apiWithout.Status);
        Assert.Contains("two-factor", apiWithout.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, pageWithout.StatusCode);
        Assert.StartsWith("/settings/security", pageWithout.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, apiWith.Status);
        Assert.Equal(HttpStatusCode.OK, pageWith.StatusCode);
    }

    [Fact]
    public async Task An_investor_is_refused_the_back_office_as_before_whether_or_not_two_factor_is_on()
    {
        await using var app = new SparkAppFactory(fixture.Database, new Dictionary<string, string?> { ["Spark:Security:RequireTwoFactorForStaff"] = "true" });
        var investor = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(app.CreateHttpClient());
        await api.LoginAsync(investor.Email!, TestData.Password);

        var refused = await api.GetAsync("admin/kyc");

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.DoesNotContain("two-factor", refused.Body?["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_protection_keys_are_stored_encrypted_and_a_sign_in_cookie_still_works_after_a_restart()
    {
        // A database of its own: the restart must find only the keys this test's first host wrote.
        var database = new TestDatabase();
        await database.InitializeAsync();
        try
        {
            await EncryptedKeysSurviveARestartAsync(database);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static async Task EncryptedKeysSurviveARestartAsync(TestDatabase database)
    {
        await using (var owner = database.Owner())
        {
            await owner.Database.ExecuteSqlRawAsync("DELETE FROM data_protection_keys");
        }
        var user = await TestData.UserAsync(database);
        var cookies = new CookieContainer();
        Uri first;
        await using (var app = new SparkAppFactory(database))
        {
            first = app.BaseAddress;
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = first };
            await SignInAsync(browser, user.Email!, TestData.Password);
        }
        var auth = cookies.GetCookies(first)["spark.auth"]!.Value;

        await using var restarted = new SparkAppFactory(database);
        using var later = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = restarted.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "dashboard");
        request.Headers.Add("Cookie", $"spark.auth={auth}");
        var dashboard = await later.SendAsync(request);

        await using var context = database.Owner();
        var stored = await context.DataProtectionKeys.Select(k => k.Xml).ToListAsync();
        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    private async Task<(SparkUser User, string Key)> TwoFactorUserAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();
        await api.LoginAsync(user.Email!, TestData.Password);
        var key = (await api.PostAsync("me/2fa/setup")).Body!["sharedKey"]!.GetValue<string>();
        var enabled = await api.PostAsync("me/2fa/enable", new { code = AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, enabled.Status);
        return (user, key);
    }

    /// <summary>Six digits that are none of the codes accepted around now.</summary>
    private string WrongCode(string key, int seed)
    {
        var valid = Enumerable.Range(-2, 5).Select(step => AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow().AddSeconds(30 * step))).ToHashSet();
        for (var n = 100_000 + seed * 7919; ; n++)
        {
            var code = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!valid.Contains(code)) return code;
        }
    }

    private static FormUrlEncodedContent CodeForm(string token, string code) => new(new Dictionary<string, string>
    {
        ["_handler"] = "login-with-2fa", ["__RequestVerificationToken"] = token, ["Input.TwoFactorCode"] = code,
    });

    private async Task<string> RequestResetLinkAsync(HttpClient browser, string email, string? host = null, SparkAppFactory? app = null)
    {
        var form = await browser.GetStringAsync("Account/ForgotPassword");
        using var request = new HttpRequestMessage(HttpMethod.Post, "Account/ForgotPassword")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "forgot-password", ["__RequestVerificationToken"] = Token(form), ["Input.Email"] = email,
            }),
        };
        if (host is not null) request.Headers.Host = host;
        using var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return LinkIn(LatestMailTo(email, app ?? fixture.App));
    }

    private static string LatestMailTo(string address, SparkAppFactory app) =>
        Directory.GetFiles(Path.Combine(app.StateDirectory, "mail")).OrderByDescending(f => f)
            .Select(File.ReadAllText).First(m => m.Contains($"<span id=\"to\">{address}</span>", StringComparison.Ordinal));

    private static string LinkIn(string mail) => WebUtility.HtmlDecode(ActionLink().Match(mail).Groups[1].Value);

    private static Task SignInAsync(HttpClient browser, string email, string password, string landing = "/dashboard") =>
        WebForms.SignInAsync(browser, email, password, landing);

    private static string Token(string html) => WebForms.AntiforgeryToken(html);

    [GeneratedRegex("name=\"Input.Code\" value=\"([^\"]+)\"")]
    private static partial Regex HiddenCode();

    [GeneratedRegex("id=\"(?:action|reset)-link\" href=\"([^\"]+)\"")]
    private static partial Regex ActionLink();
}
