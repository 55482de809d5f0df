using Microsoft.EntityFrameworkCore;
using Spark.Core.Market;
using Spark.Data;

namespace Spark.Web.Services.Market;

using Security = Spark.Core.Market.Security;

/// <summary>
/// The securities master in memory (a few hundred rows, read on every screen); reloaded when it changes, here or
/// (through <see cref="Cluster.CacheInvalidation"/>) on another instance.
/// </summary>
public sealed class SecurityCatalog
{
    public const string CacheName = "securities";
    private readonly SparkDb db;
    private readonly Cluster.CacheInvalidation? invalidation;
    private volatile Snapshot? _snapshot;

    public SecurityCatalog(SparkDb db, Cluster.CacheInvalidation? invalidation = null)
    {
        this.db = db;
        this.invalidation = invalidation;
        invalidation?.OnRemote(CacheName, _ => _snapshot = null);
    }

    public async Task<IReadOnlyList<Security>> AllAsync(CancellationToken cancellationToken = default) =>
        (await LoadAsync(cancellationToken)).All;

    public async Task<Security?> FindAsync(string symbol, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        var key = symbol.Trim().ToUpperInvariant();
        return (await LoadAsync(cancellationToken)).BySymbol.GetValueOrDefault(key)
            ?? await FindStoredAsync(s => s.Symbol == key, cancellationToken);
    }

    public async Task<Security?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await LoadAsync(cancellationToken)).ById.GetValueOrDefault(id)
            ?? await FindStoredAsync(s => s.Id == id, cancellationToken);

    /// <summary>Matches symbol, name or ISIN; symbol prefixes first, then names, as a search box should.</summary>
    public async Task<IReadOnlyList<Security>> SearchAsync(string? query, int limit, CancellationToken cancellationToken = default)
    {
        var all = (await LoadAsync(cancellationToken)).All.Where(s => s.IsActive);
        if (string.IsNullOrWhiteSpace(query)) return [.. all.OrderBy(s => s.Symbol, StringComparer.Ordinal).Take(limit)];
        var q = query.Trim();
        return [.. all
            .Select(s => (Security: s, Rank:
                s.Symbol.Equals(q, StringComparison.OrdinalIgnoreCase) || string.Equals(s.Isin, q, StringComparison.OrdinalIgnoreCase) ? 0
                : s.Symbol.StartsWith(q, StringComparison.OrdinalIgnoreCase) ? 1
                : s.Name.StartsWith(q, StringComparison.OrdinalIgnoreCase) ? 2
                : s.Symbol.Contains(q, StringComparison.OrdinalIgnoreCase) || s.Name.Contains(q, StringComparison.OrdinalIgnoreCase) ? 3
                : -1))
            .Where(x => x.Rank >= 0)
            .OrderBy(x => x.Rank).ThenBy(x => x.Security.Symbol, StringComparer.Ordinal)
            .Take(limit)
            .Select(x => x.Security)];
    }

    public void Invalidate()
    {
        _snapshot = null;
        invalidation?.Announce(CacheName);
    }

    /// <summary>
    /// A security added since the snapshot (by an admin, a sync or another instance): one indexed lookup, and the
    /// snapshot is reloaded on next use so lists include it too.
    /// </summary>
    private async Task<Security?> FindStoredAsync(System.Linq.Expressions.Expression<Func<Security, bool>> match, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        var found = await context.Securities.AsNoTracking().FirstOrDefaultAsync(match, cancellationToken);
        if (found is not null) _snapshot = null;
        return found;
    }

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } s) return s;
        await using var context = db.Shared();
        var all = await context.Securities.AsNoTracking().OrderBy(x => x.Symbol).ToListAsync(cancellationToken);
        s = new Snapshot(all, all.ToDictionary(x => x.Symbol, StringComparer.OrdinalIgnoreCase), all.ToDictionary(x => x.Id));
        _snapshot = s;
        return s;
    }

    private sealed record Snapshot(IReadOnlyList<Security> All, IReadOnlyDictionary<string, Security> BySymbol, IReadOnlyDictionary<Guid, Security> ById);
}
