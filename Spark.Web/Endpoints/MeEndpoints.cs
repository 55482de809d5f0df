using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Spark.Core.Accounts;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record MeResponse(Guid Id, string Email, string Name, IReadOnlyList<string> Roles, KycStatus KycStatus,
    RiskProfile RiskProfile, bool TwoFactorEnabled);

public sealed record TwoFactorSetupResponse(string SharedKey, string AuthenticatorUri);

public sealed record CodeRequest([property: Required] string Code);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

public sealed record SessionResponse(Guid Id, SessionClient Client, DeviceType? DeviceType, string? Browser, string? Os,
    string? IpAddress, DateTimeOffset CreatedAt, DateTimeOffset LastActivity, bool Current);

public static class MeEndpoints
{
    public static RouteGroupBuilder MapMeEndpoints(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Me");
        me.MapGet("", GetAsync);
        me.MapPost("/2fa/setup", SetupTwoFactorAsync);
        me.MapPost("/2fa/enable", EnableTwoFactorAsync);
        me.MapPost("/2fa/disable", DisableTwoFactorAsync);
        me.MapGet("/sessions", ListSessionsAsync);
        me.MapDelete("/sessions/{id:guid}", RevokeSessionAsync).Owns("session");
        return api;
    }

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetAsync(HttpContext http, UserManager<SparkUser> users)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        return TypedResults.Ok(new MeResponse(user.Id, user.Email!, user.Name, [.. await users.GetRolesAsync(user)],
            user.KycStatus, user.RiskProfile, user.TwoFactorEnabled));
    }

    private static async Task<Results<Ok<TwoFactorSetupResponse>, ProblemHttpResult>> SetupTwoFactorAsync(
        HttpContext http, UserManager<SparkUser> users, TwoFactorCodes twoFactor)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        if (user.TwoFactorEnabled) return Problems.Conflict("Two-factor sign-in is already on. Turn it off first to move it to a new app.");
        var setup = await twoFactor.SetupAsync(user);
        return TypedResults.Ok(new TwoFactorSetupResponse(setup.SharedKey, setup.AuthenticatorUri));
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> EnableTwoFactorAsync(
        CodeRequest request, HttpContext http, UserManager<SparkUser> users, TwoFactorCodes twoFactor)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        if (user.TwoFactorEnabled) return Problems.Conflict("Two-factor sign-in is already on.");
        return await twoFactor.EnableAsync(user, request.Code) is { } codes
            ? TypedResults.Ok(new RecoveryCodesResponse(codes))
            : Problems.Rule("That code does not match. Check the time on your phone, and enter the newest 6-digit code.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DisableTwoFactorAsync(
        CodeRequest request, HttpContext http, UserManager<SparkUser> users, TwoFactorCodes twoFactor)
    {
        if (await users.CurrentAsync(http.User) is not { } user) return Problems.Unauthorized("Sign in again.");
        if (!user.TwoFactorEnabled) return TypedResults.NoContent();
        return await twoFactor.DisableAsync(user, request.Code)
            ? TypedResults.NoContent()
            : Problems.Rule("That code does not match.");
    }

    private static async Task<Ok<List<SessionResponse>>> ListSessionsAsync(HttpContext http, SessionService sessions, CancellationToken cancellationToken)
    {
        var current = http.User.SessionId();
        var list = await sessions.ListActiveAsync(http.User.UserId()!.Value, cancellationToken);
        return TypedResults.Ok(list.Select(s => new SessionResponse(s.Id, s.Client, s.DeviceType, s.Browser, s.Os,
            s.IpAddress?.ToString(), s.CreatedAt, s.LastActivity, s.Id == current)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessionAsync(
        Guid id, HttpContext http, SessionService sessions, CancellationToken cancellationToken) =>
        await sessions.RevokeAsync(http.User.UserId()!.Value, id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound();
}
