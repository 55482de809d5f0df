namespace Spark.Core.Goals;

/// <summary>The progress milestones a goal announces: 25, 50, 75 and 100 % of its target, each at most once.</summary>
public static class GoalMilestones
{
    public static IReadOnlyList<int> Percents { get; } = [25, 50, 75, 100];

    /// <summary>
    /// The milestone to announce when progress moves from <paramref name="before"/> to <paramref name="after"/> (fractions):
    /// the highest one crossed upward that is above <paramref name="highestAnnounced"/> (0 when none was), or null.
    /// Crossing several at once announces only the highest; falling back and rising again announces nothing new.
    /// </summary>
    public static int? Crossed(decimal before, decimal after, int highestAnnounced)
    {
        int? crossed = null;
        foreach (var percent in Percents)
        {
            var mark = percent / 100m;
            if (percent > highestAnnounced && before < mark && after >= mark) crossed = percent;
        }

        return crossed;
    }
}
