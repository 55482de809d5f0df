using System.Threading.Channels;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Spark.Web.Services.Market;

namespace Spark.Web.Hubs;

/// <summary>A price move as hub clients receive it (method "tick").</summary>
public sealed record TickMessage(string Symbol, decimal Price, decimal? PreviousClose, decimal? Change, decimal? ChangeRate, DateTimeOffset At);

/// <summary>
/// Live prices for JS and API clients: a client subscribes to symbols and receives "tick" for each move.
/// Signed-in browsers use their cookie, API clients their bearer token (as access_token on the query string).
/// </summary>
[Authorize(AuthenticationSchemes = SchemeList)]
public sealed class MarketHub(SecurityCatalog catalog) : Hub
{
    public const string Path = "/hubs/market";
    private const string SchemeList = "Identity.Application," + JwtBearerDefaults.AuthenticationScheme;
    private const int MaxSymbols = 200;

    /// <returns>The symbols subscribed to; unknown symbols are left out.</returns>
    public async Task<IReadOnlyList<string>> Subscribe(IReadOnlyList<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        if (symbols.Count > MaxSymbols) throw new HubException($"Subscribe to at most {MaxSymbols} symbols at a time.");
        var known = new List<string>();
        foreach (var symbol in symbols.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (await catalog.FindAsync(symbol, Context.ConnectionAborted) is { } security)
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, Group(security.Symbol), Context.ConnectionAborted);
                known.Add(security.Symbol);
            }
        }

        return known;
    }

    public async Task Unsubscribe(IReadOnlyList<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        foreach (var symbol in symbols.Take(MaxSymbols))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, Group(symbol.Trim().ToUpperInvariant()), Context.ConnectionAborted);
        }
    }

    internal static string Group(string symbol) => "tick:" + symbol;
}

/// <summary>Forwards the market feed to hub groups off the publisher's thread, so a slow client never slows the market.</summary>
public sealed class MarketHubRelay(IMarketFeed feed, IHubContext<MarketHub> hub, Hosting.BackgroundLoops loops) : BackgroundService
{
    private readonly Channel<IReadOnlyList<PriceTick>> _queue = Channel.CreateBounded<IReadOnlyList<PriceTick>>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    // A send that throws (a hub lifetime manager's fault) restarts the relay instead of stopping the host.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loops.RunAsync("market-hub-relay", async cancellationToken =>
    {
        using var subscription = feed.SubscribeLocalOrigin(ticks => _queue.Writer.TryWrite(ticks));
        await foreach (var ticks in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                foreach (var tick in ticks)
                {
                    await hub.Clients.Group(MarketHub.Group(tick.Symbol)).SendAsync("tick",
                        new TickMessage(tick.Symbol, tick.Price, tick.PreviousClose, tick.Change, tick.ChangeRate, tick.At), cancellationToken);
                }
            }
            catch (StackExchange.Redis.RedisException)
            {
                // The backplane is down (logged once by the cluster bus, Degraded in /health/ready): this batch is lost for
                // hub clients, the next one goes out when Redis is back; pages keep their ticks from the in-process feed.
            }
        }
    }, stoppingToken);
}
