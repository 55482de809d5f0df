using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Spark.Core;
using Spark.Core.Imports;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Data.Conversions;

namespace Spark.Web.Services.Portfolio;

using Security = Spark.Core.Market.Security;

/// <summary>
/// CSV imports into the ledger (decision 0038): rows are taken as the file is read and written in batches of
/// <see cref="ImportBatchSize"/> by COPY inside one database transaction; every holding they touch is replayed
/// once at the end, when sells that the ledger cannot take are turned away and their rows removed again.
/// </summary>
public sealed partial class LedgerService
{
    /// <summary>Rows resolved, checked for duplicates and written per round trip: what an import holds in memory at once.</summary>
    public const int ImportBatchSize = 5_000;

    /// <summary>How many errors a report lists (the first by row number); <see cref="ImportReport.ErrorCount"/> counts them all.</summary>
    public const int MaxReportedErrors = 1_000;

    /// <summary>Imports rows already parsed (the web page's preview holds them).</summary>
    public Task<ImportReport> ImportAsync(Guid userId, IReadOnlyList<TransactionRow> rows, IReadOnlyList<ImportError> parseErrors,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(parseErrors);
        return ImportAsync(userId, parseErrors.Select(e => new CsvRecord<TransactionRow>(null, e))
            .Concat(rows.Select(r => new CsvRecord<TransactionRow>(r, null))), cancellationToken);
    }

    /// <summary>
    /// Imports rows as <paramref name="records"/> yields them: rows that break a rule or would sell more than is held
    /// are reported with their row number; rows already in the ledger (same platform trade id, or the same row of the
    /// same file) are skipped; the rest are kept. All of it commits together or not at all.
    /// </summary>
    /// <exception cref="ImportAlreadyRunningException">This investor has an import running (on any instance).</exception>
    public Task<ImportReport> ImportAsync(Guid userId, IEnumerable<CsvRecord<TransactionRow>> records, CancellationToken cancellationToken = default) =>
        ImportAsync(userId, records, TimeSpan.Zero, cancellationToken);

    /// <summary>As above, waiting up to <paramref name="waitForOtherImport"/> for a running import or sync of the investor to finish (broker syncs).</summary>
    /// <exception cref="ImportAlreadyRunningException">The other import still runs after the wait.</exception>
    public async Task<ImportReport> ImportAsync(Guid userId, IEnumerable<CsvRecord<TransactionRow>> records, TimeSpan waitForOtherImport,
        CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "import transactions");
        ArgumentNullException.ThrowIfNull(records);
        await using var guard = (waitForOtherImport > TimeSpan.Zero
                ? await ImportGuard.TakeAsync(db.ConnectionString, userId, waitForOtherImport, clock, cancellationToken)
                : await ImportGuard.TryTakeAsync(db.ConnectionString, userId, cancellationToken))
            ?? throw new ImportAlreadyRunningException();
        var run = new ImportRun(userId, clock.GetUtcNow(), IndiaTime.Today(clock));
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        run.Taken = await TakenKeysAsync(context, cancellationToken);
        var batch = new List<ImportCandidate>(ImportBatchSize);
        foreach (var record in records)
        {
            if (record.Error is { } error)
            {
                run.Errors.Add(error);
                continue;
            }

            if (record.Row is not { } row || await CandidateAsync(run, row, cancellationToken) is not { } candidate) continue;
            batch.Add(candidate);
            if (batch.Count < ImportBatchSize) continue;
            await WriteBatchAsync(context, run, batch, cancellationToken);
            batch.Clear();
        }

        await WriteBatchAsync(context, run, batch, cancellationToken);
        var turnedAway = await SettleAsync(context, run, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        cache.Invalidate(userId);
        var imported = run.Written.Count - turnedAway;
        LogImported(log, imported, run.Skipped, run.Errors.Count);
        return new ImportReport(imported, run.Skipped, run.Errors.First(), run.Errors.Count, run.Errors.Rows);
    }

