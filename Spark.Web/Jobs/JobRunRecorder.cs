using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Data;

namespace Spark.Web.Jobs;

/// <summary>
/// Writes one job_runs row per run of any Quartz job (decision 0043): job and trigger keys, fired and finished
/// times (UTC), duration, outcome and the error's message cut to <see cref="MaxErrorLength"/>. The back office's
/// jobs page reads the last result and the last 24 hours' failures from it. A failure to record is logged and
/// never fails the job.
/// </summary>
public sealed partial class JobRunRecorder(SparkDb db, TimeProvider clock, ILogger<JobRunRecorder> log) : IJobListener
{
    public const int MaxErrorLength = 1000;

    public string Name => "spark-job-runs";

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var outcome = jobException is not null ? "failed" : OutcomeOf(context.Outcome);
            // Quartz wraps what the job threw ("Job threw an unhandled exception"): the job's own exception says what went wrong.
            var error = jobException is null ? null : Truncate(jobException.GetBaseException().Message);
            var duration = context.JobRunTime < TimeSpan.Zero ? TimeSpan.Zero : context.JobRunTime;
            var fired = context.FireTimeUtc;
            var finished = fired + duration;
            if (finished > clock.GetUtcNow().AddMinutes(1)) finished = clock.GetUtcNow();
            await RecordAsync(new JobRunRecord(context.JobDetail.Key.Group, context.JobDetail.Key.Name, context.Trigger.Key.Group,
                context.Trigger.Key.Name, context.FireInstanceId, context.Scheduler.SchedulerInstanceId, fired, finished,
                (long)duration.TotalMilliseconds, outcome, error), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotRecorded(log, context.JobDetail.Key.ToString(), e);
        }
    }

    /// <summary>Writes one run (the listener's path, and tests that need a known history).</summary>
    public async Task RecordAsync(JobRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var context = db.ForSystem("job runs");
        await context.Database.ExecuteSqlAsync($"""
            INSERT INTO job_runs (job_group, job_name, trigger_group, trigger_name, fire_instance_id, instance_id, fired_at, finished_at,
                                  duration_ms, outcome, error_message)
            VALUES ({run.JobGroup}, {run.JobName}, {run.TriggerGroup}, {run.TriggerName}, {run.FireInstanceId}, {run.InstanceId},
                    {run.FiredAt}, {run.FinishedAt}, {Math.Max(run.DurationMs, 0)}, {run.Outcome}, {Truncate(run.ErrorMessage)})
            """, cancellationToken);
    }

    private static string OutcomeOf(ExecutionOutcome outcome) => outcome switch
    {
        ExecutionOutcome.Failed => "failed",
        ExecutionOutcome.Cancelled => "cancelled",
        ExecutionOutcome.Vetoed => "vetoed",
        ExecutionOutcome.NotExecuted => "not_executed",
        _ => "succeeded",
    };

    private static string? Truncate(string? text) => text is null ? null : text.Length <= MaxErrorLength ? text : text[..(MaxErrorLength - 1)] + "…";

    [LoggerMessage(LogLevel.Warning, "Could not record the run of job {Job}")]
    private static partial void LogNotRecorded(ILogger logger, string job, Exception exception);
}

/// <summary>One row of job_runs. Outcome: succeeded, failed, cancelled, vetoed or not_executed.</summary>
public sealed record JobRunRecord(string JobGroup, string JobName, string TriggerGroup, string TriggerName, string? FireInstanceId,
    string? InstanceId, DateTimeOffset FiredAt, DateTimeOffset FinishedAt, long DurationMs, string Outcome, string? ErrorMessage);

/// <summary>Forgets job runs older than <see cref="Retention"/>, daily.</summary>
[DisallowConcurrentExecution]
public sealed partial class JobRunRetentionJob(SparkDb db, TimeProvider clock, ILogger<JobRunRetentionJob> log) : IJob
{
    public static readonly JobKey Key = new("job-run-retention", "housekeeping");
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var before = clock.GetUtcNow() - Retention;
        await using var context = db.ForSystem("job run retention");
        var deleted = await context.Database.ExecuteSqlAsync($"DELETE FROM job_runs WHERE finished_at < {before}", cancellationToken);
        LogDeleted(log, deleted);
        return deleted;
    }

    [LoggerMessage(LogLevel.Information, "Job run retention forgot {Deleted} runs")]
    private static partial void LogDeleted(ILogger logger, int deleted);
}
