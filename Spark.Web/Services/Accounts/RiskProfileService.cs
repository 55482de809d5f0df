using Microsoft.AspNetCore.Identity;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Security;

namespace Spark.Web.Services.Accounts;

/// <summary>Scores the risk questionnaire and records the profile on the user (users.risk_profile).</summary>
public sealed class RiskProfileService(UserManager<SparkUser> users, AuditTrail audit, Spark.Data.SparkDb db)
{
    /// <summary>
    /// The user's risk profile once they have answered the questionnaire, or null before: users.risk_profile defaults to
    /// moderate for every new account, which is not an assessment (issue #16). An answered questionnaire is an audited
    /// <see cref="AuditActions.RiskProfileAssessed"/> event of the user's own.
    /// </summary>
    public async Task<Spark.Core.Accounts.RiskProfile?> AssessedProfileAsync(SparkUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var context = db.ForUser(user.Id);
        var assessed = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
            context.AuditLogs, a => a.UserId == user.Id && a.Action == AuditActions.RiskProfileAssessed, cancellationToken);
        return assessed ? user.RiskProfile : null;
    }

    public async Task<RiskAssessment> AssessAsync(SparkUser user, IReadOnlyDictionary<string, string> answers, ClientInfo? client = null)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(user.Id, "answer the risk questionnaire");
        var assessment = RiskQuestionnaire.Assess(answers);
        user.RiskProfile = assessment.Profile;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
        await audit.RecordAsync(AuditActions.RiskProfileAssessed, user.Id, client,
            details: new { assessment.Score, assessment.MaxScore, profile = assessment.Profile.ToString().ToLowerInvariant() });
        return assessment;
    }
}
