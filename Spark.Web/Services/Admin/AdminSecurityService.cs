using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Imports;
using Spark.Core.Market;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Accounts;
using Spark.Web.Endpoints;
using Spark.Web.Security;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Admin;

using Security = Spark.Core.Market.Security;

/// <summary>
/// The securities master as the back office keeps it: staff read it, admins create, edit, deactivate and import.
/// The symbol is the key (unique across exchanges, as the schema has it) and never changes once created: holdings,
/// transactions and orders carry it. Every write checks the actor's roles in the database and is audited with the
/// fields it changed (old → new).
/// </summary>
public sealed partial class AdminSecurityService(SparkDb db, SecurityCatalog catalog, MarketImport bars, AuditTrail audit, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    /// <summary>Where Spark's securities trade: Indian exchanges, AMFI for mutual funds, and the crypto and US venues the schema names.</summary>
    public static IReadOnlyList<string> Exchanges { get; } = ["NSE", "BSE", "AMFI", "CRYPTO", "BINANCE", "NASDAQ", "NYSE"];

    public const string ReadOnlyExplanation = "Support reads the securities master; creating, editing, deactivating and importing are for admins.";

    public async Task<Paged<AdminSecurityRow>> ListAsync(AdminSecurityQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        await using var context = db.Shared();
        var rows = context.Securities.AsNoTracking();
        if (query.Search?.Trim() is { Length: > 0 } text)
        {
            var pattern = "%" + EscapeLike(text) + "%";
            rows = rows.Where(s => EF.Functions.ILike(s.Symbol, pattern, "\\") || EF.Functions.ILike(s.Name, pattern, "\\")
                || (s.Isin != null && EF.Functions.ILike(s.Isin, pattern, "\\")));
        }
        if (query.Type is { } type) rows = rows.Where(s => s.Type == type);
        if (query.Exchange?.Trim().ToUpperInvariant() is { Length: > 0 } exchange) rows = rows.Where(s => s.Exchange == exchange);
        if (query.Sector?.Trim() is { Length: > 0 } sector) rows = rows.Where(s => s.Sector == sector);
        if (query.Active is { } active) rows = rows.Where(s => s.IsActive == active);

        var total = await rows.CountAsync(cancellationToken);
        var sorted = (query.Sort, query.Descending) switch
        {
            (AdminSecuritySort.Name, false) => rows.OrderBy(s => s.Name),
            (AdminSecuritySort.Name, true) => rows.OrderByDescending(s => s.Name),
            (AdminSecuritySort.Type, false) => rows.OrderBy(s => s.Type),
            (AdminSecuritySort.Type, true) => rows.OrderByDescending(s => s.Type),
            (AdminSecuritySort.Exchange, false) => rows.OrderBy(s => s.Exchange),
            (AdminSecuritySort.Exchange, true) => rows.OrderByDescending(s => s.Exchange),
            (AdminSecuritySort.Sector, false) => rows.OrderBy(s => s.Sector),
            (AdminSecuritySort.Sector, true) => rows.OrderByDescending(s => s.Sector),
            (AdminSecuritySort.Updated, false) => rows.OrderBy(s => s.UpdatedAt),
            (AdminSecuritySort.Updated, true) => rows.OrderByDescending(s => s.UpdatedAt),
            (_, true) => rows.OrderByDescending(s => s.Symbol),
            _ => rows.OrderBy(s => s.Symbol),
        };
        var found = await sorted.ThenBy(s => s.Symbol).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Paged<AdminSecurityRow>([.. found.Select(ToRow)], page, pageSize, total);
    }

    /// <summary>The sectors in use, for the list's filter.</summary>
    public async Task<IReadOnlyList<string>> SectorsAsync(CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        return await context.Securities.Where(s => s.Sector != null).Select(s => s.Sector!).Distinct().OrderBy(s => s).ToListAsync(cancellationToken);
    }

    public async Task<AdminSecurityRow?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        return await context.Securities.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken) is { } s ? ToRow(s) : null;
    }

    public async Task<AdminSecurityRow?> FindAsync(string symbol, CancellationToken cancellationToken = default)
    {
        var key = symbol.Trim().ToUpperInvariant();
        await using var context = db.Shared();
        return await context.Securities.AsNoTracking().SingleOrDefaultAsync(s => s.Symbol == key, cancellationToken) is { } s ? ToRow(s) : null;
    }

    public async Task<SecurityPermissions> PermissionsAsync(Guid actorId, CancellationToken cancellationToken = default) =>
        await StaffRoles.IsAdminAsync(db, actorId, cancellationToken)
            ? new SecurityPermissions(true, null)
            : new SecurityPermissions(false, ReadOnlyExplanation);

    /// <exception cref="StaffForbiddenException">The actor is not an admin.</exception>
    /// <exception cref="FieldValidationException">A field breaks a rule.</exception>
    /// <exception cref="ConflictException">The symbol or ISIN is taken.</exception>
    public async Task<AdminSecurityRow> CreateAsync(Guid actorId, SecurityInput input, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await RequireAdminAsync(actorId, cancellationToken);
        var (values, errors) = Check(input, requireSymbol: true);
        if (errors.Count > 0) throw new FieldValidationException(errors);

        await using var context = db.Shared();
        if (await context.Securities.AnyAsync(s => s.Symbol == values.Symbol, cancellationToken))
        {
            throw new ConflictException($"A security with the symbol {values.Symbol} already exists: edit it instead.");
        }
        if (values.Isin is { } isin && await context.Securities.Where(s => s.Isin == isin).Select(s => s.Symbol).FirstOrDefaultAsync(cancellationToken) is { } holder)
        {
            throw new ConflictException($"The ISIN {isin} belongs to {holder}.");
        }

        var now = clock.GetUtcNow();
        var security = new Security { Symbol = values.Symbol, Name = values.Name, CreatedAt = now, UpdatedAt = now };
        values.ApplyTo(security);
        context.Securities.Add(security);
        await context.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        await audit.RecordAsync(SecurityAuditActions.Created, actorId, client, entityType: "security", entityId: security.Id,
            details: new { by = actorId, symbol = security.Symbol, values = Snapshot(security) }, cancellationToken: cancellationToken);
        return ToRow(security);
    }

    /// <summary>Replaces the editable fields (all but the symbol); null when there is no such security.</summary>
    public async Task<AdminSecurityRow?> UpdateAsync(Guid actorId, Guid id, SecurityInput input, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await RequireAdminAsync(actorId, cancellationToken);
        await using var context = db.Shared();
        var security = await context.Securities.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (security is null) return null;
        var (values, errors) = Check(input with { Symbol = input.Symbol ?? security.Symbol }, requireSymbol: true);
        if (values.Symbol != security.Symbol && !errors.ContainsKey("symbol"))
        {
            errors["symbol"] = ["The symbol cannot change: holdings, transactions and orders carry it. Create a new security instead."];
        }
        if (errors.Count > 0) throw new FieldValidationException(errors);
        if (values.Isin is { } isin && await context.Securities.Where(s => s.Isin == isin && s.Id != id).Select(s => s.Symbol).FirstOrDefaultAsync(cancellationToken) is { } holder)
        {
            throw new ConflictException($"The ISIN {isin} belongs to {holder}.");
        }

        var changes = Diff(security, values);
        if (changes.Count > 0)
        {
            values.ApplyTo(security);
            security.UpdatedAt = clock.GetUtcNow();
            await context.SaveChangesAsync(cancellationToken);
            catalog.Invalidate();
            await audit.RecordAsync(SecurityAuditActions.Updated, actorId, client, entityType: "security", entityId: id,
                details: new { by = actorId, symbol = security.Symbol, changes }, cancellationToken: cancellationToken);
        }

        return ToRow(security);
    }

    /// <summary>
    /// Deactivates or reactivates a security. Deactivated: gone from search, new orders and plans; holdings, their
    /// history, prices and sells stay as they are. Null when there is no such security.
    /// </summary>
    public async Task<AdminSecurityRow?> SetActiveAsync(Guid actorId, Guid id, bool active, string? reason, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (why is { Length: > AdminUserService.MaxReasonLength })
        {
            throw new FieldValidationException(new Dictionary<string, string[]> { ["reason"] = [$"Keep the reason under {AdminUserService.MaxReasonLength} characters."] });
        }
        await RequireAdminAsync(actorId, cancellationToken);
        await using var context = db.Shared();
        var security = await context.Securities.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (security is null) return null;
        if (security.IsActive == active) throw new DomainException($"{security.Symbol} is already {(active ? "active" : "inactive")}.");
        security.IsActive = active;
        security.UpdatedAt = clock.GetUtcNow();
        await context.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        await audit.RecordAsync(active ? SecurityAuditActions.Reactivated : SecurityAuditActions.Deactivated, actorId, client, entityType: "security",
            entityId: id, details: new { by = actorId, symbol = security.Symbol, reason = why, changes = new { isActive = new { old = !active, @new = active } } },
            cancellationToken: cancellationToken);
        return ToRow(security);
    }

    /// <summary>
    /// Imports securities from CSV: every bad row is reported with its line and field and the good ones are kept.
    /// A row whose symbol exists updates that security (on the same exchange), so importing a file twice changes
    /// nothing the second time; the whole file is written in one transaction.
    /// </summary>
    public async Task<SecurityImportReport> ImportAsync(Guid actorId, Stream csv, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        await RequireAdminAsync(actorId, cancellationToken);
        var parsed = SecurityCsv.Parse(csv);
        var errors = parsed.Errors.Select(e => new SecurityImportError(e.Row, null, e.Message)).ToList();

        await using var context = db.Shared();
        await using var tx = await context.Database.BeginTransactionAsync(cancellationToken);
        var stored = await context.Securities.ToListAsync(cancellationToken);
        var bySymbol = stored.ToDictionary(s => s.Symbol, StringComparer.Ordinal);
        var isinOwner = stored.Where(s => s.Isin != null).ToDictionary(s => s.Isin!, s => s.Symbol, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int imported = 0, updated = 0, unchanged = 0;
        var now = clock.GetUtcNow();
        var created = new List<Security>();
        var changed = new List<object>();
        foreach (var row in parsed.Rows)
        {
            if (row.Symbol.Length == 0 && row.Name.Length == 0 && row.Type.Length == 0) continue;
            var input = new SecurityInput
            {
                Symbol = row.Symbol, Name = row.Name, Isin = Blank(row.Isin), Type = row.Type, Exchange = Blank(row.Exchange),
                Sector = Blank(row.Sector), Industry = Blank(row.Industry), Currency = Blank(row.Currency),
            };
            var rowErrors = new Dictionary<string, string[]>();
            if (Blank(row.LotSize) is { } lot)
            {
                if (int.TryParse(lot, NumberStyles.None, CultureInfo.InvariantCulture, out var lotSize)) input = input with { LotSize = lotSize };
                else rowErrors["lotSize"] = ["Write the lot size as a whole number."];
            }
            if (Blank(row.MarketCap) is { } cap)
            {
                if (decimal.TryParse(cap, NumberStyles.Number, CultureInfo.InvariantCulture, out var marketCap)) input = input with { MarketCap = marketCap };
                else rowErrors["marketCap"] = ["Write the market capitalisation as a number in rupees."];
            }
            var (values, checks) = Check(input, requireSymbol: true);
            foreach (var (field, messages) in checks) rowErrors[field] = messages;
            if (rowErrors.Count == 0 && seen.TryGetValue(values.Symbol, out var earlier))
            {
                rowErrors["symbol"] = [$"{values.Symbol} already appears on line {earlier}; keep one row per symbol."];
            }
            var existing = rowErrors.Count == 0 ? bySymbol.GetValueOrDefault(values.Symbol) : null;
            if (rowErrors.Count == 0 && existing is { Exchange: { } was } && values.Exchange is { } now_ && was != now_)
            {
                rowErrors["exchange"] = [$"{values.Symbol} is listed on {was}; a symbol is unique across exchanges, so this row cannot add it on {now_}."];
            }
            if (rowErrors.Count == 0 && values.Isin is { } isin && isinOwner.TryGetValue(isin, out var owner) && owner != values.Symbol)
            {
                rowErrors["isin"] = [$"The ISIN {isin} belongs to {owner}."];
            }
            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors.SelectMany(e => e.Value.Select(m => new SecurityImportError(row.Line, e.Key, m))));
                continue;
            }

            seen[values.Symbol] = row.Line;
            if (values.Isin is { } newIsin) isinOwner[newIsin] = values.Symbol;
            if (existing is null)
            {
                var security = new Security { Symbol = values.Symbol, Name = values.Name, CreatedAt = now, UpdatedAt = now };
                values.ApplyTo(security);
                context.Securities.Add(security);
                bySymbol[security.Symbol] = security;
                created.Add(security);
                imported++;
                continue;
            }

            var fieldChanges = Diff(existing, values);
            if (fieldChanges.Count == 0)
            {
                unchanged++;
                continue;
            }
            values.ApplyTo(existing);
            existing.UpdatedAt = now;
            changed.Add(new { symbol = existing.Symbol, changes = fieldChanges });
            updated++;
        }

        await context.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        catalog.Invalidate();
        await audit.RecordAsync(SecurityAuditActions.Imported, actorId, client, entityType: "security",
            details: new { by = actorId, imported, updated, unchanged, rejected = errors.Select(e => e.Line).Distinct().Count(),
                created = created.Select(s => s.Symbol).ToList(), changed }, cancellationToken: cancellationToken);
        return new SecurityImportReport(imported, updated, unchanged, [.. errors.OrderBy(e => e.Line)]);
    }

    /// <summary>Price history (OHLCV) for one security from CSV, through the market import; admins only.</summary>
    public async Task<BarImportResponse?> ImportBarsAsync(Guid actorId, Guid id, Stream csv, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        if (await catalog.GetAsync(id, cancellationToken) is not { } security) return null;
        return await bars.ImportAsync(security, csv, actorId, cancellationToken);
    }

    /// <summary>field → { old, new } for every field the values would change, in the API's names.</summary>
    private static Dictionary<string, object> Diff(Security s, Checked v)
    {
        var changes = new Dictionary<string, object>(StringComparer.Ordinal);
        void Compare<T>(string field, T old, T @new)
        {
            if (!EqualityComparer<T>.Default.Equals(old, @new)) changes[field] = new { old, @new };
        }
        Compare("name", s.Name, v.Name);
        Compare("isin", s.Isin, v.Isin);
        Compare("type", Word(s.Type), Word(v.Type));
        Compare("exchange", s.Exchange, v.Exchange);
        Compare("sector", s.Sector, v.Sector);
        Compare("industry", s.Industry, v.Industry);
        Compare("lotSize", s.LotSize, v.LotSize);
        Compare("marketCap", s.MarketCap, v.MarketCap);
        Compare("currency", s.Currency, v.Currency);
        return changes;
    }

    private static object Snapshot(Security s) => new
    {
        name = s.Name, isin = s.Isin, type = Word(s.Type), exchange = s.Exchange, sector = s.Sector, industry = s.Industry,
        lotSize = s.LotSize, marketCap = s.MarketCap, currency = s.Currency,
    };

    /// <summary>The field rules of a security, shared by the form, the API and the CSV import.</summary>
    internal static (Checked Values, Dictionary<string, string[]> Errors) Check(SecurityInput input, bool requireSymbol)
    {
        var errors = new Dictionary<string, string[]>();
        var symbol = input.Symbol?.Trim().ToUpperInvariant() ?? "";
        if (symbol.Length == 0) { if (requireSymbol) errors["symbol"] = ["Enter the symbol, for example RELIANCE."]; }
        else if (!SymbolPattern().IsMatch(symbol)) errors["symbol"] = ["Use up to 50 letters, digits and & . _ - (for example BAJAJ-AUTO or M&M), starting with a letter or digit."];

        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0) errors["name"] = ["Enter the security's name."];
        else if (name.Length > 255) errors["name"] = ["Keep the name under 255 characters."];

        var isin = string.IsNullOrWhiteSpace(input.Isin) ? null : input.Isin.Trim().ToUpperInvariant();
        if (isin is not null && !Isin.IsValid(isin))
        {
            errors["isin"] = ["An ISIN (ISO 6166) is 2 letters of country, 9 letters or digits and a check digit, for example INE002A01018; this one does not check out."];
        }

        SecurityType type = default;
        if (string.IsNullOrWhiteSpace(input.Type)) errors["type"] = [$"Choose the type: {TypeWords}."];
        else if (!EnumWords.TryParse(input.Type, out type)) errors["type"] = [$"Unknown type '{Clip(input.Type)}': use {TypeWords}."];

        var exchange = string.IsNullOrWhiteSpace(input.Exchange) ? null : input.Exchange.Trim().ToUpperInvariant();
        if (exchange is null) errors["exchange"] = [$"Choose the exchange: {string.Join(", ", Exchanges)}."];
        else if (!Exchanges.Contains(exchange)) errors["exchange"] = [$"Unknown exchange '{Clip(exchange)}': use {string.Join(", ", Exchanges)}."];

        var sector = string.IsNullOrWhiteSpace(input.Sector) ? null : input.Sector.Trim();
        if (sector is { Length: > 100 }) errors["sector"] = ["Keep the sector under 100 characters."];
        var industry = string.IsNullOrWhiteSpace(input.Industry) ? null : input.Industry.Trim();
        if (industry is { Length: > 100 }) errors["industry"] = ["Keep the industry under 100 characters."];

        var lotSize = input.LotSize ?? 1;
        if (lotSize is < 1 or > 1_000_000) errors["lotSize"] = ["The lot size is a whole number from 1 to 10,00,000."];
        if (input.MarketCap is { } cap && (cap < 0m || cap >= 1e18m)) errors["marketCap"] = ["The market capitalisation is a positive amount in rupees."];

        var currency = string.IsNullOrWhiteSpace(input.Currency) ? "INR" : input.Currency.Trim().ToUpperInvariant();
        if (!CurrencyPattern().IsMatch(currency)) errors["currency"] = ["Use a three-letter currency code, for example INR."];

        return (new Checked(symbol, name, isin, type, exchange, sector, industry, lotSize, input.MarketCap is { } m ? decimal.Round(m, 2) : null, currency), errors);
    }

    internal sealed record Checked(string Symbol, string Name, string? Isin, SecurityType Type, string? Exchange, string? Sector, string? Industry,
        int LotSize, decimal? MarketCap, string Currency)
    {
        public void ApplyTo(Security s)
        {
            s.Name = Name;
            s.Isin = Isin;
            s.Type = Type;
            s.Exchange = Exchange;
            s.Sector = Sector;
            s.Industry = Industry;
            s.LotSize = LotSize;
            s.MarketCap = MarketCap;
            s.Currency = Currency;
        }
    }

    public static string Word(SecurityType type) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(type.ToString());

    private static string TypeWords => string.Join(", ", Enum.GetValues<SecurityType>().Select(Word));

    private static string Clip(string text) => text.Length > 20 ? text[..20] + "…" : text;

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static AdminSecurityRow ToRow(Security s) =>
        new(s.Id, s.Symbol, s.Name, s.Isin, s.Type, s.Exchange, s.Sector, s.Industry, s.LotSize, s.MarketCap, s.Currency, s.IsActive, s.UpdatedAt);

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private async Task RequireAdminAsync(Guid actorId, CancellationToken cancellationToken)
    {
        if (!await StaffRoles.IsAdminAsync(db, actorId, cancellationToken)) throw new StaffForbiddenException(ReadOnlyExplanation);
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9&._-]{0,49}$")]
    private static partial Regex SymbolPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}

/// <summary>The actor's roles read from the database on every action (not the caller's claims).</summary>
internal static class StaffRoles
{
    public static async Task<bool> IsAdminAsync(SparkDb db, Guid actorId, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        return await (from ur in context.UserRoles
                      join r in context.Roles on ur.RoleId equals r.Id
                      where ur.UserId == actorId && r.Name == Roles.Admin
                      select ur).AnyAsync(cancellationToken);
    }
}

/// <summary>The audit actions of the securities master and corporate actions (audit_logs.action).</summary>
public static class SecurityAuditActions
{
    public const string Created = "security_created";
    public const string Updated = "security_updated";
    public const string Deactivated = "security_deactivated";
    public const string Reactivated = "security_reactivated";
    public const string Imported = "securities_imported";
    public const string CorporateActionRecorded = "corporate_action_recorded";
}
