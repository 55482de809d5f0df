using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;

namespace Spark.Tests.Web;

public sealed partial class EmailTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private string LatestMailTo(string address) =>
        Directory.GetFiles(Path.Combine(fixture.App.StateDirectory, "mail")).OrderByDescending(f => f)
            .Select(File.ReadAllText).First(m => m.Contains($"<span id=\"to\">{address}</span>", StringComparison.Ordinal));

    private static string ActionLink(string mail) => WebUtility.HtmlDecode(ActionLinkPattern().Match(mail).Groups[1].Value);

    [Fact]
    public async Task A_new_account_confirms_its_email_through_the_link_it_is_sent()
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        var created = await api.PostAsync("auth/register", new { email, password = "tulip granite monsoon ferry", name = "Kavya Rao" });
        var userId = created.Body!["id"]!.GetValue<Guid>();
        Assert.False(await fixture.Database.OwnerScalarAsync<bool>("SELECT email_verified FROM users WHERE id = $1", userId));

        using var browser = fixture.App.CreateHttpClient();
        var page = await browser.GetStringAsync(new Uri(ActionLink(LatestMailTo(email))).PathAndQuery.TrimStart('/'));

        Assert.Contains("Email confirmed", page, StringComparison.Ordinal);
        Assert.True(await fixture.Database.OwnerScalarAsync<bool>("SELECT email_verified FROM users WHERE id = $1", userId));
    }

    [Fact]
    public async Task An_email_changes_only_after_the_password_and_the_link_sent_to_the_new_address()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var other = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        var newEmail = $"{Guid.NewGuid():N}@example.test";

        var wrongPassword = await api.PostAsync("me/email", new { newEmail, password = "not it" });
        var taken = await api.PostAsync("me/email", new { newEmail = other.Email, password = TestData.Password });
        var requested = await api.PostAsync("me/email", new { newEmail, password = TestData.Password });
        Assert.Equal(user.Email, await fixture.Database.OwnerScalarAsync<string>("SELECT email FROM users WHERE id = $1", user.Id));

        using var browser = fixture.App.CreateHttpClient();
        var page = await browser.GetStringAsync(new Uri(ActionLink(LatestMailTo(newEmail))).PathAndQuery.TrimStart('/'));

        Assert.Equal(HttpStatusCode.BadRequest, wrongPassword.Status);
        Assert.Equal(HttpStatusCode.Conflict, taken.Status);
        Assert.Equal(HttpStatusCode.Accepted, requested.Status);
        Assert.Contains("Your email is changed", page, StringComparison.Ordinal);
        Assert.Equal(newEmail, await fixture.Database.OwnerScalarAsync<string>("SELECT email FROM users WHERE id = $1", user.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await new ApiClient(fixture.App.CreateHttpClient()).LoginAsync(newEmail, TestData.Password)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new ApiClient(fixture.App.CreateHttpClient()).LoginAsync(user.Email!, TestData.Password)).Status);
    }

    [Fact]
    public async Task Signing_in_from_a_new_kind_of_device_alerts_the_user_once()
    {
        var user = await TestData.UserAsync(fixture.Database);
        async Task SignInWithAsync(string userAgent)
        {
            var http = fixture.App.CreateHttpClient();
            http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
            using var api = new ApiClient(http);
            Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(user.Email!, TestData.Password)).Status);
        }
        const string chromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        const string safariOnIphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

        await SignInWithAsync(chromeOnWindows);
        await SignInWithAsync(safariOnIphone);
        await SignInWithAsync(safariOnIphone);

        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        var alerts = await context.Notifications.Where(n => n.Type == "security_sign_in").ToListAsync();
        Assert.Equal("Your account signed in from Safari 17 on iOS 17.4 (iPhone) (127.0.0.1). Not you? Change your password and sign out other sessions.",
            Assert.Single(alerts).Message);
        Assert.Contains("New sign-in to your Spark account", LatestMailTo(user.Email!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtp_delivery_hands_the_message_to_the_configured_server()
    {
        await using var smtp = new StubSmtpServer();
        var transport = new SmtpTransport(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1", Port = smtp.Port, UseStartTls = false, From = "Spark <no-reply@spark.test>",
        }));

        await transport.SendAsync(AccountMails.ResetPassword("priya@example.test", "Priya", "https://spark.test/reset?code=abc"));

        var (from, to, data) = Assert.Single(smtp.Received);
        Assert.Equal("<no-reply@spark.test>", from.Split(' ')[0]);
        Assert.Equal(["<priya@example.test>"], to.Select(t => t.Split(' ')[0]));
        Assert.Contains("Subject: Reset your Spark password", data, StringComparison.Ordinal);
    }

    [GeneratedRegex("id=\"action-link\" href=\"([^\"]+)\"")]
    private static partial Regex ActionLinkPattern();
}
