using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Accounts;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Goals;

namespace Spark.Tests.Web;

/// <summary>Support impersonation over real HTTP on a real database (issue #14, decision 0045).</summary>
public sealed class ImpersonationApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(SparkUser User, ApiClient Api)> SignedInAsync(string role, string? name = null)
    {
        var user = await TestData.UserAsync(fixture.Database, name ?? $"Person {role}", role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return (user, api);
    }

    private ApiClient As(JsonNode started) =>
        new(fixture.App.CreateHttpClient()) { AccessToken = started["accessToken"]!.GetValue<string>() };

    private static object Trade(string symbol) => new { symbol, type = "buy", quantity = 2, price = 100m, transactionDate = "2024-01-02" };

    [Fact]
    public async Task Support_views_a_customer_read_only_every_write_is_refused_and_the_customer_sees_the_visit()
    {
        var (staff, support) = await SignedInAsync(Roles.Support, "Sana Support");
        using var _ = support;
        var (customer, own) = await SignedInAsync(Roles.Investor, "Ravi Customer");
        using var __ = own;
        var stock = await TestData.NewSecurityAsync(fixture.Database);
        Assert.Equal(HttpStatusCode.Created, (await own.PostAsync("transactions", Trade(stock.Symbol))).Status);
        Assert.Equal(HttpStatusCode.Created, (await own.PostAsync("transactions",
            new { symbol = stock.Symbol, type = "sell", quantity = 1, price = 150m, transactionDate = "2025-01-02" })).Status);

        var (status, started) = await support.PostAsync("admin/impersonations",
            new { userId = customer.Id, reason = "Customer asked why XIRR is blank", ticket = "SUP-1042" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.False(started!["writesAllowed"]!.GetValue<bool>());
        using var viewer = As(started);

        // Reads show the customer's own data.
        var (read, transactions) = await viewer.GetAsync("transactions");
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal([stock.Symbol, stock.Symbol], transactions!["items"]!.AsArray().Select(t => t!["symbol"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("portfolio/summary")).Status);
        // The capital-gains statement builds its year's opening (decision 0055) but cannot keep it on the read-only pool:
        // still right (1 of the 2 bought at ₹100 on 2 Jan 2024, sold at ₹150 on 2 Jan 2025: gain ₹50), and nothing written.
        var (tax, statement) = await viewer.GetAsync("tax/capital-gains?fy=2024-25");
        Assert.True(tax == HttpStatusCode.OK, $"{(int)tax}: {ApiClient.Json(statement)}");
        Assert.Equal(50m, statement!["items"]!.AsArray().Single()!["gain"]!.GetValue<decimal>());
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM tax_year_openings WHERE user_id = $1", customer.Id));

        // Writes are refused with the reason, and nothing changes.
        var (refused, problem) = await viewer.PostAsync("transactions", Trade(stock.Symbol));
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("read-only", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("cash/deposit", new { amount = 100 })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("notifications/read-all")).Status);
        // Never reachable, even to read: sessions, 2FA, KYC, connections, the customer's security page.
        foreach (var path in new[] { "me/sessions", "me/kyc", "connections", "me/security/support-visits", "me/profile" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(path)).Status);
        }
        Assert.Equal(2L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM transactions WHERE user_id = $1", customer.Id));

        // The customer is told, and sees who, when and why.
        var visits = (await own.GetAsync("me/security/support-visits")).Body!.AsArray();
        var visit = visits.Single()!;
        Assert.Equal("Sana Support", visit["staffName"]!.GetValue<string>());
        Assert.Equal("Customer asked why XIRR is blank", visit["reason"]!.GetValue<string>());
        Assert.True(visit["active"]!.GetValue<bool>());
        Assert.Equal(1L, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM user_notifications WHERE user_id = $1 AND type = 'security_support_access' AND message LIKE '%Sana Support%'", customer.Id));

        // Both identities on every audited step: the start, each call, each refusal.
        var id = started["id"]!.GetValue<Guid>();
        foreach (var action in new[] { "impersonation_started", "impersonation_request", "impersonation_refused" })
        {
            Assert.True(await fixture.Database.OwnerScalarAsync<long>(
                "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = $2 AND changes->>'by' = $3 AND changes->>'impersonation' = $4",
                customer.Id, action, staff.Id.ToString(), id.ToString()) > 0, action);
        }

        // Stop: the token stops working at once.
        Assert.Equal(HttpStatusCode.NoContent, (await support.PostAsync($"admin/impersonations/{id}/stop")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("transactions")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await support.PostAsync($"admin/impersonations/{id}/stop")).Status);
        Assert.False((await own.GetAsync("me/security/support-visits")).Body!.AsArray().Single()!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_consent_code_lets_support_fix_a_transaction_once_but_never_anything_else()
    {
        var (staff, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var (customer, own) = await SignedInAsync(Roles.Investor);
        using var __ = own;
        var stock = await TestData.NewSecurityAsync(fixture.Database);

        var (created, code) = await own.PostAsync("me/security/consent-code");
        Assert.Equal(HttpStatusCode.OK, created);
        var digits = code!["code"]!.GetValue<string>();
        Assert.Matches("^[0-9]{8}$", digits);
        Assert.InRange(code["expiresAt"]!.GetValue<DateTimeOffset>() - fixture.Clock.GetUtcNow(), TimeSpan.FromMinutes(9.9), TimeSpan.FromMinutes(10));

        // Read out with a space, as the screen shows it.
        var spoken = $"{digits[..4]} {digits[4..]}";
        var (status, started) = await support.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "Fix a wrong price", consentCode = spoken });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(started!["writesAllowed"]!.GetValue<bool>());
        using var acting = As(started);

        var (fixedStatus, transaction) = await acting.PostAsync("transactions", Trade(stock.Symbol));
        Assert.Equal(HttpStatusCode.Created, fixedStatus);
        // Consent covers orders and transactions only.
        Assert.Equal(HttpStatusCode.Forbidden, (await acting.PostAsync("cash/deposit", new { amount = 100 })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await acting.PostAsync("goals", new { name = "x" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await acting.PostAsync("me/password", new { currentPassword = "a", newPassword = "b" })).Status);

        // The change is on the customer's trail with the staff member, in the same transaction as the change.
        Assert.True(await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'impersonation_change' AND entity_type = 'transactions' AND entity_id = $2 AND changes->>'by' = $3",
            customer.Id, transaction!["id"]!.GetValue<Guid>(), staff.Id.ToString()) == 1);

        // Once: the same code does not open a second impersonation.
        var (again, problem) = await support.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "Again", consentCode = digits });
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.NotNull(problem!["errors"]!["consentCode"]);
    }

    [Fact]
    public async Task Bad_requests_get_field_errors_staff_are_never_impersonated_and_investors_cannot_start()
    {
        var (__, support) = await SignedInAsync(Roles.Support);
        using var s = support;
        var (other, otherApi) = await SignedInAsync(Roles.Admin);
        otherApi.Dispose();
        var customer = await TestData.UserAsync(fixture.Database);
        var (_, investorApi) = await SignedInAsync(Roles.Investor);
        using var ___ = investorApi;

        var (noReason, p1) = await support.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason);
        Assert.NotNull(p1!["errors"]!["reason"]);
        var (badCode, p2) = await support.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "r", consentCode = "12ab" });
        Assert.Equal(HttpStatusCode.BadRequest, badCode);
        Assert.NotNull(p2!["errors"]!["consentCode"]);
        var (longTicket, p3) = await support.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "r", ticket = new string('t', 65) });
        Assert.Equal(HttpStatusCode.BadRequest, longTicket);
        Assert.NotNull(p3!["errors"]!["ticket"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await support.PostAsync("admin/impersonations", new { reason = "r" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await support.PostAsync("admin/impersonations", new { userId = Guid.NewGuid(), reason = "r" })).Status);
        var (staffTarget, p4) = await support.PostAsync("admin/impersonations", new { userId = other.Id, reason = "curious" });
        Assert.Equal(HttpStatusCode.Forbidden, staffTarget);
        Assert.Contains("Staff accounts cannot be impersonated", p4!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await investorApi.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "r" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await investorApi.GetAsync("admin/impersonations")).Status);
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM impersonation_sessions WHERE user_id IN ($1, $2)", customer.Id, other.Id));
    }

    [Fact]
    public async Task An_impersonation_ends_at_its_time_limit_and_support_lists_only_their_own()
    {
        var (staff, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var (__, otherSupport) = await SignedInAsync(Roles.Support);
        using var ___ = otherSupport;
        var customer = await TestData.UserAsync(fixture.Database);
        var (status, started) = await support.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "Time limit" });
        Assert.Equal(HttpStatusCode.Created, status);
        var id = started!["id"]!.GetValue<Guid>();
        Assert.InRange(started["expiresAt"]!.GetValue<DateTimeOffset>() - fixture.Clock.GetUtcNow(), TimeSpan.FromMinutes(29.9), TimeSpan.FromMinutes(30));

        var mine = (await support.GetAsync($"admin/impersonations?userId={customer.Id}")).Body!;
        Assert.Equal(id, mine["items"]!.AsArray().Single()!["id"]!.GetValue<Guid>());
        Assert.Equal(0, (await otherSupport.GetAsync($"admin/impersonations?userId={customer.Id}")).Body!["total"]!.GetValue<int>());

        using var scope = fixture.App.Services.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Admin.ImpersonationService>();
        Assert.NotNull(await service.ActiveAsync(id));
        fixture.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(await service.ActiveAsync(id));
        Assert.Equal("expired", await fixture.Database.OwnerScalarAsync<string>("SELECT end_reason FROM impersonation_sessions WHERE id = $1", id));
        Assert.Equal(1L, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'impersonation_ended' AND changes->>'endReason' = 'expired' AND changes->>'by' = $2",
            customer.Id, staff.Id.ToString()));
    }

    [Fact]
    public async Task An_impersonation_ends_when_the_staff_member_signs_out_and_its_token_stops_at_once()
    {
        var (staff, support) = await SignedInAsync(Roles.Support);
        using var _ = support;
        var customer = await TestData.UserAsync(fixture.Database);
        var (status, started) = await support.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "Sign-out ends it" });
        Assert.Equal(HttpStatusCode.Created, status);
        using var viewer = As(started!);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("portfolio/summary")).Status);

        // The staff member's own session ends (sign-out; suspension and role removal end sessions the same way).
        Assert.Equal(HttpStatusCode.NoContent, (await support.PostAsync("auth/logout")).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("portfolio/summary")).Status);
        Assert.Equal("staff_session_ended", await fixture.Database.OwnerScalarAsync<string>(
            "SELECT end_reason FROM impersonation_sessions WHERE id = $1", started!["id"]!.GetValue<Guid>()));
        Assert.Equal(1L, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'impersonation_ended' AND actor_id = $2", customer.Id, staff.Id));
    }

    [Fact]
    public async Task Without_consent_the_database_itself_refuses_the_customers_writes_and_services_say_why()
    {
        var customer = await TestData.UserAsync(fixture.Database);
        var db = fixture.App.Services.GetRequiredService<SparkDb>();
        var previous = Impersonation.Current;
        Impersonation.Current = new ImpersonatedScope(Guid.NewGuid(), customer.Id, Guid.NewGuid(), WritesAllowed: false);
        try
        {
            // A service checks first, with words for the person at the screen.
            using var scope = fixture.App.Services.CreateScope();
            var goals = scope.ServiceProvider.GetRequiredService<GoalService>();
            var refused = await Assert.ThrowsAsync<ImpersonationForbiddenException>(() => goals.DeleteAsync(customer.Id, Guid.NewGuid()));
            Assert.Contains("even with the customer's consent", refused.Message, StringComparison.Ordinal);

            // Any path that skipped the check still cannot write: the customer's connection is read-only (SQLSTATE 25006).
            await using var context = db.ForUser(customer.Id);
            Assert.Equal(0, await context.Goals.CountAsync(g => g.UserId == customer.Id));
            var write = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
                context.Database.ExecuteSqlInterpolatedAsync($"UPDATE user_preferences SET theme = 'dark' WHERE user_id = {customer.Id}"));
            Assert.Equal(Npgsql.PostgresErrorCodes.ReadOnlySqlTransaction, write.SqlState);
        }
        finally
        {
            Impersonation.Current = previous;
        }
        // Nobody else's work is touched: outside the impersonation the same user's data is writable.
        await using var own = db.ForUser(customer.Id);
        await own.Database.ExecuteSqlInterpolatedAsync($"UPDATE user_preferences SET theme = 'dark' WHERE user_id = {customer.Id}");
    }
}
