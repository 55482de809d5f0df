using System.Globalization;
using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;
using Spark.Data;
using Spark.Web.Hosting;

namespace Spark.Web.Jobs;

/// <summary>
/// The schema's retention table (database-schema.md, "Data Retention Policies"), one rule per Quartz job (decision 0058).
/// Every rule is idempotent (a second run finds nothing left), works in batches of <see cref="RetentionService.BatchSize"/>
/// rows each committed on its own, reads "now" from <see cref="TimeProvider"/>, and records what it did in retention_runs.
/// </summary>
public static class RetentionRules
{
    public const string Sessions = "sessions";
    public const string Notifications = "notifications";
    public const string SyncLogs = "sync_logs";
    public const string Analyses = "ai_analyses";
    public const string AuditLogs = "audit_logs";
    public const string Transactions = "transactions";
    public const string MarketData = "market_data";

    public static readonly IReadOnlyList<RetentionRule> All =
    [
        new(Sessions, "Sessions ended more than 90 days ago", "deleted", "0 10 1 * * ?"),
        new(Notifications, "Notifications older than 30 days", "deleted", "0 15 1 * * ?"),
        new(SyncLogs, "Sync logs older than 6 months", "deleted", "0 20 1 * * ?"),
        new(Analyses, "Analyses past their expiry", "deleted", "0 25 1 * * ?"),
        new(AuditLogs, "Audit months older than 3 years, detached to the archive schema", "archived", "0 30 1 1 * ?"),
        new(Transactions, "Transactions older than 7 years of closed positions, moved to transactions_archive", "moved", "0 45 1 1 * ?"),
        new(MarketData, "Market data months older than 5 years, archived to a file and dropped", "archived and dropped", "0 0 2 1 * ?"),
    ];

    public static RetentionRule Get(string name) => All.FirstOrDefault(r => r.Name == name) ?? throw new ArgumentOutOfRangeException(nameof(name), name, "No such retention rule.");

    public static JobKey KeyOf(string rule) => new($"retention-{rule.Replace('_', '-')}", "retention");
}

/// <param name="Cron">Quartz cron, in India time: daily rules after midnight, the partition rules monthly.</param>
public sealed record RetentionRule(string Name, string Description, string Verb, string Cron);

/// <summary>What one rule did in one run.</summary>
public sealed record RetentionResult(string Rule, DateTimeOffset Cutoff, long Rows, string? Detail);

/// <summary>One Quartz job class for every rule; the rule is the job's data ("rule").</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(RetentionService retention) : IJob
{
    public const string RuleKey = "rule";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await retention.RunAsync(context.MergedJobDataMap.GetString(RuleKey) ?? "", cancellationToken);
    }
}

