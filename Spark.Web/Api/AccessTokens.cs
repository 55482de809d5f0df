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

    public IssuedAccessToken Issue(Guid userId, string email, string name, IEnumerable<string> roles, Guid sessionId)
    {
        var now = clock.GetUtcNow();
        var expires = now.AddMinutes(options.Value.AccessTokenMinutes);
        var id = Guid.NewGuid().ToString("N");
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, userId.ToString()),
            new(JwtRegisteredClaimNames.Jti, id),
            new(JwtRegisteredClaimNames.Email, email),
            new(SparkClaimsPrincipalFactory.NameClaim, name),
            new(SparkSignInManager.SessionClaim, sessionId.ToString()),
        };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedAccessToken(token, id, expires);
    }

    /// <summary>
    /// A token for the customer's account with the staff member beside them (RFC 8693 §4.1 "act": the acting party), tied
    /// to the staff member's session and ending no later than the impersonation. No roles: it acts as an investor.
    /// </summary>
    public IssuedAccessToken IssueImpersonation(Services.Admin.ActiveImpersonation active, Guid staffSessionId)
    {
        ArgumentNullException.ThrowIfNull(active);
        var now = clock.GetUtcNow();
        var expires = now.AddMinutes(options.Value.AccessTokenMinutes);
        if (active.ExpiresAt < expires) expires = active.ExpiresAt;
        var id = Guid.NewGuid().ToString("N");
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, active.CustomerId.ToString()),
            new(JwtRegisteredClaimNames.Jti, id),
            new(JwtRegisteredClaimNames.Email, active.CustomerEmail),
            new(SparkClaimsPrincipalFactory.NameClaim, active.CustomerName),
            new(SparkSignInManager.SessionClaim, staffSessionId.ToString()),
            new(Security.ImpersonationClaims.Actor, System.Text.Json.JsonSerializer.Serialize(new { sub = active.StaffUserId.ToString() }), JsonClaimValueTypes.Json),
        };
        claims.AddRange(Security.ImpersonationClaims.Claims(active));
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            Subject = new ClaimsIdentity(claims),
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
