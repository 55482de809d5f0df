using Spark.Web.Components.Shared;

namespace Spark.Tests.Components;

/// <summary>
/// A grid's load answers for the filters as they are when it returns (the admin users search once showed the unfiltered
/// first page over a search typed while that page was still loading).
/// </summary>
public sealed class CurrentFiltersTests
{
    [Fact]
    public async Task A_load_whose_filters_changed_while_it_ran_is_asked_again_with_the_new_ones()
    {
        string? search = null;
        var first = new TaskCompletionSource();
        var asked = new List<string?>();
        var load = CurrentFilters.LoadAsync(() => search, async () =>
        {
            var mine = search;
            asked.Add(mine);
            if (asked.Count == 1) await first.Task;
            return mine ?? "everyone";
        });

        search = "ravi@example.com";
        first.SetResult();

        Assert.Equal("ravi@example.com", await load);
        Assert.Equal([null, "ravi@example.com"], asked);
    }

    [Fact]
    public async Task A_load_whose_filters_held_still_runs_once()
    {
        var calls = 0;
        var result = await CurrentFilters.LoadAsync(() => ("ravi", 1), () => Task.FromResult(++calls));
        Assert.Equal(1, result);
        Assert.Equal(1, calls);
    }
}
