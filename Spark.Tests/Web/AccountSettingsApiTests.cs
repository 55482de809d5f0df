using System.Net;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Audit;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>Profile, preferences, password, KYC and risk profile through /api/v1 (the services behind Settings).</summary>
public sealed class AccountSettingsApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, "Ishaan Verma", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return (user, api);
    }

    [Fact]
    public async Task Preferences_are_validated_field_by_field_then_saved_and_audited()
    {
        var (user, api) = await SignedInAsync();
        using var _ = api;
        var preferences = (await api.GetAsync("me/preferences")).Body!;
        preferences["numberFormat"] = "international";
        preferences["theme"] = "dark";
        preferences["itemsPerPage"] = 7;

        var invalid = await api.SendAsync(HttpMethod.Put, "me/preferences", preferences);
        preferences["itemsPerPage"] = 50;
        var saved = await api.SendAsync(HttpMethod.Put, "me/preferences", preferences);
        var read = (await api.GetAsync("me/preferences")).Body!;

        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.NotNull(invalid.Body!["errors"]!["itemsPerPage"]);
        Assert.Equal(HttpStatusCode.NoContent, saved.Status);
        Assert.Equal(("international", "dark", 50), (read["numberFormat"]!.GetValue<string>(), read["theme"]!.GetValue<string>(), read["itemsPerPage"]!.GetValue<int>()));
        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        Assert.True(await context.AuditLogs.AnyAsync(a => a.UserId == user.Id && a.Action == "preferences_changed"));
    }

    [Fact]
    public async Task A_profile_refuses_an_investor_under_eighteen()
    {
        var (_, api) = await SignedInAsync();
        using var _ = api;
        var minor = fixture.Clock.Today.AddYears(-17);

        var refused = await api.SendAsync(HttpMethod.Put, "me/profile", new { name = "Ishaan Verma", dateOfBirth = minor, phone = "9876543210" });
        var saved = await api.SendAsync(HttpMethod.Put, "me/profile", new { name = "Ishaan Verma", dateOfBirth = new DateOnly(1990, 5, 17), phone = "9876543210", investmentGoals = new[] { "retirement" } });
        var profile = (await api.GetAsync("me/profile")).Body!;

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("Investors must be 18 or older.", refused.Body!["errors"]!["dateOfBirth"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, saved.Status);
        Assert.Equal("1990-05-17", profile["dateOfBirth"]!.GetValue<string>());
    }

    [Fact]
    public async Task Changing_the_password_signs_out_every_other_session_but_this_one()
    {
        var (user, api) = await SignedInAsync();
        using var _ = api;
        using var otherDevice = new ApiClient(fixture.App.CreateHttpClient());
        await otherDevice.LoginAsync(user.Email!, TestData.Password);

        var wrong = await api.PostAsync("me/password", new { currentPassword = "not my password", newPassword = "cobalt tamarind lighthouse" });
        var changed = await api.PostAsync("me/password", new { currentPassword = TestData.Password, newPassword = "cobalt tamarind lighthouse" });

        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.NotNull(wrong.Body!["errors"]!["currentPassword"]);
        Assert.Equal(HttpStatusCode.NoContent, changed.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherDevice.GetAsync("me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("me")).Status);
        Assert.Equal(HttpStatusCode.OK, (await new ApiClient(fixture.App.CreateHttpClient()).LoginAsync(user.Email!, "cobalt tamarind lighthouse")).Status);
    }

    [Fact]
    public async Task A_pan_is_checked_stored_encrypted_shown_masked_and_unique_across_accounts()
    {
        var (user, api) = await SignedInAsync();
        var (_, other) = await SignedInAsync();
        using var __ = api;
        using var ___ = other;

        var malformed = await api.PostAsync("me/kyc", new { pan = "ABCDE12345" });
        var submitted = await api.PostAsync("me/kyc", new { pan = "abcpe 1234 f" });
        var taken = await other.PostAsync("me/kyc", new { pan = "ABCPE1234F" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, malformed.Status);
        Assert.Equal(HttpStatusCode.OK, submitted.Status);
        Assert.Equal(("pending", "XXXXX1234F"), (submitted.Body!["status"]!.GetValue<string>(), submitted.Body["maskedPan"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.Status);
        Assert.Contains("already registered", taken.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var stored = await fixture.Database.OwnerScalarAsync<string>("SELECT pan_card || '|' || pan_card_hash FROM users WHERE id = $1", user.Id);
        Assert.StartsWith("v1.", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("ABCPE1234F", stored, StringComparison.Ordinal);
        Assert.Equal(64, stored.Split('|')[1].Length);
    }

    [Fact]
    public async Task Only_an_admin_decides_kyc_and_a_rejection_needs_a_reason()
    {
        var (investor, api) = await SignedInAsync();
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var __ = api;
        using var ___ = admin;
        await api.PostAsync("me/kyc", new { pan = "ABCPK4321Q" });

        var byInvestor = await api.PostAsync($"admin/kyc/{investor.Id}", new { verify = true });
        var queue = (await admin.GetAsync("admin/kyc")).Body!.AsArray();
        var withoutReason = await admin.PostAsync($"admin/kyc/{investor.Id}", new { verify = false });
        var verified = await admin.PostAsync($"admin/kyc/{investor.Id}", new { verify = true });

        Assert.Equal(HttpStatusCode.Forbidden, byInvestor.Status);
        Assert.Contains(queue, c => c!["userId"]!.GetValue<Guid>() == investor.Id && c["maskedPan"]!.GetValue<string>() == "XXXXX4321Q");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withoutReason.Status);
        Assert.Equal(HttpStatusCode.NoContent, verified.Status);
        Assert.Equal("verified", (await api.GetAsync("me")).Body!["kycStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rejected_investor_reads_the_admins_reason_and_may_submit_again()
    {
        var (investor, api) = await SignedInAsync();
        var (_, admin) = await SignedInAsync(Roles.Admin);
        using var __ = api;
        using var ___ = admin;
        await api.PostAsync("me/kyc", new { pan = "ABCPR5678T" });

        await admin.PostAsync($"admin/kyc/{investor.Id}", new { verify = false, reason = "The name on the PAN does not match your profile." });
        var state = (await api.GetAsync("me/kyc")).Body!;
        var again = await api.PostAsync("me/kyc", new { pan = "ABCPR5678T" });

        Assert.Equal("rejected", state["status"]!.GetValue<string>());
        Assert.Equal("The name on the PAN does not match your profile.", state["rejectionReason"]!.GetValue<string>());
        Assert.Equal("pending", again.Body!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_risk_questionnaire_sets_the_profile_and_an_unanswered_question_is_a_422()
    {
        var (user, api) = await SignedInAsync();
        using var _ = api;
        var questions = (await api.GetAsync("me/risk-profile/questions")).Body!.AsArray();
        var cautious = questions.ToDictionary(q => q!["id"]!.GetValue<string>(),
            q => q!["options"]!.AsArray().OrderBy(o => o!["points"]!.GetValue<int>()).First()!["id"]!.GetValue<string>());

        var assessed = await api.PostAsync("me/risk-profile", new { answers = cautious });
        cautious.Remove(cautious.Keys.First());
        var incomplete = await api.PostAsync("me/risk-profile", new { answers = cautious });

        Assert.Equal(HttpStatusCode.OK, assessed.Status);
        Assert.Equal(("conservative", 0), (assessed.Body!["profile"]!.GetValue<string>(), assessed.Body["score"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, incomplete.Status);
        Assert.Equal("conservative", (await api.GetAsync("me")).Body!["riskProfile"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sign_ins_and_failures_appear_in_the_users_security_activity()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, "a wrong password here");
        await api.LoginAsync(user.Email!, TestData.Password);

        var activity = (await api.GetAsync("me/security/activity")).Body!.AsArray();

        Assert.Contains(activity, e => e!["action"]!.GetValue<string>() == "sign_in" && e["status"]!.GetValue<string>() == "success");
        Assert.Contains(activity, e => e!["action"]!.GetValue<string>() == "sign_in_failed" && e["status"]!.GetValue<string>() == "failed");
        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        Assert.All(await context.AuditLogs.Where(a => a.UserId == user.Id).ToListAsync(), a => Assert.NotNull(a.IpAddress));
        Assert.Equal(AuditStatus.Failed, (await context.AuditLogs.FirstAsync(a => a.Action == "sign_in_failed")).Status);
    }
}
