using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup, psql over a cluster's private socket) as the tests that run
/// clusters of their own call them (<see cref="PrivateCluster"/>, <see cref="StreamingReplicaPair"/>).
/// </summary>
public static class PostgresTools
{
    /// <summary>The newest installed server's bin directory, as script/lib.sh's pg_bin picks it.</summary>
    public static string Bin() => Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
        .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).Last();

    public static string Tool(string name) => Path.Combine(Bin(), name);

    /// <summary>One statement as the superuser over the cluster's socket (peer authentication as the postgres OS user).</summary>
    public static Task<string> PsqlAsync(string socket, int port, string database, string sql) =>
        AsPostgresAsync("psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", socket, "-p", port.ToString(CultureInfo.InvariantCulture), "-d", database, "-c", sql);

    public static Task AppendAsync(string file, string text) => AsPostgresAsync("sh", "-c", $"cat >> '{file}' <<'CONF'\n{text}CONF\n");

    /// <summary>The postgres OS user runs the server and its tools (the suite runs as root, which PostgreSQL refuses).</summary>
    public static Task<string> AsPostgresAsync(string file, params string[] args) =>
        Environment.UserName == "postgres" ? RunAsync(file, args) : RunAsync("runuser", ["-u", "postgres", "--", file, .. args]);

    public static Task<string> RunAsync(string file, params string[] args) => RunAsync(file, null, args);

    /// <summary>Runs a program to its end (at most two minutes) and returns its output; a non-zero exit throws with both streams.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        WithOwnFakeTimeState(start);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
        return await stdout;
    }

    /// <summary>
    /// Under script/test --date, libfaketime in the test host keeps its state in a semaphore only root may open and names it
    /// in FAKETIME_SHARED, which every child inherits: a program run as the postgres user then cannot start ("sem_open
    /// failed ... Permission denied"). Without the name the child sets up its own and keeps the moved clock (FAKETIME),
    /// as the clusters script/test starts do.
    /// </summary>
    public static void WithOwnFakeTimeState(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Environment.Remove("FAKETIME_SHARED");
    }

    /// <summary>A TCP port free on the loopback interface now (the OS picks it).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
