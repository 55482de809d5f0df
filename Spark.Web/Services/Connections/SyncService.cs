using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core;
using Spark.Core.Imports;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Time;
using Spark.Data;
using Spark.Data.Conversions;
using Spark.Web.Services.Connections.Brokers;
using Spark.Web.Services.Notifications;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Connections;

/// <summary>
/// Runs a connection's sync: reads the broker's holdings and every page of trades from the stored cursor, matches
/// instruments, and writes the trades through the ledger's import path (one transaction, the holding locks, one
/// replay per holding, keyed by the broker's trade id). Nothing is written unless every page was read; a failed run
/// keeps the old cursor, so the next one reads the same trades again and the trade ids make that harmless.
/// One run per connection at a time, on every instance: a sync_logs row in flight is unique per connection, and
/// the run holds an advisory lock on the connection while it works.
/// </summary>
public sealed partial class SyncService(
    SparkDb db,
    BrokerRegistry brokers,
    ConnectionSecrets secrets,
    InstrumentMatcher instruments,
    LedgerService ledger,
    PortfolioCache cache,
    PortfolioService portfolio,
    NotificationService notifications,
    SyncQueue queue,
    IOptions<BrokerOptions> options,
    IOptions<SyncOptions> syncOptions,
    TimeProvider clock,
    ILogger<SyncService> log,
    Hosting.SparkMetrics metrics)
{
    public const string FailedKind = "connection_sync_failed";
    public const string ReconnectKind = "connection_reconnect_needed";

    /// <summary>A pending run no worker has started after this long was lost with its process, and no longer blocks a new one.</summary>
    public static readonly TimeSpan PendingTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Queues a run ("sync now", or right after connecting) and answers its log at once. If a run of this connection is
    /// already pending or running (asked by another click, tab or instance), that run's log is the answer: it acts once.
    /// </summary>
    /// <returns>Null if the investor has no such connection.</returns>
    /// <exception cref="ConflictException">The connection is disconnected or awaits the investor's login.</exception>
    public async Task<SyncLogView?> RequestAsync(Guid userId, Guid connectionId, SyncType type, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "start a broker sync");
        await using var context = db.ForUser(userId);
        var connection = await context.PlatformConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        if (connection is null) return null;
        if (connection.Status == ConnectionStatus.Disconnected)
        {
            throw new ConflictException(connection.DisconnectedAt is null
                ? $"Finish logging in to {BrokerNames.Display(connection.Platform)} first."
                : "This connection is disconnected; connect the broker again to sync.");
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var inFlight = await context.SyncLogs.AsNoTracking()
                .Where(l => l.ConnectionId == connectionId && (l.Status == SyncStatus.Pending || l.Status == SyncStatus.InProgress))
                .FirstOrDefaultAsync(cancellationToken);
            if (inFlight is not null)
            {
                if (!await AbandonedAsync(inFlight, cancellationToken)) return View(inFlight);
                await context.SyncLogs.Where(l => l.Id == inFlight.Id && (l.Status == SyncStatus.Pending || l.Status == SyncStatus.InProgress))
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, SyncStatus.Failed)
                        .SetProperty(l => l.ErrorMessage, "The run was interrupted (Spark restarted); a new one was started.")
                        .SetProperty(l => l.CompletedAt, clock.GetUtcNow()), cancellationToken);
            }

            var now = clock.GetUtcNow();
            var row = new SyncLog { ConnectionId = connectionId, SyncType = type, Status = SyncStatus.Pending, StartedAt = now, CreatedAt = now };
            context.SyncLogs.Add(row);
            try
            {
                await context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                // Another request queued one between our read and our insert: answer that one.
                context.ChangeTracker.Clear();
                continue;
            }

            await queue.EnqueueAsync(new SyncWork(row.Id, userId, connectionId), cancellationToken);
            return View(row);
        }

        throw new ConflictException("A sync of this connection is starting; try again in a moment.");
    }

    /// <summary>
    /// A scheduled run: queued and run here, in the scheduler's thread. Nothing happens if a run is already in flight
    /// or the connection cannot sync (disconnected, or waiting for the investor to reconnect).
    /// </summary>
    public async Task<SyncLogView?> RunScheduledAsync(Guid userId, Guid connectionId, CancellationToken cancellationToken = default)
    {
        await using (var context = db.ForUser(userId))
        {
            var connection = await context.PlatformConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
            if (connection is null || connection.Status == ConnectionStatus.Disconnected || connection.ReconnectRequired || !connection.AutoSyncEnabled) return null;
            if (await context.SyncLogs.AnyAsync(l => l.ConnectionId == connectionId && (l.Status == SyncStatus.Pending || l.Status == SyncStatus.InProgress),
                    cancellationToken))
            {
                return null;
            }

            var now = clock.GetUtcNow();
            var row = new SyncLog { ConnectionId = connectionId, SyncType = SyncType.Scheduled, Status = SyncStatus.Pending, StartedAt = now, CreatedAt = now };
            context.SyncLogs.Add(row);
            try
            {
                await context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                return null;
            }

            await RunAsync(new SyncWork(row.Id, userId, connectionId), cancellationToken);
            return await LogAsync(userId, connectionId, row.Id, cancellationToken);
        }
    }

    /// <summary>A connection's runs, newest first; null if the investor has no such connection.</summary>
    public async Task<Paged<SyncLogView>?> LogsAsync(Guid userId, Guid connectionId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        await using var context = db.ForUser(userId);
        if (!await context.PlatformConnections.AnyAsync(c => c.Id == connectionId, cancellationToken)) return null;
        var query = context.SyncLogs.AsNoTracking().Where(l => l.ConnectionId == connectionId);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        return new Paged<SyncLogView>(rows.Select(View).ToList(), page, pageSize, total);
    }

    public async Task<SyncLogView?> LogAsync(Guid userId, Guid connectionId, Guid logId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var row = await context.SyncLogs.AsNoTracking().SingleOrDefaultAsync(l => l.Id == logId && l.ConnectionId == connectionId, cancellationToken);
        return row is null ? null : View(row);
    }

    /// <summary>Tells the portfolio cache that the ledger of this investor changed outside a sync (a disconnect that deleted history).</summary>
    public void Committed(Guid userId) => cache.Invalidate(userId);

    /// <summary>Runs a queued sync to its end (completed or failed). A run another worker already took, or that holds no longer, does nothing.</summary>
    public async Task RunAsync(SyncWork work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        // The run before this one may still be letting go (its log is already final): wait for it rather than drop this one.
        var held = await AdvisoryLock.TakeAsync(db.ConnectionString, LockName(work.ConnectionId), TimeSpan.FromMinutes(1), clock, cancellationToken);
        if (held is null) return;
        await using (held)
        {
            await using var context = db.ForUser(work.UserId);

            var run = await context.SyncLogs.SingleOrDefaultAsync(l => l.Id == work.SyncLogId, cancellationToken);
            var row = await context.PlatformConnections.SingleOrDefaultAsync(c => c.Id == work.ConnectionId, cancellationToken);
            if (run is null || run.Status != SyncStatus.Pending || row is null) return;
            var connection = row;
            var stopwatch = Stopwatch.StartNew();
            run.Status = SyncStatus.InProgress;
            run.StartedAt = clock.GetUtcNow();
            var wasFailing = connection.LastError is not null;
            var wasReconnect = connection.ReconnectRequired;
            connection.Status = ConnectionStatus.Syncing;
            await context.SaveChangesAsync(cancellationToken);

            SyncOutcome outcome;
            try
            {
                outcome = await SyncAsync(work.UserId, connection, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await FinishAsync(context, run, connection, SyncOutcome.Failed(BrokerFailureKind.Unavailable, "Spark stopped during the sync; the next run starts again."),
                    stopwatch.Elapsed, CancellationToken.None);
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogCrashed(log, e, connection.Id);
                outcome = SyncOutcome.Failed(BrokerFailureKind.Unavailable, "Spark could not finish the sync (an internal error, logged for the team). Nothing was written.");
            }

            await FinishAsync(context, run, connection, outcome, stopwatch.Elapsed, cancellationToken);
            // Told while the lock is held, so the next run sees what this one told.
            await TellAsync(work.UserId, connection, outcome, wasFailing, wasReconnect, stopwatch.ElapsedMilliseconds, cancellationToken);
            if (outcome.Created > 0) await WarmAsync(work.UserId, cancellationToken);
        }
    }

    /// <summary>
    /// Computes the investor's portfolio once after a run wrote trades, so the dashboard's first view after a sync
    /// reads the cache (about 30 ms) instead of replaying 10,000 rows while the investor waits (about 300 ms). The run
    /// is background work already; a failure here only costs that first view its speed.
    /// </summary>
    private async Task WarmAsync(Guid userId, CancellationToken cancellationToken)
    {
        try
        {
            await portfolio.GetAsync(userId, withSeries: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            LogWarmFailed(log, e, userId);
        }
    }

    private async Task TellAsync(Guid userId, PlatformConnection connection, SyncOutcome outcome, bool wasFailing, bool wasReconnect, long elapsedMs,
        CancellationToken cancellationToken)
    {
        if (outcome.Failure is { } failure)
        {
            LogFailed(log, connection.Id, connection.Platform, failure.Kind, failure.Message);
            // Once per spell of failure: not again on every retry while it keeps failing the same way.
            var reconnect = failure.Kind is BrokerFailureKind.AuthExpired or BrokerFailureKind.InvalidCredentials;
            if (reconnect && !wasReconnect)
            {
                await notifications.NotifyAsync(userId, ReconnectKind, $"Reconnect {BrokerNames.Display(connection.Platform)}",
                    $"{failure.Message} Spark cannot sync until you reconnect.", "/settings/connections", cancellationToken);
            }
            else if (!reconnect && !wasFailing)
            {
                await notifications.NotifyAsync(userId, FailedKind, $"{BrokerNames.Display(connection.Platform)} sync failed",
                    $"{failure.Message} Spark will try again at the next scheduled sync.", "/settings/connections", cancellationToken);
            }
        }
        else
        {
            LogSynced(log, connection.Id, connection.Platform, outcome.TradesFetched, outcome.Created, elapsedMs);
        }
    }

    private async Task<SyncOutcome> SyncAsync(Guid userId, PlatformConnection connection, CancellationToken cancellationToken)
    {
        var adapter = brokers.For(connection.Platform);
        var name = BrokerNames.Display(connection.Platform);
        var session = secrets.Session(connection);
        if (session is null) return SyncOutcome.Failed(BrokerFailureKind.AuthExpired, $"{name} needs you to log in again.");
        if (session.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            return SyncOutcome.Failed(BrokerFailureKind.AuthExpired,
                $"{name}'s login expired at {IndiaTime.ToIst(expires).ToString("dd MMM yyyy HH:mm", CultureInfo.InvariantCulture)} IST (brokers end logins every morning).");
        }

        var holdings = await adapter.GetHoldingsAsync(session, cancellationToken);
        if (!holdings.Succeeded) return SyncOutcome.Failed(holdings.Failure!);

        var today = IndiaTime.Today(clock);
        var endpoint = options.Value.For(connection.Platform);
        var query = new BrokerTradeQuery(connection.SyncCursor, today.AddYears(-syncOptions.Value.HistoryYears), today);
        var trades = new List<BrokerTrade>();
        var cursors = new HashSet<string?>(StringComparer.Ordinal) { connection.SyncCursor };
        for (var pages = 1; ; pages++)
        {
            var page = await adapter.GetTradesAsync(session, query, cancellationToken);
            if (!page.Succeeded)
            {
                var f = page.Failure!;
                return SyncOutcome.Failed(f with { Message = pages > 1 ? $"{f.Message} (after {pages - 1} pages of trades; nothing was written)" : f.Message });
            }

            trades.AddRange(page.Value!.Trades);
            if (!page.Value.HasMore)
            {
                query = query with { Cursor = page.Value.NextCursor };
                break;
            }

            if (pages >= endpoint.MaxPages || !cursors.Add(page.Value.NextCursor))
            {
                return SyncOutcome.Failed(BrokerFailureKind.Malformed,
                    $"{name} kept sending pages of trades ({pages} read, the last one pointing back to an earlier page); nothing was written.");
            }

            query = query with { Cursor = page.Value.NextCursor };
        }

        var matches = await instruments.MatchAsync(connection.Platform,
            holdings.Value!.Select(h => h.Instrument).Concat(trades.Select(t => t.Instrument)), cancellationToken);
        var rows = new List<CsvRecord<TransactionRow>>(trades.Count);
        var unknown = new Dictionary<BrokerInstrument, int>();
        for (var i = 0; i < trades.Count; i++)
        {
            var t = trades[i];
            if (matches.Security(t.Instrument) is not { } security)
            {
                unknown[t.Instrument] = unknown.GetValueOrDefault(t.Instrument) + 1;
                continue;
            }

            rows.Add(new CsvRecord<TransactionRow>(new TransactionRow
            {
                RowNumber = i + 1,
                Symbol = security.Symbol,
                Isin = security.Isin,
                Type = t.Side,
                Quantity = t.Quantity,
                // The ledger keeps prices to 4 decimals and amounts to the paisa; a converted price is rounded here, on
                // purpose, and the exact conversion stays in the note.
                Price = decimal.Round(t.Price, 4, MidpointRounding.AwayFromZero),
                Amount = Spark.Core.Money.Paisa(t.Quantity * t.Price),
                Fees = Spark.Core.Money.Paisa(t.Fees),
                TransactionDate = DateOnly.FromDateTime(IndiaTime.ToIst(t.ExecutedAt).DateTime),
                Platform = connection.Platform,
                ExternalId = t.TradeId,
                Description = t.Note is { } note ? $"{name} trade {t.TradeId}: {note}" : $"{name} trade {t.TradeId}",
            }, null));
        }

        var before = await PositionsAsync(userId, connection.Platform, cancellationToken);
        ImportReport report;
        try
        {
            report = rows.Count == 0
                ? new ImportReport(0, 0, [], 0, 0)
                : await ledger.ImportAsync(userId, rows, syncOptions.Value.WaitForOtherImports, cancellationToken);
        }
        catch (ImportAlreadyRunningException)
        {
            return SyncOutcome.Failed(BrokerFailureKind.Unavailable,
                "An import or another sync of your account was still running; nothing was written and the next run tries again.");
        }
        var after = await PositionsAsync(userId, connection.Platform, cancellationToken);
        var changed = after.Count(p => before.GetValueOrDefault(p.Key) != p.Value) + before.Keys.Count(k => !after.ContainsKey(k));

        var findings = new SyncFindings(
            unknown.Select(u => new UnknownInstrument(u.Key.Symbol, u.Key.Exchange, u.Key.Isin, u.Key.Name, u.Value)).ToList(),
            matches.Created,
            report.Errors.Select(e => new RejectedTrade(trades[e.Row - 1].TradeId, trades[e.Row - 1].Instrument.Symbol, e.Message)).ToList());
        var snapshot = holdings.Value!.Select(h => new HoldingSnapshot(matches.Security(h.Instrument)?.Id, h.Instrument.Symbol, h.Instrument.Isin,
            h.Instrument.Name ?? matches.Security(h.Instrument)?.Name, h.Quantity, h.AveragePrice, h.LastPrice, h.AsOf)).ToList();
        return new SyncOutcome(null, holdings.Value!.Count, trades.Count, report.Imported, changed, findings, snapshot, query.Cursor,
            Spark.Core.Money.Paisa(holdings.Value!.Sum(h => h.Quantity * (h.LastPrice ?? h.AveragePrice))));
    }

    /// <summary>The investor's position per security on the platform.</summary>
    private async Task<Dictionary<Guid, decimal>> PositionsAsync(Guid userId, string platform, CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(userId);
        return await context.Investments.AsNoTracking().Where(i => i.Platform == platform)
            .ToDictionaryAsync(i => i.SecurityId, i => i.Quantity, cancellationToken);
    }

    private async Task FinishAsync(Spark.Data.SparkDbContext context, SyncLog run, PlatformConnection connection, SyncOutcome outcome, TimeSpan elapsed,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        run.CompletedAt = now;
        run.DurationSeconds = (int)Math.Ceiling(elapsed.TotalSeconds);
        run.HoldingsFetched = outcome.HoldingsFetched;
        run.TransactionsFetched = outcome.TradesFetched;
        run.RecordsCreated = outcome.Created;
        run.RecordsUpdated = outcome.Updated;
        connection.UpdatedAt = now;
        if (outcome.Failure is { } failure)
        {
            run.Status = SyncStatus.Failed;
            run.ErrorMessage = Truncate(failure.Message);
            connection.Status = ConnectionStatus.Error;
            connection.LastError = Truncate(failure.Message);
            if (failure.Kind is BrokerFailureKind.AuthExpired or BrokerFailureKind.InvalidCredentials) connection.ReconnectRequired = true;
        }
        else
        {
            run.Status = SyncStatus.Completed;
            run.Details = JsonSerializer.SerializeToDocument(new SyncDetails(outcome.Findings!, outcome.Holdings!), DetailsJson);
            connection.Status = ConnectionStatus.Connected;
            connection.LastError = null;
            connection.ReconnectRequired = false;
            connection.LastSynced = now;
            connection.SyncCursor = outcome.Cursor;
            connection.HoldingsCount = outcome.HoldingsFetched;
            connection.TotalValue = outcome.TotalValue;
            // Key rotation: values encrypted under a retired key are encrypted again under the current one.
            if (secrets.NeedsRotation(connection)) secrets.Store(connection, secrets.Credentials(connection), secrets.Session(connection));
        }

        await context.SaveChangesAsync(cancellationToken);
        metrics.SyncFinished(connection.Platform, outcome.Failure is null ? "completed" : "failed");
        if (outcome.Created > 0) cache.Invalidate(connection.UserId);
    }

    /// <summary>Whether an in-flight run was lost with its process: pending too long, or in progress with no one holding its lock.</summary>
    private async Task<bool> AbandonedAsync(SyncLog inFlight, CancellationToken cancellationToken)
    {
        if (inFlight.Status == SyncStatus.Pending) return clock.GetUtcNow() - inFlight.CreatedAt > PendingTimeout;
        await using var probe = await AdvisoryLock.TryTakeAsync(db.ConnectionString, LockName(inFlight.ConnectionId), cancellationToken);
        return probe is not null;
    }

    private static string LockName(Guid connectionId) => "spark_sync:" + connectionId.ToString("D");

    private static string Truncate(string message) => message.Length <= 1000 ? message : message[..999] + "…";

    internal static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    public static SyncLogView View(SyncLog l) => new(
        l.Id, l.ConnectionId, SnakeCaseEnum.ToStored(l.SyncType), SnakeCaseEnum.ToStored(l.Status), l.HoldingsFetched, l.TransactionsFetched,
        l.RecordsCreated, l.RecordsUpdated, l.ErrorMessage, l.StartedAt, l.CompletedAt, l.DurationSeconds,
        l.Details?.RootElement.TryGetProperty("findings", out var f) == true ? f.Deserialize<SyncFindings>(DetailsJson) : null);

    /// <summary>Reads the broker's holdings a completed run stored (what reconciliation compares with).</summary>
    internal static IReadOnlyList<HoldingSnapshot> Holdings(SyncLog l) =>
        l.Details?.RootElement.TryGetProperty("holdings", out var h) == true ? h.Deserialize<List<HoldingSnapshot>>(DetailsJson) ?? [] : [];

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId} ({Platform}) synced: {Trades} trades fetched, {Created} written, {Elapsed} ms")]
    private static partial void LogSynced(ILogger logger, Guid connectionId, string platform, int trades, int created, long elapsed);

    [LoggerMessage(LogLevel.Warning, "Connection {ConnectionId} ({Platform}) sync failed ({Kind}): {Reason}")]
    private static partial void LogFailed(ILogger logger, Guid connectionId, string platform, BrokerFailureKind kind, string reason);

    [LoggerMessage(LogLevel.Warning, "The portfolio of {UserId} could not be computed after a sync")]
    private static partial void LogWarmFailed(ILogger logger, Exception exception, Guid userId);

    [LoggerMessage(LogLevel.Error, "Connection {ConnectionId} sync crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception, Guid connectionId);
}

/// <summary>A queued run: the log row it fills, and whose connection it is.</summary>
public sealed record SyncWork(Guid SyncLogId, Guid UserId, Guid ConnectionId);

/// <summary>How syncs behave (<c>Spark:Sync</c>).</summary>
public sealed class SyncOptions
{
    public const string Section = "Spark:Sync";

    /// <summary>How far back a first sync asks for trades (brokers that page history by date).</summary>
    public int HistoryYears { get; set; } = 5;

    /// <summary>How long a sync waits for the investor's import or another sync to finish before it fails and leaves it to the next run.</summary>
    public TimeSpan WaitForOtherImports { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Runs at once in one process (each on its own connection).</summary>
    public int Workers { get; set; } = 4;

    /// <summary>
    /// Rupees per unit of quote assets, by asset, then by the date (yyyy-MM-dd) each rate applies from
    /// (<see cref="QuoteRates"/>). appsettings.json carries a reference table; an operator keeps it current.
    /// </summary>
    public Dictionary<string, Dictionary<string, decimal>> InrRates { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One of the broker's holdings as a completed run stored it.</summary>
public sealed record HoldingSnapshot(Guid? SecurityId, string Symbol, string? Isin, string? Name, decimal Quantity, decimal AveragePrice, decimal? LastPrice,
    DateOnly? AsOf);

internal sealed record SyncDetails(SyncFindings Findings, IReadOnlyList<HoldingSnapshot> Holdings);

internal sealed record SyncOutcome(BrokerFailure? Failure, int HoldingsFetched, int TradesFetched, int Created, int Updated, SyncFindings? Findings,
    IReadOnlyList<HoldingSnapshot>? Holdings, string? Cursor, decimal TotalValue)
{
    public static SyncOutcome Failed(BrokerFailure failure) => new(failure, 0, 0, 0, 0, null, null, null, 0m);

    public static SyncOutcome Failed(BrokerFailureKind kind, string message) => Failed(new BrokerFailure(kind, message));
}
