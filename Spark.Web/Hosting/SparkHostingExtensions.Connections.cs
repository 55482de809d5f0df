using Quartz;
using Spark.Core.Platforms.Brokers;
using Spark.Web.Jobs;
using Spark.Web.Services.Connections;
using Spark.Web.Services.Connections.Brokers;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddConnections(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<BrokerOptions>(configuration.GetSection(BrokerOptions.Section));
        services.Configure<SyncOptions>(configuration.GetSection(SyncOptions.Section));
        services.AddSingleton<IQuoteRates, QuoteRates>();
        services.AddBrokerAdapter<KiteAdapter>(Spark.Core.Platforms.PlatformNames.Zerodha);
        services.AddBrokerAdapter<GrowwAdapter>(Spark.Core.Platforms.PlatformNames.Groww);
        services.AddBrokerAdapter<UpstoxAdapter>(Spark.Core.Platforms.PlatformNames.Upstox);
        services.AddBrokerAdapter<BinanceAdapter>(Spark.Core.Platforms.PlatformNames.Binance);
        services.AddSingleton<ConnectionSecrets>();
        services.AddScoped<BrokerRegistry>();
        services.AddScoped<InstrumentMatcher>();
        services.AddScoped<ConnectionScheduler>();
        services.AddScoped<ConnectionService>();
        services.AddScoped<SyncService>();
        services.AddScoped<ReconciliationService>();
        services.AddScoped<ConnectionSyncJob>();
        services.AddScoped<ConnectionSchedulesJob>();
        services.AddSingleton<SyncQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<SyncQueue>());
    }

    private static void ScheduleConnectionJobs(IQuartzBuilder q)
    {
        q.AddJob<ConnectionSchedulesJob>(j => j.WithIdentity(ConnectionSchedulesJob.Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(ConnectionSchedulesJob.Key).WithIdentity("connection-schedules-at-start").StartNow());
    }
}
