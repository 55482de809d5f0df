using Quartz;
using Spark.Web.Services.Connections;

namespace Spark.Web.Jobs;

/// <summary>
/// The scheduled sync of one connection (one durable job per connection, see <see cref="ConnectionScheduler"/>).
/// Quartz never runs a job concurrently with itself across the cluster, and the sync's own in-flight row and lock
/// keep a "sync now" from overlapping it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ConnectionSyncJob(SyncService sync) : IJob
{
    public const string ConnectionId = "connectionId";
    public const string UserId = "userId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.MergedJobDataMap;
        if (!Guid.TryParse(data.GetString(ConnectionId), out var connectionId) || !Guid.TryParse(data.GetString(UserId), out var userId)) return;
        await sync.RunScheduledAsync(userId, connectionId, cancellationToken);
    }
}

/// <summary>At start: makes the per-connection schedules match the table.</summary>
[DisallowConcurrentExecution]
public sealed class ConnectionSchedulesJob(ConnectionScheduler scheduler) : IJob
{
    public static readonly JobKey Key = new("connection-schedules", "connections-housekeeping");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await scheduler.SyncAllAsync(cancellationToken);
}
