using Quartz;
using Spark.Web.Jobs;
using Spark.Web.Services.AutoInvest;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddStrategies(IServiceCollection services, IConfiguration configuration)
    {
        // The baskets (Spark:AutoInvest) are bound once, by AddAutoInvest: plans and backtests read the same ones, and
        // binding the section twice would list each configured instrument twice.
        services.AddSingleton<StrategyBacktester>();
        services.AddScoped<StrategyService>();
        services.AddScoped<StrategyBacktestJob>();
    }

    private static void ScheduleStrategyJobs(IQuartzBuilder q)
    {
        q.AddJob<StrategyBacktestJob>(j => j.WithIdentity(StrategyBacktestJob.Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(StrategyBacktestJob.Key).WithIdentity("strategy-backtests-start")
            .UsingJobData(StrategyBacktestJob.OnlyStale, true).StartNow());
        q.AddTrigger(t => t.ForJob(StrategyBacktestJob.Key).WithIdentity("strategy-backtests-hourly-stale")
            .UsingJobData(StrategyBacktestJob.OnlyStale, true)
            // Hourly at ten past, by the scheduler's own clock (the start trigger above covers the first minutes).
            .WithCronSchedule("0 10 * * * ?", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
        // After the 15:30 close and the funds' NAVs; crypto closes its day at midnight, so every day of the week.
        q.AddTrigger(t => t.ForJob(StrategyBacktestJob.Key).WithIdentity("strategy-backtests-daily-1615-ist")
            .UsingJobData(StrategyBacktestJob.OnlyStale, false)
            .WithCronSchedule("0 15 16 * * ?", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
    }
}
