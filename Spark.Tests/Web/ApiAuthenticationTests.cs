using System.Net;
using Microsoft.EntityFrameworkCore;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;

namespace Spark.Tests.Web;

/// <summary>/api/v1/auth and /api/v1/me over real HTTP (api.md's contract).</summary>
public sealed class ApiAuthenticationTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private ApiClient Api() => new(fixture.App.CreateHttpClient());

    [Fact]
    public async Task Registering_answers_201_with_the_account_and_refuses_duplicates_and_weak_passwords_as_problems()
    {
        using var api = Api();
        var email = $"{Guid.NewGuid():N}@example.test";

        var created = await api.PostAsync("auth/register", new { email, password = "lotus harbour velvet compass", name = "Nisha Menon" });
        var duplicate = await api.PostAsync("auth/register", new { email, password = "lotus harbour velvet compass", name = "Nisha Menon" });
        var weak = await api.PostAsync("auth/register", new { email = $"{Guid.NewGuid():N}@example.test", password = "password1234", name = "X" });
        var malformed = await api.PostAsync("auth/register", new { email = "not-an-email", password = "short", name = "" });

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal((email, "Nisha Menon"), (created.Body!["email"]!.GetValue<string>(), created.Body["name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal(409, duplicate.Body!["status"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, weak.Status);
        Assert.Contains("too easy to guess", ApiClient.Json(weak.Body!["errors"]!["password"]), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.NotNull(malformed.Body!["errors"]!["email"]);
    }

    [Fact]
    public async Task A_signed_in_client_reads_me_and_an_anonymous_one_gets_a_401_problem()
    {
        var user = await TestData.UserAsync(fixture.Database, "Rohan Gupta");
        using var api = Api();

        var anonymous = await api.GetAsync("me");
        await api.LoginAsync(user.Email!, TestData.Password);
        var me = await api.GetAsync("me");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(401, anonymous.Body!["status"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(user.Id, me.Body!["id"]!.GetValue<Guid>());
        Assert.Equal("incomplete", me.Body["kycStatus"]!.GetValue<string>());
        Assert.Equal(["investor"], me.Body["roles"]!.AsArray().Select(r => r!.GetValue<string>().ToLowerInvariant()));
    }

    [Fact]
    public async Task Wrong_credentials_get_one_message_whether_or_not_the_email_exists()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();

        var wrongPassword = await api.LoginAsync(user.Email!, "definitely not it");
        var unknownEmail = await api.LoginAsync($"{Guid.NewGuid():N}@example.test", "definitely not it");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.Status);
        Assert.Equal(wrongPassword.Body!["detail"]!.GetValue<string>(), unknownEmail.Body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_reused_one_revokes_its_session()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();
        await api.LoginAsync(user.Email!, TestData.Password);
        var first = api.RefreshToken!;

        var rotated = await api.PostAsync("auth/refresh", new { refreshToken = first });
        api.UseTokens(rotated.Body!);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("me")).Status);

        var replayed = await api.PostAsync("auth/refresh", new { refreshToken = first });

        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        Assert.NotEqual(first, api.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("me")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync("auth/refresh", new { refreshToken = api.RefreshToken })).Status);
    }

    [Fact]
    public async Task Logging_out_stops_that_sessions_tokens_at_once()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();
        await api.LoginAsync(user.Email!, TestData.Password);

        var logout = await api.PostAsync("auth/logout");

        Assert.Equal(HttpStatusCode.NoContent, logout.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("me")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.PostAsync("auth/refresh", new { refreshToken = api.RefreshToken })).Status);
    }

    [Fact]
    public async Task Sessions_are_listed_with_the_current_one_marked_and_revoking_another_stops_it()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var phone = new ApiClient(fixture.App.CreateHttpClient());
        using var laptop = Api();
        await phone.LoginAsync(user.Email!, TestData.Password);
        await laptop.LoginAsync(user.Email!, TestData.Password);

        var sessions = (await laptop.GetAsync("me/sessions")).Body!.AsArray();
        var other = sessions.Single(s => !s!["current"]!.GetValue<bool>())!["id"]!.GetValue<Guid>();
        var revoked = await laptop.SendAsync(HttpMethod.Delete, $"me/sessions/{other}");

        Assert.Equal(2, sessions.Count);
        Assert.Equal("api", sessions[0]!["client"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, revoked.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("me")).Status);
    }

    [Fact]
    public async Task Another_users_session_cannot_be_revoked_and_looks_like_it_does_not_exist()
    {
        var (alice, bob) = (await TestData.UserAsync(fixture.Database), await TestData.UserAsync(fixture.Database));
        using var asAlice = Api();
        using var asBob = Api();
        await asAlice.LoginAsync(alice.Email!, TestData.Password);
        await asBob.LoginAsync(bob.Email!, TestData.Password);
        var bobsSession = (await asBob.GetAsync("me/sessions")).Body!.AsArray().Single()!["id"]!.GetValue<Guid>();

        var attempt = await asAlice.SendAsync(HttpMethod.Delete, $"me/sessions/{bobsSession}");

        Assert.Equal(HttpStatusCode.NotFound, attempt.Status);
        Assert.Equal(HttpStatusCode.OK, (await asBob.GetAsync("me")).Status);
    }

    [Fact]
    public async Task Two_factor_sign_in_needs_a_code_accepts_each_code_once_and_each_recovery_code_once()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();
        await api.LoginAsync(user.Email!, TestData.Password);
        var setup = await api.PostAsync("me/2fa/setup");
        var key = setup.Body!["sharedKey"]!.GetValue<string>();
        var wrong = await api.PostAsync("me/2fa/enable", new { code = "000000" == AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow()) ? "111111" : "000000" });
        var enabled = await api.PostAsync("me/2fa/enable", new { code = AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow()) });
        var recoveryCodes = enabled.Body!["recoveryCodes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();

        using var client = Api();
        var withoutCode = await client.LoginAsync(user.Email!, TestData.Password);
        // The code that enabled 2FA was spent; the next step's code is new (codes one step ahead are accepted).
        var nextCode = AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow().AddSeconds(30));
        var withCode = await client.LoginAsync(user.Email!, TestData.Password, nextCode);
        var replayed = await Api().LoginAsync(user.Email!, TestData.Password, nextCode);
        var withRecovery = await Api().LoginAsync(user.Email!, TestData.Password, recoveryCodes[0]);
        var recoveryAgain = await Api().LoginAsync(user.Email!, TestData.Password, recoveryCodes[0]);

        Assert.StartsWith("otpauth://totp/Spark:", setup.Body["authenticatorUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Equal(10, recoveryCodes.Distinct().Count());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.Status);
        Assert.True(withoutCode.Body!["twoFactorRequired"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, withCode.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.Status);
        Assert.Equal(HttpStatusCode.OK, withRecovery.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, recoveryAgain.Status);
        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        var security = await context.UserSecurity.SingleAsync();
        Assert.True(security.TwoFactorEnabled);
        Assert.StartsWith("v1.", security.TwoFactorSecret, StringComparison.Ordinal);
        Assert.DoesNotContain(key, security.TwoFactorSecret, StringComparison.Ordinal);
        Assert.Equal(9, security.BackupCodes!.Length);
        Assert.DoesNotContain(recoveryCodes[1], security.BackupCodes);
    }

    [Fact]
    public async Task Five_failures_through_the_api_lock_the_account_even_for_the_right_password()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = Api();
        for (var i = 0; i < 5; i++) await api.LoginAsync(user.Email!, "not the password at all");

        var right = await api.LoginAsync(user.Email!, TestData.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, right.Status);
        Assert.Contains("15 minutes", right.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        using var http = fixture.App.CreateHttpClient();

        var document = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("openapi/v1.json"))!;

        Assert.NotNull(document["paths"]!["/api/v1/auth/login"]);
        Assert.NotNull(document["paths"]!["/api/v1/me/sessions/{id}"]);
    }
}
