using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Data;

namespace Spark.Web.Jobs;

/// <summary>
/// Creates partitions ahead of time and moves rows that fell into a DEFAULT partition into their own
/// (maintain_partitions runs as the owner; the application role may only call it).
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class PartitionMaintenanceJob(SparkDb db, ILogger<PartitionMaintenanceJob> log) : IJob
{
    public static readonly JobKey Key = new("partition-maintenance", "housekeeping");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var context = db.ForSystem("partition maintenance");
        var created = await context.Database.SqlQuery<int>($"SELECT maintain_partitions(3) AS \"Value\"").SingleAsync(cancellationToken);
        LogCreated(log, created);
        return created;
    }

    [LoggerMessage(LogLevel.Information, "Partition maintenance created {Created} partitions")]
    private static partial void LogCreated(ILogger logger, int created);
}
