using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spark.Web.Services.Cluster;
using Spark.Web.Services.Market;
using Spark.Web.Services.Notifications;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    /// <summary>
    /// Several instances (decision 0057): with <c>ConnectionStrings:Redis</c> (or <c>Spark:Redis</c>) set, ticks,
    /// notification changes and cache invalidations cross instances through Redis pub/sub and the hubs use the SignalR
    /// Redis backplane; with <c>ConnectionStrings:SparkReplica</c> set, read-heavy queries may read the replica. Neither
    /// set (one instance, the default): nothing here changes how Spark runs.
    /// </summary>
    private static void AddCluster(IServiceCollection services, IConfiguration configuration, IHealthChecksBuilder health)
    {
        var instance = InstanceName(configuration);
        var redis = RedisConfiguration(configuration);
        services.TryAddSingleton<IExchangeRole, SingleProcessExchangeRole>();
        if (redis is null)
        {
            services.AddSingleton<IClusterBus>(new LocalClusterBus(instance));
        }
        else
        {
            services.AddSingleton<IClusterBus>(sp => new RedisClusterBus(redis, instance, sp.GetRequiredService<ILogger<RedisClusterBus>>()));
            // Only the elected owner of the paper exchange moves prices; the others take its ticks from Redis (decision 0056).
            services.Replace(ServiceDescriptor.Singleton<IExchangeRole, ElectedExchangeRole>());
            services.AddSingleton<CacheInvalidation>();
            services.Replace(ServiceDescriptor.Singleton<IMarketFeed, ClusterMarketFeed>());
            services.Replace(ServiceDescriptor.Singleton<INotificationFeed, ClusterNotificationFeed>());
            // The backplane for Spark's own hubs only. Blazor's circuit hub stays in-process: a circuit lives on the
            // instance its sticky session reaches, and must not depend on Redis being up to connect or render.
            services.Configure<RedisOptions>(o =>
            {
                o.Configuration = RedisClusterBus.Options(redis);
                o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("spark-hubs");
            });
            services.AddSingleton<HubLifetimeManager<Hubs.MarketHub>, RedisHubLifetimeManager<Hubs.MarketHub>>();
            services.AddSingleton<HubLifetimeManager<Hubs.NotificationHub>, RedisHubLifetimeManager<Hubs.NotificationHub>>();
            health.AddCheck<ClusterBusHealthCheck>("redis", tags: [SparkHealth.Ready]);
        }

        services.Configure<ReplicaOptions>(configuration.GetSection(ReplicaOptions.Section));
        if (HasReplica(configuration))
        {
            services.AddSingleton<RecentWriters>();
            services.AddSingleton<WriteTrackingInterceptor>();
            services.AddSingleton<SparkReadDb>();
        }
    }

    internal static bool HasReplica(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration.GetConnectionString("SparkReplica"));

    internal static string? RedisConfiguration(IConfiguration configuration) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } cs ? cs
        : configuration["Spark:Redis"] is { Length: > 0 } setting ? setting
        : null;

    /// <summary><c>Spark:InstanceName</c> (script/server names them spark-1, spark-2…), else host and process id.</summary>
    internal static string InstanceName(IConfiguration configuration) =>
        configuration["Spark:InstanceName"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Which instance answered, for the proxy's operators (only when <c>Spark:InstanceName</c> is set).</summary>
    private static void UseInstanceHeader(WebApplication app)
    {
        if (app.Configuration["Spark:InstanceName"] is not { Length: > 0 } name) return;
        app.Use((http, next) =>
        {
            http.Response.Headers["X-Spark-Instance"] = name;
            return next(http);
        });
    }
}
