using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;
using Spark.Web.Security;
using Spark.Web.Services.Market;
using Spark.Web.Services.Orders;

namespace Spark.Bench;

/// <summary>
/// Issue #17: order placement across two instances under the bench's 16 clients (SPARK_BENCH_ONLY=placement2). Instance A
/// is the bench's in-process host; it is elected owner of the paper exchange before B exists. Instance B is Spark.Web.dll
/// of the same build as a separate OS process (the tests' <see cref="SparkProcess"/>) on the same database, a standby:
/// what is placed there reaches A through the database's notification and the reconcile (decision 0056). The same burst
/// and paced placements run first with all 16 clients on A alone, then split 8/8 with each client signed in on its
/// instance. Every tenth order of a measured run crosses A's ticks and fills there, so orders from both instances fill
/// while placements go on; then the database is checked: nothing filled twice, nothing lost.
/// </summary>
internal static class TwoInstanceBench
{
    /// <summary>The price the owner's ticker publishes for every security: between the resting and the crossing limits.</summary>
    public const decimal TickPrice = 55m;

    private const int Clients = 16;
    private const int PerClient = 100;
    private const int CrossingEvery = 10;
    private const string Password = "benchmark trader passphrase 2026";
    private static readonly TimeSpan TickEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

    public sealed record Line(string Measure, string Result, string Includes);