    /// <summary>The row matched to a security and checked against the rules, with its idempotency key; null (and an error) if it fails.</summary>
    private async Task<ImportCandidate?> CandidateAsync(ImportRun run, TransactionRow row, CancellationToken cancellationToken)
    {
        var security = await ResolveAsync(run, row, cancellationToken);
        if (security is null)
        {
            run.Errors.Add(new ImportError(row.RowNumber, $"Unknown symbol '{row.Symbol}'."));
            return null;
        }

        var draft = new TransactionDraft(security.Symbol, row.Type, row.Quantity, row.Price, row.Amount, row.Fees, row.Tax, row.Gst,
            row.TransactionDate, row.Platform, row.ExternalId, row.Description, row.RatioNew, row.RatioOld);
        var problems = TransactionRules.Validate(draft, security.Type, run.Today);
        // Only the paper exchange writes the paper platform: an imported paper row would be units bought with no cash.
        if (TransactionRules.IsReservedPlatform(draft.Platform)) problems["platform"] = [TransactionRules.ReservedPlatformMessage];
        if (problems.Count > 0)
        {
            run.Errors.Add(new ImportError(row.RowNumber, string.Join(" ", problems.SelectMany(p => p.Value))));
            return null;
        }

        if (draft.ExternalId is null)
        {
            // A file without trade ids is made idempotent by the row's content and how often it occurred so far:
            // the same file twice adds nothing, and two identical rows in one file are both kept.
            var content = Fingerprint(draft);
            var occurrence = run.Occurrences[content] = run.Occurrences.GetValueOrDefault(content) + 1;
            draft = draft with { ExternalId = string.Create(CultureInfo.InvariantCulture, $"csv:{content}:{occurrence}") };
        }

        return new ImportCandidate(row.RowNumber, draft, security);
    }

    /// <summary>By symbol, else by ISIN; each distinct pair is looked up once per import, unknown ones included.</summary>
    private async Task<Security?> ResolveAsync(ImportRun run, TransactionRow row, CancellationToken cancellationToken)
    {
        var key = row.Isin is { Length: > 0 } ? row.Symbol + "\n" + row.Isin : row.Symbol;
        if (run.Securities.TryGetValue(key, out var known)) return known;
        var security = await securities.FindAsync(row.Symbol, cancellationToken);
        if (security is null && row.Isin is { Length: > 0 } isin)
        {
            security = (await securities.AllAsync(cancellationToken)).FirstOrDefault(s => string.Equals(s.Isin, isin, StringComparison.OrdinalIgnoreCase));
        }

        return run.Securities[key] = security;
    }

    /// <summary>
    /// Skips the batch's rows already in the ledger or earlier in the file, creates the holdings it is the first to
    /// name and writes the rest with one COPY.
    /// </summary>
    private async Task WriteBatchAsync(SparkDbContext context, ImportRun run, List<ImportCandidate> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        // Rows of Spark's own export name the transaction they came from.
        var exportedIds = batch.Select(c => ParseExportId(c.Draft.ExternalId!)).OfType<Guid>().ToList();
        var exported = exportedIds.Count == 0 ? [] : (await context.Transactions.AsNoTracking()
            .Where(t => exportedIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken)).ToHashSet();
        var fresh = new List<ImportCandidate>(batch.Count);
        foreach (var c in batch)
        {
            var alreadyStored = ParseExportId(c.Draft.ExternalId!) is { } id && exported.Contains(id);
            if (alreadyStored || !run.Taken.Add((c.Draft.Platform, c.Draft.ExternalId!, c.Draft.TransactionDate))) run.Skipped++;
            else fresh.Add(c);
        }

        if (fresh.Count == 0) return;
        await EnsureHoldingsAsync(context, run, fresh, cancellationToken);
        var rows = new List<LedgerTransaction>(fresh.Count);
        foreach (var c in fresh)
        {
            var row = NewRow(run.UserId, run.Holdings[(c.Security.Id, c.Draft.Platform)].InvestmentId, c.Security, c.Draft);
            // A microsecond apart in file order: the stored ledger replays a day's rows in the order the file gave them.
            row.CreatedAt = row.UpdatedAt = run.Started.AddTicks(run.Written.Count * TimeSpan.TicksPerMicrosecond);
            run.Written[row.Id] = c.RowNumber;
            rows.Add(row);
        }

        await context.InsertAsync(rows, cancellationToken);
    }

