using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Npgsql;
using Spark.Data;
using Spark.Web.Hosting;

namespace Spark.Web.Services.Orders;

/// <summary>What this instance knows of the paper exchange's ownership.</summary>
public enum ExchangeRoleKind
{
    /// <summary>No answer from the database yet (starting, or the lock's connection was lost and not regained).</summary>
    Unknown,

    /// <summary>Another instance holds the lock: this one does not match and does not write the simulator's bars.</summary>
    Standby,

    Owner,
}

/// <summary>This instance's role, since when, and (owner) the epoch it was elected with.</summary>
public sealed record ExchangeRole(ExchangeRoleKind Kind, DateTimeOffset Since, long? Epoch, string Instance)
{
    public bool IsOwner => Kind == ExchangeRoleKind.Owner;
}

/// <summary>
/// Elects the one instance that runs the paper exchange (and writes the simulated market's bars) with a PostgreSQL session
/// advisory lock held on a connection of its own (decision 0056). The winner takes a new epoch in exchange_leases (the
/// fencing token its fills carry), LISTENs on that same connection for orders placed, changed and ended anywhere, and
/// reconciles its book with the database every few seconds. A lost connection (the session terminated, the network cut)
/// deposes it at once: matching stops. Standbys ask for the lock every second; when the owner dies its session ends, the
/// lock is free, and a standby takes over within about a second, reloading the open orders from the database.
/// </summary>
public sealed partial class ExchangeOwnership : BackgroundService
{
    private readonly SparkDb db;
    private readonly PaperExchange exchange;
    private readonly TimeProvider clock;
    private readonly BackgroundLoops loops;
    private readonly ILogger<ExchangeOwnership> log;
    private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExchangeRole _role;

