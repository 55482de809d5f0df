using Quartz;
using Spark.Data;
using Spark.Web.Services.Orders;

namespace Spark.Web.Jobs;

/// <summary>At the 15:30 IST close, open day orders expire and their cash blocks are released.</summary>
[DisallowConcurrentExecution]
public sealed partial class DayCloseJob(PaperExchange exchange, ExchangeOwnership ownership, SparkDb db, TimeProvider clock, ILogger<DayCloseJob> log) : IJob
{
    public static readonly JobKey Key = new("day-close", "orders");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // A holiday has no session to close: the after-market orders waiting for the next open must survive it; and a late
        // run expires only what was placed up to the close, not the after-market orders placed since (decision 0051).
        var now = clock.GetUtcNow();
        if (Spark.Core.Market.MarketCalendar.SessionOn(Spark.Core.Market.MarketCalendar.IstDate(now)) is not { } session) return;
        var close = now < session.Close ? now : session.Close;
        if (!ownership.Role.IsOwner)
        {
            // The book is the owner's (decision 0056): a job that runs on a standby hands the close over through the database.
            await using var system = db.ForSystem("day close hand-over");
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlAsync(system.Database,
                $"SELECT pg_notify({ExchangeOwnership.Channel}, {"day-close:" + close.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)})",
                cancellationToken);
            LogHandedOver(log);
            return;
        }

        var expired = await exchange.ExpireDayOrdersAsync(close, cancellationToken);
        LogExpired(log, expired);
    }

    [LoggerMessage(LogLevel.Information, "Day close: {Expired} orders expired")]
    private static partial void LogExpired(ILogger logger, int expired);

    [LoggerMessage(LogLevel.Information, "Day close: handed to the exchange's owner")]
    private static partial void LogHandedOver(ILogger logger);
}
