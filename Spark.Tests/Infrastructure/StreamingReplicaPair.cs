using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL primary and a real streaming replica of it, made for one test class (issue #17, decision 0057): a small
/// cluster of its own (initdb, the test roles with the test passwords, the test template's schema and reference data
/// through pg_dump and pg_restore) and a physical standby made with <c>pg_basebackup -R -X stream</c>, each on a free
/// port, under a temporary directory owned by the postgres OS user. The suite's own cluster is left alone: stopping this
/// replica stops nobody else's reads, and the suite's hundreds of database clones are not streamed anywhere.
/// </summary>
public sealed class StreamingReplicaPair : IAsyncLifetime
{
    public const string DatabaseName = "spark";

    private readonly string root = Path.Combine("/var/tmp", $"spark-replica-{Guid.NewGuid():N}"[..27]);

    public int PrimaryPort { get; } = FreePort();

    public int ReplicaPort { get; } = FreePort();

    private string PrimaryDir => Path.Combine(root, "primary");

    private string ReplicaDir => Path.Combine(root, "replica");

    public string AppConnectionString => Connection(PrimaryPort, "spark_app", TestEnvironment.AppPassword);

    public string OwnerConnectionString => Connection(PrimaryPort, "spark_owner", TestEnvironment.OwnerPassword);

    /// <summary>The application role on the replica, failing fast when it is down (as deployments configure it).</summary>
    public string ReplicaConnectionString => new NpgsqlConnectionStringBuilder(Connection(ReplicaPort, "spark_app", TestEnvironment.AppPassword))
    {
        Timeout = 2,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        var bin = Bin();
        await RunAsync("install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0700", root);
        await AsPostgresAsync(Path.Combine(bin, "initdb"), "-D", PrimaryDir, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
            "--auth-local=peer", "--auth-host=scram-sha-256");
        // Streaming replication as PostgreSQL ships it (wal_level replica, max_wal_senders 10, hot_standby on); durability
        // off, as the suite's own cluster.
        await AppendAsync(Path.Combine(PrimaryDir, "postgresql.conf"),
            $"listen_addresses = '127.0.0.1'\nport = {PrimaryPort}\nunix_socket_directories = '{PrimaryDir}'\nfsync = off\nmax_connections = 60\nshared_buffers = 32MB\n");
        await StartAsync(bin, PrimaryDir);

        // One statement a call: CREATE DATABASE cannot run inside the transaction psql -c wraps several in.
        await PsqlAsync(PrimaryDir, PrimaryPort, "postgres", $"CREATE ROLE spark_owner LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{TestEnvironment.OwnerPassword}'");
        await PsqlAsync(PrimaryDir, PrimaryPort, "postgres", $"CREATE ROLE spark_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{TestEnvironment.AppPassword}'");
        await PsqlAsync(PrimaryDir, PrimaryPort, "postgres", $"CREATE DATABASE {DatabaseName} OWNER spark_owner ENCODING 'UTF8'");
        // The test template as script/test migrated it: schema, row-level security, grants, reference data.
        var dump = Path.Combine(root, "template.dump");
        var env = new Dictionary<string, string> { ["PGPASSWORD"] = TestEnvironment.OwnerPassword };
        await RunAsync(Path.Combine(bin, "pg_dump"), env, "-h", "127.0.0.1", "-p", TestEnvironment.Port.ToString(CultureInfo.InvariantCulture),
            "-U", "spark_owner", "-Fc", "-f", dump, TestEnvironment.TemplateDatabase);
        await RunAsync("chown", "postgres:postgres", dump);
        await AsPostgresAsync(Path.Combine(bin, "pg_restore"), "-h", PrimaryDir, "-p", PrimaryPort.ToString(CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", DatabaseName, "--exit-on-error", dump);

        await AsPostgresAsync(Path.Combine(bin, "pg_basebackup"), "-h", PrimaryDir, "-p", PrimaryPort.ToString(CultureInfo.InvariantCulture),
            "-U", "postgres", "-D", ReplicaDir, "-R", "-X", "stream", "-c", "fast");
        await AppendAsync(Path.Combine(ReplicaDir, "postgresql.conf"), $"port = {ReplicaPort}\nunix_socket_directories = '{ReplicaDir}'\n");
        await StartReplicaAsync();
    }

    public async Task DisposeAsync()
    {
        var bin = Bin();
        foreach (var dir in new[] { ReplicaDir, PrimaryDir })
        {
            if (File.Exists(Path.Combine(dir, "postmaster.pid")))
            {
                try
                {
                    await AsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", dir, "-m", "immediate", "-w", "stop");
                }
                catch (InvalidOperationException)
                {
                    // Already stopped.
                }
            }
        }
        await RunAsync("rm", "-rf", root);
    }

    /// <summary>Stops the replica as an operator (or a crash) would: reads must fall back to the primary.</summary>
    public Task StopReplicaAsync() => AsPostgresAsync(Path.Combine(Bin(), "pg_ctl"), "-D", ReplicaDir, "-m", "fast", "-w", "stop");

    /// <summary>Starts the replica (again); returns once it accepts connections as a standby.</summary>
    public async Task StartReplicaAsync()
    {
        await StartAsync(Bin(), ReplicaDir);
        var standby = await PsqlAsync(ReplicaDir, ReplicaPort, "postgres", "SELECT pg_is_in_recovery()");
        if (standby.Trim() != "t") throw new InvalidOperationException($"The replica on port {ReplicaPort} is not a standby: {standby}");
    }

    /// <summary>True once the replica has replayed everything the primary has written so far.</summary>
    public async Task<bool> CaughtUpAsync()
    {
        var written = await PsqlAsync(PrimaryDir, PrimaryPort, "postgres", "SELECT pg_current_wal_lsn()");
        var replayed = await PsqlAsync(ReplicaDir, ReplicaPort, "postgres",
            $"SELECT coalesce(pg_last_wal_replay_lsn() >= '{written.Trim()}'::pg_lsn, false)");
        return replayed.Trim() == "t";
    }

    private static string Bin() => Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
        .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).Last();

    private static string Connection(int port, string user, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = port, Username = user, Password = password, Database = DatabaseName, Pooling = true, MaxPoolSize = 20,
        IncludeErrorDetail = true,
    }.ConnectionString;

    private Task StartAsync(string bin, string dir) =>
        AsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", dir, "-l", Path.Combine(dir, "postgresql.log"), "-w", "-t", "60", "start");

    private static Task<string> PsqlAsync(string socket, int port, string database, string sql) =>
        AsPostgresAsync("psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-h", socket, "-p", port.ToString(CultureInfo.InvariantCulture), "-d", database, "-c", sql);

    private static Task AppendAsync(string file, string text) => AsPostgresAsync("sh", "-c", $"cat >> '{file}' <<'CONF'\n{text}CONF\n");

    /// <summary>The postgres OS user runs the server and its tools (the suite runs as root, which PostgreSQL refuses).</summary>
    private static Task<string> AsPostgresAsync(string file, params string[] args) =>
        Environment.UserName == "postgres" ? RunAsync(file, args) : RunAsync("runuser", ["-u", "postgres", "--", file, .. args]);

    private static Task<string> RunAsync(string file, params string[] args) => RunAsync(file, null, args);

    private static async Task<string> RunAsync(string file, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
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
