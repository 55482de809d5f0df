using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Data;
using Spark.Web.Services.Analysis;
using Spark.Web.Services.Market;

namespace Spark.Web.Jobs;

/// <summary>
/// After the close (16:15 IST, once the day's bars are in), every security someone holds or watches gets its analysis
/// recomputed (decision 0060), so the first investor to open it the next day reads the cache; then every investor's
/// portfolio insight (decision 0062), each on its own so one investor's failure leaves the others.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class SecurityAnalysisJob(SparkDb db, SecurityCatalog catalog, SecurityAnalysisService analyses,
    PortfolioInsightService insights, ILogger<SecurityAnalysisJob> log) : IJob
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
        await RefreshInsightsAsync(cancellationToken);
        return done;
    }

    /// <returns>How many investors' portfolio insights were recomputed.</returns>
    public async Task<int> RefreshInsightsAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> investors;
        await using (var context = db.ForSystem("portfolio insight job"))
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            // Every investor with a holding row (held or sold): an investor with none has nothing to compare.
            investors = await context.Database.SqlQuery<Guid>($"SELECT DISTINCT user_id AS \"Value\" FROM investments").ToListAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var done = 0;
        foreach (var userId in investors.Order())
        {
            try
            {
                await insights.RefreshAsync(userId, cancellationToken);
                done++;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One investor's ledger that cannot be valued (an inconsistent import) must not stop the others'.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogInsightFailed(log, e, userId);
            }
        }

        LogInsights(log, done, investors.Count);
        return done;
    }

    [LoggerMessage(LogLevel.Information, "Security analysis: {Done} of {Count} held or watched securities analysed")]
    private static partial void LogDone(ILogger logger, int done, int count);

    [LoggerMessage(LogLevel.Information, "Portfolio insights: {Done} of {Count} investors recomputed")]
    private static partial void LogInsights(ILogger logger, int done, int count);

    [LoggerMessage(LogLevel.Warning, "Portfolio insight of investor {UserId} could not be computed")]
    private static partial void LogInsightFailed(ILogger logger, Exception exception, Guid userId);
}
