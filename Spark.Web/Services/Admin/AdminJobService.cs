using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Core;
using Spark.Data;
using Spark.Web.Accounts;
using Spark.Web.Security;

namespace Spark.Web.Services.Admin;

/// <summary>The last recorded run of a job (job_runs). Outcome: succeeded, failed, cancelled, vetoed or not_executed.</summary>
public sealed record AdminJobRun(string Outcome, DateTimeOffset FiredAt, DateTimeOffset FinishedAt, long DurationMs, string? ErrorMessage);

/// <summary>
/// One Quartz trigger with its job: the schedule in words (and the cron expression when it has one), its state
/// (normal, paused, blocked, error, complete, executing, awaiting, none), previous and next fire (UTC; the page shows IST),
/// the job's last run and its failed runs in the last 24 hours.
/// </summary>
public sealed record AdminJobRow(string JobGroup, string JobName, string TriggerGroup, string TriggerName, string? Description, string Schedule,
    string? Cron, string State, DateTimeOffset? PreviousFireUtc, DateTimeOffset? NextFireUtc, string? PauseReason, AdminJobRun? LastRun,
    int FailuresLast24Hours);

/// <summary>A page of triggers; <see cref="SchedulerRunning"/> is false where this process runs no scheduler (Spark:Jobs:Enabled off).</summary>
public sealed record AdminJobsPage(IReadOnlyList<AdminJobRow> Items, int Page, int PageSize, int Total, bool SchedulerRunning);

/// <summary>What the caller may do on the jobs page, for buttons to say before the click.</summary>
public sealed record AdminJobPermissions(bool CanAct, string? Explanation);

/// <summary>
/// The back office's view of the scheduler (decision 0043): every trigger through <see cref="ISchedulerFactory"/>,
/// the last result and failures from job_runs (written by <see cref="Jobs.JobRunRecorder"/>), and run now, pause and
/// resume for admins only (the actor's roles read from the database), audited with the actor and the reason.
/// </summary>
public sealed class AdminJobService(IServiceProvider services, SparkDb db, StaffAccess staff, AuditTrail audit, TimeProvider clock)
{
    public const int MaxPageSize = 100;
    public const int MaxReasonLength = 500;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromHours(24);

    public async Task<AdminJobsPage> ListAsync(int page = 1, int pageSize = 25, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        if (await SchedulerAsync(cancellationToken) is not { } scheduler) return new AdminJobsPage([], page, pageSize, 0, false);

        var headers = await scheduler.QueryTriggers(new TriggerQuery { Skip = (page - 1) * pageSize, Take = pageSize, IncludeTotalCount = true },
            cancellationToken);
        var keys = headers.Items.Select(h => h.Key).ToList();
        var triggers = keys.Count == 0 ? [] : (await scheduler.GetTriggers(keys, cancellationToken)).ToDictionary(t => t.Key);
        var runs = await RunsAsync([.. headers.Items.Select(h => h.JobKey).Distinct()], cancellationToken);

        var rows = headers.Items.Select(h =>
        {
            var trigger = triggers.GetValueOrDefault(h.Key);
            var (last, failures) = runs.GetValueOrDefault((h.JobKey.Group, h.JobKey.Name));
            return new AdminJobRow(h.JobKey.Group, h.JobKey.Name, h.Key.Group, h.Key.Name, h.Description ?? trigger?.Description,
                ScheduleOf(trigger), (trigger as ICronTrigger)?.CronExpressionString, StateOf(h.State), h.PreviousFireTimeUtc, h.NextFireTimeUtc,
                h.Pause?.Reason, last, failures);
        }).ToList();
        return new AdminJobsPage(rows, page, pageSize, headers.TotalCount ?? rows.Count, true);
    }

