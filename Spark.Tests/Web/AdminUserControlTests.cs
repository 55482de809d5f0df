using System.Net;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Accounts;

namespace Spark.Tests.Web;

/// <summary>The account controls of decision 0044 over real HTTP: reset 2FA, resend the confirmation email, the notifications panel.</summary>
public sealed class AdminUserControlTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync(string role, string? name = null)
    {
        var user = await TestData.UserAsync(fixture.Database, name ?? $"Staff {role}", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return (user, api);
    }

    private string[] MailsTo(string address)
    {
        var folder = Path.Combine(fixture.App.StateDirectory, "mail");
        return Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder).Select(File.ReadAllText).Where(m => m.Contains($"<span id=\"to\">{address}</span>", StringComparison.Ordinal))]
            : [];
    }

    [Fact]
    public async Task An_admin_resets_2fa_with_a_reason_the_customer_then_signs_in_with_the_password_alone_and_support_is_refused()
    {
        var (admin, adminApi) = await SignedInAsync(Roles.Admin);
        using var _ = adminApi;
        var (_, supportApi) = await SignedInAsync(Roles.Support);
        using var __ = supportApi;
        var investor = await TestData.UserAsync(fixture.Database, "Lost Phone Investor");
        using var investorApi = new ApiClient(fixture.App.CreateHttpClient());
        await investorApi.LoginAsync(investor.Email!, TestData.Password);
        var key = (await investorApi.PostAsync("me/2fa/setup")).Body!["sharedKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await investorApi.PostAsync("me/2fa/enable", new { code = AuthenticatorCodes.Compute(key, fixture.Clock.GetUtcNow()) })).Status);
        using var before = new ApiClient(fixture.App.CreateHttpClient());
        var (withoutCode, _) = await before.LoginAsync(investor.Email!, TestData.Password);
        Assert.NotEqual(HttpStatusCode.OK, withoutCode);

        var (bySupport, supportProblem) = await supportApi.PostAsync($"admin/users/{investor.Id}/reset-2fa", new { reason = "Customer lost the phone" });
        var (noReason, noReasonProblem) = await adminApi.PostAsync($"admin/users/{investor.Id}/reset-2fa", new { reason = " " });
        var (own, _) = await adminApi.PostAsync($"admin/users/{admin.Id}/reset-2fa", new { reason = "mine" });
        var (reset, _) = await adminApi.PostAsync($"admin/users/{investor.Id}/reset-2fa", new { reason = "Customer lost the phone, ticket 77" });
        var (oldToken, _) = await investorApi.GetAsync("me");
        using var after = new ApiClient(fixture.App.CreateHttpClient());
        var (passwordOnly, _) = await after.LoginAsync(investor.Email!, TestData.Password);
        var (again, againProblem) = await adminApi.PostAsync($"admin/users/{investor.Id}/reset-2fa", new { reason = "twice" });
        var detail = (await adminApi.GetAsync($"admin/users/{investor.Id}")).Body!;

        Assert.Equal(HttpStatusCode.Forbidden, bySupport);
        Assert.Contains("admin", supportProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.NotNull(noReasonProblem!["errors"]!["reason"]);
        Assert.Equal(HttpStatusCode.Forbidden, own);
        Assert.Equal(HttpStatusCode.NoContent, reset);
        Assert.Equal(HttpStatusCode.Unauthorized, oldToken);
        Assert.Equal(HttpStatusCode.OK, passwordOnly);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again);
        Assert.Contains("already off", againProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(detail["twoFactorEnabled"]!.GetValue<bool>());
        Assert.Contains(detail["notifications"]!.AsArray(), n => n!["title"]!.GetValue<string>() == "Two-factor sign-in was turned off" && !n["isRead"]!.GetValue<bool>());
        Assert.False(await fixture.Database.OwnerScalarAsync<bool>("SELECT two_factor_enabled FROM users WHERE id = $1", investor.Id));
        Assert.Equal(0, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM user_sessions WHERE user_id = $1 AND NOT revoked AND created_at < (SELECT max(created_at) FROM audit_logs WHERE user_id = $1 AND action = 'user_two_factor_reset')", investor.Id));
        Assert.Equal(admin.Id, await fixture.Database.OwnerScalarAsync<Guid>(
            "SELECT actor_id FROM audit_logs WHERE user_id = $1 AND action = 'user_two_factor_reset'", investor.Id));
        Assert.Contains("ticket 77", await fixture.Database.OwnerScalarAsync<string>(
            "SELECT changes->>'reason' FROM audit_logs WHERE user_id = $1 AND action = 'user_two_factor_reset'", investor.Id), StringComparison.Ordinal);
        Assert.Contains(MailsTo(investor.Email!), m => m.Contains("Two-factor sign-in was turned off", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staff_resend_the_confirmation_email_once_a_minute_and_only_while_it_is_unconfirmed()
    {
        var (support, supportApi) = await SignedInAsync(Roles.Support);
        using var _ = supportApi;
        var (_, investorApi) = await SignedInAsync(Roles.Investor);
        using var __ = investorApi;
        var unconfirmed = await TestData.UserAsync(fixture.Database, "Unconfirmed Investor");
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET email_verified = false WHERE id = $1", unconfirmed.Id);
        var confirmed = await TestData.UserAsync(fixture.Database, "Confirmed Investor");

        var (sent, _) = await supportApi.PostAsync($"admin/users/{unconfirmed.Id}/resend-confirmation");
        var mails = MailsTo(unconfirmed.Email!);
        var (tooSoon, tooSoonProblem) = await supportApi.PostAsync($"admin/users/{unconfirmed.Id}/resend-confirmation", new { reason = "They asked again" });
        var (already, alreadyProblem) = await supportApi.PostAsync($"admin/users/{confirmed.Id}/resend-confirmation");
        var (missing, _) = await supportApi.PostAsync($"admin/users/{Guid.NewGuid()}/resend-confirmation");
        var (byInvestor, _) = await investorApi.PostAsync($"admin/users/{unconfirmed.Id}/resend-confirmation");

        Assert.Equal(HttpStatusCode.NoContent, sent);
        Assert.Contains(mails, m => m.Contains("Account/ConfirmEmail?userId=" + unconfirmed.Id, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon);
        Assert.Contains("less than 1 minute", tooSoonProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(MailsTo(unconfirmed.Email!));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, already);
        Assert.Contains("already confirmed", alreadyProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(HttpStatusCode.Forbidden, byInvestor);
        Assert.Equal(support.Id, await fixture.Database.OwnerScalarAsync<Guid>(
            "SELECT actor_id FROM audit_logs WHERE user_id = $1 AND action = 'user_confirmation_resent'", unconfirmed.Id));
    }

    [Fact]
    public async Task The_detail_lists_the_last_twenty_notifications_newest_first()
    {
        var (_, supportApi) = await SignedInAsync(Roles.Support);
        using var _ = supportApi;
        var investor = await TestData.UserAsync(fixture.Database, "Notified Investor");
        await fixture.Database.OwnerExecuteAsync("""
            INSERT INTO user_notifications (user_id, type, title, message, is_read, created_at)
            SELECT $1, 'order_executed', 'Order ' || i, 'Filled', i % 2 = 0, timestamptz '2026-01-01 10:00+05:30' + i * interval '1 minute'
            FROM generate_series(1, 25) AS i
            """, investor.Id);

        var notifications = (await supportApi.GetAsync($"admin/users/{investor.Id}")).Body!["notifications"]!.AsArray();

        Assert.Equal(20, notifications.Count);
        Assert.Equal("Order 25", notifications[0]!["title"]!.GetValue<string>());
        Assert.Equal("Order 6", notifications[^1]!["title"]!.GetValue<string>());
        Assert.False(notifications[0]!["isRead"]!.GetValue<bool>());
        Assert.True(notifications[1]!["isRead"]!.GetValue<bool>());
        Assert.Equal("order_executed", notifications[0]!["type"]!.GetValue<string>());
    }
}
