using System.Collections.Concurrent;
using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Spark.Web.Hosting;

/// <summary>
/// Keeps the app's background loops (simulator, exchange, outbox, relays) alive through faults and says how they
/// are. .NET's default <see cref="BackgroundServiceExceptionBehavior.StopHost"/> ends the process on one escaped
/// exception, and nothing restarts it: a database outage spanning a minute boundary once did exactly that. So a loop
/// catches, logs, waits a jittered, growing delay (on the app's <see cref="TimeProvider"/>, which tests control) and
/// resumes; /health/ready reports a loop as unhealthy until it succeeds again.
/// </summary>
public sealed partial class BackgroundLoops(TimeProvider clock, ILogger<BackgroundLoops> log)
{
    private readonly ConcurrentDictionary<string, LoopState> _states = new();

    /// <summary>First and largest wait between attempts. The cap keeps recovery within seconds of the database returning.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public IReadOnlyDictionary<string, LoopState> States => _states;

    /// <summary>Not ready until its first success (the exchange has loaded its open orders, the simulator its bars).</summary>
    public void Starting(string loop) => _states[loop] = new LoopState(false, "starting", clock.GetUtcNow());

    public void Healthy(string loop) => _states[loop] = new LoopState(true, null, clock.GetUtcNow());

    public void Faulted(string loop, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _states[loop] = new LoopState(false, $"{error.GetType().Name}: {error.Message}", clock.GetUtcNow());
        if (IsTransient(error)) LogTransient(log, loop, error.GetType().Name, error.Message);
        else LogFaulted(log, error, loop);
    }

    /// <summary>
    /// Runs <paramref name="body"/> until it returns or the app stops; any other exception restarts it after a backoff.
    /// A bug restarts too (and shows in /health/ready and the log as an error): one bad loop must not take the API down.
    /// </summary>
    public async Task RunAsync(string loop, Func<CancellationToken, Task> body, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var backoff = new Backoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await body(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The point of the loop: nothing may escape to the host.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Faulted(loop, e);
                if (!await WaitAsync(backoff.Next(), stoppingToken)) return;
            }
        }
    }

    /// <summary>Runs <paramref name="operation"/>, retrying transient faults (and only those) with backoff until it succeeds or the app stops.</summary>
    public async Task RetryTransientAsync(string loop, Func<CancellationToken, Task> operation, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var backoff = new Backoff();
        while (true)
        {
            try
            {
                await operation(stoppingToken);
                Healthy(loop);
                return;
            }
            catch (Exception e) when (IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                Faulted(loop, e);
                if (!await WaitAsync(backoff.Next(), stoppingToken)) stoppingToken.ThrowIfCancellationRequested();
            }
        }
    }

    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, clock, stoppingToken);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// A fault that should pass by itself: the database unreachable or restarting, a connection cut, a timeout. Walks
    /// the inner exceptions, since EF Core and the app wrap Npgsql's.
    /// </summary>
    public static bool IsTransient(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // Class 08 (connection), 57P01-03 (admin shutdown, crash shutdown, cannot connect now), 53300 (too many connections).
                    if (pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300") return true;
                    return false;
                case NpgsqlException npgsql when npgsql.IsTransient:
                case DbException { IsTransient: true }:
                case TimeoutException:
                case SocketException:
                    return true;
                case Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Exponential backoff with "equal jitter": half the step fixed, half random, so instances do not retry in step.</summary>
    public sealed class Backoff
    {
        private int _attempt;

        public TimeSpan Next()
        {
            var step = Math.Min(MaxDelay.TotalMilliseconds, FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt++, 16)));
#pragma warning disable CA5394 // Jitter, not security.
            return TimeSpan.FromMilliseconds(step / 2 + Random.Shared.NextDouble() * step / 2);
#pragma warning restore CA5394
        }

        public void Reset() => _attempt = 0;
    }

    [LoggerMessage(LogLevel.Warning, "Background loop {Loop} hit a transient fault ({Type}: {Message}); retrying with backoff")]
    private static partial void LogTransient(ILogger logger, string loop, string type, string message);

    [LoggerMessage(LogLevel.Error, "Background loop {Loop} failed; restarting it with backoff")]
    private static partial void LogFaulted(ILogger logger, Exception exception, string loop);
}

/// <summary>How a background loop last was: healthy, or faulted with the error's type and message, and since when.</summary>
public sealed record LoopState(bool IsHealthy, string? Error, DateTimeOffset Since);
