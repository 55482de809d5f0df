using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Data;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>A web sign-in is a user_sessions row; revoking it signs the browser out at its next request.</summary>
public sealed partial class WebSessionTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";

    [Fact]
    public async Task Signing_in_records_the_device_and_revoking_the_session_signs_the_browser_out()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        browser.DefaultRequestHeaders.UserAgent.ParseAdd(Firefox);

        await SignInAsync(browser, user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("dashboard")).StatusCode);

        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        var session = await context.UserSessions.SingleAsync();
        Assert.Equal((SessionClient.Web, DeviceType.Desktop, "Firefox 125", "Linux"), (session.Client, session.DeviceType, session.Browser, session.Os));

        await context.UserSessions.Where(s => s.Id == session.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Revoked, true));
        var afterRevoke = await browser.GetAsync("dashboard");

        Assert.Equal(HttpStatusCode.Redirect, afterRevoke.StatusCode);
        Assert.StartsWith("/Account/Login", afterRevoke.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_revokes_the_session()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        await SignInAsync(browser, user.Email!, TestData.Password);

        // The sign-out form lives in the (closed) user menu; any page with a form carries this user's token.
        var page = await browser.GetStringAsync("Account/ForgotPassword");
        var signOut = await browser.PostAsync("Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(page), ["ReturnUrl"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        Assert.True(await context.UserSessions.Select(s => s.Revoked).SingleAsync());
    }

    [Fact]
    public async Task A_session_idle_longer_than_the_users_timeout_no_longer_works()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        await SignInAsync(browser, user.Email!, TestData.Password);

        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        context.UserSecurity.Add(new UserSecurity { UserId = user.Id, SessionTimeoutMinutes = 30 });
        await context.SaveChangesAsync();
        await context.UserSessions.ExecuteUpdateAsync(u => u.SetProperty(s => s.LastActivity, fixture.Clock.GetUtcNow().AddMinutes(-31)));

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("dashboard")).StatusCode);
    }

    private static Task SignInAsync(HttpClient browser, string email, string password) => WebForms.SignInAsync(browser, email, password);

    private static string Token(string html) => WebForms.AntiforgeryToken(html);
}
