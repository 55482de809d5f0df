using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Services;
using Scalar.AspNetCore;
using Spark.Data;
using Spark.Data.Seed;
using Spark.Web.Components;
using Spark.Web.Components.Account;
using Spark.Web.Endpoints;
using Spark.Web.Jobs;
using Spark.Web.Security;
using Spark.Web.Shell;

using Spark.Web.Api.Input;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    /// <summary>Everything the app registers, in one place; tests replace only what they must.</summary>
    public static WebApplicationBuilder AddSpark(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        ProductionGuard.EnsureSafe(configuration, builder.Environment);

        services.Configure<SparkOptions>(configuration.GetSection(SparkOptions.Section));
        var options = configuration.GetSection(SparkOptions.Section).Get<SparkOptions>() ?? new SparkOptions();
        var connectionString = SparkDatabase.WithRuntimeDefaults(configuration.GetConnectionString("Spark")
            ?? throw new InvalidOperationException("ConnectionStrings:Spark is not set (see README, Configuration)."));

        services.AddSingleton(TimeProvider.System);
        services.AddDbContextFactory<SparkDbContext>((sp, o) =>
        {
            o.UseSpark(connectionString);
            // Read-your-writes with a replica (decision 0057): a user's writes route their next reads to the primary.
            if (HasReplica(configuration)) o.AddInterceptors(sp.GetRequiredService<Services.Cluster.WriteTrackingInterceptor>());
        });
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
        AddMarketAndPortfolio(services, options, configuration);
        AddGoals(services, configuration);
        AddStrategies(services, configuration);
        AddAnalysis(services, configuration);
        AddAutoInvest(services, configuration);
        AddConnections(services, configuration);

        AddIdentity(services, builder.Environment);

        AddApi(services, configuration);
        AddTelemetry(services, configuration);

        services.AddDataProtection().SetApplicationName("Spark").PersistKeysToDbContext<SparkDbContext>();
        services.AddSingleton<Security.KeyRingProtector>();
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<Security.KeyRingProtector>((o, keys) => o.XmlEncryptor = new Security.KeyRingEncryptor(keys));
        services.AddSingleton<BackgroundLoops>();
        var health = services.AddHealthChecks()
            .AddNpgSql(connectionString, name: SparkHealth.Database, tags: [SparkHealth.Ready], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<BackgroundLoopsHealthCheck>("background-loops", tags: [SparkHealth.Ready]);
        if (options.Jobs.Enabled) health.AddCheck<SchedulerHealthCheck>("scheduler", tags: [SparkHealth.Ready]);
        AddCluster(services, configuration, health);
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        services.AddScoped<PartitionMaintenanceJob>();
        services.AddScoped<PortfolioValuationJob>();
        services.AddScoped<IdempotencyCleanupJob>();
        services.AddScoped<DayCloseJob>();
        services.AddScoped<JobRunRetentionJob>();
        AddRetention(services);
        services.AddSingleton<JobRunRecorder>();
        if (options.Jobs.Enabled)
        {
            AddScheduler(services, connectionString);
        }
        return builder;
    }

    public static WebApplication UseSpark(this WebApplication app)
    {
        // Order matters, and is spelled out rather than left to the host's implicit defaults.
        app.UseForwardedHeaders();
        UseInstanceHeader(app);
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
            web.UseMiddleware<DatabaseOutagePage>();
        });
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseRouting();
        app.UseInputGuard();
        // Each API request shares one connection among its contexts (opened once its bearer token names the user); not
        // an upload (imports' multipart forms), which would hold a pooled connection while the client sends the file.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api") && !http.Request.HasFormContentType, api => api.Use(async (http, next) =>
        {
            await using var shared = Spark.Data.RequestConnection.Begin();
            await next(http);
        }));
        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization: the principal is known (the cookie's, transformed, or the bearer token's).
        app.UseMiddleware<ImpersonationMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<Api.IdempotencyMiddleware>();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapSparkHealthChecks();
        MapSparkMetrics(app);
        app.MapOpenApi();
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference();
        app.MapSparkApi();
        app.MapHub<Hubs.MarketHub>(Hubs.MarketHub.Path);
        app.MapHub<Hubs.NotificationHub>(Hubs.NotificationHub.Path);
        app.MapWebDownloads();
        app.MapAdminAuditDownload();
        app.MapConnectionCallback();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        return app;
    }

    /// <summary>The API and the hubs serve programs: their errors are problem details or bare status codes, never pages.</summary>
    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/hubs");
}

public static class Policies
{
    public const string Admin = "Admin";
    public const string BackOffice = "BackOffice";
    public const string NotImpersonating = "NotImpersonating";
}

public static class PasswordHashing
{
    /// <summary>OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA512 with at least 210,000 iterations.</summary>
    public const int Iterations = 210_000;
}
