using System.Diagnostics;
using System.Globalization;

namespace Spark.Bench;

/// <summary>
/// CPU time spent by this process (load generator + Kestrel + Spark) and by the PostgreSQL cluster's processes
/// between two snapshots, read from /proc: what a request costs, apart from how long it waits.
/// </summary>
internal readonly record struct CpuMeter(TimeSpan App, TimeSpan Database, long Timestamp)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuMeter Now() => new(Process.GetCurrentProcess().TotalProcessorTime, PostgresTime(), Stopwatch.GetTimestamp());

    /// <summary>"app 1.20 + database 0.80 ms CPU per request, 1,234 req/s" for <paramref name="requests"/> since this snapshot.</summary>
    public string PerRequest(int requests)
    {
        var now = Now();
        var wall = Stopwatch.GetElapsedTime(Timestamp, now.Timestamp).TotalSeconds;
        var app = (now.App - App).TotalMilliseconds / requests;
        var database = (now.Database - Database).TotalMilliseconds / requests;
        return string.Create(CultureInfo.InvariantCulture, $"CPU per request: app {app:0.00} ms + PostgreSQL {database:0.00} ms; {requests / wall:0} req/s");
    }

    private static TimeSpan PostgresTime()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (close < 0 || !stat.AsSpan(0, close).Contains("(postgres", StringComparison.Ordinal)) continue;
                // Fields after "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
