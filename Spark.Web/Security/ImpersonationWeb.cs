using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Spark.Core.Accounts;
using Spark.Core.Audit;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Services.Admin;
using Spark.Web.Shell;

namespace Spark.Web.Security;

/// <summary>
/// The claims a principal carries while staff view a customer's account (decision 0045). The principal's own id is the
/// customer's (so every page and endpoint shows the customer's data through the paths it always uses); the staff member
/// is named beside it, like RFC 8693's "act" (actor) claim, which bearer tokens issued under an impersonation also carry.
/// </summary>
public static class ImpersonationClaims
{
    public const string Id = "spark:imp";
    public const string Staff = "spark:imp_staff";
    public const string StaffName = "spark:imp_staff_name";
    public const string StaffRole = "spark:imp_staff_role";
    public const string Writes = "spark:imp_writes";
    public const string Reason = "spark:imp_reason";
    public const string Ticket = "spark:imp_ticket";
    public const string Expires = "spark:imp_expires";

    /// <summary>RFC 8693 §4.1: the acting party, as a JSON object with its own "sub".</summary>
    public const string Actor = "act";

    public static bool IsImpersonating(this ClaimsPrincipal principal) => principal.HasClaim(c => c.Type == Id);

    /// <summary>The impersonation this principal acts under, or null for a principal acting as itself.</summary>
    public static ImpersonatedScope? Impersonation(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(Id), out var id) && principal.UserId() is { } customer
            && Guid.TryParse(principal.FindFirstValue(Staff), out var staff)
            ? new ImpersonatedScope(id, customer, staff, principal.FindFirstValue(Writes) == "true")
            : null;

    /// <summary>The customer's principal with the staff member beside it, for the cookie's requests and the circuit.</summary>
    public static ClaimsPrincipal Principal(ActiveImpersonation active, Guid staffSessionId, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(active);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, active.CustomerId.ToString()),
            new Claim(ClaimTypes.Name, active.CustomerEmail),
            new Claim(ClaimTypes.Email, active.CustomerEmail),
            new Claim(SparkClaimsPrincipalFactory.NameClaim, active.CustomerName),
            // The staff member's own session: it is what the impersonation lives and ends with.
            new Claim(SparkSignInManager.SessionClaim, staffSessionId.ToString()),
            .. Claims(active),
        ], authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The impersonation's own claims (also written into bearer tokens).</summary>
    public static IEnumerable<Claim> Claims(ActiveImpersonation active)
    {
        ArgumentNullException.ThrowIfNull(active);
        yield return new Claim(Id, active.Id.ToString());
        yield return new Claim(Staff, active.StaffUserId.ToString());
        yield return new Claim(StaffName, active.StaffName);
        yield return new Claim(StaffRole, active.StaffRole);
        yield return new Claim(Writes, active.WritesAllowed ? "true" : "false");
        yield return new Claim(Reason, active.Reason);
        if (active.Ticket is { } ticket) yield return new Claim(Ticket, ticket);
        yield return new Claim(Expires, active.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Turns a staff member's cookie principal into the customer's while an impersonation is open on that staff session.
/// Runs after the cookie's own checks (the staff session is active and its security stamp current), on every request of
/// a staff member: one indexed read. Investors' requests and bearer tokens are untouched.
/// </summary>
public sealed class ImpersonationClaimsTransformation(IServiceProvider services) : IClaimsTransformation
{
    private const string Done = "spark:impersonation-transformed";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.Identity is not { IsAuthenticated: true, AuthenticationType: var type } || type != IdentityConstants.ApplicationScheme
            || principal.IsImpersonating() || !(principal.IsInRole(Roles.Admin) || principal.IsInRole(Roles.Support))
            || principal.UserId() is not { } staffId || principal.SessionId() is not { } sessionId)
        {
            return principal;
        }
        var http = services.GetService<IHttpContextAccessor>()?.HttpContext;
        // Authentication runs more than once in a request (the hubs' two schemes): ask the database once.
        if (http?.Items[Done] is ClaimsPrincipal cached) return cached;
        var active = await services.GetRequiredService<ImpersonationService>().ActiveForSessionAsync(staffId, sessionId, http?.RequestAborted ?? default);
        var result = active is null ? principal : ImpersonationClaims.Principal(active, sessionId, type);
        if (http is not null) http.Items[Done] = result;
        return result;
    }
}

/// <summary>Endpoint metadata: a write staff may make for a customer who gave them a consent code (orders, fixing transactions).</summary>
public sealed class AllowedWithConsentAttribute : Attribute;

/// <summary>Endpoint metadata: a POST that reads (a preview), open to a read-only impersonation.</summary>
public sealed class ReadOnlyOperationAttribute : Attribute;

public static class ImpersonationEndpointExtensions
{
    public static TBuilder AllowedWithConsent<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedWithConsentAttribute());

    public static TBuilder ReadOnlyOperation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ReadOnlyOperationAttribute());
}