    /// <summary>Runs the section and prints its table and checks; returns the exit code (1 when a check fails).</summary>
    public static async Task<int> RunAsync(WebApplication app, string address, string appConnection, string ownerConnection,
        IReadOnlyList<Spark.Core.Market.Security> tradable)
    {
        var lines = new List<Line>();
        var ownership = app.Services.GetRequiredService<ExchangeOwnership>();
        // A must own before B exists, so which instance owns is known, and B is the one that reaches it through the database.
        await UntilAsync(() => Task.FromResult(ownership.Role.IsOwner), "instance A to own the paper exchange", TimeSpan.FromSeconds(30));
        var epoch = ownership.Role.Epoch!.Value;

        // Sixteen investors, each signed in on A; their ids in client order.
        var traders = new List<(Guid Id, string Email)>();
        var onA = new List<HttpClient>();
        for (var i = 0; i < Clients; i++)
        {
            var email = $"bench-two-{i}-{Guid.NewGuid():N}@spark.local";
            var id = await ExchangeBench.TraderAsync(app.Services, ownerConnection, email, Password);
            var http = new HttpClient { BaseAddress = new Uri(address) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", await ExchangeBench.LoginAsync(http, email, Password));
            await ExchangeBench.EnableTwoFactorAsync(ownerConnection, id);
            traders.Add((id, email));
            onA.Add(http);
        }

        var userIds = traders.Select(t => t.Id).ToArray();
        var accepted = 0;
        int Accepted(ExchangeBench.Run run) => accepted += run.Count - run.FailedCount;

        // The owner's market: every security at TickPrice, five times a second, on A's own feed (the exchange matches there).
        using var stopTicks = new CancellationTokenSource();
        var feed = app.Services.GetRequiredService<IMarketFeed>();
        var ticker = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TickEvery);
            while (await timer.WaitForNextTickAsync(stopTicks.Token))
            {
                var at = DateTimeOffset.UtcNow;
                feed.Publish([.. tradable.Select(s => new PriceTick(s.Id, s.Symbol, TickPrice, null, at))]);
            }
        });

        try
        {
            // 1. One instance: the same warm-up as the orders bench, then the measured runs.
            var warmUpRounds = 0;
            for (; warmUpRounds < 40; warmUpRounds++)
            {
                var before = System.Runtime.JitInfo.GetCompiledMethodCount();
                Accepted(await ExchangeBench.PlaceAsync(onA, tradable, perClient: 50));
                if (System.Runtime.JitInfo.GetCompiledMethodCount() - before < 20) break;
            }

            var warmedUpA = accepted;
            var cpu = Cpu.Now(null);
            var single = await ExchangeBench.PlaceAsync(onA, tradable, PerClient, crossingEvery: CrossingEvery);
            Accepted(single);
            lines.Add(new("one instance: POST /api/v1/orders p95", ExchangeBench.Ms(single.P95()),
                $"{single.Count} limit orders, 16 clients all on A, unpaced, after {warmedUpA:N0} unmeasured; {Crossings(single)} ({single.FailedCount} failed); {cpu.PerRequest(single.Count)}"));
            cpu = Cpu.Now(null);
            var singlePaced = await ExchangeBench.PlaceAsync(onA, tradable, PerClient, interval: Pace, crossingEvery: CrossingEvery);
            Accepted(singlePaced);
            lines.Add(new("one instance: POST /api/v1/orders p95 at 320/s", ExchangeBench.Ms(singlePaced.P95()),
                $"{singlePaced.Count} as above, each client one every 50 ms, from its scheduled moment ({singlePaced.FailedCount} failed); {cpu.PerRequest(singlePaced.Count)}"));

            // 2. B: a separate process on the same database, with A's key-encryption key (they share data-protection keys).
            var startedB = Stopwatch.StartNew();
            await using var b = await SparkProcess.StartAsync(appConnection, ownerConnection, new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                // SparkProcess reads its port from the host's "Now listening on" line, an Information message.
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
                [KeyRingProtector.Setting] = KeyEncryptionKey(app),
            }, "bench-b");
            lines.Add(new("instance B started", $"{startedB.Elapsed.TotalSeconds:0.0} s", $"pid {b.Id}, {b.BaseAddress}: until /health/ready answered 200"));
            await UntilAsync(async () => await LeaseAsync(ownerConnection) is { } lease && lease.Epoch == epoch, "B to stand by (A's lease unchanged)", TimeSpan.FromSeconds(10));

            // Clients 8–15 sign in on B (a login with two-factor on would ask for a code: off for the sign-in, on again).
            var split = new List<HttpClient>(onA.Take(Clients / 2));
            var onB = new List<HttpClient>();
            await SetTwoFactorAsync(ownerConnection, userIds[(Clients / 2)..], false);
            foreach (var (_, email) in traders.Skip(Clients / 2))
            {
                var http = new HttpClient { BaseAddress = b.BaseAddress };
                http.DefaultRequestHeaders.Authorization = new("Bearer", await ExchangeBench.LoginAsync(http, email, Password));
                onB.Add(http);
            }

            await SetTwoFactorAsync(ownerConnection, userIds[(Clients / 2)..], true);
            split.AddRange(onB);

            // B's JIT cannot be read from here: it is warmed with as many placements as A needed to settle.
            var warmedUpB = 0;
            while (warmedUpB < warmedUpA)
            {
                var round = await ExchangeBench.PlaceAsync(split, tradable, perClient: 50);
                Accepted(round);
                warmedUpB += round.Latencies.Skip(Clients / 2).Sum(l => l.Count);
            }

            var splitStarted = DateTimeOffset.UtcNow;
            cpu = Cpu.Now(b.Id);
            var two = await ExchangeBench.PlaceAsync(split, tradable, PerClient, crossingEvery: CrossingEvery);
            Accepted(two);
            var twoCost = cpu.PerRequest(two.Count);
            cpu = Cpu.Now(b.Id);
            var twoPaced = await ExchangeBench.PlaceAsync(split, tradable, PerClient, interval: Pace, crossingEvery: CrossingEvery);
            Accepted(twoPaced);
            var twoPacedCost = cpu.PerRequest(twoPaced.Count);
            foreach (var (name, run, how, cost) in new[] { ("", two, "unpaced", twoCost), (" at 320/s", twoPaced, "each client one every 50 ms, from its scheduled moment", twoPacedCost) })
            {
                lines.Add(new($"two instances: POST /api/v1/orders p95{name}", ExchangeBench.Ms(run.P95()),
                    $"{run.Count} limit orders, 16 clients split 8/8, {how}, after {warmedUpB:N0} more unmeasured on B; {Crossings(run)} ({run.FailedCount} failed); {cost}"));
                lines.Add(new($"  of which on A (owner){name}", ExchangeBench.Ms(run.P95(..(Clients / 2))),
                    $"clients 0–7: {run.Latencies.Take(Clients / 2).Sum(l => l.Count)} orders ({run.Failed.Take(Clients / 2).Sum()} failed)"));
                lines.Add(new($"  of which on B (standby){name}", ExchangeBench.Ms(run.P95((Clients / 2)..)),
                    $"clients 8–15: {run.Latencies.Skip(Clients / 2).Sum(l => l.Count)} orders ({run.Failed.Skip(Clients / 2).Sum()} failed)"));
            }

            // 3. Every crossing order fills on A's ticks (those placed on B only once A has heard of them), within a bound.
            var crossing = single.Crossing.Sum() + singlePaced.Crossing.Sum() + two.Crossing.Sum() + twoPaced.Crossing.Sum();
            var waited = Stopwatch.StartNew();
            var unfilled = await UntilFilledAsync(ownerConnection, userIds, TimeSpan.FromSeconds(60));
            lines.Add(new("crossing orders filled", $"{crossing - unfilled} of {crossing}",
                $"limit {ExchangeBench.CrossingPrice} against ticks at {TickPrice} every {TickEvery.TotalMilliseconds:0} ms on A; the last {waited.Elapsed.TotalSeconds:0.0} s after the last placement"));
            var (fillA, fillB) = await PlacedToFilledAsync(ownerConnection, userIds, splitStarted);
            lines.Add(new("two instances: placed → filled p95, placed on A / on B", $"{ExchangeBench.Ms(fillA)} / {ExchangeBench.Ms(fillB)}",
                "crossing orders of the two measured runs: the order's created_at to its execution's, both on this machine's clock (A's ticks every 200 ms; B's reach A by NOTIFY or the 3 s reconcile)"));

            var lease = await LeaseAsync(ownerConnection);
            lines.Add(new("owner of the paper exchange", lease?.Holder == ownership.Instance ? $"A (in-process, pid {Environment.ProcessId})" : $"not A: {lease?.Holder}",
                $"exchange_leases: epoch {lease?.Epoch} (A was elected with {epoch}); B pid {b.Id} stood by throughout"));

            Print(lines);

            // 4. The database's word: nothing filled twice, nothing lost, nothing filled that should not have.
            var checks = await IntegrityAsync(ownerConnection);
            checks.AddRange(await PlacementChecksAsync(ownerConnection, userIds, accepted, crossing, epoch));
            Console.WriteLine();
            Console.WriteLine("check | value | ok");
            Console.WriteLine("--- | --- | ---");
            foreach (var (check, value, ok) in checks) Console.WriteLine($"{check} | {value} | {(ok ? "ok" : "FAILED")}");
            if (b.HasExited) Console.WriteLine($"instance B exited early (code {b.ExitCode}):\n{b.Output}");
            foreach (var client in onB) client.Dispose();
            return checks.All(c => c.Ok) && unfilled == 0 && !b.HasExited ? 0 : 1;
        }
        catch
        {
            // What was measured before the failure is still worth seeing.
            Print(lines);
            throw;
        }
        finally
        {
            await stopTicks.CancelAsync();
            try
            {
                await ticker;
            }
            catch (OperationCanceledException)
            {
            }

            foreach (var client in onA) client.Dispose();
        }
    }

    private static string Crossings(ExchangeBench.Run run) => $"{run.Crossing.Sum()} of them crossing (every {CrossingEvery}th of each client)";

    /// <summary>
    /// The integrity checks of script/sql/verify-integrity.sql (the file itself, as script/restore runs it, read by the
    /// tests' <see cref="SparkScripts.IntegrityAsync"/>), without its row counts: order fills against filled_quantity and
    /// quantity, one execution per fill key, cash, holdings, lots.
    /// </summary>
    private static async Task<List<(string Check, string Value, bool Ok)>> IntegrityAsync(string ownerConnection) =>
        [.. (await SparkScripts.IntegrityAsync(ownerConnection))
            .Where(c => !c.Check.StartsWith("rows ", StringComparison.Ordinal))
            .Select(c => (c.Check, c.Value.ToString(CultureInfo.InvariantCulture), c.Ok))];

    /// <summary>This section's own: every accepted placement stored once, the crossing ones filled once by the one owner, the rest untouched.</summary>
    private static async Task<List<(string Check, string Value, bool Ok)>> PlacementChecksAsync(string ownerConnection, Guid[] users, int accepted, int crossing, long epoch)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync();
        async Task<long> CountAsync(string sql, params object[] values)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue(users);
            foreach (var value in values) command.Parameters.AddWithValue(value);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        var stored = await CountAsync("SELECT count(*) FROM trading_orders WHERE user_id = ANY($1)");
        var executions = await CountAsync("SELECT count(*) FROM order_executions WHERE user_id = ANY($1)");
        var filledOrders = await CountAsync("SELECT count(*) FROM trading_orders WHERE user_id = ANY($1) AND price = $2 AND filled_quantity = quantity AND quantity = 1",
            ExchangeBench.CrossingPrice);
        var restingFilled = await CountAsync("SELECT count(*) FROM trading_orders WHERE user_id = ANY($1) AND price <> $2 AND filled_quantity > 0", ExchangeBench.CrossingPrice);
        var otherEpoch = await CountAsync("SELECT count(*) FROM order_executions WHERE user_id = ANY($1) AND exchange_epoch IS DISTINCT FROM $2", epoch);
        return
        [
            ("orders stored = placements answered 201", $"{stored} / {accepted}", stored == accepted),
            ("crossing orders filled to their quantity", $"{filledOrders} / {crossing}", filledOrders == crossing),
            ("executions = crossing orders (one each)", $"{executions} / {crossing}", executions == crossing),
            ("resting orders filled", restingFilled.ToString(CultureInfo.InvariantCulture), restingFilled == 0),
            ("executions not carrying the owner's epoch", otherEpoch.ToString(CultureInfo.InvariantCulture), otherEpoch == 0),
        ];
    }

    /// <summary>Waits until every crossing order of these users is filled; returns how many are not when the bound passes.</summary>
    private static async Task<long> UntilFilledAsync(string ownerConnection, Guid[] users, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = new NpgsqlConnection(ownerConnection);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM trading_orders WHERE user_id = ANY($1) AND price = $2 AND filled_quantity < quantity", connection);
            command.Parameters.AddWithValue(users);
            command.Parameters.AddWithValue(ExchangeBench.CrossingPrice);
            var left = (long)(await command.ExecuteScalarAsync())!;
            if (left == 0 || waited.Elapsed > within) return left;
            await Task.Delay(100);
        }
    }

    /// <summary>p95 of placed-to-filled of the crossing orders since <paramref name="since"/>, for clients 0–7 (on A) and 8–15 (on B).</summary>
    private static async Task<(double OnA, double OnB)> PlacedToFilledAsync(string ownerConnection, Guid[] users, DateTimeOffset since)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync();
        async Task<double> P95Async(Guid[] some)
        {
            await using var command = new NpgsqlCommand("""
                SELECT COALESCE(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM e.created_at - o.created_at)), 0) * 1000
                FROM trading_orders o JOIN order_executions e ON e.order_id = o.id
                WHERE o.user_id = ANY($1) AND o.price = $2 AND o.created_at >= $3
                """, connection);
            command.Parameters.AddWithValue(some);
            command.Parameters.AddWithValue(ExchangeBench.CrossingPrice);
            command.Parameters.AddWithValue(since);
            return Convert.ToDouble(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        return (await P95Async(users[..(Clients / 2)]), await P95Async(users[(Clients / 2)..]));
    }

    private static async Task<(string Holder, long Epoch)?> LeaseAsync(string ownerConnection)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT holder, epoch FROM exchange_leases WHERE name = $1", connection);
        command.Parameters.AddWithValue(ExchangeOwnership.LeaseName);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private static async Task SetTwoFactorAsync(string ownerConnection, Guid[] users, bool on)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE users SET two_factor_enabled = $2 WHERE id = ANY($1)", connection);
        command.Parameters.AddWithValue(users);
        command.Parameters.AddWithValue(on);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A's key-encryption key: configured, or the one A generated into its state directory (made now if not yet).</summary>
    private static string KeyEncryptionKey(WebApplication app)
    {
        if (app.Configuration[KeyRingProtector.Setting] is { Length: > 0 } configured) return configured;
        _ = app.Services.GetRequiredService<KeyRingProtector>().Protector;
        var state = app.Services.GetRequiredService<IOptions<SparkOptions>>().Value.StateDirectory;
        return File.ReadAllText(Path.Combine(Path.GetFullPath(state), "data-protection-kek.key")).Trim();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > within) throw new TimeoutException($"Waited {within.TotalSeconds:0} s for {what}.");
            await Task.Delay(100);
        }
    }

    private static void Print(List<Line> lines)
    {
        var widths = new[] { lines.Max(l => l.Measure.Length), lines.Max(l => l.Result.Length) };
        Console.WriteLine();
        Console.WriteLine($"{"measure".PadRight(widths[0])} | {"result".PadRight(widths[1])} | what the timing includes");
        Console.WriteLine(new string('-', widths.Sum() + 30));
        foreach (var line in lines) Console.WriteLine($"{line.Measure.PadRight(widths[0])} | {line.Result.PadRight(widths[1])} | {line.Includes}");
        Console.WriteLine();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }

    /// <summary>CPU of this process (the load generator and A), of B when given, and of PostgreSQL, per placement.</summary>
    private readonly record struct Cpu(CpuMeter Meter, int? Other, TimeSpan OtherTime)
    {
        public static Cpu Now(int? other) => new(CpuMeter.Now(), other, other is { } pid ? Process.GetProcessById(pid).TotalProcessorTime : TimeSpan.Zero);

        public string PerRequest(int requests)
        {
            var line = Meter.PerRequest(requests);
            if (Other is not { } pid) return line;
            var b = (Process.GetProcessById(pid).TotalProcessorTime - OtherTime).TotalMilliseconds / requests;
            return string.Create(CultureInfo.InvariantCulture, $"{line}; B {b:0.00} ms");
        }
    }
}