public sealed partial class RetentionService(SparkDb db, TimeProvider clock, IOptions<SparkOptions> options, SparkMetrics metrics,
    ILogger<RetentionService> log)
{
    public const int BatchSize = 5_000;

    /// <summary>Runs one rule and records it (a failure too, then rethrows so Quartz's job run shows it).</summary>
    public async Task<RetentionResult> RunAsync(string rule, CancellationToken cancellationToken = default)
    {
        RetentionRules.Get(rule);
        using var activity = SparkTelemetry.Activities.StartActivity("retention " + rule);
        var started = clock.GetUtcNow();
        var cutoff = CutoffOf(rule, started);
        try
        {
            var result = rule switch
            {
                RetentionRules.Sessions => await DeleteAsync(rule, cutoff, "user_sessions", "expires_at < @cutoff OR (revoked AND last_activity < @cutoff)", cancellationToken),
                RetentionRules.Notifications => await DeleteAsync(rule, cutoff, "user_notifications", "created_at < @cutoff", cancellationToken),
                RetentionRules.SyncLogs => await DeleteAsync(rule, cutoff, "sync_logs", "created_at < @cutoff AND status NOT IN ('pending', 'in_progress')", cancellationToken),
                RetentionRules.Analyses => await DeleteAsync(rule, cutoff, "ai_analyses", "expires_at < @cutoff", cancellationToken),
                RetentionRules.AuditLogs => await ArchiveAuditAsync(cutoff, cancellationToken),
                RetentionRules.Transactions => await MoveTransactionsAsync(cutoff, cancellationToken),
                _ => await ArchiveMarketDataAsync(cutoff, cancellationToken),
            };
            await RecordAsync(result, started, "succeeded", cancellationToken);
            metrics.Retained(rule, result.Rows);
            LogRan(log, rule, result.Rows, cutoff);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RecordAsync(new RetentionResult(rule, cutoff, 0, e.GetBaseException().Message), started, "failed", CancellationToken.None);
            throw;
        }
    }

    /// <summary>The instant before which a rule's rows go: sessions 90 days, notifications 30, sync logs 6 months, analyses at expiry,
    /// audit 3 years, transactions 7 years and market data 5 years (whole months and years; see decision 0058).</summary>
    public static DateTimeOffset CutoffOf(string rule, DateTimeOffset now) => rule switch
    {
        RetentionRules.Sessions => now.AddDays(-90),
        RetentionRules.Notifications => now.AddDays(-30),
        RetentionRules.SyncLogs => now.AddMonths(-6),
        RetentionRules.Analyses => now,
        RetentionRules.AuditLogs => FirstOfMonth(now.AddYears(-3)),
        RetentionRules.Transactions => new DateTimeOffset(now.UtcDateTime.Year - 7, 1, 1, 0, 0, 0, TimeSpan.Zero),
        RetentionRules.MarketData => FirstOfMonth(now.AddYears(-5)),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "No such retention rule."),
    };

    private static DateTimeOffset FirstOfMonth(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private async Task<RetentionResult> DeleteAsync(string rule, DateTimeOffset cutoff, string table, string condition, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            await using var context = db.ForSystem("retention " + rule);
            // Each batch commits on its own: a long delete would hold locks and bloat one transaction.
#pragma warning disable EF1002 // table and condition are constants of this class; the cutoff is a parameter.
            var deleted = await context.Database.ExecuteSqlRawAsync(
                $"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {condition} LIMIT {BatchSize})",
                [new NpgsqlParameter("cutoff", cutoff)], cancellationToken);
#pragma warning restore EF1002
            total += deleted;
            if (deleted < BatchSize) break;
        }
        return new RetentionResult(rule, cutoff, total, null);
    }

    private async Task<RetentionResult> ArchiveAuditAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var context = db.ForSystem("retention audit_logs");
        var cut = DateOnly.FromDateTime(cutoff.UtcDateTime);
        var parts = await context.Database
            .SqlQuery<ArchivedPartition>($"SELECT partition_name AS name, row_count AS rows FROM spark_archive_audit_partitions({cut})")
            .ToListAsync(cancellationToken);
        return new RetentionResult(RetentionRules.AuditLogs, cutoff, parts.Sum(p => p.Rows),
            parts.Count == 0 ? null : "archive." + string.Join(", archive.", parts.Select(p => p.Name)));
    }

    /// <summary>
    /// Moves transactions dated before the cutoff to transactions_archive, batch by batch, each batch one transaction (delete
    /// returning, insert). FIFO must not change: a holding's trades move only up to the last day before the cutoff on which
    /// the position was flat (no open lot left depends on them), and a holding with a split before the cutoff stays whole (its
    /// units cannot be summed). Income rows (dividends, interest) and rows that never completed carry no lots and move by date.
    /// </summary>
    private async Task<RetentionResult> MoveTransactionsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var cut = DateOnly.FromDateTime(cutoff.UtcDateTime);
        long total = 0;
        while (true)
        {
            await using var context = db.ForSystem("retention transactions");
            await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
            var moved = await context.Database.ExecuteSqlAsync($"""
                WITH old AS (
                  SELECT id, transaction_date, type, status, user_id,
                         coalesce(investment_id::text, security_id::text, upper(symbol), asset_name) || '|' || platform AS holding,
                         CASE WHEN status <> 'completed' THEN 0
                              WHEN type IN ('buy', 'sip', 'bonus') THEN coalesce(quantity, 0)
                              WHEN type = 'sell' THEN -coalesce(quantity, 0) ELSE 0 END AS delta
                  FROM transactions WHERE transaction_date < {cut}
                ), positions AS (
                  SELECT *, sum(delta) OVER (PARTITION BY user_id, holding ORDER BY transaction_date RANGE UNBOUNDED PRECEDING) AS held,
                         bool_or(type = 'split' AND status = 'completed') OVER (PARTITION BY user_id, holding) AS has_split
                  FROM old
                ), flat AS (
                  SELECT user_id, holding, max(transaction_date) AS flat_on FROM positions WHERE held = 0 AND NOT has_split GROUP BY user_id, holding
                ), movable AS (
                  SELECT p.id, p.transaction_date FROM positions p LEFT JOIN flat f ON f.user_id = p.user_id AND f.holding = p.holding
                  WHERE p.type IN ('dividend', 'interest') OR p.status <> 'completed' OR p.transaction_date <= f.flat_on
                  LIMIT {BatchSize}
                ), moved AS (
                  DELETE FROM transactions t USING movable m WHERE t.id = m.id AND t.transaction_date = m.transaction_date RETURNING t.*
                )
                INSERT INTO transactions_archive SELECT * FROM moved
                """, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            total += moved;
            if (moved < BatchSize) break;
        }
        return new RetentionResult(RetentionRules.Transactions, cutoff, total, null);
    }

    /// <summary>
    /// Writes each monthly market_data partition that ended before the cutoff to a gzipped CSV under the state directory
    /// (archive/market_data/NAME.csv.gz, written to a temporary name then renamed), and only then drops the partition.
    /// </summary>
    private async Task<RetentionResult> ArchiveMarketDataAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var cut = DateOnly.FromDateTime(cutoff.UtcDateTime);
        var folder = Path.Combine(options.Value.StateDirectory, "archive", "market_data");
        Directory.CreateDirectory(folder);
        long total = 0;
        var files = new List<string>();
        await using var context = db.ForSystem("retention market_data");
        var names = await context.Database.SqlQuery<string>($"""
            SELECT c.relname AS "Value" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'market_data'::regclass AND c.relname ~ '^market_data_[0-9][0-9][0-9][0-9]_[0-9][0-9]$' ORDER BY c.relname
            """).ToListAsync(cancellationToken);
        foreach (var name in names)
        {
            var from = DateOnly.ParseExact(name["market_data_".Length..], "yyyy_MM", CultureInfo.InvariantCulture);
            var to = from.AddMonths(1);
            if (to > cut) continue;
            var file = Path.Combine(folder, name + ".csv.gz");
            var partial = file + ".partial";
            var connection = (NpgsqlConnection)context.Database.GetDbConnection();
            if (connection.State != System.Data.ConnectionState.Open) await context.Database.OpenConnectionAsync(cancellationToken);
            await using (var output = File.Create(partial))
            await using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
            await using (var writer = new StreamWriter(gzip))
            {
                // COPY takes no parameters: the bounds are dates this method formatted itself.
                var copy = string.Create(CultureInfo.InvariantCulture,
                    $"COPY (SELECT * FROM market_data WHERE timestamp >= '{from:yyyy-MM-dd} 00:00:00+00' AND timestamp < '{to:yyyy-MM-dd} 00:00:00+00' ORDER BY security_id, timestamp) TO STDOUT (FORMAT csv, HEADER)");
                using var export = await connection.BeginTextExportAsync(copy, cancellationToken);
                await writer.WriteAsync(await export.ReadToEndAsync(cancellationToken));
            }
            File.Move(partial, file, overwrite: true);
            var dropped = await context.Database.SqlQuery<long>($"SELECT spark_drop_market_partition({name}, {cut}) AS \"Value\"").SingleAsync(cancellationToken);
            total += dropped;
            files.Add(Path.GetFileName(file));
        }
        return new RetentionResult(RetentionRules.MarketData, cutoff, total, files.Count == 0 ? null : string.Join(", ", files));
    }

    private async Task RecordAsync(RetentionResult result, DateTimeOffset started, string outcome, CancellationToken cancellationToken)
    {
        await using var context = db.ForSystem("retention runs");
        var detail = result.Detail is { Length: > 2000 } d ? d[..1999] + "…" : result.Detail;
        await context.Database.ExecuteSqlAsync($"""
            INSERT INTO retention_runs (rule, started_at, finished_at, cutoff, rows_affected, detail, outcome)
            VALUES ({result.Rule}, {started}, {clock.GetUtcNow()}, {result.Cutoff}, {result.Rows}, {detail}, {outcome})
            """, cancellationToken);
    }

    private sealed record ArchivedPartition(string Name, long Rows);

    [LoggerMessage(LogLevel.Information, "Retention {Rule}: {Rows} rows before {Cutoff}")]
    private static partial void LogRan(ILogger logger, string rule, long rows, DateTimeOffset cutoff);
}
