using Microsoft.EntityFrameworkCore;
using Quartz;
using Spark.Core.Goals;
using Spark.Data;
using Spark.Web.Services.Goals;

namespace Spark.Web.Jobs;

/// <summary>
/// After the close (IST), every active or paused goal's progress is recomputed at the day's prices: current amount,
/// achieved, milestones. Goals are read a page at a time by id, and each page is one batch refresh.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class GoalProgressJob(SparkDb db, GoalProgressService progress, ILogger<GoalProgressJob> log) : IJob
{
    public static readonly JobKey Key = new("goal-progress", "goals");

    private const int PageSize = 1000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    /// <returns>How many goals were refreshed.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var refreshed = 0;
        var milestones = 0;
        var after = Guid.Empty;
        while (true)
        {
            List<Guid> ids;
            await using (var context = db.ForSystem("goal progress job"))
            {
                ids = await context.Goals.AsNoTracking()
                    .Where(g => g.DeletedAt == null && (g.Status == GoalStatus.Active || g.Status == GoalStatus.Paused) && g.Id.CompareTo(after) > 0)
                    .OrderBy(g => g.Id).Select(g => g.Id).Take(PageSize).ToListAsync(cancellationToken);
            }

            if (ids.Count == 0) break;
            var updates = await progress.RefreshAsync(ids, cancellationToken);
            refreshed += updates.Count;
            milestones += updates.Count(u => u.Milestone is not null);
            after = ids[^1];
        }

        LogRefreshed(log, refreshed, milestones);
        return refreshed;
    }

    [LoggerMessage(LogLevel.Information, "Goal progress: {Refreshed} goals refreshed, {Milestones} milestones announced")]
    private static partial void LogRefreshed(ILogger logger, int refreshed, int milestones);
}
