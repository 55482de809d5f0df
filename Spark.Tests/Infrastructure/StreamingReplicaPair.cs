using System.Globalization;
using Npgsql;
using static Spark.Tests.Infrastructure.PostgresTools;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL primary and a real streaming replica of it, made for one test class (issue #17, decision 0057): a small
/// cluster of its own (<see cref="PrivateCluster"/>: initdb, the test roles, the test template's schema and reference data)
/// and a physical standby made with <c>pg_basebackup -R -X stream</c>, each on a free port, under a temporary directory
/// owned by the postgres OS user. The suite's own cluster is left alone: stopping this replica stops nobody else's reads,
/// and the suite's hundreds of database clones are not streamed anywhere.
/// </summary>
public sealed class StreamingReplicaPair : IAsyncLifetime
{
    public const string DatabaseName = PrivateCluster.DatabaseName;

    private PrivateCluster? primary;

    private PrivateCluster Primary => primary ?? throw new InvalidOperationException("The pair is not initialised.");

    public int PrimaryPort => Primary.Port;

    public int ReplicaPort { get; } = FreePort();

    private string ReplicaDir => Path.Combine(Primary.StateDirectory, "replica");

    public string AppConnectionString => Primary.AppConnectionString;

    public string OwnerConnectionString => Primary.OwnerConnectionString;

    /// <summary>The application role on the replica, failing fast when it is down (as deployments configure it).</summary>
    public string ReplicaConnectionString => new NpgsqlConnectionStringBuilder(PrivateCluster.Connection(ReplicaPort, "spark_app", TestEnvironment.AppPassword))
    {
        Timeout = 2,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        // Streaming replication as PostgreSQL ships it (wal_level replica, max_wal_senders 10, hot_standby on).
        primary = await PrivateCluster.CreateAsync("replica");
        await AsPostgresAsync(Tool("pg_basebackup"), "-h", Primary.Directory, "-p", PrimaryPort.ToString(CultureInfo.InvariantCulture),
            "-U", "postgres", "-D", ReplicaDir, "-R", "-X", "stream", "-c", "fast");
        await AppendAsync(Path.Combine(ReplicaDir, "postgresql.conf"), $"port = {ReplicaPort}\nunix_socket_directories = '{ReplicaDir}'\n");
        await StartReplicaAsync();
    }

    /// <summary>Stops the replica and the primary (the replica's data directory lies under the primary's state directory).</summary>
    public async Task DisposeAsync()
    {
        if (primary is not null) await primary.DisposeAsync();
    }

    /// <summary>Stops the replica as an operator (or a crash) would: reads must fall back to the primary.</summary>
    public Task StopReplicaAsync() => PrivateCluster.StopAsync(ReplicaDir);

    /// <summary>Starts the replica (again); returns once it accepts connections as a standby.</summary>
    public async Task StartReplicaAsync()
    {
        await AsPostgresAsync(Tool("pg_ctl"), "-D", ReplicaDir, "-l", Path.Combine(ReplicaDir, "postgresql.log"), "-w", "-t", "60", "start");
        var standby = await PsqlAsync(ReplicaDir, ReplicaPort, "postgres", "SELECT pg_is_in_recovery()");
        if (standby.Trim() != "t") throw new InvalidOperationException($"The replica on port {ReplicaPort} is not a standby: {standby}");
    }

    /// <summary>True once the replica has replayed everything the primary has written so far.</summary>
    public async Task<bool> CaughtUpAsync()
    {
        var written = await Primary.PsqlAsync("postgres", "SELECT pg_current_wal_lsn()");
        var replayed = await PsqlAsync(ReplicaDir, ReplicaPort, "postgres",
            $"SELECT coalesce(pg_last_wal_replay_lsn() >= '{written}'::pg_lsn, false)");
        return replayed.Trim() == "t";
    }
}
