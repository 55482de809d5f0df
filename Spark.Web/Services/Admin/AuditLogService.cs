using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Audit;
using Spark.Core.Time;
using Spark.Data;
using Spark.Data.Identity;

namespace Spark.Web.Services.Admin;

/// <summary>
/// The back office's audit log (decision 0044): filtered pages and CSV exports of audit_logs, with ids turned into names
/// and changes into "field: old → new" lines. Admins read every row; support reads only the rows they acted in
/// (actor_id = themselves), whatever they ask for: the rule lives here, not in the page.
/// </summary>
public sealed partial class AuditLogService(SparkDb db)
{
    public const int MaxPageSize = 200;
    /// <summary>Pages count at most this many rows (plus one, to know there are more): an exact count of a million rows is not worth its time.</summary>
    public const int CountCap = 10_000;
    /// <summary>An export stops after this many rows; narrower filters get the rest.</summary>
    public const int ExportCap = 100_000;
    private const int ExportBatch = 1_000;
    private const int MaxChangeLines = 12;

    private static readonly TimeSpan IndiaOffset = TimeSpan.FromMinutes(330);

    /// <summary>Row-change actions written by the database trigger (Sql/03_audit_trigger.sql).</summary>
    private static readonly string[] TriggerActions = ["INSERT", "UPDATE", "DELETE"];

