using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Shell;
using Spark.Web.Api;

namespace Spark.Web.Endpoints;

public sealed record RegisterRequest(
    [property: Required, EmailAddress, StringLength(255)] string Email,
    [property: Required, StringLength(128, MinimumLength = 12)] string Password,
    [property: Required, StringLength(255)] string Name);

public sealed record RegisteredUser(Guid Id, string Email, string Name);

public sealed record LoginRequest([property: Required] string Email, [property: Required] string Password, string? Code);

public sealed record RefreshRequest([property: Required] string RefreshToken);

public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Authentication");
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimits.Authentication).AllowAnonymous();
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimits.Authentication).AllowAnonymous();
        auth.MapPost("/refresh", RefreshAsync).RequireRateLimiting(RateLimits.Authentication).AllowAnonymous();
        auth.MapPost("/logout", LogoutAsync);
        return api;
    }

    private static async Task<Results<Created<RegisteredUser>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, UserAccounts accounts, EmailAddresses emails)
    {
        var email = request.Email.Trim();
        var user = new SparkUser { Name = request.Name.Trim(), Email = email, UserName = email };
        var result = await accounts.CreateAsync(user, request.Password, Roles.Investor);
        if (result.Succeeded)
        {
            await emails.SendConfirmationAsync(user);
            return TypedResults.Created($"/api/v1/me", new RegisteredUser(user.Id, email, user.Name));
        }
        return result.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName")
            ? Problems.Conflict("An account with this email already exists. Sign in, or reset your password.")
            : Problems.Invalid(result.Errors);
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, ApiSignIn signIn, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await signIn.LoginAsync(request.Email.Trim(), request.Password, request.Code, ClientInfo.From(http), cancellationToken);
        return result switch
        {
            { Tokens: { } tokens } => TypedResults.Ok(tokens),
            { Failure: SignInFailure.TwoFactorRequired } => Problems.Unauthorized(
                "Enter the 6-digit code from your authenticator app, or a recovery code.", new Dictionary<string, object?> { ["twoFactorRequired"] = true }),
            { Failure: SignInFailure.InvalidCode } => Problems.Unauthorized(
                "That code is not valid. Codes work once; wait for the next one.", new Dictionary<string, object?> { ["twoFactorRequired"] = true }),
            // Said only once the password matched, so it never tells whether an email has an account.
            { Failure: SignInFailure.Suspended } => Problems.Forbidden(SparkSignInManager.SuspendedMessage),
            // Locked or wrong: one message, which never says whether the email has an account.
            _ => Problems.Unauthorized("The email and password do not match an account, or there were too many attempts; wait 15 minutes and try again."),
        };
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, ApiSignIn signIn, CancellationToken cancellationToken) =>
        await signIn.RefreshAsync(request.RefreshToken, cancellationToken) is { } tokens
            ? TypedResults.Ok(tokens)
            : Problems.Unauthorized("This refresh token is not valid any more. Sign in again.");

    private static async Task<NoContent> LogoutAsync(HttpContext http, SessionService sessions, CancellationToken cancellationToken)
    {
        if (http.User.UserId() is { } userId && http.User.SessionId() is { } sessionId)
        {
            await sessions.RevokeAsync(userId, sessionId, cancellationToken);
        }
        return TypedResults.NoContent();
    }
}