    public async Task<AdminJobPermissions> PermissionsAsync(Guid? actorId, CancellationToken cancellationToken = default) =>
        await staff.IsAdminAsync(actorId, cancellationToken)
            ? new AdminJobPermissions(true, null)
            : new AdminJobPermissions(false, "Support reads the jobs; only an admin may run, pause or resume one.");

    /// <summary>Fires the job now, once, outside its schedule. False when there is no such job.</summary>
    public Task<bool> RunNowAsync(Guid actorId, string group, string name, string? reason, ClientInfo? client = null,
        CancellationToken cancellationToken = default) =>
        ActAsync(actorId, group, name, reason, "run a job now", AuditActions.JobRunRequested, client, async (scheduler, key) =>
            await scheduler.TriggerJob(key, cancellationToken), cancellationToken);

    /// <summary>Pauses every trigger of the job, recording why and who. False when there is no such job; 422 when it is already paused.</summary>
    public Task<bool> PauseAsync(Guid actorId, string group, string name, string? reason, ClientInfo? client = null,
        CancellationToken cancellationToken = default) =>
        ActAsync(actorId, group, name, reason, "pause a job", AuditActions.JobPaused, client, async (scheduler, key) =>
        {
            var states = await TriggerStatesAsync(scheduler, key, cancellationToken);
            if (states.Count > 0 && states.All(s => s == TriggerState.Paused)) throw new DomainException("This job is already paused.");
            await scheduler.PauseJobWith(key, new PauseDetails { Reason = reason?.Trim(), RequestedBy = actorId.ToString() }, cancellationToken);
        }, cancellationToken);

    /// <summary>Resumes the job's paused triggers. False when there is no such job; 422 when none of its triggers is paused.</summary>
    public Task<bool> ResumeAsync(Guid actorId, string group, string name, string? reason, ClientInfo? client = null,
        CancellationToken cancellationToken = default) =>
        ActAsync(actorId, group, name, reason, "resume a job", AuditActions.JobResumed, client, async (scheduler, key) =>
        {
            var states = await TriggerStatesAsync(scheduler, key, cancellationToken);
            if (!states.Contains(TriggerState.Paused)) throw new DomainException("This job is not paused.");
            await scheduler.ResumeJob(key, cancellationToken);
        }, cancellationToken);

