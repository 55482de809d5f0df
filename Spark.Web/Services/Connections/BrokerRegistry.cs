using Spark.Core.Platforms.Brokers;

namespace Spark.Web.Services.Connections;

/// <summary>The adapter of each connectable platform (one per broker, registered with <c>AddBrokerAdapter</c>).</summary>
public sealed class BrokerRegistry(IEnumerable<IBrokerAdapter> adapters)
{
    // The last registration of a platform wins, so a host (or a test) can put its own adapter in front of Spark's.
    private readonly Dictionary<string, IBrokerAdapter> byPlatform = adapters.GroupBy(a => a.Platform, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public bool Has(string platform) => byPlatform.ContainsKey(platform);

    /// <exception cref="InvalidOperationException">No adapter is registered for the platform.</exception>
    public IBrokerAdapter For(string platform) =>
        byPlatform.TryGetValue(platform, out var adapter) ? adapter : throw new InvalidOperationException($"No broker adapter for '{platform}'.");
}
