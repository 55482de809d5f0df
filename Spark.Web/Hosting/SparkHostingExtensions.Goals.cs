using Quartz;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddGoals(IServiceCollection services, IConfiguration configuration)
    {
    }

    private static void ScheduleGoalJobs(IQuartzBuilder q)
    {
    }
}
