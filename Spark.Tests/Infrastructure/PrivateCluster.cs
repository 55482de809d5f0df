using System.Globalization;
using Npgsql;
using static Spark.Tests.Infrastructure.PostgresTools;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test class's own, with Spark's database on it: initdb on a free port, the test roles with
/// the test passwords, and the test template's schema and reference data through pg_dump and pg_restore. It is laid out
/// the way script/lib.sh lays out <c>.spark/NAME</c> — <c>STATE/NAME/data</c>, its log and socket in <c>STATE/NAME</c>,
/// the roles' passwords in <c>STATE/NAME.secrets</c> — so the scripts address it with <see cref="ScriptEnvironment"/>
/// (SPARK_STATE, SPARK_CLUSTER, SPARK_PG_PORT) and write their backups and WAL archive under <see cref="StateDirectory"/>,
/// not in the checkout's .spark/. The suite's own cluster is left alone. Disposing stops every cluster under the state
/// directory (those the scripts started there too) and deletes it.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    public const string DatabaseName = "spark";

    private PrivateCluster(string stateDirectory, string name, int port)
    {
        StateDirectory = stateDirectory;
        Name = name;
        Port = port;
    }

    /// <summary>What the scripts take as SPARK_STATE: this cluster, its secrets, backups and WAL archive live under it.</summary>
    public string StateDirectory { get; }

    public string Name { get; }

    public int Port { get; }

    /// <summary>The cluster's own directory (its socket and log); the data directory is <see cref="DataDirectory"/>.</summary>
    public string Directory => Path.Combine(StateDirectory, Name);

    public string DataDirectory => Path.Combine(Directory, "data");

    public string OwnerConnectionString => Connection(Port, "spark_owner", TestEnvironment.OwnerPassword);

    public string AppConnectionString => Connection(Port, "spark_app", TestEnvironment.AppPassword);

    /// <summary>The environment under which script/backup and script/restore work on this cluster.</summary>
    public IReadOnlyDictionary<string, string> ScriptEnvironment => new Dictionary<string, string>
    {
        ["SPARK_STATE"] = StateDirectory,
        ["SPARK_CLUSTER"] = Name,
        ["SPARK_PG_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["SPARK_DB"] = DatabaseName,
    };

    /// <summary>Makes and starts the cluster. <paramref name="configuration"/> is appended to postgresql.conf.</summary>
    public static async Task<PrivateCluster> CreateAsync(string purpose, string name = "primary", string configuration = "")
    {
        // script/test points TMPDIR at tmpfs, where initdb's thousand files cost a twentieth of what they do on disk (decision 0071).
        var root = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp ? tmp : "/var/tmp";
        var cluster = new PrivateCluster(Path.Combine(root, $"spark-{purpose}-{Guid.NewGuid().ToString("N")[..12]}"), name, FreePort());
        try
        {
            await cluster.InitializeAsync(configuration);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    private async Task InitializeAsync(string configuration)
    {
        await RunAsync("install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0700", StateDirectory, Directory);
        await AsPostgresAsync(Tool("initdb"), "-D", DataDirectory, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
            "--auth-local=peer", "--auth-host=scram-sha-256");
        // Durability off, as the suite's own cluster; wal_level stays PostgreSQL's default (replica), which streaming
        // replicas and base backups need.
        await AppendAsync(Path.Combine(DataDirectory, "postgresql.conf"),
            $"listen_addresses = '127.0.0.1'\nport = {Port}\nunix_socket_directories = '{Directory}'\ntimezone = 'UTC'\nfsync = off\n" +
            $"max_connections = 60\nshared_buffers = 32MB\n{configuration}");
        await StartAsync();

        // One statement a call: CREATE DATABASE cannot run inside the transaction psql -c wraps several in.
        await PsqlAsync("postgres", $"CREATE ROLE spark_owner LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{TestEnvironment.OwnerPassword}'");
        await PsqlAsync("postgres", $"CREATE ROLE spark_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{TestEnvironment.AppPassword}'");
        await PsqlAsync("postgres", $"CREATE DATABASE {DatabaseName} OWNER spark_owner ENCODING 'UTF8'");
        // The test template as script/test migrated it: schema, row-level security, grants, reference data.
        var dump = Path.Combine(StateDirectory, "template.dump");
        var env = new Dictionary<string, string> { ["PGPASSWORD"] = TestEnvironment.OwnerPassword };
        await RunAsync(Tool("pg_dump"), env, "-h", "127.0.0.1", "-p", TestEnvironment.Port.ToString(CultureInfo.InvariantCulture),
            "-U", "spark_owner", "-Fc", "-f", dump, TestEnvironment.TemplateDatabase);
        await RunAsync("chown", "postgres:postgres", dump);
        await AsPostgresAsync(Tool("pg_restore"), "-h", Directory, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", DatabaseName, "--exit-on-error", dump);
        File.Delete(dump);
        // What ensure_roles writes for .spark/NAME: the scripts read the owner's password from it.
        await File.WriteAllTextAsync(Path.Combine(StateDirectory, $"{Name}.secrets"),
            $"SPARK_OWNER_PASSWORD={TestEnvironment.OwnerPassword}\nSPARK_APP_PASSWORD={TestEnvironment.AppPassword}\n");
    }

    /// <summary>One statement as the superuser over this cluster's socket; the output trimmed.</summary>
    public async Task<string> PsqlAsync(string database, string sql) => (await PostgresTools.PsqlAsync(Directory, Port, database, sql)).Trim();

    /// <summary>
    /// Closes the WAL segment holding what was just written and waits until the archiver has copied it, so recovery can
    /// read it from the archive (a segment is archived only once complete; archive_timeout would take minutes). Returns
    /// the segment's name.
    /// </summary>
    public async Task<string> ArchiveWrittenWalAsync()
    {
        var segment = await PsqlAsync("postgres", "SELECT pg_walfile_name(pg_switch_wal())");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await PsqlAsync("postgres", $"SELECT coalesce(last_archived_wal >= '{segment}', false) FROM pg_stat_archiver") != "t")
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{segment} was not archived within 60 s: {await PsqlAsync("postgres", "SELECT row_to_json(a) FROM pg_stat_archiver a")}");
            }
            await Task.Delay(50);
        }
        return segment;
    }

    public Task StartAsync() =>
        AsPostgresAsync(Tool("pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(Directory, "postgresql.log"), "-w", "-t", "60", "start");

    public static Task StopAsync(string dataDirectory, string mode = "fast") =>
        AsPostgresAsync(Tool("pg_ctl"), "-D", dataDirectory, "-m", mode, "-w", "stop");

    public static string Connection(int port, string user, string password, string database = DatabaseName) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = port, Username = user, Password = password, Database = database, Pooling = true, MaxPoolSize = 20,
        IncludeErrorDetail = true,
    }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (System.IO.Directory.Exists(StateDirectory))
        {
            foreach (var pid in System.IO.Directory.EnumerateFiles(StateDirectory, "postmaster.pid", SearchOption.AllDirectories))
            {
                try
                {
                    await StopAsync(Path.GetDirectoryName(pid)!, "immediate");
                }
                catch (InvalidOperationException)
                {
                    // Already stopped (a stale postmaster.pid).
                }
            }
        }
        await RunAsync("rm", "-rf", StateDirectory);
    }
}
