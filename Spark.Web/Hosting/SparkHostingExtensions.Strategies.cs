using Quartz;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddStrategies(IServiceCollection services, IConfiguration configuration)
    {
    }

    private static void ScheduleStrategyJobs(IQuartzBuilder q)
    {
    }
}
