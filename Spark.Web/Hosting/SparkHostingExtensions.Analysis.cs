using Quartz;
using Spark.Web.Jobs;
using Spark.Web.Services.Analysis;

namespace Spark.Web.Hosting;

public static partial class SparkHostingExtensions
{
    private static void AddAnalysis(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AnalysisOptions>(configuration.GetSection(AnalysisOptions.Section));
        services.AddSingleton<IndexHistory>();
        services.AddSingleton<SecurityAnalysisService>();
        services.AddScoped<AnalysisSettings>();
        services.Configure<NarrativeOptions>(configuration.GetSection(NarrativeOptions.Section));
        services.AddSingleton<NarrativeModel>();
        services.AddScoped<NarrativeService>();
        services.AddScoped<SecurityAnalysisJob>();
        services.Configure<Spark.Core.Analysis.InsightThresholds>(configuration.GetSection(AnalysisOptions.Section + ":Insights"));
        services.AddScoped<PortfolioInsightService>();
        services.AddSingleton<PortfolioInsightMemory>();
    }

    private static void ScheduleAnalysisJobs(IQuartzBuilder q)
    {
        // After the 15:30 close and the day-close job has written the day's bars (decision 0060), on trading days.
        q.AddJob<SecurityAnalysisJob>(j => j.WithIdentity(SecurityAnalysisJob.Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(SecurityAnalysisJob.Key).WithIdentity("security-analysis-1615-ist")
            .WithCronSchedule("0 15 16 ? * MON-FRI", c => c.InTimeZone(Spark.Core.Time.IndiaTime.Zone)));
    }
}
