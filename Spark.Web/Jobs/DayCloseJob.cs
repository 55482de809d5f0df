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
        // A holiday has no session to close: the after-market orders waiting for the next open must survive it; and a late
        // run expires only what was placed up to the close, not the after-market orders placed since (decision 0051).
        var now = clock.GetUtcNow();
        if (Spark.Core.Market.MarketCalendar.SessionOn(Spark.Core.Market.MarketCalendar.IstDate(now)) is not { } session) return;
        var expired = await exchange.ExpireDayOrdersAsync(now < session.Close ? now : session.Close, cancellationToken);
        LogExpired(log, expired);
    }

    [LoggerMessage(LogLevel.Information, "Day close: {Expired} orders expired")]
    private static partial void LogExpired(ILogger logger, int expired);
}
