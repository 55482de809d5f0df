using System.Text.RegularExpressions;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

public sealed partial class SecurityHeaderTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Theory]
    [InlineData("")]
    [InlineData("Account/Login")]
    [InlineData("api/v1/me")]
    public async Task Pages_and_api_answers_carry_the_security_headers(string path)
    {
        using var client = fixture.App.CreateHttpClient();

        var response = await client.GetAsync(path);

        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task The_one_inline_script_is_allowed_by_a_nonce_that_changes_with_every_page()
    {
        using var client = fixture.App.CreateHttpClient();

        var first = await client.GetAsync("Account/Login");
        var second = await client.GetAsync("Account/Login");

        var nonce = ScriptNonce().Match(string.Join(' ', first.Headers.GetValues("Content-Security-Policy"))).Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(nonce, string.Join(' ', second.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_cookie_is_http_only_and_same_site()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var client = fixture.App.CreateHttpClient();
        var form = await client.GetStringAsync("Account/Login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await client.PostAsync("Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = user.Email!, ["Input.Password"] = TestData.Password,
        }));

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("spark.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("script-src 'self' 'nonce-([^']+)'")]
    private static partial Regex ScriptNonce();
}
