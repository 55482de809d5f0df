using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Spark.Web.Accounts;
using Spark.Web.Api;
using Spark.Web.Endpoints;
using Spark.Web.Security;
using Spark.Web.Shell;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    /// <summary>/api/v1: bearer tokens tied to sessions, problem details, OpenAPI, rate limits, snake_case enum words.</summary>
    private static void AddApi(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JwtOptions>(configuration.GetSection(JwtOptions.Section));
        services.Configure<EncryptionOptions>(configuration.GetSection(EncryptionOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddSingleton<JwtSigningKey>();
        services.AddSingleton<AccessTokens>();
        services.AddScoped<ApiSignIn>();
        services.AddAuthentication().AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<AccessTokens>((o, tokens) =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = tokens.ValidationParameters();
            o.Events = new JwtBearerEvents
            {
                // A token works only while its session does: revoking a session stops its tokens at once.
                OnTokenValidated = async context =>
                {
                    // A token issued under an impersonation lives with it (and so with the staff member's session): decision 0045.
                    if (context.Principal?.Impersonation() is { } impersonation)
                    {
                        var active = await context.HttpContext.RequestServices.GetRequiredService<Services.Admin.ImpersonationService>()
                            .ActiveAsync(impersonation.ImpersonationId, touch: true, context.HttpContext.RequestAborted);
                        if (active is null || active.CustomerId != impersonation.CustomerId || active.StaffUserId != impersonation.StaffUserId)
                        {
                            context.Fail("This impersonation has ended.");
                        }
                        return;
                    }
                    // In an API request the session check opens the request's shared connection (SessionService, RequestConnection).
                    if (!await SessionIsActiveAsync(context.HttpContext, context.Principal, touch: true)) context.Fail("This session has ended.");
                },
                // Browsers' SignalR clients cannot set headers: hubs take the token from the query string.
                OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is { Count: > 0 } token)
                    {
                        context.Token = token;
                    }
                    return Task.CompletedTask;
                },
            };
        });
        // Field errors are keyed as the JSON spells the field (camelCase), whichever check found them: the built-in validation
        // names record properties as C# does.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 } validation)
            {
                foreach (var key in validation.Errors.Keys.Where(k => k.Length > 0 && char.IsUpper(k[0])).ToList())
                {
                    var field = JsonNamingPolicy.CamelCase.ConvertName(key);
                    validation.Errors[field] = validation.Errors.TryGetValue(field, out var more) ? [.. more, .. validation.Errors[key]] : validation.Errors[key];
                    validation.Errors.Remove(key);
                }
            }
        });
        services.AddExceptionHandler<DatabaseOutageHandler>();
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.AddScoped<Api.IdempotencyTicket>();
        services.ConfigureHttpJsonOptions(o =>
        {
            // Words only: a number would bind to any value of the enum's type, defined or not (issue #12: "type": 99).
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
            Api.Input.InputConverters.AddTo(o.SerializerOptions);
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.AddValidation();
        // An unreadable body reaches DomainExceptionHandler in every environment, which names the field (the default outside
        // Development is a bare 400).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi();
        services.AddSparkRateLimits(configuration.GetValue("Spark:RateLimits:Enabled", true));
    }
}
