using Quartz;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddAutoInvest(IServiceCollection services, IConfiguration configuration)
    {
    }

    private static void SchedulePlanJobs(IQuartzBuilder q)
    {
    }
}
