using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Spark.Web.Hosting;

namespace Spark.Web.Services.Market;

/// <summary>
/// Ticks for one screen, coalesced: whatever arrives between two renders is delivered as one batch holding the
/// latest tick per security, at most <see cref="SparkOptions.MarketOptions.ScreenRendersPerSecond"/> times a
/// second, so a burst of ticks never floods a circuit. One per circuit; a screen subscribes and disposes.
/// </summary>
public sealed class LiveTicks(IMarketFeed feed, IOptions<SparkOptions> options, TimeProvider clock) : IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];

    /// <param name="securityIds">The securities the screen shows; null for all.</param>
    /// <param name="onBatch">Runs off the circuit's thread: call InvokeAsync(StateHasChanged) from it.</param>
    public IDisposable Subscribe(IReadOnlySet<Guid>? securityIds, Func<IReadOnlyDictionary<Guid, PriceTick>, Task> onBatch)
    {
        var interval = TimeSpan.FromSeconds(1.0 / Math.Max(1, options.Value.Market.ScreenRendersPerSecond));
        var screen = new Screen(securityIds, onBatch, interval, clock);
        var subscription = feed.Subscribe(screen.Receive);
        var handle = new Handle(() =>
        {
            subscription.Dispose();
            screen.Stop();
        });
        _subscriptions.Add(handle);
        return handle;
    }

    public void Dispose()
    {
        foreach (var s in _subscriptions) s.Dispose();
        _subscriptions.Clear();
    }

    private sealed class Screen(IReadOnlySet<Guid>? filter, Func<IReadOnlyDictionary<Guid, PriceTick>, Task> onBatch, TimeSpan interval, TimeProvider clock)
    {
        private readonly ConcurrentDictionary<Guid, PriceTick> _pending = new();
        private readonly CancellationTokenSource _stop = new();
        private int _scheduled;
        private long _lastFlush;

        public void Receive(IReadOnlyList<PriceTick> ticks)
        {
            var any = false;
            foreach (var tick in ticks)
            {
                if (filter is not null && !filter.Contains(tick.SecurityId)) continue;
                _pending[tick.SecurityId] = tick;
                any = true;
            }

            if (any && Interlocked.Exchange(ref _scheduled, 1) == 0)
            {
                _ = FlushLaterAsync();
            }
        }

        public void Stop() => _stop.Cancel();

        private async Task FlushLaterAsync()
        {
            try
            {
                var wait = interval - clock.GetElapsedTime(Interlocked.Read(ref _lastFlush));
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, _stop.Token);
                Interlocked.Exchange(ref _lastFlush, clock.GetTimestamp());
                Volatile.Write(ref _scheduled, 0);
                var batch = new Dictionary<Guid, PriceTick>();
                foreach (var key in _pending.Keys)
                {
                    if (_pending.TryRemove(key, out var tick)) batch[key] = tick;
                }

                if (batch.Count > 0 && !_stop.IsCancellationRequested) await onBatch(batch);
            }
            catch (OperationCanceledException)
            {
                // The screen went away.
            }
            catch (ObjectDisposedException)
            {
                // The circuit went away between the tick and the render.
            }
        }
    }

    private sealed class Handle(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}
