using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Spark.Core;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Accounts;
using Spark.Web.Security;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Admin;

using Security = Spark.Core.Market.Security;

/// <summary>
/// Splits, bonuses and dividends (decision 0042). An action is recorded once (its natural key: security, type, date,
/// ratio or amount) and then applied to every holding that holds the security on its date, each through the ledger's
/// own write path (<see cref="LedgerService.AppendAsync(SparkDbContext, Guid, TransactionDraft, CancellationToken)"/>:
/// holding lock, FIFO replay, lots and totals) in one database transaction per holding, with the entry row that
/// makes it idempotent. An interrupted run is finished by recording the same action again; nothing is written twice.
/// </summary>
public sealed partial class CorporateActionService(
    SparkDb db, SecurityCatalog catalog, LedgerService ledger, AuditTrail audit, TimeProvider clock, ILogger<CorporateActionService> log)
{
    public const int MaxPageSize = 100;
    public const int SampleSize = 50;
    public const decimal MaxRatio = 1000m;

    /// <summary>How long applying waits for an investor's running import or broker sync before leaving that holding for a re-run.</summary>
    public static readonly TimeSpan ImportWait = TimeSpan.FromSeconds(30);

    public const string AdminOnly = "Only an admin records corporate actions.";

    /// <summary>Who holds the security on the date and what the action would do; writes nothing.</summary>
    public async Task<CorporateActionPreview> PreviewAsync(Guid actorId, CorporateActionInput input, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        var action = await CheckAsync(input, cancellationToken);
        var holders = await HoldersAsync(action, excludeActionId: null, cancellationToken);
        var recorded = await RecordedIdAsync(action, cancellationToken);
        return ToPreview(action, holders, recorded);
    }

    /// <summary>
    /// Records the action and applies it to every holder; recording the same action again completes an interrupted
    /// run and otherwise changes nothing.
    /// </summary>
    public async Task<CorporateActionOutcome> RecordAsync(Guid actorId, CorporateActionInput input, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        var action = await CheckAsync(input, cancellationToken);
        var (id, fresh) = await InsertOrFindAsync(action, actorId, cancellationToken);
        var current = (await GetViewAsync(id, cancellationToken))!;
        if (current.Status == "applied")
        {
            return new CorporateActionOutcome((await GetAsync(actorId, id, cancellationToken))!, AlreadyRecorded: true, Created: 0, []);
        }

        if (fresh)
        {
            // Whole-unit securities cannot be left holding a fraction of a share; refuse before anything is written.
            var fractional = (await HoldersAsync(action, id, cancellationToken)).Where(h => h.Note == FractionalNote).ToList();
            if (action.Type == CorporateActionType.Split && fractional.Count > 0)
            {
                await DeleteUnappliedAsync(id, cancellationToken);
                throw new DomainException($"This split would leave {fractional.Count} holding(s) with a fraction of a {Unit(action.Security)}: " +
                    "record the cash paid for fractions as the company did, or check the ratio.");
            }
        }

        var created = 0;
        var failures = new List<CorporateActionFailure>();
        foreach (var holding in await HoldingsOfAsync(action.Security.Id, cancellationToken))
        {
            try
            {
                if (await ApplyAsync(id, action, holding, cancellationToken)) created++;
            }
            catch (DomainException e)
            {
                failures.Add(new CorporateActionFailure(holding.UserId, holding.Platform, e.Message));
                LogHoldingFailed(log, e, id, holding.InvestmentId);
            }
        }

        var holders = await CountEntriesAsync(id, cancellationToken);
        if (failures.Count == 0)
        {
            await using var context = db.Shared();
            await context.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE corporate_actions SET status = 'applied', holders = {holders}, applied_at = {clock.GetUtcNow()} WHERE id = {id}", cancellationToken);
            await audit.RecordAsync(SecurityAuditActions.CorporateActionRecorded, actorId, client, entityType: "corporate_action", entityId: id,
                details: new
                {
                    by = actorId, symbol = action.Security.Symbol, type = Word(action.Type), exDate = action.ExDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ratioNew = action.RatioNew, ratioOld = action.RatioOld, amountPerShare = action.AmountPerShare, holders, entriesWritten = created,
                    resumed = !fresh,
                }, cancellationToken: cancellationToken);
        }

        return new CorporateActionOutcome((await GetAsync(actorId, id, cancellationToken))!, AlreadyRecorded: !fresh, created, failures);
    }

    public async Task<Paged<CorporateActionView>> ListAsync(Guid actorId, string? symbol, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var key = string.IsNullOrWhiteSpace(symbol) ? null : symbol.Trim().ToUpperInvariant();
        await using var context = db.Shared();
        var total = await ScalarAsync<long>(context, """
            SELECT count(*) FROM corporate_actions a JOIN securities s ON s.id = a.security_id WHERE (@symbol::text IS NULL OR s.symbol = @symbol::text)
            """, cancellationToken, ("symbol", (object?)key ?? DBNull.Value));
        var items = await ViewsAsync(context, "WHERE (@symbol::text IS NULL OR s.symbol = @symbol::text) ORDER BY a.created_at DESC, a.id LIMIT @take OFFSET @skip",
            cancellationToken, ("symbol", (object?)key ?? DBNull.Value), ("take", pageSize), ("skip", (page - 1) * pageSize));
        return new Paged<CorporateActionView>(items, page, pageSize, (int)total);
    }

    public async Task<CorporateActionDetail?> GetAsync(Guid actorId, Guid id, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        if (await GetViewAsync(id, cancellationToken) is not { } view) return null;
        await using var context = db.ForSystem("corporate action detail");
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var entries = await QueryAsync(context, """
            SELECT e.user_id, u.name, u.email, e.investment_id, e.platform, e.quantity_before, e.quantity_after, e.amount
            FROM corporate_action_entries e JOIN users u ON u.id = e.user_id
            WHERE e.corporate_action_id = @id ORDER BY u.name, e.platform
            """, r => new CorporateActionHolder(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? "" : r.GetString(2), r.GetGuid(3), r.GetString(4),
                r.GetDecimal(5), r.GetDecimal(6), r.GetDecimal(7), null), cancellationToken, ("id", id));
        return new CorporateActionDetail(view, entries);
    }

    /// <summary>One holding, in its own transaction: nothing if it already has its entry or held nothing on the date.</summary>
    private async Task<bool> ApplyAsync(Guid actionId, CheckedAction action, HoldingRef holding, CancellationToken cancellationToken)
    {
        // The investor's import lock: an import or broker sync of theirs finishes before the entry goes in, and waits for it after.
        await using var guard = await ImportGuard.TakeAsync(db.ConnectionString, holding.UserId, ImportWait, clock, cancellationToken)
            ?? throw new DomainException("An import or broker sync of this investor is still running; record the action again to finish it.");
        await using var context = db.ForUser(holding.UserId);
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        await context.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM investments WHERE id = {holding.InvestmentId} FOR UPDATE", cancellationToken);
        var done = await ScalarAsync<long>(context, "SELECT count(*) FROM corporate_action_entries WHERE corporate_action_id = @a AND investment_id = @i",
            cancellationToken, ("a", actionId), ("i", holding.InvestmentId));
        if (done > 0) return false;

        var rows = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId == holding.InvestmentId && t.Status == TransactionStatus.Completed).ToListAsync(cancellationToken);
        var effect = Effect(action, QuantityOn(rows, action.ExDate, null));
        if (effect.Before <= 0m || (effect.After == effect.Before && effect.Amount == 0m)) return false;

        var externalId = ExternalId(actionId);
        var draft = action.Type switch
        {
            CorporateActionType.Split => new TransactionDraft(action.Security.Symbol, TransactionType.Split, null, null, null, 0m, 0m, 0m, action.ExDate,
                holding.Platform, externalId, Describe(action), action.RatioNew, action.RatioOld),
            CorporateActionType.Bonus => new TransactionDraft(action.Security.Symbol, TransactionType.Bonus, effect.After - effect.Before, null, null, 0m, 0m, 0m,
                action.ExDate, holding.Platform, externalId, Describe(action)),
            _ => new TransactionDraft(action.Security.Symbol, TransactionType.Dividend, effect.Before, action.AmountPerShare, effect.Amount, 0m, 0m, 0m,
                action.ExDate, holding.Platform, externalId, Describe(action)),
        };
        var row = await ledger.AppendAsync(context, holding.UserId, draft, cancellationToken);
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO corporate_action_entries (id, corporate_action_id, user_id, investment_id, transaction_id, platform, quantity_before, quantity_after, amount, created_at)
            VALUES ({Guid.CreateVersion7()}, {actionId}, {holding.UserId}, {holding.InvestmentId}, {row.Id}, {holding.Platform}, {effect.Before}, {effect.After},
                    {effect.Amount}, {clock.GetUtcNow()})
            """, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        ledger.Committed(holding.UserId);
        return true;
    }

    /// <summary>
    /// Units held on the date as the ledger replays it: every entry before the date and the date's own buys (the
    /// ledger puts a day's acquisitions before its corporate actions, sells and income).
    /// </summary>
    private static decimal QuantityOn(IEnumerable<LedgerTransaction> rows, DateOnly date, string? excludeExternalId)
    {
        var book = new FifoBook();
        var cut = LedgerService.Order(TransactionType.Split);
        foreach (var t in rows.Where(t => (t.TransactionDate < date || (t.TransactionDate == date && LedgerService.Order(t.Type) < cut))
                                          && (excludeExternalId is null || t.ExternalId != excludeExternalId))
                     .OrderBy(t => t.TransactionDate).ThenBy(t => LedgerService.Order(t.Type)).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id))
        {
            try
            {
                book.Apply(LedgerService.ToEntry(t));
            }
            catch (InsufficientHoldingsException)
            {
                // A ledger the replay refuses is not one this action can fix; it counts as holding nothing here.
                return 0m;
            }
        }

        return book.Quantity;
    }

    private const string FractionalNote = "fractional";

    private static (decimal Before, decimal After, decimal Amount, string? Note) Effect(CheckedAction action, decimal before)
    {
        if (before <= 0m) return (0m, 0m, 0m, null);
        var decimals = TransactionRules.UnitDecimals(action.Security.Type);
        switch (action.Type)
        {
            case CorporateActionType.Split:
                var after = before * action.RatioNew!.Value / action.RatioOld!.Value;
                return (before, after, 0m, decimal.Round(after, decimals) == after ? null : FractionalNote);
            case CorporateActionType.Bonus:
                var exact = before * action.RatioNew!.Value / action.RatioOld!.Value;
                // Fractional entitlements are not allotted (the company pays them in cash): credit what the demat account gets.
                var units = decimal.Round(exact, decimals, MidpointRounding.ToZero);
                return (before, before + units, 0m, units == exact ? null : $"{(exact - units).ToString("0.########", CultureInfo.InvariantCulture)} fractional units not allotted");
            default:
                return (before, before, Money.Paisa(before * action.AmountPerShare!.Value), null);
        }
    }

    private async Task<List<CorporateActionHolder>> HoldersAsync(CheckedAction action, Guid? excludeActionId, CancellationToken cancellationToken)
    {
        var holdings = await HoldingsOfAsync(action.Security.Id, cancellationToken);
        if (holdings.Count == 0) return [];
        var ids = holdings.Select(h => h.InvestmentId).ToList();
        await using var context = db.ForSystem("corporate action preview");
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var rows = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId != null && ids.Contains(t.InvestmentId.Value) && t.Status == TransactionStatus.Completed
                        && t.TransactionDate <= action.ExDate)
            .ToListAsync(cancellationToken);
        var byHolding = rows.ToLookup(t => t.InvestmentId!.Value);
        var userIds = holdings.Select(h => h.UserId).Distinct().ToList();
        var users = await context.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => (u.Name, Email: u.Email ?? ""), cancellationToken);
        var exclude = excludeActionId is { } id ? ExternalId(id) : null;
        var result = new List<CorporateActionHolder>();
        foreach (var h in holdings)
        {
            var effect = Effect(action, QuantityOn(byHolding[h.InvestmentId], action.ExDate, exclude));
            if (effect.Before <= 0m) continue;
            var (name, email) = users.GetValueOrDefault(h.UserId, ("?", ""));
            result.Add(new CorporateActionHolder(h.UserId, name, email, h.InvestmentId, h.Platform, effect.Before, effect.After, effect.Amount, effect.Note));
        }

        return [.. result.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Platform, StringComparer.Ordinal)];
    }

    private sealed record HoldingRef(Guid InvestmentId, Guid UserId, string Platform);

    /// <summary>Every holding of the security, sold ones included (a holding sold since may have held it on the date).</summary>
    private async Task<List<HoldingRef>> HoldingsOfAsync(Guid securityId, CancellationToken cancellationToken)
    {
        await using var context = db.ForSystem("corporate action holders");
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        return await context.Investments.AsNoTracking().Where(i => i.SecurityId == securityId).OrderBy(i => i.Id)
            .Select(i => new HoldingRef(i.Id, i.UserId, i.Platform)).ToListAsync(cancellationToken);
    }

    private sealed record CheckedAction(Security Security, CorporateActionType Type, DateOnly ExDate, decimal? RatioNew, decimal? RatioOld,
        decimal? AmountPerShare, string? Note);

    private async Task<CheckedAction> CheckAsync(CorporateActionInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string[]>();
        Security? security = null;
        if (string.IsNullOrWhiteSpace(input.Symbol)) errors["symbol"] = ["Choose the security."];
        else if (input.Symbol.Length > 50 || (security = await catalog.FindAsync(input.Symbol, cancellationToken)) is null)
        {
            errors["symbol"] = [$"No security has the symbol '{(input.Symbol.Length > 20 ? input.Symbol[..20] + "…" : input.Symbol.Trim())}'."];
        }

        CorporateActionType type = default;
        if (string.IsNullOrWhiteSpace(input.Type)) errors["type"] = ["Choose split, bonus or dividend."];
        else if (!Endpoints.EnumWords.TryParse(input.Type, out type)) errors["type"] = ["Use split, bonus or dividend."];

        var today = IndiaTime.Today(clock);
        if (input.ExDate is not { } exDate) errors["exDate"] = ["Enter the ex-date."];
        else if (exDate > today) errors["exDate"] = ["Record an action on or after its ex-date: the ledger holds no future entries."];
        else if (exDate < TransactionRules.EarliestDate) errors["exDate"] = ["The date is too far in the past."];

        decimal? ratioNew = null, ratioOld = null, perShare = null;
        if (errors.ContainsKey("type")) { }
        else if (type is CorporateActionType.Split or CorporateActionType.Bonus)
        {
            if (input.RatioNew is not { } n || input.RatioOld is not { } o || n <= 0m || o <= 0m || n != decimal.Truncate(n) || o != decimal.Truncate(o)
                || n > MaxRatio || o > MaxRatio)
            {
                errors["ratio"] = [$"Give the ratio as two whole numbers from 1 to {MaxRatio:0}: new for old (a 1:5 split is 5 for 1; a 1:1 bonus is 1 for 1)."];
            }
            else if (type == CorporateActionType.Split && n == o) errors["ratio"] = ["A split of 1 for 1 changes nothing."];
            else (ratioNew, ratioOld) = (n, o);
            if (input.AmountPerShare is not null) errors["amountPerShare"] = ["A split or bonus has a ratio, not an amount."];
        }
        else
        {
            if (input.AmountPerShare is not { } a || a <= 0m || a > 1_000_000m || decimal.Round(a, 4) != a)
            {
                errors["amountPerShare"] = ["Enter the dividend per share in rupees, above zero, up to 4 decimals."];
            }
            else perShare = a;
            if (input.RatioNew is not null || input.RatioOld is not null) errors["ratio"] = ["A dividend has an amount per share, not a ratio."];
        }

        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > 500 }) errors["note"] = ["Keep the note under 500 characters."];
        if (errors.Count > 0) throw new FieldValidationException(errors);
        return new CheckedAction(security!, type, input.ExDate!.Value, ratioNew, ratioOld, perShare, note);
    }

    private CorporateActionPreview ToPreview(CheckedAction a, List<CorporateActionHolder> holders, Guid? recorded)
    {
        var problems = new List<string>();
        var fractional = holders.Count(h => h.Note == FractionalNote);
        if (a.Type == CorporateActionType.Split && fractional > 0)
        {
            problems.Add($"{fractional} holding(s) would be left with a fraction of a {Unit(a.Security)}: recording is refused.");
        }
        if (recorded is not null) problems.Add("This action is already recorded: recording it again changes nothing (an interrupted run is finished).");
        return new CorporateActionPreview(a.Security.Id, a.Security.Symbol, a.Security.Name, a.Type, a.ExDate, a.RatioNew, a.RatioOld, a.AmountPerShare,
            holders.Count, holders.Sum(h => h.QuantityBefore), holders.Sum(h => h.QuantityAfter), holders.Sum(h => h.Amount),
            [.. holders.Take(SampleSize)], problems, recorded);
    }

    private async Task<(Guid Id, bool Fresh)> InsertOrFindAsync(CheckedAction a, Guid actorId, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        var id = Guid.CreateVersion7();
        var inserted = await context.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO corporate_actions (id, security_id, type, ex_date, ratio_new, ratio_old, amount_per_share, note, recorded_by, created_at)
            VALUES ({id}, {a.Security.Id}, {Word(a.Type)}, {a.ExDate}, {a.RatioNew ?? 0m}, {a.RatioOld ?? 0m}, {a.AmountPerShare ?? 0m}, {a.Note}, {actorId},
                    {clock.GetUtcNow()})
            ON CONFLICT ON CONSTRAINT corporate_actions_once DO NOTHING
            """, cancellationToken);
        if (inserted == 1) return (id, true);
        return ((await RecordedIdAsync(a, cancellationToken))!.Value, false);
    }

    private async Task<Guid?> RecordedIdAsync(CheckedAction a, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        var found = await QueryAsync(context, """
            SELECT id FROM corporate_actions WHERE security_id = @s AND type = @t AND ex_date = @d AND ratio_new = @n AND ratio_old = @o AND amount_per_share = @a
            """, r => r.GetGuid(0), cancellationToken, ("s", a.Security.Id), ("t", Word(a.Type)), ("d", a.ExDate), ("n", a.RatioNew ?? 0m),
            ("o", a.RatioOld ?? 0m), ("a", a.AmountPerShare ?? 0m));
        return found.Count == 0 ? null : found[0];
    }

    private async Task DeleteUnappliedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        await context.Database.ExecuteSqlInterpolatedAsync(
            $"DELETE FROM corporate_actions a WHERE a.id = {id} AND a.status = 'applying' AND NOT EXISTS (SELECT 1 FROM corporate_action_entries e WHERE e.corporate_action_id = a.id)",
            cancellationToken);
    }

    private async Task<int> CountEntriesAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var context = db.ForSystem("corporate action count");
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        return (int)await ScalarAsync<long>(context, "SELECT count(DISTINCT user_id) FROM corporate_action_entries WHERE corporate_action_id = @id",
            cancellationToken, ("id", id));
    }

    private async Task<CorporateActionView?> GetViewAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        return (await ViewsAsync(context, "WHERE a.id = @id", cancellationToken, ("id", id))).SingleOrDefault();
    }

    private static Task<List<CorporateActionView>> ViewsAsync(SparkDbContext context, string where, CancellationToken cancellationToken,
        params (string, object)[] parameters) =>
        QueryAsync(context, $"""
            SELECT a.id, a.security_id, s.symbol, s.name, a.type, a.ex_date, a.ratio_new, a.ratio_old, a.amount_per_share, a.note, a.status, a.holders,
                   a.recorded_by, a.created_at, a.applied_at
            FROM corporate_actions a JOIN securities s ON s.id = a.security_id
            {where}
            """, r =>
        {
            var type = Enum.Parse<CorporateActionType>(r.GetString(4), ignoreCase: true);
            var byRatio = type != CorporateActionType.Dividend;
            return new CorporateActionView(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), type, r.GetFieldValue<DateOnly>(5),
                byRatio ? r.GetDecimal(6) : null, byRatio ? r.GetDecimal(7) : null, byRatio ? null : r.GetDecimal(8), r.IsDBNull(9) ? null : r.GetString(9),
                r.GetString(10), r.GetInt32(11), r.IsDBNull(12) ? null : r.GetGuid(12), r.GetFieldValue<DateTimeOffset>(13),
                r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14));
        }, cancellationToken, parameters);

    private static async Task<List<T>> QueryAsync<T>(SparkDbContext context, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        await using var command = Command(context, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(read(reader));
        return list;
    }

    private static async Task<T> ScalarAsync<T>(SparkDbContext context, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        await using var command = Command(context, sql, parameters);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static NpgsqlCommand Command(SparkDbContext context, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, (NpgsqlConnection)context.Database.GetDbConnection())
        {
            Transaction = (NpgsqlTransaction?)context.Database.CurrentTransaction?.GetDbTransaction(),
        };
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    /// <summary>The ledger row's platform id: with the user, platform and date, unique in the ledger (ux_transactions_external_id).</summary>
    public static string ExternalId(Guid actionId) => "ca:" + actionId.ToString("D", CultureInfo.InvariantCulture);

    public static string Word(CorporateActionType type) => type.ToString().ToLowerInvariant();

    public static string Describe(CorporateActionType type, decimal? ratioNew, decimal? ratioOld, decimal? perShare) => type switch
    {
        CorporateActionType.Split => string.Create(CultureInfo.InvariantCulture, $"Split: {ratioNew:0} new for {ratioOld:0} held"),
        CorporateActionType.Bonus => string.Create(CultureInfo.InvariantCulture, $"Bonus: {ratioNew:0} for every {ratioOld:0} held"),
        _ => string.Create(CultureInfo.InvariantCulture, $"Dividend: ₹{perShare:0.####} a share"),
    };

    private static string Describe(CheckedAction a) => Describe(a.Type, a.RatioNew, a.RatioOld, a.AmountPerShare) + " (corporate action)";

    private static string Unit(Security s) => s.Type == SecurityType.Etf ? "unit" : "share";

    private async Task RequireAdminAsync(Guid actorId, CancellationToken cancellationToken)
    {
        if (!await StaffRoles.IsAdminAsync(db, actorId, cancellationToken)) throw new StaffForbiddenException(AdminOnly);
    }

    [LoggerMessage(LogLevel.Warning, "Corporate action {ActionId}: holding {InvestmentId} was not changed")]
    private static partial void LogHoldingFailed(ILogger logger, Exception exception, Guid actionId, Guid investmentId);
}
