using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Spark.Data;

namespace Spark.Web.Services.Cluster;

/// <summary>The "Spark:Replica" section: when reads may go to <c>ConnectionStrings:SparkReplica</c>.</summary>
public sealed class ReplicaOptions
{
    public const string Section = "Spark:Replica";

    /// <summary>A user's reads go to the primary for this long after they write (they read their own writes).</summary>
    public int ReadYourWritesSeconds { get; set; } = 5;

    /// <summary>Beyond this lag the replica is not used at all.</summary>
    public double MaxLagSeconds { get; set; } = 5;

    /// <summary>How often the replica's lag is measured (and its reachability found again after an outage).</summary>
    public int ProbeSeconds { get; set; } = 2;
}

/// <summary>
/// Who wrote recently, across instances: a write marks its user here and on the other instances (through the
/// cluster bus), so the next read of that user goes to the primary wherever the proxy sends it.
/// </summary>
public sealed class RecentWriters
{
    public const string Channel = "wrote";
    private readonly ConcurrentDictionary<Guid, long> _wroteAt = new();
    private readonly IClusterBus _bus;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _window;

    public RecentWriters(IClusterBus bus, TimeProvider clock, Microsoft.Extensions.Options.IOptions<ReplicaOptions> options)
    {
        _bus = bus;
        _clock = clock;
        _window = TimeSpan.FromSeconds(options.Value.ReadYourWritesSeconds);
        bus.Subscribe(Channel, message =>
        {
            if (Guid.TryParse(message, out var userId)) _wroteAt[userId] = _clock.GetUtcNow().UtcTicks;
        });
    }

    public void Wrote(Guid userId)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        var previous = _wroteAt.GetValueOrDefault(userId);
        _wroteAt[userId] = now;
        // One message per user per second at most: a burst of statements in one unit of work is one write to announce.
        if (now - previous > TimeSpan.TicksPerSecond) _bus.Publish(Channel, userId.ToString());
    }

    public bool WroteRecently(Guid userId) =>
        _wroteAt.TryGetValue(userId, out var at) && _clock.GetUtcNow().UtcTicks - at < _window.Ticks;
}

/// <summary>Marks the user of a unit of work as a recent writer when it sends an INSERT, UPDATE or DELETE.</summary>
public sealed class WriteTrackingInterceptor(RecentWriters writers) : DbCommandInterceptor
{
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Track(command, eventData);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Track(command, eventData);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Track(DbCommand command, CommandEventData eventData)
    {
        if (eventData.Context is not SparkDbContext { Scope.UserId: { } userId }) return;
        var text = command.CommandText.AsSpan().TrimStart();
        if (text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("WITH", StringComparison.OrdinalIgnoreCase))
        {
            writers.Wrote(userId);
        }
    }
}

/// <summary>
/// Contexts for read-heavy queries (backtests, admin lists, charts' history, the tax statement) that may read from the
/// streaming replica (<c>ConnectionStrings:SparkReplica</c>). The primary answers instead when no replica is
/// configured, when it is unreachable or lags beyond <see cref="ReplicaOptions.MaxLagSeconds"/> (measured every
/// <see cref="ReplicaOptions.ProbeSeconds"/>), when the user wrote in the last few seconds, and whenever a replica
/// read fails on the connection (<see cref="ReadAsync{T}"/> reruns it on the primary). Lag is the gauge
/// <c>spark.db.replica.lag</c> (seconds) on meter "Spark".
/// </summary>
public sealed partial class SparkReadDb : IDisposable
{
    private readonly SparkDb _db;
    private readonly string? _replica;
    private readonly RecentWriters? _writers;
    private readonly ReplicaOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<SparkReadDb> _log;
    private readonly Meter? _meter;
    private double? _lagSeconds;
    private long _checkedAt;
    private int _probing;
    private int _usable;

    public SparkReadDb(SparkDb db, IConfiguration configuration, Microsoft.Extensions.Options.IOptions<ReplicaOptions> options,
        TimeProvider clock, ILogger<SparkReadDb> log, IMeterFactory? meters = null, RecentWriters? writers = null)
    {
        _db = db;
        _replica = configuration.GetConnectionString("SparkReplica") is { Length: > 0 } cs ? SparkDatabase.WithRuntimeDefaults(cs) : null;
        _writers = writers;
        _options = options.Value;
        _clock = clock;
        _log = log;
        if (_replica is not null && meters is not null)
        {
            _meter = meters.Create("Spark"); // SparkTelemetry.MeterName
            _meter.CreateObservableGauge("spark.db.replica.lag", () => _lagSeconds ?? double.NaN, unit: "s",
                description: "How far the streaming replica's replay is behind the primary (NaN while unreachable).");
        }
    }

