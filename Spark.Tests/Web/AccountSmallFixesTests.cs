using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Accounts;
using Spark.Tests.Infrastructure;
using Spark.Web.Security;
using Spark.Web.Services.Accounts;

namespace Spark.Tests.Web;

/// <summary>Settings → Security and Settings → Risk profile read what they say (issue #16).</summary>
public sealed class AccountSmallFixesTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task Security_activity_lists_security_events_only_not_row_changes_from_background_repricing()
    {
        var user = await TestData.UserAsync(fixture.Database, "Rhea Kulkarni");
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
            await audit.RecordAsync(AuditActions.SignIn, user.Id);
            await audit.RecordAsync(AuditActions.PreferencesChanged, user.Id);
            await audit.RecordAsync(AuditActions.PasswordChanged, user.Id);
        }
        // What the audit trigger writes when the repricing job updates the user's investments ("UPDATE –" rows).
        for (var i = 0; i < 25; i++)
        {
            await fixture.Database.OwnerExecuteAsync(
                "INSERT INTO audit_logs (user_id, action, entity_type) VALUES ($1, 'UPDATE', 'investments')",
                user.Id);
        }

        IReadOnlyList<SecurityEvent> events;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            events = await scope.ServiceProvider.GetRequiredService<SecuritySettings>().RecentActivityAsync(user.Id);
        }

        Assert.Equal([AuditActions.PasswordChanged, AuditActions.SignIn], events.Select(e => e.Action).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task A_new_users_risk_profile_is_not_assessed_until_they_answer_the_questionnaire()
    {
        var user = await TestData.UserAsync(fixture.Database, "Neel Bhatt");
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var riskProfiles = scope.ServiceProvider.GetRequiredService<RiskProfileService>();

        Assert.Equal(RiskProfile.Moderate, user.RiskProfile); // the column's default, which is not an answer
        Assert.Null(await riskProfiles.AssessedProfileAsync(user));

        var answers = RiskQuestionnaire.Questions.ToDictionary(q => q.Id, q => q.Options[0].Id);
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Spark.Data.Identity.SparkUser>>();
        var tracked = (await users.FindByIdAsync(user.Id.ToString()))!;
        var assessment = await riskProfiles.AssessAsync(tracked, answers);

        Assert.Equal(assessment.Profile, await riskProfiles.AssessedProfileAsync(tracked));
    }
}
