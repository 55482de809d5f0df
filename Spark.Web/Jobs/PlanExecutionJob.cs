using Quartz;
using Spark.Core.Market;
using Spark.Core.Time;
using Spark.Web.Services.AutoInvest;

namespace Spark.Web.Jobs;

/// <summary>
/// Runs the plans due today (IST). Scheduled at 09:20 IST on weekdays (the market is open, so market orders fill)
/// and once at start, which catches up run dates missed while Spark was down; a date already executed is claimed
/// by no one, so the second trigger of a day and a second node both do nothing.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class PlanExecutionJob(PlanExecutor executor, TimeProvider clock, ILogger<PlanExecutionJob> log) : IJob
{
    public static readonly JobKey Key = new("plan-execution", "auto-invest");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var today = IndiaTime.Today(clock);
        var result = await executor.RunDueAsync(today, cancellationToken);
        LogDone(log, today, MarketCalendar.IsTradingDay(today), result.Executed, result.Failed);
    }

    [LoggerMessage(LogLevel.Information, "Plan execution for {Date} (trading day: {TradingDay}): {Executed} executed, {Failed} failed")]
    private static partial void LogDone(ILogger logger, DateOnly date, bool tradingDay, int executed, int failed);
}
