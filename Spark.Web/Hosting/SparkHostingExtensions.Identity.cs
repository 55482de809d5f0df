using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Components.Account;
using Spark.Web.Security;
using Spark.Web.Shell;

namespace Spark.Web.Hosting;

/// <summary>Accounts: Identity with Spark's store, sign-in manager and token provider; cookies tied to sessions.</summary>
public static partial class SparkHostingExtensions
{
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
        services.AddScoped<Services.Admin.AdminUserService>();
        services.AddScoped<Services.Admin.AuditLogService>();
        services.AddScoped<Services.Admin.AdminSecurityService>();
        services.AddScoped<Services.Admin.CorporateActionService>();
        services.AddScoped<Services.Admin.GrandfatheredValueService>();
        services.AddScoped<Services.Admin.AdminOverviewService>();
        services.AddScoped<Services.Admin.ImpersonationService>();
        services.AddScoped<IClaimsTransformation, ImpersonationClaimsTransformation>();
        services.AddScoped<CircuitHandler, ImpersonationCircuitHandler>();
        services.AddScoped<CircuitImpersonation>();
        services.AddSingleton<Services.Admin.StaffAccess>();
        services.AddScoped<Services.Admin.AdminJobService>();
        services.AddScoped<Services.Admin.AdminSyncHealthService>();
        services.AddScoped<Services.Admin.AdminPlanService>();
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
                // Every request checks its session row, except for the build's static assets, which show nothing of the user.
                // Decided by the matched endpoint (routing runs first): a page such as /market/ITC.NS looks like a file.
                if (!IsStaticAsset(context.HttpContext) && !await SessionIsActiveAsync(context.HttpContext, context.Principal, touch: true))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await securityStamp(context);
            };
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            // Hub clients are programs, not pages: a redirect to a sign-in form means nothing to them.
            var redirectToLogin = o.Events.OnRedirectToLogin;
            o.Events.OnRedirectToLogin = context =>
            {
                if (!context.Request.Path.StartsWithSegments("/hubs")) return redirectToLogin(context);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
            o.Cookie.Name = "spark.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.HttpOnly = true;
            // Production runs behind TLS (HSTS is on): its cookies never travel in clear.
            o.Cookie.SecurePolicy = environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
        });
        services.Configure<SecurityStampValidatorOptions>(o => o.OnRefreshingPrincipal = KeepSession);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin).AddRequirements(new StaffTwoFactorRequirement()))
            .AddPolicy(Policies.BackOffice, p => p.RequireRole(Roles.Admin, Roles.Support).AddRequirements(new StaffTwoFactorRequirement()))
            // Pages staff never reach in a customer's account (password, email, 2FA, sessions, KYC, connections): decision 0045.
            .AddPolicy(Policies.NotImpersonating, p => p.RequireAuthenticatedUser().RequireAssertion(c => !c.User.IsImpersonating()));
        services.AddScoped<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, StaffTwoFactorHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, StaffTwoFactorResultHandler>();

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
            .AddUserManager<SparkUserManager>()
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

    private static bool IsStaticAsset(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null;

    /// <summary>
    /// Identity's periodic security-stamp check rebuilds the principal from the user row, which knows nothing of the
    /// session the cookie belongs to: without this, the re-issued cookie lost "sid" and the next request signed out.
    /// </summary>
    internal static Task KeepSession(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal is not { } current || context.NewPrincipal?.Identity is not System.Security.Claims.ClaimsIdentity identity)
        {
            return Task.CompletedTask;
        }
        // "amr" says how the user signed in (password, or with a second factor); Identity drops it here too.
        foreach (var type in new[] { SparkSignInManager.SessionClaim, "amr" })
        {
            if (identity.HasClaim(c => c.Type == type)) continue;
            foreach (var claim in current.FindAll(type)) identity.AddClaim(new System.Security.Claims.Claim(type, claim.Value));
        }
        return Task.CompletedTask;
    }

    internal static async Task<bool> SessionIsActiveAsync(HttpContext http, System.Security.Claims.ClaimsPrincipal? principal, bool touch) =>
        principal?.UserId() is { } userId && principal.SessionId() is { } sessionId
        && await http.RequestServices.GetRequiredService<SessionService>().IsActiveAsync(userId, sessionId, touch, http.RequestAborted);
}
