using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Imports;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Data.Conversions;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.Portfolio;

using Security = Spark.Core.Market.Security;

/// <summary>
/// Writes the transactions ledger and keeps each holding's FIFO lots and totals in step with it. Every write
/// locks the holdings it touches (so two sells of the last shares cannot both pass), replays their whole ledger
/// and either stores the result or changes nothing.
/// </summary>
public sealed partial class LedgerService(
    SparkDb db, SecurityCatalog securities, PriceBook prices, PortfolioCache cache, TimeProvider clock, ILogger<LedgerService> log)
{
    public async Task<TransactionView> CreateAsync(Guid userId, TransactionDraft draft, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "add a transaction", consentable: true);
        RefuseReservedPlatform(draft.Platform);
        var security = await CheckAsync(draft, cancellationToken);
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        if (draft.ExternalId is { } externalId && await context.Transactions.AnyAsync(
                t => t.Platform == draft.Platform && t.ExternalId == externalId && t.TransactionDate == draft.TransactionDate, cancellationToken))
        {
            throw new DuplicateTransactionException(draft.Platform, externalId);
        }

        var row = await AppendAsync(context, userId, security, draft, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        cache.Invalidate(userId);
        return ToView(row);
    }

    /// <summary>
    /// Writes a transaction inside the caller's unit of work (an order fill writes its order, cash and ledger
    /// together): the same holding lock, replay and lot storage as a transaction entered by hand. The caller
    /// commits and then calls <see cref="Committed"/>.
    /// </summary>
    /// <exception cref="DomainException">The ledger would sell more than it holds.</exception>
    public async Task<LedgerTransaction> AppendAsync(SparkDbContext context, Guid userId, TransactionDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var security = await CheckAsync(draft, cancellationToken);
        return await AppendAsync(context, userId, security, draft, cancellationToken);
    }

    /// <summary>
    /// Writes many transactions, of many users, inside the caller's unit of work (a system-scoped context): the
    /// same rules, holding locks, replay and lot storage as <see cref="AppendAsync(SparkDbContext, Guid, TransactionDraft, CancellationToken)"/>,
    /// in a handful of round trips for the whole batch instead of several per transaction. Holdings are locked in
    /// id order. If any holding's ledger would sell more than it holds, nothing is kept: the caller rolls back.
    /// The caller commits and then calls <see cref="Committed"/> for each user.
    /// </summary>
    /// <returns>The stored rows, in the order of <paramref name="entries"/>.</returns>
    public async Task<IReadOnlyList<LedgerTransaction>> AppendManyAsync(SparkDbContext context,
        IReadOnlyList<(Guid UserId, Security Security, TransactionDraft Draft)> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return [];
        var today = IndiaTime.Today(clock);
        foreach (var (_, security, draft) in entries)
        {
            var errors = TransactionRules.Validate(draft, security.Type, today);
            if (errors.Count > 0) throw new FieldValidationException(errors);
        }

        var keys = entries.Select(e => (e.UserId, e.Security, e.Draft.Platform, e.Draft.TransactionDate))
            .DistinctBy(k => (k.UserId, k.Security.Id, k.Platform)).ToList();
        var now = clock.GetUtcNow();
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO investments (id, user_id, security_id, platform, symbol, name, type, quantity, avg_buy_price, invested_amount,
                                     sector, purchase_date, status, last_updated, created_at, updated_at)
            SELECT k.id, k.user_id, k.security_id, k.platform, k.symbol, k.name, k.type, 0, 0, 0, k.sector, k.purchase_date, 'sold', {now}, {now}, {now}
            FROM unnest({keys.Select(_ => Guid.CreateVersion7()).ToArray()}, {keys.Select(k => k.UserId).ToArray()},
                        {keys.Select(k => k.Security.Id).ToArray()}, {keys.Select(k => k.Platform).ToArray()},
                        {keys.Select(k => k.Security.Symbol).ToArray()}, {keys.Select(k => k.Security.Name).ToArray()},
                        {keys.Select(k => SnakeCaseEnum.ToStored(k.Security.Type)).ToArray()}, {keys.Select(k => k.Security.Sector).ToArray()},
                        {keys.Select(k => k.TransactionDate).ToArray()})
                 AS k(id, user_id, security_id, platform, symbol, name, type, sector, purchase_date)
            ORDER BY k.user_id, k.security_id
            ON CONFLICT (user_id, security_id, platform) DO NOTHING
            """, cancellationToken);
        var locked = await context.Investments.FromSql($"""
            SELECT i.* FROM investments i
            JOIN unnest({keys.Select(k => k.UserId).ToArray()}, {keys.Select(k => k.Security.Id).ToArray()}, {keys.Select(k => k.Platform).ToArray()})
                 AS k(user_id, security_id, platform)
              ON i.user_id = k.user_id AND i.security_id = k.security_id AND i.platform = k.platform
            ORDER BY i.id
            FOR UPDATE OF i
            """).AsNoTracking().ToListAsync(cancellationToken);
        var holding = locked.ToDictionary(i => (i.UserId, i.SecurityId, i.Platform));

        var rows = entries.Select(e => NewRow(e.UserId, holding[(e.UserId, e.Security.Id, e.Draft.Platform)].Id, e.Security, e.Draft)).ToList();
        await context.InsertAsync(rows, cancellationToken);

        var ids = locked.Select(i => i.Id).ToArray();
        var stored = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId != null && ids.Contains(t.InvestmentId.Value) && t.Status == TransactionStatus.Completed)
            .ToListAsync(cancellationToken);
        var byHolding = stored.GroupBy(t => t.InvestmentId!.Value).ToDictionary(g => g.Key, g => g
            .OrderBy(t => t.TransactionDate).ThenBy(t => Order(t.Type)).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Select(t => (t, ToEntry(t))).ToList());
        var securityOf = keys.ToDictionary(k => (k.UserId, k.Security.Id, k.Platform), k => k.Security);
        await context.InvestmentLots.Where(l => ids.Contains(l.InvestmentId)).ExecuteDeleteAsync(cancellationToken);
        var lots = locked.SelectMany(i => Replay(i, securityOf[(i.UserId, i.SecurityId, i.Platform)], byHolding[i.Id])).ToList();
        await context.InsertAsync(lots, cancellationToken);
        await context.UpdateAsync(locked, ReplayedColumns, cancellationToken);
        return rows;
    }

    /// <summary>What <see cref="Replay"/> sets on a holding: the columns the batch path writes back.</summary>
    private static readonly string[] ReplayedColumns =
    [
        nameof(Investment.Quantity), nameof(Investment.AvgBuyPrice), nameof(Investment.InvestedAmount), nameof(Investment.Status),
        nameof(Investment.PurchaseDate), nameof(Investment.Name), nameof(Investment.Sector), nameof(Investment.UpdatedAt), nameof(Investment.LastUpdated),
        nameof(Investment.CurrentPrice), nameof(Investment.CurrentValue), nameof(Investment.Returns), nameof(Investment.ReturnsRate),
        nameof(Investment.DayChange), nameof(Investment.DayChangeRate),
    ];

    /// <summary>Tells the portfolio cache that a unit of work holding <see cref="AppendAsync(SparkDbContext, Guid, TransactionDraft, CancellationToken)"/> committed.</summary>
    public void Committed(Guid userId) => cache.Invalidate(userId);

    private async Task<LedgerTransaction> AppendAsync(SparkDbContext context, Guid userId, Security security, TransactionDraft draft,
        CancellationToken cancellationToken)
    {
        var investment = await LockInvestmentAsync(context, userId, security, draft.Platform, draft.TransactionDate, cancellationToken);
        var row = NewRow(userId, investment.Id, security, draft);
        context.Transactions.Add(row);
        await context.SaveChangesAsync(cancellationToken);
        await RecomputeAsync(context, investment, security, cancellationToken);
        return row;
    }

    public async Task<TransactionView?> UpdateAsync(Guid userId, Guid id, TransactionDraft draft, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "fix a transaction", consentable: true);
        RefuseReservedPlatform(draft.Platform);
        var security = await CheckAsync(draft, cancellationToken);
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var existing = await context.Transactions.SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (existing is null) return null;
        RefuseReservedPlatform(existing.Platform);

        var oldSecurity = existing.SecurityId is { } sid ? await securities.GetAsync(sid, cancellationToken) : null;
        var target = await LockBothAsync(context, userId, existing, oldSecurity, security, draft, cancellationToken);

        // The date is part of the key of the partitioned table: an edit is a delete and an insert of the same id.
        var replacement = NewRow(userId, target.New.Id, security, draft);
        replacement.Id = existing.Id;
        replacement.CreatedAt = existing.CreatedAt;
        context.Transactions.Remove(existing);
        context.Transactions.Add(replacement);
        await context.SaveChangesAsync(cancellationToken);

        await RecomputeAsync(context, target.New, security, cancellationToken);
        if (target.Old is { } old && old.Id != target.New.Id && oldSecurity is not null)
        {
            await RecomputeAsync(context, old, oldSecurity, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        cache.Invalidate(userId);
        return ToView(replacement);
    }

    public async Task<bool> DeleteAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "delete a transaction", consentable: true);
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var existing = await context.Transactions.SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (existing is null) return false;
        RefuseReservedPlatform(existing.Platform);

        Investment? investment = null;
        if (existing.InvestmentId is { } investmentId)
        {
            investment = await LockAsync(context, investmentId, cancellationToken);
        }

        context.Transactions.Remove(existing);
        await context.SaveChangesAsync(cancellationToken);
        if (investment is not null && await securities.GetAsync(investment.SecurityId, cancellationToken) is { } security)
        {
            await RecomputeAsync(context, investment, security, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        cache.Invalidate(userId);
        return true;
    }

    public async Task<TransactionView?> GetAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var row = await context.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return row is null ? null : ToView(row);
    }

    public async Task<Paged<TransactionView>> ListAsync(Guid userId, TransactionFilter filter, int page, int pageSize,
        CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        await using var context = db.ForUser(userId);
        var query = Filter(context.Transactions.AsNoTracking(), filter);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query
            .OrderByDescending(t => t.TransactionDate).ThenByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        return new Paged<TransactionView>([.. rows.Select(ToView)], page, pageSize, total);
    }

    /// <summary>Every matching transaction, oldest first, for export.</summary>
    public async IAsyncEnumerable<TransactionView> ExportAsync(Guid userId, TransactionFilter filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        await foreach (var row in Filter(context.Transactions.AsNoTracking(), filter)
                           .OrderBy(t => t.TransactionDate).ThenBy(t => t.CreatedAt).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return ToView(row);
        }
    }

    /// <summary>Replays one holding's whole ledger and stores its lots and totals; a ledger that sells more than it holds is refused.</summary>
    private async Task RecomputeAsync(SparkDbContext context, Investment investment, Security security, CancellationToken cancellationToken)
    {
        var ledger = await LoadEntriesAsync(context, investment.Id, cancellationToken);
        if (ledger.Count == 0)
        {
            // The last transaction of a holding is gone: so is the holding (its lots go with it).
            context.Investments.Remove(investment);
            await context.SaveChangesAsync(cancellationToken);
            return;
        }

        await context.InvestmentLots.Where(l => l.InvestmentId == investment.Id).ExecuteDeleteAsync(cancellationToken);
        context.InvestmentLots.AddRange(Replay(investment, security, ledger));
        await context.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Replays a holding's whole ledger through the FIFO book and sets its totals; returns its open lots to store
    /// in place of the old ones. A ledger that sells more than it holds is refused.
    /// </summary>
    private IEnumerable<InvestmentLot> Replay(Investment investment, Security security, List<(LedgerTransaction Row, LedgerEntry Entry)> ledger)
    {
        var book = new FifoBook();
        foreach (var (_, entry) in ledger)
        {
            try
            {
                book.Apply(entry);
            }
            catch (InsufficientHoldingsException e)
            {
                throw new DomainException($"{security.Symbol} on {investment.Platform}: {e.Message} Nothing was changed.", e);
            }
        }

        var position = book.ToPosition();

        var now = clock.GetUtcNow();
        investment.Quantity = position.Quantity;
        investment.AvgBuyPrice = position.AverageBuyPrice;
        investment.InvestedAmount = position.InvestedAmount;
        investment.Status = position.Quantity > 0m ? InvestmentStatus.Active : InvestmentStatus.Sold;
        investment.PurchaseDate = position.OpenLots.Count > 0 ? position.OpenLots[0].Date : ledger[0].Entry.Date;
        investment.Name = security.Name;
        investment.Sector = security.Sector;
        Valuation.Apply(investment, prices.TryGet(security.Id, out var quote) ? quote : null, now);
        investment.UpdatedAt = now;
        return HoldingLots.From(book, investment.Id, investment.UserId);
    }

    private static async Task<List<(LedgerTransaction Row, LedgerEntry Entry)>> LoadEntriesAsync(
        SparkDbContext context, Guid investmentId, CancellationToken cancellationToken)
    {
        var rows = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId == investmentId && t.Status == TransactionStatus.Completed)
            .ToListAsync(cancellationToken);
        return [.. rows
            .OrderBy(t => t.TransactionDate).ThenBy(t => Order(t.Type)).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Select(t => (t, ToEntry(t)))];
    }

    /// <summary>Within one day, acquisitions come before corporate actions, sells and income: a day's buy can fund its sell.</summary>
    internal static int Order(TransactionType type) => type switch
    {
        TransactionType.Buy or TransactionType.Sip => 0,
        TransactionType.Split or TransactionType.Bonus => 1,
        TransactionType.Sell => 2,
        _ => 3,
    };

    internal static LedgerEntry ToEntry(LedgerTransaction t) => Draft(t).ToLedgerEntry();

    private static TransactionDraft Draft(LedgerTransaction t)
    {
        var (ratioNew, ratioOld) = Ratio(t);
        return new TransactionDraft(t.Symbol ?? "", t.Type, t.Quantity, t.Price, t.Amount, t.Fees, t.Tax, t.Gst, t.TransactionDate,
            t.Platform, t.ExternalId, t.Description, ratioNew, ratioOld);
    }

    /// <summary>Only the paper exchange writes the paper platform (through <see cref="AppendAsync(SparkDbContext, Guid, TransactionDraft, CancellationToken)"/>).</summary>
    private static void RefuseReservedPlatform(string platform)
    {
        if (TransactionRules.IsReservedPlatform(platform))
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["platform"] = [TransactionRules.ReservedPlatformMessage] });
        }
    }

    private async Task<Security> CheckAsync(TransactionDraft draft, CancellationToken cancellationToken)
    {
        var security = await securities.FindAsync(draft.Symbol, cancellationToken);
        if (security is null)
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["symbol"] = [$"No security has the symbol '{draft.Symbol}'."] });
        }

        var errors = TransactionRules.Validate(draft, security.Type, IndiaTime.Today(clock));
        if (errors.Count > 0) throw new FieldValidationException(errors);
        return security;
    }

    private async Task<Investment> LockInvestmentAsync(SparkDbContext context, Guid userId, Security security, string platform, DateOnly date,
        CancellationToken cancellationToken)
    {
        var investment = await EnsureInvestmentAsync(context, userId, security, platform, date, cancellationToken);
        return await LockAsync(context, investment.Id, cancellationToken);
    }

    private async Task<(Investment? Old, Investment New)> LockBothAsync(SparkDbContext context, Guid userId, LedgerTransaction existing,
        Security? oldSecurity, Security security, TransactionDraft draft, CancellationToken cancellationToken)
    {
        var target = await EnsureInvestmentAsync(context, userId, security, draft.Platform, draft.TransactionDate, cancellationToken);
        var ids = new[] { existing.InvestmentId, target.Id }.OfType<Guid>().Distinct().Order().ToList();
        var locked = new Dictionary<Guid, Investment>();
        foreach (var id in ids)
        {
            locked[id] = await LockAsync(context, id, cancellationToken);
        }

        var old = existing.InvestmentId is { } oldId && oldSecurity is not null ? locked[oldId] : null;
        return (old, locked[target.Id]);
    }

    /// <summary>The holding's row, created if this is its first transaction (concurrent creators meet on the unique index).</summary>
    private async Task<Investment> EnsureInvestmentAsync(SparkDbContext context, Guid userId, Security security, string platform, DateOnly date,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var type = SnakeCaseEnum.ToStored(security.Type);
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO investments (id, user_id, security_id, platform, symbol, name, type, quantity, avg_buy_price, invested_amount,
                                     sector, purchase_date, status, last_updated, created_at, updated_at)
            VALUES ({Guid.CreateVersion7()}, {userId}, {security.Id}, {platform}, {security.Symbol}, {security.Name}, {type}, 0, 0, 0,
                    {security.Sector}, {date}, 'sold', {now}, {now}, {now})
            ON CONFLICT (user_id, security_id, platform) DO NOTHING
            """, cancellationToken);
        return await context.Investments.AsNoTracking()
            .SingleAsync(i => i.UserId == userId && i.SecurityId == security.Id && i.Platform == platform, cancellationToken);
    }

    private static async Task<Investment> LockAsync(SparkDbContext context, Guid investmentId, CancellationToken cancellationToken) =>
        await context.Investments.FromSql($"SELECT * FROM investments WHERE id = {investmentId} FOR UPDATE").SingleAsync(cancellationToken);

    private LedgerTransaction NewRow(Guid userId, Guid investmentId, Security security, TransactionDraft draft)
    {
        var now = clock.GetUtcNow();
        return new LedgerTransaction
        {
            UserId = userId,
            InvestmentId = investmentId,
            SecurityId = security.Id,
            Type = draft.Type,
            AssetName = security.Name,
            Symbol = security.Symbol,
            Platform = draft.Platform,
            Quantity = draft.Type is TransactionType.Split ? null : draft.Quantity,
            Price = draft.Price,
            Amount = draft.GrossAmount,
            Fees = draft.Fees,
            Tax = draft.Tax,
            Gst = draft.Gst,
            NetAmount = draft.NetAmount,
            ExternalId = draft.ExternalId,
            Description = draft.Description,
            TransactionDate = draft.TransactionDate,
            Metadata = draft.RatioNew is > 0m && draft.RatioOld is > 0m
                ? JsonSerializer.SerializeToDocument(new RatioMetadata(draft.RatioNew.Value, draft.RatioOld.Value))
                : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static IQueryable<LedgerTransaction> Filter(IQueryable<LedgerTransaction> query, TransactionFilter filter)
    {
        if (filter.Type is { } type) query = query.Where(t => t.Type == type);
        if (!string.IsNullOrWhiteSpace(filter.Symbol))
        {
            var symbol = filter.Symbol.Trim().ToUpperInvariant();
            query = query.Where(t => t.Symbol == symbol);
        }

        if (filter.From is { } from) query = query.Where(t => t.TransactionDate >= from);
        if (filter.To is { } to) query = query.Where(t => t.TransactionDate <= to);
        if (!string.IsNullOrWhiteSpace(filter.Platform)) query = query.Where(t => t.Platform == filter.Platform);
        if (filter.InvestmentId is { } investmentId) query = query.Where(t => t.InvestmentId == investmentId);
        return query;
    }

    public static TransactionView ToView(LedgerTransaction t)
    {
        var (ratioNew, ratioOld) = Ratio(t);
        return new TransactionView(t.Id, t.Symbol ?? "", t.AssetName, t.Type, t.Quantity, t.Price, t.Amount, t.Fees, t.Tax, t.Gst, t.NetAmount,
            t.TransactionDate, t.Platform, t.Status, t.ExternalId, t.Description, ratioNew, ratioOld, t.InvestmentId, t.CreatedAt);
    }

    private static (decimal? New, decimal? Old) Ratio(LedgerTransaction t) => t.Metadata is null ? (null, null) : Ratio(t.Metadata.RootElement);

    /// <summary>The split or bonus ratio kept in a transaction's metadata as {"ratioNew": 2, "ratioOld": 1}.</summary>
    internal static (decimal? New, decimal? Old) Ratio(string? metadata)
    {
        if (metadata is null) return (null, null);
        using var document = JsonDocument.Parse(metadata);
        return Ratio(document.RootElement);
    }

    private static (decimal? New, decimal? Old) Ratio(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ratioNew", out var n) && root.TryGetProperty("ratioOld", out var o)
            && n.TryGetDecimal(out var rn) && o.TryGetDecimal(out var ro)
            ? (rn, ro)
            : (null, null);

    /// <summary>The id an exported row carries when the transaction has no platform id of its own.</summary>
    public static string ExportId(Guid transactionId) => "spark:" + transactionId.ToString("D", CultureInfo.InvariantCulture);

    private static Guid? ParseExportId(string externalId) =>
        externalId.StartsWith("spark:", StringComparison.Ordinal) && Guid.TryParse(externalId.AsSpan(6), out var id) ? id : null;

    private static string Fingerprint(TransactionDraft d)
    {
        var text = string.Join('|', d.TransactionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Symbol, d.Type,
            Invariant(d.Quantity), Invariant(d.Price), Invariant(d.GrossAmount), Invariant(d.Fees), Invariant(d.Tax), Invariant(d.Gst),
            d.Platform, Invariant(d.RatioNew), Invariant(d.RatioOld));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
    }

    // Trailing zeros differ between "10" and "10.00" but mean the same row.
    private static string Invariant(decimal? value) =>
        value is { } v ? v.ToString("0.############################", CultureInfo.InvariantCulture) : "";

    private sealed record RatioMetadata(
        [property: System.Text.Json.Serialization.JsonPropertyName("ratioNew")] decimal RatioNew,
        [property: System.Text.Json.Serialization.JsonPropertyName("ratioOld")] decimal RatioOld);

    [LoggerMessage(LogLevel.Information, "Import: {Imported} transactions imported, {Skipped} duplicates skipped, {Errors} rows reported")]
    private static partial void LogImported(ILogger logger, int imported, int skipped, int errors);
}

/// <summary>The same platform trade id is already in the ledger.</summary>
public sealed class DuplicateTransactionException(string platform, string externalId)
    : ConflictException($"A transaction with the id '{externalId}' from {platform} is already recorded.");
