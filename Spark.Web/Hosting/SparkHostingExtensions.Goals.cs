using Quartz;
using Spark.Core.Goals;
using Spark.Web.Jobs;
using Spark.Web.Services.Goals;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddGoals(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GoalOptions>(configuration.GetSection(GoalOptions.Section));
        services.AddSingleton<GoalProgressService>();
        services.AddScoped<GoalService>();
        services.AddScoped<GoalProgressJob>();
        services.AddSingleton<Services.AutoInvest.IPlanExecutionListener, GoalPlanListener>();
    }

    private static void ScheduleGoalJobs(IQuartzBuilder q)
    {
        // After the 15:30 close and the day-close job, every day (crypto trades at weekends; contributions arrive any day).
        q.AddJob<GoalProgressJob>(j => j.WithIdentity(GoalProgressJob.Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(GoalProgressJob.Key).WithIdentity("goal-progress-1600-ist")
            .WithCronSchedule("0 0 16 * * ?", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
    }
}
