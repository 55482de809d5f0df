using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Spark.Web.Shell;

namespace Spark.Web.Accounts;

/// <summary>
/// A Blazor circuit makes no HTTP requests while the user works in it, so its clicks and keystrokes are
/// what keep the session from idling out: inbound activity touches the session, at most once a minute.
/// </summary>
public sealed class SessionActivityCircuitHandler(AuthenticationStateProvider authentication, SessionService sessions, TimeProvider clock)
    : CircuitHandler
{
    private DateTimeOffset lastTouch = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            await next(context);
            var now = clock.GetUtcNow();
            if (now - lastTouch < TimeSpan.FromMinutes(1)) return;
            lastTouch = now;
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            if (user.UserId() is { } userId && user.SessionId() is { } sessionId)
            {
                await sessions.IsActiveAsync(userId, sessionId, touch: true);
            }
        };
}
