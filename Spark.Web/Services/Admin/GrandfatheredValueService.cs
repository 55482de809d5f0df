using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Market;
using Spark.Data;
using Spark.Web.Accounts;
using Spark.Web.Api.Input;
using Spark.Web.Security;
using Spark.Web.Services.Portfolio;
using Spark.Web.Services.Tax;

namespace Spark.Web.Services.Admin;

/// <summary>An admin's 31 January 2018 value for an ISIN, as entered (that day's units).</summary>
public sealed record GrandfatheredValueEntry(string Isin, decimal Value, string? Source, string? Note, Guid? UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>
/// A security's section 55(2)(ac) value as the back office shows it: the admin's entry if any, the 31 January 2018
/// bar's price (high or close) if any, the factor of later splits and bonuses, and the value in today's units that the
/// tax estimates use, with its source (admin, bar, missing, not_applicable).
/// </summary>
public sealed record GrandfatheringStatus(
    Guid SecurityId,
    string Symbol,
    string Name,
    string? Isin,
    GrandfatheringSource Source,
    GrandfatheredValueEntry? Entry,
    decimal? BarValue,
    string? BarField,
    decimal UnitFactor,
    decimal? Value);

/// <summary>The row of the admin list: an entered value and the security whose ISIN it is (null when none has it now).</summary>
public sealed record GrandfatheredValueRow(GrandfatheredValueEntry Entry, Guid? SecurityId, string? Symbol, string? Name);

/// <summary>Sets an ISIN's value: per unit in 31 January 2018's units, at most 4 decimals; a reason for the audit trail.</summary>
public sealed record GrandfatheredValueInput
{
    [Numeric(15, 4)] public decimal? Value { get; set; }
    public string? Source { get; set; }
    public string? Note { get; set; }
    public string? Reason { get; set; }
}

public static class GrandfatheringAuditActions
{
    public const string Set = "grandfathered_value_set";
    public const string Cleared = "grandfathered_value_cleared";
}

/// <summary>
/// The back office's 31 January 2018 fair market values (section 55(2)(ac) of the Income-tax Act 1961, decision 0048):
/// staff read, admins set and clear; every write checks the actor's roles in the database and is audited with the
/// old and new values and a reason, as the securities master's writes are (decision 0042).
/// </summary>
public sealed class GrandfatheredValueService(SparkDb db, AuditTrail audit, TimeProvider clock)
{
    private readonly GrandfatheringPrices prices = new(db);

    public const int MaxPageSize = 100;
    public const int MaxSourceLength = 200;
    public const int MaxNoteLength = 500;

    /// <summary>numeric(15, 4): 11 digits before the point.</summary>
    public const decimal MaxValue = 99_999_999_999.9999m;

    public const string ReadOnlyExplanation = "Support reads the 31 January 2018 values; setting and clearing them is for admins.";

    /// <summary>The entered values, by ISIN.</summary>
    public async Task<Paged<GrandfatheredValueRow>> ListAsync(int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var context = db.Shared();
        var total = (int)(await GrandfatheringPrices.QueryAsync(context, "SELECT count(*) FROM grandfathered_values", r => r.GetInt64(0), cancellationToken))[0];
        var rows = await GrandfatheringPrices.QueryAsync(context, """
            SELECT g.isin, g.value, g.source, g.note, g.updated_by, g.updated_at, s.id, s.symbol, s.name
            FROM grandfathered_values g LEFT JOIN securities s ON s.isin = g.isin
            ORDER BY g.isin LIMIT @limit OFFSET @offset
            """, r => new GrandfatheredValueRow(ReadEntry(r), r.IsDBNull(6) ? null : r.GetGuid(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : r.GetString(8)), cancellationToken, ("limit", pageSize), ("offset", (page - 1) * pageSize));
        return new Paged<GrandfatheredValueRow>(rows, page, pageSize, total);
    }

    /// <summary>The status of the security with this ISIN; null when no security has it.</summary>
    /// <exception cref="FieldValidationException">Not an ISIN (ISO 6166, with its check digit).</exception>
    public async Task<GrandfatheringStatus?> GetByIsinAsync(string isin, CancellationToken cancellationToken = default)
    {
        var key = CheckIsin(isin);
        return await SecurityIdAsync(key, cancellationToken) is { } id ? await GetAsync(id, cancellationToken) : null;
    }

    /// <summary>The status of a security; null when there is no such security.</summary>
    public async Task<GrandfatheringStatus?> GetAsync(Guid securityId, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var security = await context.Securities.AsNoTracking().SingleOrDefaultAsync(s => s.Id == securityId, cancellationToken);
        if (security is null) return null;
        var detail = (await prices.DetailsAsync([securityId], cancellationToken)).Single();
        var entry = security.Isin is null ? null : await EntryAsync(context, security.Isin, cancellationToken);
        return new GrandfatheringStatus(security.Id, security.Symbol, security.Name, security.Isin, detail.Source, entry, detail.BarValue, detail.BarField,
            detail.UnitFactor, detail.Value);
    }

    public async Task<bool> CanEditAsync(Guid actorId, CancellationToken cancellationToken = default) =>
        await StaffRoles.IsAdminAsync(db, actorId, cancellationToken);

    /// <summary>Sets the value of the ISIN of the security <paramref name="securityId"/>; null when there is no such security.</summary>
    public async Task<GrandfatheringStatus?> SetForSecurityAsync(Guid actorId, Guid securityId, GrandfatheredValueInput input, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        var isin = await IsinOfAsync(securityId, cancellationToken);
        return isin is null ? null : await SetAsync(actorId, isin, input, client, cancellationToken);
    }

    /// <summary>Clears the value of the ISIN of the security <paramref name="securityId"/>; null when there is no such security.</summary>
    public async Task<GrandfatheringStatus?> ClearForSecurityAsync(Guid actorId, Guid securityId, string? reason, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        var isin = await IsinOfAsync(securityId, cancellationToken);
        return isin is null ? null : await ClearAsync(actorId, isin, reason, client, cancellationToken);
    }

    /// <summary>Enters or replaces the value for an ISIN; null when no security has the ISIN.</summary>
    /// <exception cref="StaffForbiddenException">The actor is not an admin.</exception>
    /// <exception cref="FieldValidationException">A field breaks a rule.</exception>
    public async Task<GrandfatheringStatus?> SetAsync(Guid actorId, string isin, GrandfatheredValueInput input, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await RequireAdminAsync(actorId, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var key = Isin.IsValid(isin?.Trim().ToUpperInvariant()) ? isin!.Trim().ToUpperInvariant() : null;
        if (key is null) errors["isin"] = [IsinMessage];
        switch (input.Value)
        {
            case null: errors["value"] = ["Enter the fair market value per unit on 31 January 2018, in rupees."]; break;
            case <= 0m: errors["value"] = ["The value must be more than zero."]; break;
            case > MaxValue: errors["value"] = ["The value is too large for a price per unit."]; break;
            // Nothing is rounded silently: a fifth decimal is an error, as the stored column holds four.
            case { } v when decimal.Round(v, 4) != v: errors["value"] = ["Use at most 4 decimals for the value."]; break;
        }
        var source = Clean(input.Source);
        var note = Clean(input.Note);
        if (source is { Length: > MaxSourceLength }) errors["source"] = [$"Keep the source under {MaxSourceLength} characters."];
        if (note is { Length: > MaxNoteLength }) errors["note"] = [$"Keep the note under {MaxNoteLength} characters."];
        var reason = CheckReason(input.Reason, errors);
        if (errors.Count > 0) throw new FieldValidationException(errors);
        if (await SecurityIdAsync(key!, cancellationToken) is not { } securityId) return null;

        var value = input.Value!.Value;
        await using var context = db.Shared();
        var old = await EntryAsync(context, key!, cancellationToken);
        var now = clock.GetUtcNow();
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO grandfathered_values (isin, value, source, note, updated_by, created_at, updated_at)
            VALUES ({key}, {value}, {source}, {note}, {actorId}, {now}, {now})
            ON CONFLICT ON CONSTRAINT grandfathered_values_isin
            DO UPDATE SET value = EXCLUDED.value, source = EXCLUDED.source, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
            """, cancellationToken);
        var changes = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (old?.Value != value) changes["value"] = new { old = old?.Value, @new = value };
        if (old?.Source != source) changes["source"] = new { old = old?.Source, @new = source };
        if (old?.Note != note) changes["note"] = new { old = old?.Note, @new = note };
        await audit.RecordAsync(GrandfatheringAuditActions.Set, actorId, client, entityType: "security", entityId: securityId,
            details: new { by = actorId, isin = key, reason, changes }, cancellationToken: cancellationToken);
        return await GetAsync(securityId, cancellationToken);
    }

    /// <summary>Removes the value entered for an ISIN (the bar, if any, applies again); null when no security has the ISIN.</summary>
    /// <exception cref="DomainException">No value is entered for the ISIN.</exception>
    public async Task<GrandfatheringStatus?> ClearAsync(Guid actorId, string isin, string? reason, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(actorId, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var key = Isin.IsValid(isin?.Trim().ToUpperInvariant()) ? isin!.Trim().ToUpperInvariant() : null;
        if (key is null) errors["isin"] = [IsinMessage];
        var why = CheckReason(reason, errors);
        if (errors.Count > 0) throw new FieldValidationException(errors);
        if (await SecurityIdAsync(key!, cancellationToken) is not { } securityId) return null;

        await using var context = db.Shared();
        var old = await EntryAsync(context, key!, cancellationToken)
            ?? throw new DomainException($"No 31 January 2018 value is entered for {key}: there is nothing to clear.");
        await context.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM grandfathered_values WHERE isin = {key}", cancellationToken);
        await audit.RecordAsync(GrandfatheringAuditActions.Cleared, actorId, client, entityType: "security", entityId: securityId,
            details: new { by = actorId, isin = key, reason = why, changes = new { value = new { old = (decimal?)old.Value, @new = (decimal?)null } } },
            cancellationToken: cancellationToken);
        return await GetAsync(securityId, cancellationToken);
    }

    private const string IsinMessage = "Use a 12-character ISIN (ISO 6166): 2 letters, 9 letters or digits and a check digit, such as INE002A01018.";

    private static string CheckIsin(string? isin)
    {
        var key = isin?.Trim().ToUpperInvariant();
        if (!Isin.IsValid(key)) throw new FieldValidationException(new Dictionary<string, string[]> { ["isin"] = [IsinMessage] });
        return key!;
    }

    private static string? CheckReason(string? reason, Dictionary<string, string[]> errors)
    {
        var why = Clean(reason);
        if (why is null) errors["reason"] = ["Give a reason: it is kept in the audit trail."];
        else if (why.Length > AdminUserService.MaxReasonLength) errors["reason"] = [$"Keep the reason under {AdminUserService.MaxReasonLength} characters."];
        return why;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private async Task<Guid?> SecurityIdAsync(string isin, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        return await context.Securities.Where(s => s.Isin == isin).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <exception cref="FieldValidationException">The security has no ISIN, so no value can be entered for it.</exception>
    private async Task<string?> IsinOfAsync(Guid securityId, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        var found = await context.Securities.Where(s => s.Id == securityId).Select(s => new { s.Symbol, s.Isin }).SingleOrDefaultAsync(cancellationToken);
        if (found is null) return null;
        return found.Isin ?? throw new FieldValidationException(new Dictionary<string, string[]>
        {
            ["isin"] = [$"{found.Symbol} has no ISIN: add it to the security first, since values are kept per ISIN."],
        });
    }

    private static async Task<GrandfatheredValueEntry?> EntryAsync(SparkDbContext context, string isin, CancellationToken cancellationToken)
    {
        var found = await GrandfatheringPrices.QueryAsync(context,
            "SELECT isin, value, source, note, updated_by, updated_at FROM grandfathered_values WHERE isin = @isin", ReadEntry, cancellationToken, ("isin", isin));
        return found.Count == 0 ? null : found[0];
    }

    private static GrandfatheredValueEntry ReadEntry(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), r.GetDecimal(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetGuid(4), r.GetFieldValue<DateTimeOffset>(5));

    private async Task RequireAdminAsync(Guid actorId, CancellationToken cancellationToken)
    {
        if (!await StaffRoles.IsAdminAsync(db, actorId, cancellationToken)) throw new StaffForbiddenException(ReadOnlyExplanation);
    }
}
