using Quartz;
using Spark.Web.Services.AutoInvest;

namespace Spark.Web.Jobs;

/// <summary>
/// Strategy backtests from the stored daily bars: every strategy after the close (IST), and at start and hourly only
/// those missing or behind (a fresh installation's simulator backfills its history after the app has started). Each run
/// also brings popularity_score up to date.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class StrategyBacktestJob(StrategyBacktester backtester, ILogger<StrategyBacktestJob> log) : IJob
{
    public static readonly JobKey Key = new("strategy-backtests", "auto-invest");

    /// <summary>Job data: true to recompute only missing or stale backtests.</summary>
    public const string OnlyStale = "onlyStale";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var onlyStale = context.MergedJobDataMap.TryGetBoolean(OnlyStale, out var stale) && stale;
        await RunAsync(onlyStale, cancellationToken);
    }

    public async Task<int> RunAsync(bool onlyStale, CancellationToken cancellationToken = default)
    {
        var computed = await backtester.RefreshAsync(onlyStale, cancellationToken: cancellationToken);
        var recounted = await backtester.RecountSubscribersAsync(cancellationToken);
        LogComputed(log, computed, onlyStale, recounted);
        return computed;
    }

    [LoggerMessage(LogLevel.Information, "Strategy backtests: {Computed} computed (only stale: {OnlyStale}); {Recounted} subscriber counts changed")]
    private static partial void LogComputed(ILogger logger, int computed, bool onlyStale, int recounted);
}
