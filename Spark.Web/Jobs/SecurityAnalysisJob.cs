using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Data;
using Spark.Web.Services.Analysis;
using Spark.Web.Services.Market;

namespace Spark.Web.Jobs;

/// <summary>
/// After the close (16:15 IST, once the day's bars are in), every security someone holds or watches gets its analysis
/// recomputed (decision 0060), so the first investor to open it the next day reads the cache. Portfolio insights will
/// join this job when they are built.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class SecurityAnalysisJob(SparkDb db, SecurityCatalog catalog, SecurityAnalysisService analyses, ILogger<SecurityAnalysisJob> log) : IJob
{
    public static readonly JobKey Key = new("security-analysis", "analysis");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    /// <returns>How many securities were analysed.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> ids;
        await using (var context = db.ForSystem("security analysis job"))
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            ids = await context.Database.SqlQuery<Guid>($"""
                SELECT security_id AS "Value" FROM investments WHERE quantity > 0
                UNION SELECT security_id FROM watchlist_items
                """).ToListAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var done = 0;
        foreach (var id in ids.Order())
        {
            if (await catalog.GetAsync(id, cancellationToken) is not { } security) continue;
            if (await analyses.RefreshAsync(security, cancellationToken) is not null) done++;
        }

        LogDone(log, done, ids.Count);
        return done;
    }

    [LoggerMessage(LogLevel.Information, "Security analysis: {Done} of {Count} held or watched securities analysed")]
    private static partial void LogDone(ILogger logger, int done, int count);
}
