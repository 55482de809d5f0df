using System.Text.Json;
using Spark.Web.Services.Market;
using Spark.Web.Services.Notifications;

namespace Spark.Web.Services.Cluster;

/// <summary>
/// The market feed across instances: a tick published here reaches this instance's listeners (price book, open
/// screens, hub relay) and, through the bus, every other instance's listeners except their hub relays — hub clients
/// elsewhere get it from the SignalR backplane, which the relay of the publishing instance feeds.
/// </summary>
public sealed class ClusterMarketFeed : IMarketFeed
{
    public const string Channel = "ticks";
    private readonly InProcessMarketFeed _all;
    private readonly InProcessMarketFeed _localOrigin;
    private readonly IClusterBus _bus;

    public ClusterMarketFeed(IClusterBus bus, ILogger<InProcessMarketFeed> log)
    {
        _bus = bus;
        _all = new InProcessMarketFeed(log);
        _localOrigin = new InProcessMarketFeed(log);
        bus.Subscribe(Channel, message =>
        {
            if (JsonSerializer.Deserialize<PriceTick[]>(message, ClusterJson.Options) is { Length: > 0 } ticks) _all.Publish(ticks);
        });
    }

    public void Publish(IReadOnlyList<PriceTick> ticks)
    {
        if (ticks.Count == 0) return;
        _all.Publish(ticks);
        _localOrigin.Publish(ticks);
        _bus.Publish(Channel, JsonSerializer.Serialize(ticks, ClusterJson.Options));
    }

    public IDisposable Subscribe(Action<IReadOnlyList<PriceTick>> listener) => _all.Subscribe(listener);

    public IDisposable SubscribeLocalOrigin(Action<IReadOnlyList<PriceTick>> listener) => _localOrigin.Subscribe(listener);
}

/// <summary>The notification feed across instances, on the same pattern as <see cref="ClusterMarketFeed"/>.</summary>
public sealed class ClusterNotificationFeed : INotificationFeed
{
    public const string Channel = "notifications";
    private readonly InProcessNotificationFeed _all;
    private readonly InProcessNotificationFeed _localOrigin;
    private readonly IClusterBus _bus;

    public ClusterNotificationFeed(IClusterBus bus, ILogger<InProcessNotificationFeed> log)
    {
        _bus = bus;
        _all = new InProcessNotificationFeed(log);
        _localOrigin = new InProcessNotificationFeed(log);
        bus.Subscribe(Channel, message =>
        {
            if (JsonSerializer.Deserialize<NotificationChange>(message, ClusterJson.Options) is { } change) _all.Publish(change);
        });
    }

    public void Publish(NotificationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _all.Publish(change);
        _localOrigin.Publish(change);
        _bus.Publish(Channel, JsonSerializer.Serialize(change, ClusterJson.Options));
    }

    public IDisposable Subscribe(Action<NotificationChange> listener) => _all.Subscribe(listener);

    public IDisposable Subscribe(Guid userId, Action<NotificationChange> listener) => _all.Subscribe(userId, listener);

    public IDisposable SubscribeLocalOrigin(Action<NotificationChange> listener) => _localOrigin.Subscribe(listener);
}

/// <summary>
/// "This cache entry is stale": a cache drops its entry here and announces it; every other instance drops it too at
/// once (decision 0057), instead of serving it until it expires. In one process the announcement goes nowhere.
/// </summary>
public sealed class CacheInvalidation(IClusterBus bus)
{
    public const string Channel = "invalidate";

    /// <summary>Tells the other instances that <paramref name="key"/> (or everything, for "") of <paramref name="cache"/> changed.</summary>
    public void Announce(string cache, string key = "") => bus.Publish(Channel, cache + "\n" + key);

    /// <summary>Runs <paramref name="drop"/> with the key when another instance announces a change to <paramref name="cache"/>.</summary>
    public void OnRemote(string cache, Action<string> drop) => bus.Subscribe(Channel, message =>
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        if (newline > 0 && message.AsSpan(0, newline).SequenceEqual(cache)) drop(message[(newline + 1)..]);
    });
}

internal static class ClusterJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