    /// <summary>
    /// The (platform, id, date) of every stored row of the investor that has a platform id, read once before the
    /// first batch. Asking per batch was slow: the partitions the import is filling have no statistics yet, so the
    /// planner scanned them by platform and filtered 5,000 ids row by row (13–30 s a batch at 100,000 rows). The set
    /// grows with the investor's ledger (about 150 bytes a row), not with the file; rows this import writes join it.
    /// </summary>
    private static async Task<HashSet<(string Platform, string ExternalId, DateOnly Date)>> TakenKeysAsync(SparkDbContext context,
        CancellationToken cancellationToken)
    {
        var connection = (Npgsql.NpgsqlConnection)context.Database.GetDbConnection();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT platform, transaction_id, transaction_date FROM transactions WHERE transaction_id IS NOT NULL", connection)
        {
            Transaction = (Npgsql.NpgsqlTransaction?)context.Database.CurrentTransaction?.GetDbTransaction(),
        };
        var taken = new HashSet<(string, string, DateOnly)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            taken.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2)));
        }

        return taken;
    }

    /// <summary>The holdings of the batch's (security, platform) pairs not seen before in this import, created if new.</summary>
    private async Task EnsureHoldingsAsync(SparkDbContext context, ImportRun run, List<ImportCandidate> fresh, CancellationToken cancellationToken)
    {
        var missing = fresh.Where(c => !run.Holdings.ContainsKey((c.Security.Id, c.Draft.Platform)))
            .GroupBy(c => (c.Security.Id, c.Draft.Platform))
            .Select(g => (g.First().Security, g.Key.Platform, Date: g.Min(c => c.Draft.TransactionDate)))
            .ToList();
        if (missing.Count == 0) return;
        var now = clock.GetUtcNow();
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO investments (id, user_id, security_id, platform, symbol, name, type, quantity, avg_buy_price, invested_amount,
                                     sector, purchase_date, status, last_updated, created_at, updated_at)
            SELECT k.id, {run.UserId}, k.security_id, k.platform, k.symbol, k.name, k.type, 0, 0, 0, k.sector, k.purchase_date, 'sold', {now}, {now}, {now}
            FROM unnest({missing.Select(_ => Guid.CreateVersion7()).ToArray()}, {missing.Select(m => m.Security.Id).ToArray()},
                        {missing.Select(m => m.Platform).ToArray()}, {missing.Select(m => m.Security.Symbol).ToArray()},
                        {missing.Select(m => m.Security.Name).ToArray()}, {missing.Select(m => SnakeCaseEnum.ToStored(m.Security.Type)).ToArray()},
                        {missing.Select(m => m.Security.Sector).ToArray()}, {missing.Select(m => m.Date).ToArray()})
                 AS k(id, security_id, platform, symbol, name, type, sector, purchase_date)
            ON CONFLICT (user_id, security_id, platform) DO NOTHING
            """, cancellationToken);
        var securityIds = missing.Select(m => m.Security.Id).Distinct().ToList();
        var stored = await context.Investments.AsNoTracking().Where(i => securityIds.Contains(i.SecurityId))
            .Select(i => new { i.Id, i.SecurityId, i.Platform }).ToListAsync(cancellationToken);
        foreach (var (security, platform, _) in missing)
        {
            run.Holdings[(security.Id, platform)] = (stored.Single(i => i.SecurityId == security.Id && i.Platform == platform).Id, security);
        }
    }

    /// <summary>
    /// Locks every holding the import wrote to (in id order, so two writers cannot deadlock), replays each ledger
    /// once, turns away the imported sells it cannot take, and stores lots and totals.
    /// </summary>
    /// <returns>How many written rows were turned away.</returns>
    private async Task<int> SettleAsync(SparkDbContext context, ImportRun run, CancellationToken cancellationToken)
    {
        if (run.Written.Count == 0) return 0;
        var ids = run.Holdings.Values.Select(h => h.InvestmentId).Distinct().Order().ToArray();
        var locked = (await context.Investments.FromSql($"SELECT * FROM investments WHERE id = ANY({ids}) ORDER BY id FOR UPDATE")
            .AsNoTracking().ToListAsync(cancellationToken)).ToDictionary(i => i.Id);
        var securityOf = run.Holdings.Values.ToDictionary(h => h.InvestmentId, h => h.Security);
        var rejected = new List<Guid>();
        var emptied = new List<Guid>();
        var kept = new List<Investment>();
        var lots = new List<InvestmentLot>();
        var ledger = new List<(LedgerTransaction Row, LedgerEntry Entry)>();

        void Settle(Guid investmentId)
        {
            var security = securityOf[investmentId];
            ledger.Sort((a, b) => Compare(a.Row, b.Row));
            var away = Admit(ledger, t => run.Written.ContainsKey(t.Id), (t, message) =>
            {
                rejected.Add(t.Id);
                run.Errors.Add(new ImportError(run.Written[t.Id], $"{security.Symbol}: {message}"));
            });
            if (away.Count > 0) ledger = [.. ledger.Where((_, i) => !away.Contains(i))];
            if (ledger.Count == 0)
            {
                emptied.Add(investmentId);
                return;
            }

            var investment = locked[investmentId];
            lots.AddRange(Replay(investment, security, ledger));
            kept.Add(investment);
        }

        // One pass over the holdings' rows, one holding in memory at a time.
        Guid? current = null;
        await foreach (var t in context.Transactions.AsNoTracking()
                           .Where(t => t.InvestmentId != null && ids.Contains(t.InvestmentId.Value) && t.Status == TransactionStatus.Completed)
                           .OrderBy(t => t.InvestmentId)
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (t.InvestmentId != current)
            {
                if (current is { } done) Settle(done);
                ledger.Clear();
                current = t.InvestmentId;
            }

            ledger.Add((t, ToEntry(t)));
        }

        if (current is { } last) Settle(last);

        if (rejected.Count > 0)
        {
            await context.Database.ExecuteSqlInterpolatedAsync(
                $"DELETE FROM transactions t USING unnest({rejected.ToArray()}) AS k(id) WHERE t.id = k.id", cancellationToken);
        }

        await context.InvestmentLots.Where(l => ids.Contains(l.InvestmentId)).ExecuteDeleteAsync(cancellationToken);
        if (emptied.Count > 0) await context.Investments.Where(i => emptied.Contains(i.Id)).ExecuteDeleteAsync(cancellationToken);
        await context.InsertAsync(lots, cancellationToken);
        await context.UpdateAsync(kept, ReplayedColumns, cancellationToken);
        return rejected.Count;
    }

    /// <summary>The ledger's replay order (see <see cref="LoadEntriesAsync"/>).</summary>
    private static int Compare(LedgerTransaction a, LedgerTransaction b)
    {
        var c = a.TransactionDate.CompareTo(b.TransactionDate);
        if (c == 0) c = Order(a.Type).CompareTo(Order(b.Type));
        if (c == 0) c = a.CreatedAt.CompareTo(b.CreatedAt);
        return c != 0 ? c : a.Id.CompareTo(b.Id);
    }

    /// <summary>
    /// Replays a holding's sorted ledger and turns away what it cannot take: while a sell asks for more than is held,
    /// the newest imported sell up to it goes (reported through <paramref name="reject"/>); if no imported sell is to
    /// blame (the stored ledger cannot take the new rows' order), every imported row goes.
    /// </summary>
    /// <returns>The positions turned away.</returns>
    internal static HashSet<int> Admit(IReadOnlyList<(LedgerTransaction Row, LedgerEntry Entry)> ledger, Func<LedgerTransaction, bool> imported,
        Action<LedgerTransaction, string> reject)
    {
        var away = new HashSet<int>();
        var book = new FifoBook();
        var i = 0;
        while (i < ledger.Count)
        {
            if (away.Contains(i))
            {
                i++;
                continue;
            }

            try
            {
                book.Apply(ledger[i].Entry);
                i++;
            }
            catch (InsufficientHoldingsException e)
            {
                var culprit = Culprit(ledger, i, imported, away);
                if (culprit < 0)
                {
                    for (var j = 0; j < ledger.Count; j++)
                    {
                        if (imported(ledger[j].Row) && away.Add(j)) reject(ledger[j].Row, e.Message);
                    }

                    return away;
                }

                away.Add(culprit);
                reject(ledger[culprit].Row, e.Message);
                // Removing the failing row itself needs no replay; removing an earlier one changes the past.
                if (culprit < i)
                {
                    book = new FifoBook();
                    i = 0;
                }
            }
        }

        return away;
    }

    /// <summary>
    /// The newest imported sell at or before the failing row in replay order: the failing row itself when it is an
    /// imported sell. -1 if there is none. (Decision 0023 took the newest by date, which could first drop a later
    /// sell of the same day that removing could never help.)
    /// </summary>
    private static int Culprit(IReadOnlyList<(LedgerTransaction Row, LedgerEntry Entry)> ledger, int failing, Func<LedgerTransaction, bool> imported,
        HashSet<int> away)
    {
        for (var j = failing; j >= 0; j--)
        {
            var row = ledger[j].Row;
            if (row.Type == TransactionType.Sell && !away.Contains(j) && imported(row)) return j;
        }

        return -1;
    }

    private sealed record ImportCandidate(int RowNumber, TransactionDraft Draft, Security Security);

    /// <summary>What one import keeps between batches: small per row (an id and a row number), nothing per file line.</summary>
    private sealed class ImportRun(Guid userId, DateTimeOffset started, DateOnly today)
    {
        public Guid UserId { get; } = userId;

        public DateTimeOffset Started { get; } = started;

        public DateOnly Today { get; } = today;

        public ImportErrorList Errors { get; } = new(MaxReportedErrors);

        public Dictionary<string, Security?> Securities { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Occurrences { get; } = new(StringComparer.Ordinal);

        public Dictionary<(Guid SecurityId, string Platform), (Guid InvestmentId, Security Security)> Holdings { get; } = [];

        /// <summary>Each written row's id and its row in the file, to report it if the replay turns it away.</summary>
        public Dictionary<Guid, int> Written { get; } = [];

        /// <summary>Platform ids already in the ledger, those this import wrote included.</summary>
        public HashSet<(string Platform, string ExternalId, DateOnly Date)> Taken { get; set; } = [];

        public int Skipped { get; set; }
    }
}

/// <summary>An investor's second import while the first is still running.</summary>
public sealed class ImportAlreadyRunningException()
    : ConflictException("An import is already running for your account; wait for it to finish, then import this file.");
