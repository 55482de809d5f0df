using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Data;
using Spark.Web.Jobs;

namespace Spark.Web.Services.Admin;

/// <summary>One row of the back office's retention card: a rule, its last run (retention_runs) and its next fire (Quartz).</summary>
public sealed record RetentionStatusRow(string Rule, string Description, string Verb, DateTimeOffset? LastRunAt, string? Outcome, long? Rows,
    DateTimeOffset? Cutoff, string? Detail, DateTimeOffset? NextRunAt);

public sealed class RetentionStatusService(IServiceProvider services, SparkDb db)
{
    public async Task<IReadOnlyList<RetentionStatusRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        List<LastRun> runs;
        await using (var context = db.ForSystem("retention status"))
        {
            runs = await context.Database.SqlQuery<LastRun>($"""
                SELECT DISTINCT ON (rule) rule, finished_at, outcome, rows_affected AS rows, cutoff, detail
                FROM retention_runs ORDER BY rule, finished_at DESC, id DESC
                """).ToListAsync(cancellationToken);
        }
        var scheduler = services.GetService<ISchedulerFactory>() is { } factory ? await factory.GetScheduler(cancellationToken) : null;
        var rows = new List<RetentionStatusRow>();
        foreach (var rule in RetentionRules.All)
        {
            DateTimeOffset? next = null;
            if (scheduler is not null)
            {
                var triggers = await scheduler.GetTriggersOfJob(RetentionRules.KeyOf(rule.Name), cancellationToken);
                next = triggers.Select(t => t.NextFireTimeUtc).Where(t => t is not null).Min();
            }
            var last = runs.FirstOrDefault(r => r.Rule == rule.Name);
            rows.Add(new RetentionStatusRow(rule.Name, rule.Description, rule.Verb, last?.FinishedAt, last?.Outcome, last?.Rows, last?.Cutoff, last?.Detail, next));
        }
        return rows;
    }

    private sealed record LastRun(string Rule, DateTimeOffset FinishedAt, string Outcome, long Rows, DateTimeOffset Cutoff, string? Detail);
}
