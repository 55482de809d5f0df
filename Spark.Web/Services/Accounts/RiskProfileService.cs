using Microsoft.AspNetCore.Identity;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Security;

namespace Spark.Web.Services.Accounts;

/// <summary>Scores the risk questionnaire and records the profile on the user (users.risk_profile).</summary>
public sealed class RiskProfileService(UserManager<SparkUser> users, AuditTrail audit)
{
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