    private async Task<bool> ActAsync(Guid actorId, string group, string name, string? reason, string what, string action, ClientInfo? client,
        Func<IScheduler, JobKey, Task> act, CancellationToken cancellationToken)
    {
        if (reason is { Length: > MaxReasonLength })
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["reason"] = [$"Keep the reason to {MaxReasonLength} characters."] });
        }
        await staff.RequireAdminAsync(actorId, what, cancellationToken);
        if (await SchedulerAsync(cancellationToken) is not { } scheduler)
        {
            throw new DomainException("The scheduler does not run in this process (Spark:Jobs:Enabled is off): nothing can be run, paused or resumed here.");
        }
        var key = new JobKey(name, group);
        if (await scheduler.GetJobDetail(key, cancellationToken) is null) return false;
        await act(scheduler, key);
        await audit.RecordAsync(action, actorId, client, entityType: "job",
            details: new { job = $"{group}.{name}", reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, cancellationToken: cancellationToken);
        return true;
    }

    private static async Task<List<TriggerState>> TriggerStatesAsync(IScheduler scheduler, JobKey key, CancellationToken cancellationToken) =>
        [.. (await scheduler.QueryTriggers(new TriggerQuery { Job = key, Take = PagedQuery.All }, cancellationToken)).Items.Select(h => h.State)];

    private sealed record RunRow(string JobGroup, string JobName, string? Outcome, DateTimeOffset? FiredAt, DateTimeOffset? FinishedAt,
        long? DurationMs, string? ErrorMessage, int Failures);

    private async Task<Dictionary<(string, string), (AdminJobRun?, int)>> RunsAsync(IReadOnlyList<JobKey> jobs, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0) return [];
        var groups = jobs.Select(j => j.Group).ToArray();
        var names = jobs.Select(j => j.Name).ToArray();
        var since = clock.GetUtcNow() - FailureWindow;
        await using var context = db.ForSystem("job runs");
        // Per job: its newest run (idx_job_runs_job_finished) and its failures since a day ago.
        var rows = await context.Database.SqlQuery<RunRow>($"""
            SELECT k.g AS job_group, k.n AS job_name, r.outcome, r.fired_at, r.finished_at, r.duration_ms, r.error_message,
                   (SELECT count(*)::int FROM job_runs f WHERE f.job_group = k.g AND f.job_name = k.n AND f.finished_at >= {since}
                      AND f.outcome = 'failed') AS failures
            FROM unnest({groups}, {names}) AS k(g, n)
            LEFT JOIN LATERAL (SELECT outcome, fired_at, finished_at, duration_ms, error_message FROM job_runs j
                               WHERE j.job_group = k.g AND j.job_name = k.n ORDER BY j.finished_at DESC LIMIT 1) r ON true
            """).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => (r.JobGroup, r.JobName), r => (
            r.Outcome is null ? null : new AdminJobRun(r.Outcome, r.FiredAt!.Value, r.FinishedAt!.Value, r.DurationMs ?? 0, r.ErrorMessage), r.Failures));
    }

    private async Task<IScheduler?> SchedulerAsync(CancellationToken cancellationToken) =>
        services.GetService<ISchedulerFactory>() is { } factory ? await factory.GetScheduler(cancellationToken) : null;

    private static string StateOf(TriggerState state) => state.ToString().ToLowerInvariant();

    /// <summary>The schedule in words: "every 5 minutes", "daily at 00:30 (India)", "Mon–Fri at 15:30 (India)", else the cron expression.</summary>
    public static string ScheduleOf(ITrigger? trigger) => trigger switch
    {
        ISimpleTrigger { RepeatCount: 0 } => "once",
        ISimpleTrigger simple => "every " + Interval(simple.RepeatInterval),
        ICronTrigger cron => CronInWords(cron.CronExpressionString, cron.TimeZone),
        null => "unknown",
        _ => trigger.GetType().Name,
    };

    public static string CronInWords(string? expression, TimeZoneInfo? zone)
    {
        var where = zone is null || zone.Id is "UTC" or "Etc/UTC" ? "UTC" : zone.Id is "Asia/Kolkata" or "India Standard Time" ? "India" : zone.Id;
        var parts = (expression ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 6 or 7 && parts[0] == "0" && int.TryParse(parts[1], out var minute) && parts[3] is "*" or "?" && parts[4] == "*")
        {
            var days = parts[5] switch
            {
                "*" or "?" => parts[3] == "*" || parts[3] == "?" ? "daily" : null,
                "MON-FRI" => "Mon–Fri",
                "SAT,SUN" or "SAT-SUN" => "weekends",
                _ => null,
            };
            if (days is not null && int.TryParse(parts[2], out var hour))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{days} at {hour:00}:{minute:00} ({where})");
            }
            if (days == "daily" && parts[2] == "*") return string.Create(CultureInfo.InvariantCulture, $"hourly at :{minute:00}");
        }
        return $"cron {expression} ({where})";
    }

    private static string Interval(TimeSpan interval) => interval switch
    {
        { TotalDays: >= 1 } when interval.TotalDays % 1 == 0 => Plural((int)interval.TotalDays, "day"),
        { TotalHours: >= 1 } when interval.TotalHours % 1 == 0 => Plural((int)interval.TotalHours, "hour"),
        { TotalMinutes: >= 1 } when interval.TotalMinutes % 1 == 0 => Plural((int)interval.TotalMinutes, "minute"),
        _ => Plural((int)interval.TotalSeconds, "second"),
    };

    private static string Plural(int n, string unit) => n == 1 ? unit : string.Create(CultureInfo.InvariantCulture, $"{n} {unit}s");
}
