using System.Diagnostics;
using Spark.Core.Time;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// The clock of the app under test: it starts at a chosen instant and runs at the wall clock's pace, so the app lives
/// on the test's calendar whatever the machine's date (the suite passes under faketime), while delays, timeouts and
/// token lifetimes still elapse as they would. <see cref="Advance"/> jumps it forward (session and cookie expiry).
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>
    /// Friday 27 November 2026, 10:00 in India: a trading day in market hours, the day the date-bound tests were
    /// written against (a plan for the 5th subscribed then first runs on Monday 7 December).
    /// </summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(5.5));

    private readonly long startedAt = Stopwatch.GetTimestamp();
    private long advancedTicks;

    public TestClock()
        : this(DefaultStart)
    {
    }

    public override DateTimeOffset GetUtcNow() =>
        start.ToUniversalTime() + Stopwatch.GetElapsedTime(startedAt) + TimeSpan.FromTicks(Interlocked.Read(ref advancedTicks));

    /// <summary>Today in India on this clock (market dates, plan dates, bar dates).</summary>
    public DateOnly Today => IndiaTime.Today(this);

    public void Advance(TimeSpan by) => Interlocked.Add(ref advancedTicks, by.Ticks);
}
