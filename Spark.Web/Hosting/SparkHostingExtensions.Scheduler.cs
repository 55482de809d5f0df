using Quartz;
using Spark.Web.Jobs;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddScheduler(IServiceCollection services, string connectionString)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "Spark";
                o.GenerateInstanceId = true;
            });
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering();
            });
            q.AddJob<PartitionMaintenanceJob>(j => j.WithIdentity(PartitionMaintenanceJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(PartitionMaintenanceJob.Key).WithIdentity("partition-maintenance-start").StartNow());
            q.AddTrigger(t => t.ForJob(PartitionMaintenanceJob.Key).WithIdentity("partition-maintenance-daily")
                .WithCronSchedule("0 30 0 * * ?", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
            q.AddJob<IdempotencyCleanupJob>(j => j.WithIdentity(IdempotencyCleanupJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(IdempotencyCleanupJob.Key).WithIdentity("idempotency-cleanup-hourly")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()).StartNow());
            q.AddJob<DayCloseJob>(j => j.WithIdentity(DayCloseJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(DayCloseJob.Key).WithIdentity("day-close-1530-ist")
                .WithCronSchedule("0 30 15 ? * MON-FRI", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
            q.AddJob<PortfolioValuationJob>(j => j.WithIdentity(PortfolioValuationJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(PortfolioValuationJob.Key).WithIdentity("portfolio-valuation-every-5-minutes")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(5)).RepeatForever()).StartNow());
            q.AddJob<JobRunRetentionJob>(j => j.WithIdentity(JobRunRetentionJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(JobRunRetentionJob.Key).WithIdentity("job-run-retention-daily")
                .WithCronSchedule("0 45 0 * * ?", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
            // Every run of every job is written to job_runs, for the back office's jobs page (decision 0043).
            q.AddJobListener(sp => sp.GetRequiredService<JobRunRecorder>());
            ScheduleGoalJobs(q);
            ScheduleStrategyJobs(q);
            SchedulePlanJobs(q);
            ScheduleConnectionJobs(q);
            ScheduleAnalysisJobs(q);
            ScheduleRetentionJobs(q);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }
}