/// <summary>
/// The server-side rules of an impersonated request: sets the ambient <see cref="Impersonation"/> (services and SparkDb read
/// it), refuses what staff may never reach in a customer's account, refuses writes without consent (403 with the reason),
/// and audits every API call made under an impersonation with both identities.
/// </summary>
public sealed class ImpersonationMiddleware(RequestDelegate next)
{
    /// <summary>Never reachable while impersonating, in any method: password, email, 2FA, sessions, KYC, connections (and their secrets), sign-in.</summary>
    public static readonly string[] NeverPaths =
    [
        "/api/v1/me/password", "/api/v1/me/email", "/api/v1/me/2fa", "/api/v1/me/sessions", "/api/v1/me/kyc", "/api/v1/me/security",
        "/api/v1/me/profile", "/api/v1/auth", "/api/v1/connections", "/connections/callback",
    ];

    public async Task InvokeAsync(HttpContext http, AuditTrail audit)
    {
        var principal = http.User;
        if (principal.Impersonation() is not { } scope)
        {
            await next(http);
            return;
        }
        Impersonation.Current = scope;
        var path = http.Request.Path;
        var endpoint = http.GetEndpoint();
        string? refusal = null;
        if (NeverPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            refusal = "This part of a customer's account is never open to staff: password, email, two-factor sign-in, sessions, KYC documents and connections.";
        }
        else if (IsWrite(http.Request.Method) && endpoint?.Metadata.GetMetadata<ReadOnlyOperationAttribute>() is null
            && path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            if (endpoint?.Metadata.GetMetadata<AllowedWithConsentAttribute>() is null)
            {
                refusal = "Staff viewing a customer's account may not change this, even with the customer's consent: the customer does it themselves.";
            }
            else if (!scope.WritesAllowed)
            {
                refusal = "You are viewing this account read-only. Placing or cancelling an order or fixing a transaction for the customer needs the one-time consent code they create in Settings → Security.";
            }
        }
        var isApi = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        if (refusal is not null)
        {
            await audit.RecordAsync(ImpersonationAuditActions.Refused, scope.CustomerId, ClientInfo.From(http), AuditStatus.Failed,
                details: new { by = scope.StaffUserId, impersonation = scope.ImpersonationId, method = http.Request.Method, path = path.Value },
                error: refusal, cancellationToken: http.RequestAborted, actorId: scope.StaffUserId);
            if (isApi)
            {
                await Endpoints.Problems.Forbidden(refusal).ExecuteAsync(http);
            }
            else
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
            }
            return;
        }
        await next(http);
        if (isApi)
        {
            // Every API call under an impersonation, read or write, is on the customer's trail with the staff member.
            await audit.RecordAsync(ImpersonationAuditActions.Request, scope.CustomerId, ClientInfo.From(http),
                http.Response.StatusCode < 400 ? AuditStatus.Success : AuditStatus.Failed,
                details: new { by = scope.StaffUserId, impersonation = scope.ImpersonationId, method = http.Request.Method, path = path.Value, status = http.Response.StatusCode },
                cancellationToken: CancellationToken.None, actorId: scope.StaffUserId);
        }
    }

    private static bool IsWrite(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
}

/// <summary>
/// A circuit makes no HTTP requests: each of its events (clicks, navigations, JS calls) runs with the ambient
/// impersonation of the circuit's principal, so the services' checks and SparkDb's read-only connections apply there too.
/// </summary>
public sealed class ImpersonationCircuitHandler(AuthenticationStateProvider authentication) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            Impersonation.Current = user.Impersonation();
            await next(context);
        };
}

/// <summary>
/// The impersonation a circuit showed (set by the banner), so that when the circuit's principal is dropped because the
/// impersonation ended, the page goes back to the staff member's view of the account rather than to a sign-in form.
/// </summary>
public sealed class CircuitImpersonation
{
    public ImpersonatedScope? Last { get; set; }
}

/// <summary>Spark's hub methods called under an impersonation: the hubs have no writes today; any method that is not a subscription is refused.</summary>
public sealed class ImpersonationHubFilter : IHubFilter
{
    private static readonly HashSet<string> Reads = new(StringComparer.Ordinal) { "Subscribe", "Unsubscribe" };

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        // Spark's own hubs only: Blazor's circuit hub carries the circuit, whose events the circuit handler covers.
        if (invocationContext.Hub is Hubs.MarketHub or Hubs.NotificationHub && invocationContext.Context.User?.Impersonation() is { } scope)
        {
            if (!Reads.Contains(invocationContext.HubMethodName))
            {
                throw new HubException("Staff viewing a customer's account cannot do this.");
            }
            Impersonation.Current = scope;
        }
        return await next(invocationContext);
    }
}
