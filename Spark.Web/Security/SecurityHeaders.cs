using System.Security.Cryptography;

namespace Spark.Web.Security;

/// <summary>
/// Response headers for every page and API answer. The Content-Security-Policy allows what Blazor Server
/// and MudBlazor need and nothing else: scripts from this origin plus the page's one inline script (the
/// import map) by nonce; inline styles, because MudBlazor and ApexCharts set them; the circuit's web socket.
/// </summary>
public static class SecurityHeaders
{
    public const string NonceKey = "spark.csp-nonce";

    public static string? Nonce(HttpContext? http) => http?.Items[NonceKey] as string;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool isDevelopment) =>
        app.Use(async (http, next) =>
        {
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            http.Items[NonceKey] = nonce;
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                // The development-only API reference (Scalar) brings its own inline scripts.
                if (!(isDevelopment && http.Request.Path.StartsWithSegments("/scalar")))
                {
                    headers.ContentSecurityPolicy = string.Join("; ",
                        "default-src 'self'",
                        $"script-src 'self' 'nonce-{nonce}'",
                        "style-src 'self' 'unsafe-inline'",
                        "img-src 'self' data:",
                        "font-src 'self' data:",
                        "connect-src 'self'",
                        "object-src 'none'",
                        "base-uri 'self'",
                        "form-action 'self'",
                        "frame-ancestors 'none'");
                }
                return Task.CompletedTask;
            });
            await next();
        });
}