    public bool HasReplica => _replica is not null;

    /// <summary>The replica's lag when last measured; null before the first measurement or while it is unreachable.</summary>
    public double? LagSeconds => _lagSeconds;

    /// <summary>A context for this user's reads: the replica when it may answer, otherwise what <see cref="SparkDb.ForUser"/> gives.</summary>
    public SparkDbContext ForUser(Guid userId)
    {
        var context = _db.ForUser(userId);
        if (RequestConnection.Current is null && UseReplica(userId)) context.Database.SetConnectionString(_replica);
        return context;
    }

    /// <summary>A context for tables without row-level security (market data, securities), on the replica when it may answer.</summary>
    public SparkDbContext Shared()
    {
        var context = _db.Shared();
        if (UseReplica(null)) context.Database.SetConnectionString(_replica);
        return context;
    }

    /// <summary>Runs a read on <see cref="ForUser"/> (or <see cref="Shared"/> for a null user); if the replica fails it, again on the primary.</summary>
    public async Task<T> ReadAsync<T>(Guid? userId, Func<SparkDbContext, Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var context = userId is { } id ? ForUser(id) : Shared();
        var onReplica = _replica is not null && context.Database.GetConnectionString() == _replica;
        try
        {
            return await read(context);
        }
        catch (Exception e) when (onReplica && e is NpgsqlException or TimeoutException or InvalidOperationException { InnerException: NpgsqlException })
        {
            Interlocked.Exchange(ref _usable, 0);
            LogReplicaReadFailed(_log, e.Message);
        }
        finally
        {
            await context.DisposeAsync();
        }

        await using var primary = userId is { } uid ? _db.ForUser(uid) : _db.Shared();
        return await read(primary);
    }

    /// <summary>
    /// Shared data (market data, securities) just changed on the primary: for the read-your-writes window shared reads
    /// go to the primary, so a cache dropped for the change is not filled again from a replica that has not replayed it.
    /// </summary>
    public void SharedDataChanged() => _writers?.Wrote(Guid.Empty);

    private bool UseReplica(Guid? userId)
    {
        if (_replica is null) return false;
        if (_clock.GetElapsedTime(Interlocked.Read(ref _checkedAt)) > TimeSpan.FromSeconds(_options.ProbeSeconds)
            && Interlocked.Exchange(ref _probing, 1) == 0)
        {
            _ = ProbeAsync();
        }

        if (Volatile.Read(ref _usable) == 0) return false;
        return _writers?.WroteRecently(userId ?? Guid.Empty) != true;
    }

    /// <summary>Measures the replica's lag; until a measurement succeeds within the bound, reads stay on the primary.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // The replay lag is 0 while the replica has replayed all it received; otherwise the age of the last replayed
            // transaction (PostgreSQL 15 manual, 28.2.5 and table 9.89, recovery information functions).
            await using var connection = new NpgsqlConnection(_replica);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("""
                SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8
                """, connection);
            var lag = (double)(await command.ExecuteScalarAsync(timeout.Token))!;
            _lagSeconds = lag;
            var usable = lag <= _options.MaxLagSeconds ? 1 : 0;
            if (Interlocked.Exchange(ref _usable, usable) != usable) LogReplicaState(_log, usable == 1 ? "in use" : "lagging, reads go to the primary", lag);
        }
#pragma warning disable CA1031 // An unreachable replica is an expected state: reads go to the primary.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _lagSeconds = null;
            if (Interlocked.Exchange(ref _usable, 0) == 1) LogReplicaReadFailed(_log, e.Message);
        }
        finally
        {
            Interlocked.Exchange(ref _checkedAt, _clock.GetTimestamp());
            Volatile.Write(ref _probing, 0);
        }
    }

    public void Dispose() => _meter?.Dispose();

    [LoggerMessage(LogLevel.Warning, "The read replica failed ({Reason}): reads go to the primary until it answers again")]
    private static partial void LogReplicaReadFailed(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "The read replica is {State} (lag {LagSeconds:0.###} s)")]
    private static partial void LogReplicaState(ILogger logger, string state, double lagSeconds);
}
