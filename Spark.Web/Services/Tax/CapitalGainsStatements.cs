using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;
using Spark.Core.Tax;
using Spark.Data;
using Spark.Web.Services.Orders;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Tax;

using Security = Spark.Core.Market.Security;

/// <summary>
/// The capital-gains statement from the user's own ledger (row-level security through <see cref="SparkDb.ForUser"/>):
/// the holdings with a sale in the year are read with their history up to the year's end, the year's dividends by date,
/// and <see cref="CapitalGainsEngine"/> does the rest. Decision 0047.
/// </summary>
/// The statement is a read-heavy query: it may read from the replica (<see cref="Cluster.SparkReadDb"/>, decision 0057).
public sealed class CapitalGainsStatements(SparkDb db, IGrandfatheringPrices grandfathering, IOptions<ChargeSchedule> schedule,
    Cluster.SparkReadDb? reads = null, StatementCache? cache = null) : ICapitalGainsStatements
{
    public async Task<CapitalGainsStatement> GetAsync(Guid userId, FinancialYear year, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        return StatementCache.Page(await WholeAsync(userId, year, cancellationToken), page, pageSize);
    }

    public Task<CapitalGainsStatement> GetAllAsync(Guid userId, FinancialYear year, CancellationToken cancellationToken = default) =>
        WholeAsync(userId, year, cancellationToken);

    /// <summary>
    /// Every row of the year: the statement kept in memory while the ledger and reference versions it was computed under
    /// hold (decision 0065), else computed. The versions are read in the same database scope as the computation (the
    /// replica's when the read goes there), before it.
    /// </summary>
    private async Task<CapitalGainsStatement> WholeAsync(Guid userId, FinancialYear year, CancellationToken cancellationToken)
    {
        if (cache is null) return await ComputeAsync(userId, year, year.To, 1, int.MaxValue, cancellationToken);
        async Task<CapitalGainsStatement> Read(SparkDbContext context)
        {
            // Kept under the versions of the years up to this one (decision 0066): a fill dated today leaves last year's
            // statement good. The losses it brings forward read the whole ledger's version themselves.
            var stamp = await StatementCache.YearStampAsync(context, year, cancellationToken);
            return await cache.GetOrComputeAsync(userId, year, year.To, stamp,
                () => ComputeAsync(context, grandfathering, schedule.Value, year, year.To, 1, int.MaxValue, cancellationToken, cache));
        }

        if (reads is not null) return await reads.ReadAsync(userId, Read);
        await using var context = db.ForUser(userId);
        return await Read(context);
    }

    public async Task<IReadOnlyList<FinancialYear>> YearsAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var months = await Ledger(context)
            .Where(t => (t.Type == TransactionType.Sell || t.Type == TransactionType.Dividend) && t.Status == TransactionStatus.Completed)
            .Select(t => new { t.TransactionDate.Year, t.TransactionDate.Month })
            .Distinct()
            .ToListAsync(cancellationToken);
        return [.. months.Select(m => FinancialYear.Of(new DateOnly(m.Year, m.Month, 1))).Distinct().OrderByDescending(y => y.StartYear)];
    }

    /// <summary>
    /// The statement of the sales in <paramref name="year"/> up to <paramref name="until"/> (the order ticket asks for
    /// the year so far), every row.
    /// </summary>
    internal async Task<CapitalGainsStatement> ComputeAsync(Guid userId, FinancialYear year, DateOnly until, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        if (reads is not null)
        {
            return await reads.ReadAsync(userId, context =>
                ComputeAsync(context, grandfathering, schedule.Value, year, until, page, pageSize, cancellationToken));
        }

        await using var context = db.ForUser(userId);
        return await ComputeAsync(context, grandfathering, schedule.Value, year, until, page, pageSize, cancellationToken);
    }

    /// <summary>
    /// The statement inside the caller's user-scoped context (the order ticket's estimate reads the year so far), with the
    /// earlier years' losses brought forward (section 74, <see cref="BroughtForwardKeptAsync"/>).
    /// </summary>
    /// <param name="cache">Where the losses brought forward are kept in memory between reads (decision 0065), for the
    /// investor whose scope <paramref name="context"/> is; null reads them from the database each time.</param>
    /// <param name="stamp">The versions the caller read in this scope before anything else, if it did.</param>
    internal static async Task<CapitalGainsStatement> ComputeAsync(SparkDbContext context, IGrandfatheringPrices grandfathering, ChargeSchedule charges,
        FinancialYear year, DateOnly until, int page, int pageSize, CancellationToken cancellationToken, StatementCache? cache = null,
        StatementStamp? stamp = null)
    {
        var broughtForward = await BroughtForwardKeptAsync(context, grandfathering, charges, year, cache, stamp, cancellationToken);
        return await YearAsync(context, grandfathering, charges, year, until, page, pageSize, broughtForward, dividends: true, cancellationToken);
    }

    /// <summary>
    /// The shape of <c>tax_year_carried_losses.losses</c> and the rules that computed them: a change to how an earlier
    /// year's statement sets off or carries forward bumps this number, and rows stored under another are computed again.
    /// </summary>
    public const short CarriedFormat = 1;

    /// <summary>
    /// The losses brought into <paramref name="year"/> without replaying the earlier years when nothing dated before it
    /// changed (decision 0066): from memory while the versions hold; else the row kept in <c>tax_year_carried_losses</c>
    /// (a trigger deletes it when a transaction dated before the year changes, so a fill today leaves it standing) if it
    /// was computed under today's tax reference data; else <see cref="BroughtForwardAsync"/>, kept for next time.
    /// </summary>
    private static async Task<IReadOnlyList<CarriedLoss>> BroughtForwardKeptAsync(SparkDbContext context, IGrandfatheringPrices grandfathering,
        ChargeSchedule charges, FinancialYear year, StatementCache? cache, StatementStamp? stamp, CancellationToken cancellationToken)
    {
        if (context.Scope.UserId is not { } user) return await BroughtForwardAsync(context, grandfathering, charges, year, cancellationToken);
        // Read before the stored row and the ledger: a change committed after this read shows as a newer version.
        var versions = stamp ?? await StatementCache.StampAsync(context, cancellationToken);
        async Task<IReadOnlyList<CarriedLoss>> Stored()
        {
            var from = year.From;
            var kept = await context.Database.SqlQuery<string>($"""
                SELECT losses::text AS "Value" FROM tax_year_carried_losses
                WHERE user_id = current_user_id() AND year_start = {from} AND format = {CarriedFormat} AND reference_version = {versions.Reference}
                """).ToListAsync(cancellationToken);
            if (kept.Count == 1) return CarriedLossJson.Read(kept[0]);
            var losses = await BroughtForwardAsync(context, grandfathering, charges, year, cancellationToken);
            await KeepBroughtForwardAsync(context, year, versions, losses, cancellationToken);
            return losses;
        }

        return cache is null ? await Stored() : await cache.BroughtForwardAsync(user, year, versions, Stored);
    }

    /// <summary>
    /// Stores the losses computed under <paramref name="stamp"/> when nothing of the investor's ledger changed since:
    /// inside a unit of work of its own, holding their <c>ledger_versions</c> row FOR SHARE, only if its version is still
    /// the stamp's. A writer bumps that row before its trigger deletes stale years (trigger name order, see
    /// <c>Sql/25_tax_carried_losses.sql</c>), so it either committed before this check (the versions differ and nothing is
    /// stored) or waits for this commit and then deletes what was stored if its change is dated before the year.
    /// A writer still holding that row (a long import, say) makes the read skip the store rather than wait for it: its
    /// commit moves the version anyway. Nothing is stored from a caller's own transaction, for staff viewing a customer
    /// read-only, or on the replica.
    /// </summary>
    private static async Task KeepBroughtForwardAsync(SparkDbContext context, FinancialYear year, StatementStamp stamp,
        IReadOnlyList<CarriedLoss> losses, CancellationToken cancellationToken)
    {
        if (stamp.Ledger == 0 || context.Database.CurrentTransaction is not null
            || (context.Scope.UserId is { } user && Spark.Core.Accounts.Impersonation.IsReadOnlyFor(user)))
        {
            return;
        }

        var from = year.From;
        var json = CarriedLossJson.Write(losses);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await context.Database.ExecuteSqlAsync($"""
                WITH held AS (SELECT version FROM ledger_versions WHERE user_id = current_user_id() FOR SHARE SKIP LOCKED)
                INSERT INTO tax_year_carried_losses (user_id, year_start, format, reference_version, losses)
                SELECT current_user_id(), {from}, {CarriedFormat}, {stamp.Reference}, {json}::jsonb FROM held WHERE held.version = {stamp.Ledger}
                ON CONFLICT (user_id, year_start) DO UPDATE
                  SET format = excluded.format, reference_version = excluded.reference_version, losses = excluded.losses, built_at = now()
                """, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.ReadOnlySqlTransaction
                                                     or Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.LockNotAvailable)
        {
            // The losses are still right for this read, only not kept for the next.
            await transaction.RollbackAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The losses of earlier years still unabsorbed when <paramref name="year"/> begins (section 74): the statements of the
    /// eight years before it that have a sale (section 74(2): older losses have lapsed), oldest first, each through the
    /// same year openings as the statement itself (decision 0055), each setting off what the ones before it carried
    /// (decision 0064). Only the totals matter: no dividends, one row a page.
    /// </summary>
    internal static async Task<IReadOnlyList<CarriedLoss>> BroughtForwardAsync(SparkDbContext context, IGrandfatheringPrices grandfathering,
        ChargeSchedule charges, FinancialYear year, CancellationToken cancellationToken)
    {
        var first = new FinancialYear(year.StartYear - CapitalGainsEngine.CarryForwardYears).From;
        var before = year.From;
        var months = await Ledger(context)
            .Where(t => t.Type == TransactionType.Sell && t.Status == TransactionStatus.Completed && t.InvestmentId != null
                && t.TransactionDate >= first && t.TransactionDate < before)
            .Select(t => new { t.TransactionDate.Year, t.TransactionDate.Month })
            .Distinct()
            .ToListAsync(cancellationToken);
        var years = months.Select(m => FinancialYear.Of(new DateOnly(m.Year, m.Month, 1))).Distinct().OrderBy(y => y.StartYear).ToList();
        IReadOnlyList<CarriedLoss> carried = [];
        foreach (var earlier in years)
        {
            var statement = await YearAsync(context, grandfathering, charges, earlier, earlier.To, 1, 1, carried, dividends: false, cancellationToken);
            carried = CapitalGainsEngine.CarriedForward(statement);
        }
        return carried;
    }

    private static async Task<CapitalGainsStatement> YearAsync(SparkDbContext context, IGrandfatheringPrices grandfathering, ChargeSchedule charges,
        FinancialYear year, DateOnly until, int page, int pageSize, IReadOnlyList<CarriedLoss> broughtForward, bool dividends,
        CancellationToken cancellationToken)
    {
        var from = year.From;
        var to = until < year.To ? until : year.To;
        var sold = await Ledger(context)
            .Where(t => t.Type == TransactionType.Sell && t.Status == TransactionStatus.Completed && t.InvestmentId != null
                && t.TransactionDate >= from && t.TransactionDate <= to)
            .Select(t => t.InvestmentId!.Value).Distinct().ToListAsync(cancellationToken);
        var holdings = await YearHoldingsAsync(context, sold, from, to, charges, cancellationToken);

        var paid = !dividends ? [] : await Ledger(context)
            .Where(t => t.Type == TransactionType.Dividend && t.Status == TransactionStatus.Completed && t.TransactionDate >= from && t.TransactionDate <= to)
            .Select(t => new DividendRow(t.Id, t.TransactionDate, t.SecurityId ?? Guid.Empty, t.Symbol ?? t.AssetName, t.AssetName, t.Platform, t.Amount))
            .ToListAsync(cancellationToken);

        var needFmv = holdings.Where(h => h.Security.EquityOriented && h.Rows.Any(r => r.Entry.Date <= CapitalGainsEngine.GrandfatheringDate))
            .Select(h => h.Security.Id).Distinct().ToList();
        var fmv = needFmv.Count == 0 ? new Dictionary<Guid, decimal>() : await grandfathering.GetAsync(needFmv, cancellationToken);

        var statementYear = year;
        return CapitalGainsEngine.Compute(
            statementYear,
            holdings,
            fmv,
            paid,
            charges,
            page,
            pageSize,
            broughtForward);
    }

    /// <summary>
    /// The investor's ledger as the statement reads it: live and archived rows (<c>ledger_transactions</c>, under the
    /// reader's row-level security). Retention moves a closed position's trades older than seven years to the archive
    /// (decision 0058); the statements of those years, and the losses they bring into the next eight, still need them
    /// (decision 0066).
    /// </summary>
    private static IQueryable<LedgerTransaction> Ledger(SparkDbContext context) =>
        context.Transactions.FromSql($"SELECT * FROM ledger_transactions").AsNoTracking();

    private sealed record Compact(Guid Id, Guid InvestmentId, TransactionType Type, DateOnly Date, decimal Quantity, DateTimeOffset CreatedAt);

    private sealed record HoldingKey(Guid Id, Guid SecurityId, string Platform);

    private sealed record StoredOpening(Guid InvestmentId, string Lots);

    /// <summary>
    /// The shape of <c>tax_year_openings.lots</c>: one <see cref="TaxLedgerRow"/> per element. A change to what the engine
    /// needs of an earlier row bumps this number, and the statement rebuilds openings stored in an older shape.
    /// </summary>
    public const short OpeningFormat = 1;

    /// <summary>
    /// The holdings' rows the year's FIFO needs, without reading their whole history (the benchmark's heavy investor has
    /// ten years of it): the year's trades and corporate actions, after each holding's opening on the year's first day
    /// (<see cref="OpeningsAsync"/>). Dividends and interest never matter to FIFO.
    /// </summary>
    public static async Task<List<TaxHolding>> YearHoldingsAsync(SparkDbContext context, IReadOnlyCollection<Guid> investmentIds, DateOnly from,
        DateOnly to, ChargeSchedule charges, CancellationToken cancellationToken)
    {
        if (investmentIds.Count == 0) return [];
        var ids = investmentIds.ToArray();
        var (holdings, facts) = await FactsAsync(context, ids, cancellationToken);
        var openings = await OpeningsAsync(context, holdings, facts, from, charges, cancellationToken);
        // Raw SQL with one array parameter: an id list of thousands as separate parameters would cost more to plan than
        // to run (and could pass Npgsql's parameter limit).
        var rows = await context.Transactions.FromSql($"""
                SELECT * FROM ledger_transactions
                WHERE investment_id = ANY({ids}) AND status = 'completed' AND transaction_date >= {from} AND transaction_date <= {to}
                  AND type NOT IN ('dividend', 'interest')
                """).AsNoTracking()
            // Only what FIFO and section 48 read of a row (LedgerService.ToEntry, ToRow, the ledger order).
            .Select(t => new LedgerTransaction
            {
                Id = t.Id, InvestmentId = t.InvestmentId, Type = t.Type, AssetName = "", Platform = "", Quantity = t.Quantity, Price = t.Price,
                Amount = t.Amount, Fees = t.Fees, Tax = t.Tax, Gst = t.Gst, Metadata = t.Metadata, TransactionDate = t.TransactionDate, CreatedAt = t.CreatedAt,
            })
            .ToListAsync(cancellationToken);
        return Assemble(holdings, facts, rows, openings);
    }

    /// <summary>
    /// Each holding's opening on <paramref name="from"/> (decision 0055): the rows before the year that its FIFO still
    /// needs, from <c>tax_year_openings</c>, building and storing those missing. The trigger on transactions deletes an
    /// opening whenever an earlier row of its holding changes, so a stored one always matches the ledger.
    /// </summary>
    private static async Task<Dictionary<Guid, List<TaxLedgerRow>>> OpeningsAsync(SparkDbContext context, IReadOnlyList<HoldingKey> holdings,
        IReadOnlyDictionary<Guid, TaxSecurity> facts, DateOnly from, ChargeSchedule charges, CancellationToken cancellationToken)
    {
        var ids = holdings.Select(h => h.Id).ToArray();
        var stored = await context.Database.SqlQuery<StoredOpening>($"""
            SELECT investment_id, lots::text AS lots FROM tax_year_openings
            WHERE investment_id = ANY({ids}) AND year_start = {from} AND format = {OpeningFormat}
            """).ToListAsync(cancellationToken);
        var openings = stored.ToDictionary(o => o.InvestmentId, o => OpeningJson.Read(o.Lots));
        var missing = holdings.Where(h => !openings.ContainsKey(h.Id)).ToList();
        if (missing.Count == 0) return openings;

        // Built under a share lock on the holdings: the ledger writes lock their holding for update before they change a
        // row (LedgerService), so none can slip between this read and the store and leave a stale opening behind.
        // Kept only from a unit of work of its own that may write (staff viewing a customer read-only may not).
        var own = context.Database.CurrentTransaction is null
            && !(context.Scope.UserId is { } user && Spark.Core.Accounts.Impersonation.IsReadOnlyFor(user));
        var transaction = own ? await context.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var missingIds = missing.Select(h => h.Id).ToArray();
            if (own) await context.Database.ExecuteSqlAsync($"SELECT 1 FROM investments WHERE id = ANY({missingIds}) ORDER BY id FOR SHARE", cancellationToken);
            var built = await BuildOpeningsAsync(context, missing, facts, from, charges, cancellationToken);
            foreach (var (id, rows) in built) openings[id] = rows;
            if (own)
            {
                var jsons = missingIds.Select(id => OpeningJson.Write(built[id])).ToArray();
                await context.Database.ExecuteSqlAsync($"""
                    INSERT INTO tax_year_openings (user_id, investment_id, year_start, format, lots)
                    SELECT i.user_id, x.id, {from}, {OpeningFormat}, x.lots::jsonb
                    FROM unnest({missingIds}, {jsons}) AS x(id, lots) JOIN investments i ON i.id = x.id
                    ON CONFLICT (investment_id, year_start) DO UPDATE SET format = excluded.format, lots = excluded.lots, built_at = now()
                    """, cancellationToken);
                await transaction!.CommitAsync(cancellationToken);
            }
        }
        catch (Npgsql.PostgresException e) when (own && e.SqlState is Npgsql.PostgresErrorCodes.ReadOnlySqlTransaction
                                                     or Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.LockNotAvailable)
        {
            // Staff viewing a customer read-only (the database refuses every write), or a writer in the way: the statement
            // is still right from the rows just read, only not kept for next time.
            await transaction!.RollbackAsync(cancellationToken);
            var built = await BuildOpeningsAsync(context, missing, facts, from, charges, cancellationToken);
            foreach (var (id, rows) in built) openings[id] = rows;
        }
        finally
        {
            if (transaction is not null) await transaction.DisposeAsync();
        }
        return openings;
    }

    /// <summary>
    /// Builds the openings of <paramref name="holdings"/> on <paramref name="from"/> from the ledger: of the earlier rows
    /// only the acquisitions still open on the year's first day, found by replaying the earlier rows' quantities alone
    /// (narrow columns), and the splits that restate them. The first of those lots is cut to the part of it the earlier
    /// sells left, cost and charges in proportion, as <see cref="FifoBook"/>'s own division would leave them. A holding
    /// with a bonus stated as a ratio before the year (its units depend on the whole holding then) keeps every earlier row.
    /// </summary>
    private static async Task<Dictionary<Guid, List<TaxLedgerRow>>> BuildOpeningsAsync(SparkDbContext context, IReadOnlyList<HoldingKey> holdings,
        IReadOnlyDictionary<Guid, TaxSecurity> facts, DateOnly from, ChargeSchedule charges, CancellationToken cancellationToken)
    {
        var ids = holdings.Select(h => h.Id).ToArray();
        var earlier = await context.Transactions.FromSql($"""
                SELECT * FROM ledger_transactions
                WHERE investment_id = ANY({ids}) AND status = 'completed' AND transaction_date < {from} AND type NOT IN ('dividend', 'interest')
                """).AsNoTracking()
            .Select(t => new Compact(t.Id, t.InvestmentId!.Value, t.Type, t.TransactionDate, t.Quantity ?? 0m, t.CreatedAt))
            .ToListAsync(cancellationToken);
        var actionIds = earlier.Where(c => c.Type is TransactionType.Split or TransactionType.Bonus).Select(c => c.Id).ToArray();
        var actions = actionIds.Length == 0 ? [] : await context.Transactions
            .FromSql($"SELECT * FROM ledger_transactions WHERE id = ANY({actionIds}) AND transaction_date < {from}").AsNoTracking().ToListAsync(cancellationToken);
        var ratios = actions.ToDictionary(a => a.Id, a => LedgerService.ToEntry(a));

        var keep = new List<Guid>();
        var whole = new List<Guid>();
        var cut = new Dictionary<Guid, decimal>(); // head lot id → fraction of it still held on the year's first day
        foreach (var group in earlier.GroupBy(c => c.InvestmentId))
        {
            var ordered = group.OrderBy(c => c.Date).ThenBy(c => LedgerService.Order(c.Type)).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id).ToList();
            if (ordered.Any(c => c.Type == TransactionType.Bonus && ratios.TryGetValue(c.Id, out var e) && e.RatioOld > 0m && e.RatioNew > 0m))
            {
                whole.Add(group.Key);
                continue;
            }
            // (id, units acquired restated to now, units left): FifoBook's quantities without the money.
            var lots = new List<(Guid Id, decimal Acquired, decimal Left)>();
            var head = 0;
            foreach (var c in ordered)
            {
                switch (c.Type)
                {
                    case TransactionType.Buy or TransactionType.Sip:
                        lots.Add((c.Id, c.Quantity, c.Quantity));
                        break;
                    case TransactionType.Bonus:
                        var units = ratios.TryGetValue(c.Id, out var b) ? b.Quantity : c.Quantity;
                        if (units > 0m) lots.Add((c.Id, units, units));
                        break;
                    case TransactionType.Split when ratios.TryGetValue(c.Id, out var split) && split.RatioOld > 0m && split.RatioNew > 0m:
                        for (var i = head; i < lots.Count; i++)
                        {
                            lots[i] = (lots[i].Id, lots[i].Acquired * split.RatioNew / split.RatioOld, lots[i].Left * split.RatioNew / split.RatioOld);
                        }
                        keep.Add(c.Id);
                        break;
                    case TransactionType.Sell:
                        var unsold = c.Quantity;
                        while (unsold > 0m && head < lots.Count)
                        {
                            var take = Math.Min(unsold, lots[head].Left);
                            unsold -= take;
                            lots[head] = (lots[head].Id, lots[head].Acquired, lots[head].Left - take);
                            if (lots[head].Left == 0m) head++;
                        }
                        break;
                }
            }
            for (var i = head; i < lots.Count; i++)
            {
                keep.Add(lots[i].Id);
                if (lots[i].Left != lots[i].Acquired) cut[lots[i].Id] = lots[i].Left / lots[i].Acquired;
            }
        }

        var keepIds = keep.ToArray();
        var wholeIds = whole.ToArray();
        var rows = keepIds.Length + wholeIds.Length == 0 ? [] : await context.Transactions.FromSql($"""
                SELECT * FROM ledger_transactions
                WHERE id = ANY({keepIds}) AND status = 'completed' AND transaction_date < {from}
                  AND NOT (investment_id = ANY({wholeIds}))
                UNION ALL
                SELECT * FROM ledger_transactions
                WHERE investment_id = ANY({wholeIds}) AND status = 'completed' AND transaction_date < {from} AND type NOT IN ('dividend', 'interest')
                """).AsNoTracking().ToListAsync(cancellationToken);
        var byHolding = rows.GroupBy(r => r.InvestmentId!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var result = new Dictionary<Guid, List<TaxLedgerRow>>(holdings.Count);
        foreach (var holding in holdings)
        {
            if (!byHolding.TryGetValue(holding.Id, out var ledger) || !facts.TryGetValue(holding.SecurityId, out var security))
            {
                result[holding.Id] = [];
                continue;
            }
            result[holding.Id] = [.. Ordered(ledger).Select(t => cut.TryGetValue(t.Id, out var fraction) ? Cut(ToRow(t), security, fraction, charges) : ToRow(t))];
        }
        return result;
    }

    /// <summary>The ledgers of <paramref name="investmentIds"/> up to <paramref name="until"/>, in LedgerService order, with their securities.</summary>
    internal static async Task<List<TaxHolding>> HoldingsAsync(SparkDbContext context, IReadOnlyCollection<Guid> investmentIds, DateOnly until,
        CancellationToken cancellationToken)
    {
        if (investmentIds.Count == 0) return [];
        var ids = investmentIds.ToArray();
        var (holdings, facts) = await FactsAsync(context, ids, cancellationToken);
        var rows = await Ledger(context)
            .Where(t => t.InvestmentId != null && ids.Contains(t.InvestmentId.Value) && t.Status == TransactionStatus.Completed && t.TransactionDate <= until)
            .ToListAsync(cancellationToken);
        return Assemble(holdings, facts, rows, null);
    }

    /// <summary>The holdings of <paramref name="ids"/> and what the engine needs of their securities.</summary>
    private static async Task<(List<HoldingKey> Holdings, Dictionary<Guid, TaxSecurity> Facts)> FactsAsync(SparkDbContext context, Guid[] ids,
        CancellationToken cancellationToken)
    {
        var holdings = await context.Investments.FromSql($"SELECT * FROM investments WHERE id = ANY({ids})").AsNoTracking()
            .Select(i => new HoldingKey(i.Id, i.SecurityId, i.Platform)).ToListAsync(cancellationToken);
        var securityIds = holdings.Select(h => h.SecurityId).Distinct().ToArray();
        var securities = await context.Securities.FromSql($"SELECT * FROM securities WHERE id = ANY({securityIds})").AsNoTracking()
            .ToListAsync(cancellationToken);
        return (holdings, securities.ToDictionary(s => s.Id, Facts));
    }

    /// <summary>Each holding's rows in LedgerService order, after its opening when it has one.</summary>
    private static List<TaxHolding> Assemble(List<HoldingKey> holdings, Dictionary<Guid, TaxSecurity> facts, List<LedgerTransaction> rows,
        Dictionary<Guid, List<TaxLedgerRow>>? openings)
    {
        var byHolding = rows.GroupBy(r => r.InvestmentId!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<TaxHolding>(holdings.Count);
        foreach (var holding in holdings)
        {
            if (!facts.TryGetValue(holding.SecurityId, out var security)) continue;
            var opening = openings?.GetValueOrDefault(holding.Id) ?? [];
            var ledger = byHolding.GetValueOrDefault(holding.Id) ?? [];
            if (opening.Count == 0 && ledger.Count == 0) continue;
            result.Add(new TaxHolding(security, holding.Platform, [.. opening, .. Ordered(ledger).Select(ToRow)]));
        }
        return result;
    }

    private static IEnumerable<LedgerTransaction> Ordered(IEnumerable<LedgerTransaction> ledger) =>
        ledger.OrderBy(t => t.TransactionDate).ThenBy(t => LedgerService.Order(t.Type)).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id);

    /// <summary>The part <paramref name="fraction"/> of an acquisition that earlier sells left: units, value and charges in proportion, its STT too.</summary>
    private static TaxLedgerRow Cut(TaxLedgerRow row, TaxSecurity security, decimal fraction, ChargeSchedule charges)
    {
        var stt = CapitalGainsEngine.BuyStt(row, security, charges);
        var e = row.Entry;
        return row with
        {
            Entry = e with { Quantity = e.Quantity * fraction, Amount = e.GrossValue * fraction, Charges = e.Charges * fraction },
            Tax = row.Tax * fraction,
            Stt = stt * fraction,
        };
    }

    /// <summary>What the engine needs of a security.</summary>
    public static TaxSecurity Facts(Security security)
    {
        ArgumentNullException.ThrowIfNull(security);
        // Section 2(42A): shares and ETFs trade on NSE or BSE; fund units are redeemed with the fund house (unlisted);
        // a bond is taken as listed when it has an exchange, which the row then says is a guess.
        var listed = security.Type switch
        {
            SecurityType.Stock or SecurityType.Etf => true,
            SecurityType.Bond => security.Exchange is { Length: > 0 },
            _ => false,
        };
        return new TaxSecurity(security.Id, security.Symbol, security.Name, security.Isin, security.Type, Instruments.IsEquityOriented(security), listed,
            Instruments.Charges(security))
        {
            Words = $"{security.Name} {security.Sector} {security.Industry}",
        };
    }

    /// <summary>A ledger row as the engine replays it, with the STT and TDS its metadata records.</summary>
    public static TaxLedgerRow ToRow(LedgerTransaction t)
    {
        ArgumentNullException.ThrowIfNull(t);
        decimal? stt = null, tds = null;
        if (t.Metadata?.RootElement is { ValueKind: JsonValueKind.Object } metadata)
        {
            if (metadata.TryGetProperty("stt", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetDecimal(out var sv) && sv >= 0m) stt = sv;
            if (metadata.TryGetProperty("tds", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetDecimal(out var dv) && dv >= 0m) tds = dv;
        }
        return new TaxLedgerRow(t.Id, t.Type, LedgerService.ToEntry(t), t.Tax, stt, tds);
    }
}
