using Quartz;
using Spark.Web.Services.Market;

namespace Spark.Web.Jobs;

/// <summary>
/// Runs the missing or stale strategy backtests as soon as the simulator has written the price history (issue 15, item 7):
/// the backtest job's start trigger fires before that and computes nothing. Through the scheduler when it runs in this
/// process, so the run is recorded like any other; otherwise directly.
/// </summary>
public sealed partial class BacktestsWhenHistoryIsComplete(MarketHistory history, IServiceScopeFactory scopes,
    ILogger<BacktestsWhenHistoryIsComplete> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await history.WhenComplete.WaitAsync(stoppingToken);
            await using var scope = scopes.CreateAsyncScope();
            if (scope.ServiceProvider.GetService<ISchedulerFactory>() is { } factory)
            {
                var scheduler = await factory.GetScheduler(stoppingToken);
                await scheduler.TriggerJob(StrategyBacktestJob.Key, new JobDataMap { [StrategyBacktestJob.OnlyStale] = true }, stoppingToken);
            }
            else
            {
                await scope.ServiceProvider.GetRequiredService<StrategyBacktestJob>().RunAsync(onlyStale: true, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The hourly run catches up; one failure here must not stop the host (the default BackgroundService behaviour).
            LogFailed(log, e);
        }
    }

    [LoggerMessage(LogLevel.Warning, "The strategy backtests after the price history was written could not run; the hourly run will")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
