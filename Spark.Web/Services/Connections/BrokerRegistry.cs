using Spark.Core.Platforms.Brokers;

namespace Spark.Web.Services.Connections;

/// <summary>The adapter of each connectable platform (one per broker, registered with <c>AddBrokerAdapter</c>).</summary>
public sealed class BrokerRegistry(IEnumerable<IBrokerAdapter> adapters)
{
    private readonly Dictionary<string, IBrokerAdapter> byPlatform = adapters.ToDictionary(a => a.Platform, StringComparer.Ordinal);

    public bool Has(string platform) => byPlatform.ContainsKey(platform);

    /// <exception cref="InvalidOperationException">No adapter is registered for the platform.</exception>
    public IBrokerAdapter For(string platform) =>
        byPlatform.TryGetValue(platform, out var adapter) ? adapter : throw new InvalidOperationException($"No broker adapter for '{platform}'.");
}
