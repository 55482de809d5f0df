using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Services;
using Quartz;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Data.Seed;
using Spark.Web.Accounts;
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

        AddIdentity(services);

        services.AddDataProtection().SetApplicationName("Spark").PersistKeysToDbContext<SparkDbContext>();
        services.AddHealthChecks().AddNpgSql(connectionString, name: "database", tags: ["ready"]);
        services.AddProblemDetails();
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        services.AddScoped<PartitionMaintenanceJob>();
        if (options.Jobs.Enabled)
        {
            AddScheduler(services, connectionString);
        }
        return builder;
    }

    private static void AddIdentity(IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.Name = "spark.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
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
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<GuessablePasswordValidator>()
            .AddClaimsPrincipalFactory<SparkClaimsPrincipalFactory>();

        // PBKDF2-HMAC-SHA512 at OWASP's 210,000 iterations (Identity's default is 100,000); older hashes are
        // upgraded on the next successful sign-in (Identity reports SuccessRehashNeeded and rehashes).
        services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = PasswordHashing.Iterations;
        });
        services.AddSingleton<IEmailSender<SparkUser>, MailboxEmailSender>();
        services.AddScoped<UserAccounts>();
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
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health");
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        return app;
    }
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
