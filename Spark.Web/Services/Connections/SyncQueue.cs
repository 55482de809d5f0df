using System.Threading.Channels;
using Spark.Web.Hosting;

namespace Spark.Web.Services.Connections;

/// <summary>
/// Runs queued syncs in this process ("sync now" and the first sync after connecting): the request has already
/// written the run's pending log, so the investor sees it at once and a second click finds it. A few run at a time,
/// each on its own connection. Runs lost with the process are marked abandoned by the next request (see
/// <see cref="SyncService.RequestAsync"/>).
/// </summary>
public sealed partial class SyncQueue(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<SyncOptions> options, ILogger<SyncQueue> log)
    : BackgroundService
{
    private readonly Channel<SyncWork> channel = Channel.CreateUnbounded<SyncWork>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask EnqueueAsync(SyncWork work, CancellationToken cancellationToken) => channel.Writer.WriteAsync(work, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, options.Value.Workers));
        var running = new List<Task>();
        try
        {
            await foreach (var work in channel.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<SyncService>().RunAsync(work, stoppingToken);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // A database outage while marking the run: the pending log is abandoned and the next request replaces it.
                        LogLost(log, e, work.ConnectionId);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running);
    }

    [LoggerMessage(LogLevel.Error, "A queued sync of connection {ConnectionId} could not run")]
    private static partial void LogLost(ILogger logger, Exception exception, Guid connectionId);
}