    public ExchangeOwnership(SparkDb db, PaperExchange exchange, TimeProvider clock, BackgroundLoops loops, IMeterFactory meters,
        ILogger<ExchangeOwnership> log)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(meters);
        (this.db, this.exchange, this.clock, this.loops, this.log) = (db, exchange, clock, loops, log);
        var instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        Instance = instance.Length > 200 ? instance[^200..] : instance;
        _role = new ExchangeRole(ExchangeRoleKind.Unknown, clock.GetUtcNow(), null, Instance);
        var meter = meters.Create("Spark"); // SparkTelemetry.MeterName
        meter.CreateObservableGauge("spark.exchange.owner", () => Role.IsOwner ? 1 : 0, description: "1 while this instance owns the paper exchange, else 0");
    }

    /// <summary>The advisory lock's name (hashed to its key), the lease row's name and the notification channel.</summary>
    public const string LockName = "spark:paper-exchange";
    public const string LeaseName = "paper";
    public const string Channel = "spark_orders";

    /// <summary>The loop's name in /health/ready and the log.</summary>
    public const string LoopName = "exchange-election";

    /// <summary>
    /// How often a standby asks for the lock and the owner checks its connection, and how often the owner reconciles.
    /// Real time, not the app's clock: this is about processes being alive (tests move the app's clock, or stop it).
    /// </summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ReconcileEvery = TimeSpan.FromSeconds(3);

    /// <summary>Names this process in exchange_leases.holder and the log.</summary>
    public string Instance { get; }

    public ExchangeRole Role => Volatile.Read(ref _role);

    /// <summary>Completes when the first election attempt has an answer (won, lost, or no database).</summary>
    public Task Decided => _decided.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loops.RunAsync(LoopName, async cancellationToken =>
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            NpgsqlConnection? held = null;
            try
            {
                held = await TryLockAsync(cancellationToken);
                if (held is null) SetRole(ExchangeRoleKind.Standby, null);
                loops.Healthy(LoopName);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                SetRole(ExchangeRoleKind.Unknown, null);
                loops.Faulted(LoopName, e);
            }

            _decided.TrySetResult();
            if (held is not null)
            {
                await using (held)
                {
                    await OwnAsync(held, cancellationToken);
                }
            }

            await Task.Delay(RetryEvery, TimeProvider.System, cancellationToken);
        }
    }, stoppingToken);

    private async Task<NpgsqlConnection?> TryLockAsync(CancellationToken cancellationToken)
    {
        // A connection of its own, outside the pool: the lock lives and dies with this session.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString)
        {
            Pooling = false, ApplicationName = "spark exchange owner", KeepAlive = 5, Timeout = 5,
        }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = AdvisoryLock.Key(LockName) } } };
            if (await command.ExecuteScalarAsync(cancellationToken) is true) return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Runs the exchange while the lock is held; returns when it is lost (or the app stops).</summary>
    private async Task OwnAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var notes = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        connection.Notification += (_, e) => notes.Writer.TryWrite(e.Payload);
        try
        {
            // A new epoch under the lock. An election updates the lease row, which waits for fills in flight (they hold it
            // FOR SHARE) and fences every later fill of a deposed owner.
            long epoch;
            await using (var command = new NpgsqlCommand("""
                INSERT INTO exchange_leases (name, epoch, holder, acquired_at) VALUES ($1, nextval('exchange_epoch_seq'), $2, $3)
                ON CONFLICT (name) DO UPDATE SET epoch = EXCLUDED.epoch, holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at
                RETURNING epoch
                """, connection))
            {
                command.Parameters.Add(new() { Value = LeaseName });
                command.Parameters.Add(new() { Value = Instance });
                command.Parameters.Add(new() { Value = clock.GetUtcNow() });
                epoch = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            }

            await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }

            exchange.TakeOver(epoch);
            SetRole(ExchangeRoleKind.Owner, epoch);
            LogElected(log, Instance, epoch);
            var reconcileAt = Stopwatch.GetTimestamp();
            while (!exchange.Fenced)
            {
                // A terminated session or a cut connection throws here: the lock went with it.
                if (!await connection.WaitAsync(RetryEvery, cancellationToken))
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteScalarAsync(cancellationToken);
                }

                while (notes.Reader.TryRead(out var note)) await HandleAsync(note, cancellationToken);
                if (Stopwatch.GetElapsedTime(reconcileAt) >= ReconcileEvery)
                {
                    reconcileAt = Stopwatch.GetTimestamp();
                    await HandleAsync(null, cancellationToken);
                }
            }

            LogDeposed(log, Instance, "a fill was refused for a newer epoch");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Whatever broke the lock's session ends this term of ownership; the loop stands again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogDeposed(log, Instance, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            exchange.Depose();
            SetRole(ExchangeRoleKind.Unknown, null);
        }
    }

    /// <summary>Passes one notification (or, for null, a reconcile) to the exchange; a failure there waits for the next reconcile.</summary>
    private async Task HandleAsync(string? note, CancellationToken cancellationToken)
    {
        try
        {
            if (note is null) await exchange.ReconcileAsync(cancellationToken);
            else await exchange.HandleAsync(note, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNoteFailed(log, e, note ?? "reconcile");
        }
    }

    private void SetRole(ExchangeRoleKind kind, long? epoch)
    {
        if (Role.Kind == kind && Role.Epoch == epoch) return;
        Volatile.Write(ref _role, new ExchangeRole(kind, clock.GetUtcNow(), epoch, Instance));
    }

    [LoggerMessage(LogLevel.Information, "Paper exchange: {Instance} owns it from now, epoch {Epoch}")]
    private static partial void LogElected(ILogger logger, string instance, long epoch);

    [LoggerMessage(LogLevel.Warning, "Paper exchange: {Instance} is no longer the owner ({Reason})")]
    private static partial void LogDeposed(ILogger logger, string instance, string reason);

    [LoggerMessage(LogLevel.Warning, "Paper exchange: handling '{Note}' failed; the next reconcile makes up for it")]
    private static partial void LogNoteFailed(ILogger logger, Exception exception, string note);
}
