using Spark.Core.Market;

namespace Spark.Web.Services.Market;

/// <summary>A price move of one security, as screens and hub clients receive it.</summary>
public sealed record PriceTick(Guid SecurityId, string Symbol, decimal Price, decimal? PreviousClose, DateTimeOffset At)
{
    public decimal? Change => PreviousClose is { } p ? Price - p : null;

    public decimal? ChangeRate => PreviousClose is { } p and > 0m ? Math.Round((Price - p) / p, 6) : null;

    public Quote ToQuote() => new(Price, PreviousClose, At);
}

/// <summary>
/// The one seam every price move goes through: the simulator, bar imports and (later) broker feeds publish
/// here; the price book, the hub and open screens listen. A backplane extends it across instances by
/// publishing what it receives from other nodes.
/// </summary>
public interface IMarketFeed
{
    void Publish(IReadOnlyList<PriceTick> ticks);

    IDisposable Subscribe(Action<IReadOnlyList<PriceTick>> listener);

    /// <summary>Only what was published in this process (the hub relay: the SignalR backplane carries it to the others).</summary>
    IDisposable SubscribeLocalOrigin(Action<IReadOnlyList<PriceTick>> listener) => Subscribe(listener);
}

/// <summary>In-process fan-out. Listeners must be quick and must not throw; slow work belongs on their own queue.</summary>
public sealed partial class InProcessMarketFeed(ILogger<InProcessMarketFeed> log) : IMarketFeed
{
    private readonly Lock _gate = new();
    private Action<IReadOnlyList<PriceTick>>[] _listeners = [];

    public void Publish(IReadOnlyList<PriceTick> ticks)
    {
        if (ticks.Count == 0) return;
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            try
            {
                listener(ticks);
            }
#pragma warning disable CA1031 // One broken screen must not stop the market for everyone else.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogListenerFailed(log, e);
            }
        }
    }

    public IDisposable Subscribe(Action<IReadOnlyList<PriceTick>> listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _listeners = [.. _listeners.Where(l => l != listener)];
            }
        });
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }

    [LoggerMessage(LogLevel.Warning, "A market-feed listener failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);
}
