using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Spark.Core;
using Spark.Core.Accounts;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Hosting;
using Spark.Web.Services.Accounts;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record ProfileRequest([property: Required, StringLength(255)] string Name, string? Phone, DateOnly? DateOfBirth,
    string? AnnualIncome, IReadOnlyList<string>? InvestmentGoals);

public sealed record PasswordChangeRequest([property: Required] string CurrentPassword, [property: Required] string NewPassword);

public sealed record EmailChangeRequest([property: Required, EmailAddress] string NewEmail, [property: Required] string Password);

public sealed record KycRequest([property: Required] string Pan);

public sealed record KycDecisionRequest(bool Verify, string? Reason);

public sealed record RiskProfileRequest([property: Required] Dictionary<string, string> Answers);

/// <summary>The account's own settings through the API: the same services the Settings screens use.</summary>
public static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccountEndpoints(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Me");
        me.MapGet("/profile", async (HttpContext http, UserManager<SparkUser> users) =>
            await users.CurrentAsync(http.User) is { } user ? Results.Ok(ProfileService.Of(user)) : Problems.Unauthorized("Sign in again."));
        me.MapPut("/profile", UpdateProfileAsync);
        me.MapGet("/preferences", async (HttpContext http, PreferencesService preferences) =>
            TypedResults.Ok(await preferences.GetAsync(http.User.UserId()!.Value)));
        me.MapPut("/preferences", UpdatePreferencesAsync);
        me.MapPost("/password", ChangePasswordAsync);
        me.MapPost("/email", RequestEmailChangeAsync);
        me.MapPost("/email/confirmation", async (HttpContext http, UserManager<SparkUser> users, EmailAddresses emails) =>
        {
            if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
            await emails.SendConfirmationAsync(user);
            return (IResult)TypedResults.Accepted((string?)null);
        });
        me.MapGet("/kyc", async (HttpContext http, UserManager<SparkUser> users, KycService kyc) =>
            await users.CurrentAsync(http.User) is { } user ? Results.Ok(await kyc.StateOfAsync(user)) : Problems.Unauthorized("Sign in again."));
        me.MapPost("/kyc", SubmitKycAsync);
        me.MapGet("/risk-profile/questions", () => TypedResults.Ok(RiskQuestionnaire.Questions));
        me.MapPost("/risk-profile", AssessRiskAsync);
        me.MapGet("/security/activity", async (HttpContext http, SecuritySettings security) =>
            TypedResults.Ok(await security.RecentActivityAsync(http.User.UserId()!.Value, 50)));

        // Support reads the queue; KycService.DecideAsync refuses anyone but an admin (403, decision 0043).
        var admin = api.MapGroup("/admin/kyc").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice);
        admin.MapGet("", async (KycService kyc) => TypedResults.Ok(await kyc.PendingAsync()));
        admin.MapPost("/{userId:guid}", DecideKycAsync);
        return api;
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> UpdateProfileAsync(
        ProfileRequest request, HttpContext http, UserManager<SparkUser> users, ProfileService profiles, TimeProvider clock)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        var profile = new Profile(request.Name, user.Email!, user.EmailConfirmed, request.Phone, request.DateOfBirth, request.AnnualIncome,
            request.InvestmentGoals ?? []);
        if (ProfileService.Validate(profile, Spark.Core.Time.IndiaTime.Today(clock)) is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors);
        await profiles.SaveAsync(user, profile, ClientInfo.From(http));
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem>> UpdatePreferencesAsync(
        UserPreferences request, HttpContext http, PreferencesService preferences)
    {
        if (PreferencesService.Validate(request) is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors);
        await preferences.SaveAsync(http.User.UserId()!.Value, request, ClientInfo.From(http));
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        PasswordChangeRequest request, HttpContext http, UserManager<SparkUser> users, SecuritySettings security)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        var result = await security.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword, http.User.SessionId(), ClientInfo.From(http));
        if (result.Succeeded) return TypedResults.NoContent();
        return result.Errors.Any(e => e.Code == "PasswordMismatch")
            ? Problems.Invalid("currentPassword", "That is not your current password.")
            : Problems.Invalid(result.Errors);
    }

    private static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> RequestEmailChangeAsync(
        EmailChangeRequest request, HttpContext http, UserManager<SparkUser> users, EmailAddresses emails)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        return await emails.RequestChangeAsync(user, request.Password, request.NewEmail) switch
        {
            EmailChangeResult.LinkSent => TypedResults.Accepted((string?)null),
            EmailChangeResult.WrongPassword => Problems.Invalid("password", "That is not your password."),
            EmailChangeResult.Taken => Problems.Conflict("Another account uses this email."),
            _ => Problems.Invalid("newEmail", "This is already your email."),
        };
    }

    private static async Task<Results<Ok<KycState>, ProblemHttpResult>> SubmitKycAsync(
        KycRequest request, HttpContext http, UserManager<SparkUser> users, KycService kyc)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        await kyc.SubmitAsync(user, request.Pan, ClientInfo.From(http));
        return TypedResults.Ok(await kyc.StateOfAsync(user));
    }

    private static async Task<Results<Ok<RiskAssessment>, ProblemHttpResult>> AssessRiskAsync(
        RiskProfileRequest request, HttpContext http, UserManager<SparkUser> users, RiskProfileService riskProfiles)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        return TypedResults.Ok(await riskProfiles.AssessAsync(user, request.Answers, ClientInfo.From(http)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DecideKycAsync(
        Guid userId, KycDecisionRequest request, HttpContext http, KycService kyc)
    {
        try
        {
            await kyc.DecideAsync(http.User.UserId()!.Value, userId, request.Verify, request.Reason, ClientInfo.From(http));
            return TypedResults.NoContent();
        }
        catch (DomainException e) when (e.Message.StartsWith("There is no such", StringComparison.Ordinal))
        {
            return Problems.NotFound();
        }
    }
}
