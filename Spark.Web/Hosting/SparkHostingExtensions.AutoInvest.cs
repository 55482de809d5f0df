using Quartz;
using Spark.Core.AutoInvest;
using Spark.Web.Jobs;
using Spark.Web.Services.AutoInvest;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddAutoInvest(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AutoInvestOptions>(configuration.GetSection(AutoInvestOptions.Section));
        services.AddScoped<PlanBatchWriter>();
        services.AddScoped<PlanExecutor>();
        services.AddScoped<PlanService>();
        services.AddScoped<PlanExecutionJob>();
    }

    private static void SchedulePlanJobs(IQuartzBuilder q)
    {
        q.AddJob<PlanExecutionJob>(j => j.WithIdentity(PlanExecutionJob.Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(PlanExecutionJob.Key).WithIdentity("plan-execution-catch-up-at-start").StartNow());
        q.AddTrigger(t => t.ForJob(PlanExecutionJob.Key).WithIdentity("plan-execution-0920-ist")
            .WithCronSchedule("0 20 9 ? * MON-FRI", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
    }
}
