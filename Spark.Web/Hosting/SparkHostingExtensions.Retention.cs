using Quartz;
using Spark.Web.Jobs;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddRetention(IServiceCollection services)
    {
        services.AddScoped<RetentionService>();
        services.AddScoped<RetentionJob>();
        services.AddScoped<Services.Admin.RetentionStatusService>();
    }

    /// <summary>One job per rule of the schema's retention table (decision 0058), times in India.</summary>
    private static void ScheduleRetentionJobs(IQuartzBuilder q)
    {
        foreach (var rule in RetentionRules.All)
        {
            var key = RetentionRules.KeyOf(rule.Name);
            q.AddJob<RetentionJob>(j => j.WithIdentity(key).WithDescription(rule.Description).UsingJobData(RetentionJob.RuleKey, rule.Name).StoreDurably());
            q.AddTrigger(t => t.ForJob(key).WithIdentity(key.Name + "-schedule", key.Group)
                .WithCronSchedule(rule.Cron, c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
        }
    }
}
