namespace Spark.Web.Services.Market;

/// <summary>
/// Whether the stored daily history is complete on this instance (issue 15, item 7). The built-in simulator writes years
/// of daily bars after the app has started, a batch of instruments at a time; anything computed over the bars before that
/// write finished sees some instruments and not others, and its figures change from one start to the next. The simulator
/// marks the history complete once its start-up catch-up is written; without the simulator (real history imported, or
/// tests posting bars) the history is whatever is stored, complete from the start.
/// </summary>
public sealed class MarketHistory
{
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="complete">False while a writer (the simulator) is still to write the history.</param>
    public MarketHistory(bool complete)
    {
        if (complete) _complete.SetResult();
    }

    /// <summary>What screens and the API say while the history is being written.</summary>
    public const string PreparingNote =
        "The price history is still being prepared (the simulated market writes its past years after Spark starts). The backtest runs as soon as it is complete.";

    public bool IsComplete => _complete.Task.IsCompleted;

    /// <summary>Completes when the history has been written.</summary>
    public Task WhenComplete => _complete.Task;

    /// <summary>The writer finished: every instrument's history up to the last finished session is stored.</summary>
    public void MarkComplete() => _complete.TrySetResult();
}
