using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using Spark.Core.Platforms;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Connections;

namespace Spark.Tests.Web;

/// <summary>One Quartz job per connection, firing every sync_frequency_minutes while auto-sync is on (an in-memory scheduler; no database).</summary>
public sealed class ConnectionSchedulerTests
{
    private static async Task<(ServiceProvider Services, IScheduler Scheduler)> SchedulerAsync(TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "connections-" + Guid.NewGuid().ToString("N"));
            // Quartz moves a start time it thinks is past to "now": it must read the same clock as the scheduler's caller.
            q.UseTimeProvider(clock);
        });
        var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        return (provider, scheduler);
    }

    private static PlatformConnection Connection(int minutes, bool auto = true, ConnectionStatus status = ConnectionStatus.Connected) => new()
    {
        UserId = Guid.NewGuid(), Platform = PlatformNames.Upstox, ApiKey = "", ApiSecret = "", SyncFrequencyMinutes = minutes, AutoSyncEnabled = auto,
        Status = status,
    };

    [Fact]
    public async Task A_connection_gets_its_own_job_every_frequency_minutes_which_follows_changes_and_goes_when_auto_sync_stops()
    {
        var clock = new TestClock();
        var (services, scheduler) = await SchedulerAsync(clock);
        await using var _ = services;
        var schedules = new ConnectionScheduler(services, null!, clock, NullLogger<ConnectionScheduler>.Instance);
        var connection = Connection(60);

        await schedules.UpsertAsync(connection);
        var key = ConnectionScheduler.JobKeyOf(connection.Id);
        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(Assert.Single(await scheduler.GetTriggersOfJob(key)));
        Assert.Equal(TimeSpan.FromMinutes(60), trigger.RepeatInterval);
        var job = await scheduler.GetJobDetail(key);
        Assert.Equal(connection.Id.ToString(), job!.JobDataMap.GetString(Spark.Web.Jobs.ConnectionSyncJob.ConnectionId));

        connection.SyncFrequencyMinutes = 15;
        await schedules.UpsertAsync(connection);
        trigger = Assert.IsAssignableFrom<ISimpleTrigger>(Assert.Single(await scheduler.GetTriggersOfJob(key)));
        Assert.Equal(TimeSpan.FromMinutes(15), trigger.RepeatInterval);

        var other = Connection(30);
        await schedules.UpsertAsync(other);
        connection.AutoSyncEnabled = false;
        await schedules.UpsertAsync(connection);
        Assert.False(await scheduler.Exists(key));
        Assert.True(await scheduler.Exists(ConnectionScheduler.JobKeyOf(other.Id)));

        other.Status = ConnectionStatus.Disconnected;
        await schedules.UpsertAsync(other);
        Assert.False(await scheduler.Exists(ConnectionScheduler.JobKeyOf(other.Id)));
        await scheduler.Shutdown();
    }
}
