using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Data;

namespace Spark.Web.Jobs;

/// <summary>Forgets Idempotency-Keys after 48 hours (api.md promises at least 24).</summary>
[DisallowConcurrentExecution]
public sealed partial class IdempotencyCleanupJob(SparkDb db, TimeProvider clock, ILogger<IdempotencyCleanupJob> log) : IJob
{
    public static readonly JobKey Key = new("idempotency-cleanup", "housekeeping");
    public static readonly TimeSpan Retention = TimeSpan.FromHours(48);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var before = clock.GetUtcNow() - Retention;
        await using var context = db.ForSystem("idempotency cleanup");
        var deleted = await context.IdempotencyKeys.Where(k => k.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        LogDeleted(log, deleted);
        return deleted;
    }

    [LoggerMessage(LogLevel.Information, "Idempotency cleanup forgot {Deleted} keys")]
    private static partial void LogDeleted(ILogger logger, int deleted);
}
