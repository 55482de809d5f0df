using Microsoft.AspNetCore.SignalR;
using Spark.Web.Hubs;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    /// <summary>Prices (book, history, feed, simulator, hub) and the ledger and portfolio services on top of them.</summary>
    private static void AddMarketAndPortfolio(IServiceCollection services, SparkOptions options, IConfiguration configuration)
    {
        services.Configure<Services.Orders.ExchangeOptions>(configuration.GetSection(Services.Orders.ExchangeOptions.Section));
        services.Configure<Spark.Core.Orders.ChargeSchedule>(configuration.GetSection(Spark.Core.Orders.ChargeSchedule.Section));
        services.AddSingleton<IMarketFeed, InProcessMarketFeed>();
        services.AddSingleton<SecurityCatalog>();
        services.AddSingleton<PriceBook>();
        services.AddOptions<MarketSessionOptions>().Bind(configuration.GetSection(MarketSessionOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<MarketSessionOptions>, MarketSessionOptionsValidator>();
        services.AddSingleton<MarketStatusService>();
        services.AddSingleton<IndexBook>();
        services.AddSingleton<PriceHistory>();
        services.AddSingleton<MarketActivity>();
        services.AddSingleton<MarketList>();
        services.AddScoped<Services.Watchlists.WatchlistService>();
        // With the simulator on, the history is complete only once it has written its past years (issue 15, item 7).
        services.AddSingleton(new MarketHistory(complete: !options.Market.SimulatorEnabled));
        services.AddSingleton<PortfolioCache>();
        services.AddSingleton<MarketDataService>();
        services.AddScoped<MarketImport>();
        services.Configure<ImportOptions>(configuration.GetSection(ImportOptions.Section));
        services.AddScoped<LedgerService>();
        services.AddScoped<PortfolioService>();
        services.AddScoped<Services.Cash.CashService>();
        services.AddScoped<Services.Orders.OrderService>();
        services.AddSingleton<Services.Tax.IGrandfatheringPrices, Services.Tax.GrandfatheringPrices>();
        services.AddSingleton<Services.Tax.StatementCache>();
        services.AddScoped<Services.Tax.CapitalGainsStatements>();
        services.AddScoped<Services.Tax.ICapitalGainsStatements>(sp => sp.GetRequiredService<Services.Tax.CapitalGainsStatements>());
        services.AddSingleton<Services.Orders.PaperExchange>();
        services.AddSingleton<Services.Orders.IBrokerGateway>(sp => sp.GetRequiredService<Services.Orders.PaperExchange>());
        services.AddHostedService(sp => sp.GetRequiredService<Services.Orders.PaperExchange>());
        // One owner of the exchange across instances (decision 0056).
        services.AddSingleton<Services.Orders.ExchangeOwnership>();
        services.AddHostedService(sp => sp.GetRequiredService<Services.Orders.ExchangeOwnership>());
        services.AddScoped<LiveTicks>();
        services.AddSignalR(o => o.AddFilter(new Security.ImpersonationHubFilter()));
        services.AddHostedService<MarketHubRelay>();
        services.AddSingleton<Services.Notifications.INotificationFeed, Services.Notifications.InProcessNotificationFeed>();
        services.AddSingleton<Services.Notifications.NotificationService>();
        services.Configure<Services.Notifications.NotificationOutboxOptions>(configuration.GetSection(Services.Notifications.NotificationOutboxOptions.Section));
        services.AddSingleton<Services.Notifications.NotificationOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<Services.Notifications.NotificationOutbox>());
        services.AddHostedService<NotificationHubRelay>();
        if (options.Market.SimulatorEnabled)
        {
            services.AddHostedService<MarketSimulatorService>();
            services.AddHostedService<Jobs.BacktestsWhenHistoryIsComplete>();
        }
    }
}
