using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Services;
using Quartz;
using Scalar.AspNetCore;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Data.Seed;
using Spark.Web.Accounts;
using Spark.Web.Api;
using Spark.Web.Endpoints;
using Spark.Web.Security;
using Spark.Web.Components;
using Spark.Web.Components.Account;
using Spark.Web.Jobs;
using Spark.Web.Shell;

namespace Spark.Web.Hosting;

public static class SparkHostingExtensions
{
    /// <summary>Everything the app registers, in one place; tests replace only what they must.</summary>
    public static WebApplicationBuilder AddSpark(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        ProductionGuard.EnsureSafe(configuration, builder.Environment);

        services.Configure<SparkOptions>(configuration.GetSection(SparkOptions.Section));
        var options = configuration.GetSection(SparkOptions.Section).Get<SparkOptions>() ?? new SparkOptions();
        var connectionString = configuration.GetConnectionString("Spark")
            ?? throw new InvalidOperationException("ConnectionStrings:Spark is not set (see README, Configuration).");

        services.AddSingleton(TimeProvider.System);
        services.AddDbContextFactory<SparkDbContext>(o => o.UseSpark(connectionString));
        services.AddSingleton<SparkDb>();
        services.AddScoped<ReferenceDataSeeder>();
        services.AddScoped<DemoDataSeeder>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(mud =>
        {
            mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            mud.SnackbarConfiguration.PreventDuplicates = true;
        });
        services.AddScoped<ThemeState>();
        services.AddScoped<Services.Dashboard.HoldingsSummaryService>();

        AddIdentity(services, builder.Environment);

        AddApi(services, configuration);

        services.AddDataProtection().SetApplicationName("Spark").PersistKeysToDbContext<SparkDbContext>();
        services.AddHealthChecks().AddNpgSql(connectionString, name: "database", tags: ["ready"]);
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        services.AddScoped<PartitionMaintenanceJob>();
        if (options.Jobs.Enabled)
        {
            AddScheduler(services, connectionString);
        }
        return builder;
    }

    private static void AddIdentity(IServiceCollection services, IHostEnvironment environment)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CircuitHandler, SessionActivityCircuitHandler>();
        services.AddScoped<SessionService>();
        services.AddScoped<TwoFactorCodes>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<SignInAlerts>();
        services.AddScoped<EmailAddresses>();
        services.AddScoped<Services.Accounts.PreferencesService>();
        services.AddScoped<Services.Accounts.ProfileService>();
        services.AddScoped<Services.Accounts.SecuritySettings>();
        services.AddScoped<Services.Accounts.KycService>();
        services.AddScoped<Services.Accounts.RiskProfileService>();
        services.AddHttpContextAccessor();
        services.AddSingleton(EncryptionKeys.CreateProtector);
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            var securityStamp = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                // Every page and API-free request checks its session row; static files (with an extension) need not.
                if (!Path.HasExtension(context.Request.Path.Value) && !await SessionIsActiveAsync(context.HttpContext, context.Principal, touch: true))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await securityStamp(context);
            };
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.Name = "spark.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.HttpOnly = true;
            // Production runs behind TLS (HSTS is on): its cookies never travel in clear.
            o.Cookie.SecurePolicy = environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.BackOffice, p => p.RequireRole(Roles.Admin, Roles.Support));

        services.AddIdentityCore<SparkUser>(o =>
            {
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version2;
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
                // OWASP: length over composition; guessable passwords are refused by GuessablePasswordValidator.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<SparkRole>()
            .AddEntityFrameworkStores<SparkDbContext>()
            .AddUserStore<SparkUserStore>()
            .AddSignInManager<SparkSignInManager>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<ReplayProofAuthenticatorProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddPasswordValidator<GuessablePasswordValidator>()
            .AddClaimsPrincipalFactory<SparkClaimsPrincipalFactory>();

        // PBKDF2-HMAC-SHA512 at OWASP's 210,000 iterations (Identity's default is 100,000); older hashes are
        // upgraded on the next successful sign-in (Identity reports SuccessRehashNeeded and rehashes).
        services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = PasswordHashing.Iterations;
        });
        services.AddSingleton<MailboxTransport>();
        services.AddSingleton<IMailTransport>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmtpOptions>>().Value.Host)
            ? sp.GetRequiredService<MailboxTransport>()
            : ActivatorUtilities.CreateInstance<SmtpTransport>(sp));
        services.AddSingleton<IEmailSender<SparkUser>, AccountEmailSender>();
        services.AddScoped<UserAccounts>();
    }

    internal static async Task<bool> SessionIsActiveAsync(HttpContext http, System.Security.Claims.ClaimsPrincipal? principal, bool touch) =>
        principal?.UserId() is { } userId && principal.SessionId() is { } sessionId
        && await http.RequestServices.GetRequiredService<SessionService>().IsActiveAsync(userId, sessionId, touch, http.RequestAborted);

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
        services.AddProblemDetails();
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.AddValidation();
        services.AddOpenApi();
        services.AddSparkRateLimits(configuration.GetValue("Spark:RateLimits:Enabled", true));
    }

    private static void AddScheduler(IServiceCollection services, string connectionString)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "Spark";
                o.GenerateInstanceId = true;
            });
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering();
            });
            q.AddJob<PartitionMaintenanceJob>(j => j.WithIdentity(PartitionMaintenanceJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(PartitionMaintenanceJob.Key).WithIdentity("partition-maintenance-start").StartNow());
            q.AddTrigger(t => t.ForJob(PartitionMaintenanceJob.Key).WithIdentity("partition-maintenance-daily")
                .WithCronSchedule("0 30 0 * * ?", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    public static WebApplication UseSpark(this WebApplication app)
    {
        // Order matters, and is spelled out rather than left to the host's implicit defaults.
        app.UseForwardedHeaders();
        app.UseSecurityHeaders(app.Environment.IsDevelopment());
        // The API answers every error as problem details; the web app with its own pages.
        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(http => !IsApi(http), web =>
        {
            if (!app.Environment.IsDevelopment()) web.UseExceptionHandler("/Error", createScopeForErrors: true);
            web.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        });
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health");
        app.MapOpenApi();
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference();
        app.MapSparkApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        return app;
    }

    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api");
}

public static class Policies
{
    public const string Admin = "Admin";
    public const string BackOffice = "BackOffice";
}

public static class PasswordHashing
{
    /// <summary>OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA512 with at least 210,000 iterations.</summary>
    public const int Iterations = 210_000;
}
