using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Core.Platforms;
using Spark.Data;
using Spark.Web.Jobs;

namespace Spark.Web.Services.Connections;

/// <summary>
/// One Quartz job per connection (<see cref="ConnectionSyncJob"/>, keyed by the connection's id, so Quartz never runs
/// two of one connection at once, on any node of the cluster) with a trigger every <c>sync_frequency_minutes</c>
/// while auto-sync is on and the connection is not disconnected. Without the scheduler (Spark:Jobs:Enabled=false,
/// as in tests) it does nothing; "sync now" does not need it.
/// </summary>
public sealed partial class ConnectionScheduler(IServiceProvider services, SparkDb db, TimeProvider clock, ILogger<ConnectionScheduler> log)
{
    public static JobKey JobKeyOf(Guid connectionId) => new($"sync-{connectionId:N}", "connections");

    private static TriggerKey TriggerKeyOf(Guid connectionId) => new($"sync-{connectionId:N}", "connections");

    /// <summary>Creates, changes or removes the connection's schedule to match its row.</summary>
    public async Task UpsertAsync(PlatformConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (await SchedulerAsync(cancellationToken) is not { } scheduler) return;
        if (!connection.AutoSyncEnabled || connection.Status == ConnectionStatus.Disconnected)
        {
            await scheduler.DeleteJob(JobKeyOf(connection.Id), cancellationToken);
            return;
        }

        var every = TimeSpan.FromMinutes(connection.SyncFrequencyMinutes);
        var job = JobBuilder.Create<ConnectionSyncJob>().WithIdentity(JobKeyOf(connection.Id)).StoreDurably()
            .UsingJobData(ConnectionSyncJob.ConnectionId, connection.Id.ToString()).UsingJobData(ConnectionSyncJob.UserId, connection.UserId.ToString())
            .Build();
        var trigger = TriggerBuilder.Create().WithIdentity(TriggerKeyOf(connection.Id)).ForJob(job)
            .StartAt(clock.GetUtcNow() + every)
            .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever())
            .Build();
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
        LogScheduled(log, connection.Id, connection.SyncFrequencyMinutes);
    }

    public async Task RemoveAsync(Guid connectionId, CancellationToken cancellationToken = default)
    {
        if (await SchedulerAsync(cancellationToken) is { } scheduler) await scheduler.DeleteJob(JobKeyOf(connectionId), cancellationToken);
    }

    /// <summary>Makes the schedules match the table (at start: connections changed while the scheduler was off, or removed elsewhere).</summary>
    public async Task<int> SyncAllAsync(CancellationToken cancellationToken = default)
    {
        if (await SchedulerAsync(cancellationToken) is not { } scheduler) return 0;
        await using var context = db.ForSystem("connection schedules");
        var rows = await context.PlatformConnections.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var row in rows) await UpsertAsync(row, cancellationToken);
        var known = rows.Select(r => JobKeyOf(r.Id)).ToHashSet();
        foreach (var key in await scheduler.GetJobKeys(Quartz.GroupMatcher<JobKey>.GroupEquals("connections"), cancellationToken))
        {
            if (!known.Contains(key)) await scheduler.DeleteJob(key, cancellationToken);
        }

        return rows.Count;
    }

    private async Task<IScheduler?> SchedulerAsync(CancellationToken cancellationToken) =>
        services.GetService<ISchedulerFactory>() is { } factory ? await factory.GetScheduler(cancellationToken) : null;

    [LoggerMessage(LogLevel.Debug, "Connection {ConnectionId} syncs every {Minutes} minutes")]
    private static partial void LogScheduled(ILogger logger, Guid connectionId, int minutes);
}
