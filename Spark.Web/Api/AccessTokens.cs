using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spark.Web.Accounts;

namespace Spark.Web.Api;

public sealed record IssuedAccessToken(string Token, string Id, DateTimeOffset ExpiresAt);

/// <summary>Short-lived JWT access tokens (15 minutes by default), each naming the session it belongs to.</summary>
public sealed class AccessTokens(JwtSigningKey signingKey, IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler handler = new();

    public IssuedAccessToken Issue(Guid userId, string email, string name, IEnumerable<string> roles, Guid sessionId) =>
        Create(userId, [
            new(JwtRegisteredClaimNames.Email, email),
            new(SparkClaimsPrincipalFactory.NameClaim, name),
            new(SparkSignInManager.SessionClaim, sessionId.ToString()),
            .. roles.Select(r => new Claim("role", r)),
        ], notAfter: null);

    /// <summary>
    /// A token for the customer's account with the staff member beside them (RFC 8693 §4.1 "act": the acting party), tied
    /// to the staff member's session and ending no later than the impersonation. No roles: it acts as an investor.
    /// </summary>
    public IssuedAccessToken IssueImpersonation(Services.Admin.ActiveImpersonation active, Guid staffSessionId)
    {
        ArgumentNullException.ThrowIfNull(active);
        return Create(active.CustomerId, [
            new(JwtRegisteredClaimNames.Email, active.CustomerEmail),
            new(SparkClaimsPrincipalFactory.NameClaim, active.CustomerName),
            new(SparkSignInManager.SessionClaim, staffSessionId.ToString()),
            new(Security.ImpersonationClaims.Actor, System.Text.Json.JsonSerializer.Serialize(new { sub = active.StaffUserId.ToString() }), JsonClaimValueTypes.Json),
            .. Security.ImpersonationClaims.Claims(active),
        ], notAfter: active.ExpiresAt);
    }

    /// <summary>Signs a token for <paramref name="subject"/> lasting the configured minutes, or until <paramref name="notAfter"/> if sooner.</summary>
    private IssuedAccessToken Create(Guid subject, IEnumerable<Claim> claims, DateTimeOffset? notAfter)
    {
        var now = clock.GetUtcNow();
        var expires = now.AddMinutes(options.Value.AccessTokenMinutes);
        if (notAfter is { } end && end < expires) expires = end;
        var id = Guid.NewGuid().ToString("N");
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            Subject = new ClaimsIdentity([new(JwtRegisteredClaimNames.Sub, subject.ToString()), new(JwtRegisteredClaimNames.Jti, id), .. claims]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedAccessToken(token, id, expires);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = options.Value.Issuer,
        ValidAudience = options.Value.Audience,
        IssuerSigningKey = signingKey.Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        // Expiry is judged by the clock that stamped the token (the library would read the wall clock).
        LifetimeValidator = (notBefore, expires, _, parameters) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return expires is { } end && now < end + parameters.ClockSkew
                && (notBefore is not { } start || now >= start - parameters.ClockSkew);
        },
        NameClaimType = SparkClaimsPrincipalFactory.NameClaim,
        RoleClaimType = "role",
    };
}
