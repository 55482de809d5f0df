using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Spark.Web.Hosting;

namespace Spark.Web.Endpoints;

/// <summary>
/// A request that meets a database outage (connection refused or cut, a timeout opening one, the server shutting
/// down) is answered 503 with Retry-After: the fault is ours and passes, so clients should retry, not report a bug.
/// Registered before <see cref="DomainExceptionHandler"/>; everything else falls through to it.
/// </summary>
public sealed class DatabaseOutageHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>Seconds a client should wait: about one backoff step of the app's own loops.</summary>
    public const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!BackgroundLoops.IsTransient(exception)) return false;
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext, Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable, Title = "Temporarily unavailable",
                Detail = "Spark cannot reach its database just now. Nothing was lost; retry in a few seconds (with the same Idempotency-Key for a write).",
            },
        });
    }
}

/// <summary>
/// The web app's answer to the same outage: a plain "temporarily unavailable" page with Retry-After instead of an
/// error page (or, in Development, a stack trace). Pages are rendered by the time they could fail, so this only
/// helps while nothing was written yet; a live circuit shows Blazor's own reconnect notice instead.
/// </summary>
public sealed class DatabaseOutagePage(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            await next(http);
        }
        catch (Exception e) when (BackgroundLoops.IsTransient(e) && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = DatabaseOutageHandler.RetryAfterSeconds;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Spark is temporarily unavailable</title>
                <meta http-equiv="refresh" content="10"></head>
                <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
                <h1>Spark is temporarily unavailable</h1>
                <p>We cannot reach our database for a moment. Your orders, cash and holdings are safe.</p>
                <p>This page will try again by itself in a few seconds.</p>
                </body></html>
                """);
        }
    }
}
