using Quartz;
using Spark.Web.Services.Orders;

namespace Spark.Web.Jobs;

/// <summary>At the 15:30 IST close, open day orders expire and their cash blocks are released.</summary>
[DisallowConcurrentExecution]
public sealed partial class DayCloseJob(PaperExchange exchange, TimeProvider clock, ILogger<DayCloseJob> log) : IJob
{
    public static readonly JobKey Key = new("day-close", "orders");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var expired = await exchange.ExpireDayOrdersAsync(clock.GetUtcNow(), cancellationToken);
        LogExpired(log, expired);
    }

    [LoggerMessage(LogLevel.Information, "Day close: {Expired} orders expired")]
    private static partial void LogExpired(ILogger logger, int expired);
}
