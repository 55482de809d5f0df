using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Spark.Web.Services.Cluster;

/// <summary>
/// Messages between Spark instances (ticks, notification changes, cache invalidations): what one instance
/// publishes, every other instance receives; an instance never hears its own messages back. Best effort and
/// never throwing: while the bus is down a message is dropped and each instance serves what it has.
/// </summary>
public interface IClusterBus
{
    /// <summary>This process's name among the instances (the X-Spark-Instance header).</summary>
    string InstanceName { get; }

    /// <summary>False for the one-process default (<see cref="LocalClusterBus"/>): nothing to tell anyone.</summary>
    bool IsShared { get; }

    void Publish(string channel, string message);

    /// <param name="onMessage">Runs on the bus's thread for each message another instance published; must be quick.</param>
    void Subscribe(string channel, Action<string> onMessage);
}

/// <summary>One process, no Redis (the default): there is no other instance to tell.</summary>
public sealed class LocalClusterBus(string instanceName) : IClusterBus
{
    public string InstanceName { get; } = instanceName;

    public bool IsShared => false;

    public void Publish(string channel, string message)
    {
    }

    public void Subscribe(string channel, Action<string> onMessage)
    {
    }
}

/// <summary>
/// Redis pub/sub through StackExchange.Redis. <c>AbortOnConnectFail=false</c> lets the app start with Redis down and
/// the multiplexer reconnect by itself (and re-subscribe) when it returns; <c>BacklogPolicy.FailFast</c> drops what is
/// published during an outage instead of replaying stale ticks afterwards. An outage is logged once when it starts
/// and once when it ends, and reported as Degraded (never Unhealthy) by <see cref="ClusterBusHealthCheck"/>.
/// </summary>
public sealed partial class RedisClusterBus : IClusterBus, IDisposable
{
    private const string Prefix = "spark:";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action<string>>> _handlers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);
    private readonly ILogger<RedisClusterBus> _log;
    private readonly ConnectionMultiplexer _redis;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private int _down;
    private int _disposed;

    public RedisClusterBus(string configuration, string instanceName, ILogger<RedisClusterBus> log)
    {
        InstanceName = instanceName;
        _log = log;
        _redis = ConnectionMultiplexer.Connect(Options(configuration));
        _redis.ConnectionFailed += (_, e) => Down(e.Exception);
        _redis.ConnectionRestored += (_, _) => Up();
        if (!_redis.IsConnected) Down(null);
    }

    public string InstanceName { get; }

    public bool IsShared => true;

    public bool IsConnected => _redis.IsConnected;

    /// <summary>The client options every Redis connection of Spark uses (this bus and the SignalR backplane).</summary>
    public static ConfigurationOptions Options(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName ??= "spark";
        return options;
    }

    public void Publish(string channel, string message)
    {
        if (!_redis.IsConnected) return;
        try
        {
            _redis.GetSubscriber().Publish(RedisChannel.Literal(Prefix + channel), InstanceName + "\n" + message, CommandFlags.FireAndForget);
        }
#pragma warning disable CA1031 // Best effort: an outage between the check and the send drops the message, never the caller's work.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Down(e);
        }
    }

    public void Subscribe(string channel, Action<string> onMessage)
    {
        lock (_gate)
        {
            if (!_handlers.TryGetValue(channel, out var list)) _handlers[channel] = list = [];
            list.Add(onMessage);
        }

        EnsureSubscribed(channel);
    }

    private void EnsureSubscribed(string channel)
    {
        lock (_gate)
        {
            if (!_subscribed.Add(channel)) return;
        }

        var redisChannel = RedisChannel.Literal(Prefix + channel);
        Action<RedisChannel, RedisValue> receive = (_, value) => Deliver(channel, value);
        try
        {
            // One Redis subscription per channel; the multiplexer re-subscribes it after every reconnect.
            _redis.GetSubscriber().Subscribe(redisChannel, receive);
        }
#pragma warning disable CA1031 // Down at start: subscribed again when the connection comes up (see Up).
        catch (Exception e)
#pragma warning restore CA1031
        {
            lock (_gate) _subscribed.Remove(channel);
            Down(e);
            try
            {
                // Forget any half-made registration, so the later subscription is the only one (no message twice).
                _redis.GetSubscriber().Unsubscribe(redisChannel, receive, CommandFlags.FireAndForget);
            }
#pragma warning disable CA1031
            catch (Exception)
#pragma warning restore CA1031
            {
                // Nothing was registered.
            }

            // A subscription can fail while the connection stays up (a timeout on a busy machine): no ConnectionRestored
            // follows then, so try again shortly instead of leaving the channel deaf until the next outage.
            _ = RetryAsync();
        }
    }

    private async Task RetryAsync()
    {
        await Task.Delay(RetryDelay).ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 0) Up();
    }

    private void Deliver(string channel, RedisValue value)
    {
        var text = (string?)value;
        if (text is null) return;
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || text.AsSpan(0, newline).SequenceEqual(InstanceName)) return;
        var message = text[(newline + 1)..];
        Action<string>[] handlers;
        lock (_gate) handlers = _handlers.TryGetValue(channel, out var list) ? [.. list] : [];
        foreach (var handler in handlers)
        {
            try
            {
                handler(message);
            }
#pragma warning disable CA1031 // One broken listener must not stop the others or the bus.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogHandlerFailed(_log, channel, e);
            }
        }
    }

    private void Down(Exception? e)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0) LogDown(_log, e?.Message ?? "not connected");
    }

    private void Up()
    {
        if (!_redis.IsConnected)
        {
            // Still down: the multiplexer's ConnectionRestored calls this again when it is back.
            return;
        }

        if (Interlocked.Exchange(ref _down, 0) == 1) LogUp(_log);
        string[] missing;
        lock (_gate) missing = [.. _handlers.Keys.Where(c => !_subscribed.Contains(c))];
        foreach (var channel in missing) EnsureSubscribed(channel);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _redis.Dispose();
    }

    [LoggerMessage(LogLevel.Warning, "Redis is unreachable ({Reason}): this instance serves on its own (its ticks, pages and caches) until it returns")]
    private static partial void LogDown(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Redis is back: ticks, notifications and cache invalidations reach the other instances again")]
    private static partial void LogUp(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "A cluster-bus listener on {Channel} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string channel, Exception exception);
}

/// <summary>Degraded (not Unhealthy: the instance still serves on its own) while Redis is unreachable.</summary>
public sealed class ClusterBusHealthCheck(IClusterBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus is RedisClusterBus { IsConnected: false }
            ? HealthCheckResult.Degraded("Redis is unreachable: this instance serves on its own; other instances do not see its ticks, notifications or cache changes until it returns.")
            : HealthCheckResult.Healthy());
}
