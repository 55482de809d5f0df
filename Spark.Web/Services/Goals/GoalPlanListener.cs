using Spark.Core.AutoInvest;
using Spark.Web.Services.AutoInvest;

namespace Spark.Web.Services.Goals;

/// <summary>After a batch of plan executions commits, the goals they invested toward refresh their progress and milestones.</summary>
public sealed class GoalPlanListener(GoalProgressService progress) : IPlanExecutionListener
{
    public async Task ExecutedAsync(IReadOnlyList<PlanOutcome> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var goals = outcomes.Where(o => o.Status != ExecutionStatus.Failed && o.GoalId is not null).Select(o => o.GoalId!.Value).Distinct().ToList();
        if (goals.Count > 0) await progress.RefreshAsync(goals, cancellationToken);
    }
}