    /// <summary>
    /// Every action Spark records: the constants of each <c>*AuditActions</c> class of the app (so a new class elsewhere
    /// joins the filter without an edit here), plus the trigger's row changes.
    /// </summary>
    public static IReadOnlyList<string> KnownActions { get; } = [.. typeof(AuditLogService).Assembly.GetTypes()
        .Where(t => t.IsAbstract && t.IsSealed && t.Name.EndsWith("AuditActions", StringComparison.Ordinal))
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Concat(TriggerActions)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)];

    /// <summary>Whether the viewer sees everyone's rows (admin) or only their own actions (support); null for anyone else.</summary>
    public async Task<bool?> SeesEverythingAsync(Guid viewerId, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var roles = await (from ur in context.UserRoles join r in context.Roles on ur.RoleId equals r.Id where ur.UserId == viewerId select r.Name)
            .ToListAsync(cancellationToken);
        return roles.Contains(Roles.Admin) ? true : roles.Contains(Roles.Support) ? false : null;
    }

    /// <exception cref="FieldValidationException">A filter is malformed or names nobody.</exception>
    /// <exception cref="StaffForbiddenException">The viewer is not staff, or support asked for another actor's rows.</exception>
    public async Task<AuditLogPage> SearchAsync(Guid viewerId, AuditLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var (filter, ownOnly) = await FilterAsync(viewerId, query, cancellationToken);

        // The back office reads everyone's events: explicit system work, scoped to this query.
        await using var context = db.ForSystem("back-office audit log");
        var rows = Apply(context.AuditLogs.AsNoTracking(), filter);
        var counted = await rows.Take(CountCap + 1).CountAsync(cancellationToken);
        var found = await rows.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var items = await DescribeAsync(context, found, cancellationToken);
        return new AuditLogPage(items, page, pageSize, counted, counted > CountCap, ownOnly);
    }

    /// <summary>
    /// The filtered rows, newest first, at most <see cref="ExportCap"/>, read in batches (keyset on created_at, id) so a
    /// large export streams rather than loads. Filters and the support rule are checked before the first row.
    /// </summary>
    public async Task<IAsyncEnumerable<AuditLogRow>> ExportAsync(Guid viewerId, AuditLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (filter, _) = await FilterAsync(viewerId, query, cancellationToken);
        return ReadAllAsync(filter, cancellationToken);
    }

    private async IAsyncEnumerable<AuditLogRow> ReadAllAsync(Filter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sent = 0;
        DateTimeOffset? lastAt = null;
        var lastId = Guid.Empty;
        while (sent < ExportCap)
        {
            List<AuditLogRow> batch;
            await using (var context = db.ForSystem("back-office audit export"))
            {
                var rows = Apply(context.AuditLogs.AsNoTracking(), filter);
                if (lastAt is { } at)
                {
                    var id = lastId;
                    rows = rows.Where(a => EF.Functions.LessThan(ValueTuple.Create(a.CreatedAt, a.Id), ValueTuple.Create(at, id)));
                }
                var found = await rows.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
                    .Take(Math.Min(ExportBatch, ExportCap - sent)).ToListAsync(cancellationToken);
                if (found.Count == 0) yield break;
                (lastAt, lastId) = (found[^1].CreatedAt, found[^1].Id);
                batch = await DescribeAsync(context, found, cancellationToken);
            }
            foreach (var row in batch) yield return row;
            sent += batch.Count;
            if (batch.Count < ExportBatch) yield break;
        }
    }

    /// <summary>
    /// Writes rows as RFC 4180 CSV (CRLF line ends; a cell with a comma, quote or line break is quoted, quotes doubled),
    /// asynchronously, so the response streams. A cell a spreadsheet would run as a formula (starting with =, +, -, @,
    /// tab or carriage return) gets a leading apostrophe: OWASP, "CSV Injection".
    /// </summary>
    /// <returns>How many rows were written.</returns>
    public static async Task<int> WriteCsvAsync(IAsyncEnumerable<AuditLogRow> rows, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(CsvLine(["when_ist", "action", "status", "actor", "actor_email", "account", "account_email", "impersonation",
            "entity_type", "entity", "summary", "changes", "ip_address", "error", "id"]));
        var count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(CsvLine([
                IndiaTime.ToIst(row.At).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), row.Action, row.Status.ToString().ToLowerInvariant(),
                row.Actor?.Label, row.Actor?.Email, row.Account?.Label, row.Account?.Email, row.ImpersonationId?.ToString(),
                row.EntityType, row.EntityName ?? row.EntityId?.ToString(), row.Summary, string.Join("\n", row.Changes), row.IpAddress, row.Error,
                row.Id.ToString()]));
            if (++count % ExportBatch == 0) await writer.FlushAsync(cancellationToken);
        }
        return count;
    }

    /// <summary>One CSV record with its CRLF, each cell guarded against formulas and quoted when it must be.</summary>
    /// <param name="cells">The cells.</param>
    /// <param name="numbersAsIs">
    /// Leave a plain decimal number such as <c>-500.00</c> unguarded: a spreadsheet reads it as a number, not a formula, and
    /// a file for another program (the income-tax return utility's Schedule 112A) must carry a loss as a signed number.
    /// </param>
    public static string CsvLine(IReadOnlyList<string?> cells, bool numbersAsIs = false)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) line.Append(',');
            var cell = cells[i] ?? "";
            if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !(numbersAsIs && PlainNumber().IsMatch(cell))) cell = "'" + cell;
            if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0) line.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else line.Append(cell);
        }
        return line.Append("\r\n").ToString();
    }

    private sealed record Filter(Guid? ActorId, Guid? AccountId, IReadOnlyList<string>? Actions, string? EntityType,
        DateTimeOffset? Start, DateTimeOffset? End, AuditStatus? Status);

    private async Task<(Filter Filter, bool OwnOnly)> FilterAsync(Guid viewerId, AuditLogQuery query, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var actions = query.Actions?.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (actions?.FirstOrDefault(a => !KnownActions.Contains(a, StringComparer.Ordinal)) is { } unknown)
        {
            errors["action"] = [$"Unknown action {unknown}: use one of {string.Join(", ", KnownActions)}."];
        }
        var entity = query.EntityType?.Trim();
        if (entity is { Length: > 0 } && !EntityWord().IsMatch(entity)) errors["entityType"] = ["An entity type is a lower-case word such as user or security."];
        if (query.From is { } f && query.To is { } t && t < f) errors["to"] = ["The end of the date range comes before its start."];

        var seesAll = await SeesEverythingAsync(viewerId, cancellationToken) ?? throw new StaffForbiddenException("Only staff read the audit log.");
        var actorId = await PersonAsync(query.Actor, "actor", errors, cancellationToken);
        var accountId = await PersonAsync(query.Account, "account", errors, cancellationToken);
        if (errors.Count > 0) throw new FieldValidationException(errors);
        if (!seesAll)
        {
            if (actorId is { } other && other != viewerId) throw new StaffForbiddenException("Support sees only their own actions in the audit log.");
            actorId = viewerId;
        }

        var filter = new Filter(actorId, accountId, actions is { Count: > 0 } ? actions : null, entity is { Length: > 0 } ? entity : null,
            query.From is { } from ? new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), IndiaOffset).ToUniversalTime() : null,
            query.To is { } to ? new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), IndiaOffset).ToUniversalTime() : null,
            query.Status);
        return (filter, !seesAll);
    }

    /// <summary>An id, or the account with that email (found through Identity's normalized email index).</summary>
    private async Task<Guid?> PersonAsync(string? text, string field, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (Guid.TryParse(text, out var id)) return id;
        if (!text.Contains('@', StringComparison.Ordinal) || text.Length > 256)
        {
            errors[field] = ["Give an email address or an account id."];
            return null;
        }
        var normalized = text.ToUpperInvariant();
        await using var context = db.Shared();
        var found = await context.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(cancellationToken);
        if (found is null) errors[field] = ["No account has this email."];
        return found;
    }

    private static IQueryable<AuditLog> Apply(IQueryable<AuditLog> rows, Filter f)
    {
        if (f.ActorId is { } actor) rows = rows.Where(a => a.ActorId == actor);
        if (f.AccountId is { } account) rows = rows.Where(a => a.UserId == account);
        if (f.Actions is { } actions) rows = actions.Count == 1 ? rows.Where(a => a.Action == actions[0]) : rows.Where(a => actions.Contains(a.Action));
        if (f.EntityType is { } entity) rows = rows.Where(a => a.EntityType == entity);
        if (f.Start is { } start) rows = rows.Where(a => a.CreatedAt >= start);
        if (f.End is { } end) rows = rows.Where(a => a.CreatedAt < end);
        if (f.Status is { } status) rows = rows.Where(a => a.Status == status);
        return rows;
    }

    /// <summary>Names for every id on the page in one query each for people and securities, then the rows as people read them.</summary>
    private static async Task<List<AuditLogRow>> DescribeAsync(SparkDbContext context, IReadOnlyList<AuditLog> rows, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>();
        foreach (var row in rows)
        {
            if (row.UserId is { } u) ids.Add(u);
            if (row.ActorId is { } a) ids.Add(a);
            if (row.EntityId is { } e) ids.Add(e);
            if (row.Changes is { } changes) CollectIds(changes.RootElement, ids, depth: 0);
        }
        var list = ids.ToList();
        var people = await (from u in context.Users
                            where list.Contains(u.Id)
                            select new { u.Id, u.Name, u.Email, Roles = context.UserRoles.Where(ur => ur.UserId == u.Id).Join(context.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).ToList() })
            .ToDictionaryAsync(p => p.Id, p => new AuditPerson(p.Id, p.Name, p.Email, p.Roles), cancellationToken);
        var securities = await context.Securities.Where(s => list.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => $"{s.Symbol} ({s.Name})", cancellationToken);

        string? NameOf(Guid id) => people.TryGetValue(id, out var p) ? p.Name is null ? null : $"{p.Name} <{p.Email}>" : securities.GetValueOrDefault(id);
        AuditPerson? Person(Guid? id) => id is { } value ? people.GetValueOrDefault(value) ?? new AuditPerson(value, null, null, []) : null;

        return [.. rows.Select(row =>
        {
            // Rows written before actor_id (or by code that only puts the staff member in the details) name them in "by".
            var actor = Person(row.ActorId ?? ByOf(row.Changes));
            var account = Person(row.UserId);
            var impersonation = ImpersonationOf(row.Changes);
            var what = Humanize(row.Action);
            var summary = (actor, account) switch
            {
                ({ } by, { } of) when impersonation is not null => $"{by.Label} as {of.Label}: {what}",
                ({ } by, { } of) when by.Id != of.Id => $"{by.Label} on {of.Label}'s account: {what}",
                ({ } by, _) => $"{by.Label}: {what}",
                (null, { } of) => $"{what} ({of.Label}'s account)",
                _ => what,
            };
            if (row.Status == AuditStatus.Failed) summary += " (failed)";
            return new AuditLogRow(row.Id, row.CreatedAt, row.Action, row.Status, actor, account, impersonation, row.EntityType, row.EntityId,
                row.EntityId is { } entityId ? NameOf(entityId) : null, summary, Changes(row, NameOf), row.IpAddress?.ToString(), row.ErrorMessage);
        })];
    }

    private static void CollectIds(JsonElement element, HashSet<Guid> ids, int depth)
    {
        if (depth > 2) return;
        switch (element.ValueKind)
        {
            case JsonValueKind.String when element.TryGetGuid(out var id):
                ids.Add(id);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) CollectIds(property.Value, ids, depth + 1);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray().Take(20)) CollectIds(item, ids, depth + 1);
                break;
        }
    }

    private static Guid? ByOf(JsonDocument? changes) =>
        changes?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("by", out var by)
        && by.ValueKind == JsonValueKind.String && by.TryGetGuid(out var id) ? id : null;

    private static Guid? ImpersonationOf(JsonDocument? changes) =>
        changes?.RootElement is { ValueKind: JsonValueKind.Object } root
        && (root.TryGetProperty("impersonation", out var value) || root.TryGetProperty("impersonationId", out value))
        && value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var id) ? id : null;

    // Bookkeeping columns that change on every write and say nothing to a reader.
    private static readonly HashSet<string> Noise = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "created_at", "updated_at", "concurrency_stamp", "security_stamp", "xmin",
    };

    // Already shown as the row's actor or impersonation.
    private static readonly HashSet<string> Shown = new(StringComparer.OrdinalIgnoreCase) { "by", "impersonation", "impersonationId" };

    private static readonly (string Before, string After)[] Pairs = [("old", "new"), ("before", "after"), ("from", "to")];

    /// <summary>The row's changes as "field: old → new" (or "field: value") lines, ids replaced by names.</summary>
    public static IReadOnlyList<string> Changes(AuditLog row, Func<Guid, string?> nameOf)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Changes?.RootElement is not { ValueKind: JsonValueKind.Object } root) return [];
        var lines = new List<string>();
        var paired = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (beforeName, afterName) in Pairs)
        {
            var hasBefore = root.TryGetProperty(beforeName, out var before);
            var hasAfter = root.TryGetProperty(afterName, out var after);
            if (!hasBefore || !hasAfter) continue;
            paired.Add(beforeName);
            paired.Add(afterName);
            var beforeObject = before.ValueKind == JsonValueKind.Object;
            var afterObject = after.ValueKind == JsonValueKind.Object;
            if (beforeObject && afterObject)
            {
                foreach (var field in after.EnumerateObject())
                {
                    if (Noise.Contains(field.Name)) continue;
                    var old = before.TryGetProperty(field.Name, out var o) ? o : default;
                    if (old.ValueKind != JsonValueKind.Undefined && JsonElement.DeepEquals(old, field.Value)) continue;
                    lines.Add($"{Humanize(field.Name)}: {Value(old, nameOf)} → {Value(field.Value, nameOf)}");
                }
            }
            else if (afterObject)
            {
                lines.Add("created");
                lines.AddRange(after.EnumerateObject().Where(p => !Noise.Contains(p.Name) && p.Value.ValueKind != JsonValueKind.Null)
                    .Select(p => $"{Humanize(p.Name)}: {Value(p.Value, nameOf)}"));
            }
            else if (beforeObject)
            {
                lines.Add("deleted");
            }
            else
            {
                // A single value moved, e.g. an email change's from/to: named after what changed.
                var label = row.Action.EndsWith("_changed", StringComparison.Ordinal) ? Humanize(row.Action[..^"_changed".Length]) : "value";
                lines.Add($"{label}: {Value(before, nameOf)} → {Value(after, nameOf)}");
            }
        }
        foreach (var property in root.EnumerateObject())
        {
            if (paired.Contains(property.Name) || Shown.Contains(property.Name)) continue;
            if (IsFieldChanges(property.Value))
            {
                // { column: { old, new }, … }, as the impersonation interceptor records a changed row.
                lines.AddRange(property.Value.EnumerateObject().Where(f => !Noise.Contains(f.Name))
                    .Select(f => $"{Humanize(f.Name)}: {Value(f.Value.GetProperty("old"), nameOf)} → {Value(f.Value.GetProperty("new"), nameOf)}"));
                continue;
            }
            lines.Add($"{Humanize(property.Name)}: {Value(property.Value, nameOf)}");
        }
        return lines.Count <= MaxChangeLines ? lines : [.. lines.Take(MaxChangeLines), $"… and {lines.Count - MaxChangeLines} more"];
    }

    private static bool IsFieldChanges(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any()
        && value.EnumerateObject().All(f => f.Value.ValueKind == JsonValueKind.Object && f.Value.TryGetProperty("old", out _) && f.Value.TryGetProperty("new", out _));

    private static string Value(JsonElement value, Func<Guid, string?> nameOf) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => "–",
        JsonValueKind.String when value.TryGetGuid(out var id) => nameOf(id) ?? value.GetString()!,
        JsonValueKind.String => Shorten(value.GetString()!),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : Shorten(string.Join(", ", value.EnumerateArray().Select(v => Value(v, nameOf)))),
        JsonValueKind.Object => Shorten(string.Join(", ", value.EnumerateObject().Where(p => !Noise.Contains(p.Name))
            .Select(p => $"{Humanize(p.Name)} {Value(p.Value, nameOf)}"))),
        _ => value.GetRawText(),
    };

    private static string Shorten(string text) => text.Length <= 160 ? text : string.Concat(text.AsSpan(0, 157), "…");

    /// <summary>"user_suspended" → "user suspended", "sessionsRevoked" → "sessions revoked".</summary>
    public static string Humanize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name is "INSERT" or "UPDATE" or "DELETE") return name.ToLowerInvariant() switch { "insert" => "row created", "update" => "row changed", _ => "row deleted" };
        return CamelHump().Replace(name, "$1 $2").Replace('_', ' ').ToLowerInvariant();
    }

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,49}$")]
    private static partial Regex EntityWord();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelHump();
}
