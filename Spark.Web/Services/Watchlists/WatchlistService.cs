using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Market;
using Spark.Data;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.Watchlists;

/// <summary>POST and PUT /watchlists: the list's name and its symbols in the order to keep (PUT replaces both; reordering is a PUT).</summary>
public sealed record WatchlistRequest([property: StringLength(200)] string? Name = null, List<string?>? Symbols = null);

/// <summary>One security of a list with its live quote: lastPrice, dayChange (price − previous close) and dayChangeRate as of asOf.</summary>
public sealed record WatchlistItemView(string Symbol, string Name, SecurityType Type, decimal? LastPrice, decimal? DayChange, decimal? DayChangeRate,
    DateTimeOffset? AsOf)
{
    [JsonIgnore] public Guid SecurityId { get; init; }
}

public sealed record WatchlistView(Guid Id, string Name, int Position, IReadOnlyList<WatchlistItemView> Items, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A write broke the watchlist rules (API 422 with the errors map, field → messages).</summary>
public sealed class WatchlistRuleException(IReadOnlyDictionary<string, string[]> errors)
    : DomainException(string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>
/// An investor's watchlists (decision 0052): at most <see cref="WatchlistRules.MaxLists"/> named lists of at most
/// <see cref="WatchlistRules.MaxSymbols"/> symbols each, in the investor's order, with live quotes from the price book.
/// Every statement runs under the user's row-level security; another user's list is simply not found (null / false).
/// Writes of one user are serialised by an advisory lock, so two tabs cannot together pass the limit on lists.
/// </summary>
public sealed class WatchlistService(SparkDb db, SecurityCatalog catalog, PriceBook prices, TimeProvider clock)
{
    public async Task<IReadOnlyList<WatchlistView>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await ReadAsync(context, userId, null, cancellationToken);
    }

    public async Task<WatchlistView?> GetAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return (await ReadAsync(context, userId, id, cancellationToken)).SingleOrDefault();
    }

    public async Task<WatchlistView> CreateAsync(Guid userId, WatchlistRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var securities = await ValidateAsync(request, cancellationToken);
        var name = WatchlistRules.NormaliseName(request.Name);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        await using var context = db.ForUser(userId);
        await using (var transaction = await context.Database.BeginTransactionAsync(cancellationToken))
        {
            await LockAsync(context, userId, cancellationToken);
            var count = await context.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM watchlists WHERE user_id = {userId}")
                .SingleAsync(cancellationToken);
            if (count >= WatchlistRules.MaxLists)
            {
                throw new WatchlistRuleException(new Dictionary<string, string[]>
                {
                    ["watchlists"] = [$"You have {count} watchlists, the most Spark keeps. Delete one, or add to a list you have."],
                });
            }

            await EnsureNameFreeAsync(context, userId, name, null, cancellationToken);
            await context.Database.ExecuteSqlAsync($"""
                INSERT INTO watchlists (id, user_id, name, position, created_at, updated_at)
                VALUES ({id}, {userId}, {name}, (SELECT coalesce(max(position) + 1, 0) FROM watchlists WHERE user_id = {userId}), {now}, {now})
                """, cancellationToken);
            await WriteItemsAsync(context, id, securities, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return (await ReadAsync(context, userId, id, cancellationToken)).Single();
    }

    /// <summary>Replaces the name and the ordered symbols; a symbol kept keeps its added_at. Null when the list is not the user's.</summary>
    public async Task<WatchlistView?> UpdateAsync(Guid userId, Guid id, WatchlistRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var context = db.ForUser(userId);
        if (!await ExistsAsync(context, userId, id, cancellationToken)) return null;
        var securities = await ValidateAsync(request, cancellationToken);
        var name = WatchlistRules.NormaliseName(request.Name);
        var now = clock.GetUtcNow();
        await using (var transaction = await context.Database.BeginTransactionAsync(cancellationToken))
        {
            await LockAsync(context, userId, cancellationToken);
            await EnsureNameFreeAsync(context, userId, name, id, cancellationToken);
            var updated = await context.Database.ExecuteSqlAsync(
                $"UPDATE watchlists SET name = {name}, updated_at = {now} WHERE id = {id} AND user_id = {userId}", cancellationToken);
            if (updated == 0) return null;
            var ids = securities.Select(s => s.Id).ToArray();
            await context.Database.ExecuteSqlAsync(
                $"DELETE FROM watchlist_items WHERE watchlist_id = {id} AND NOT (security_id = ANY({ids}))", cancellationToken);
            await WriteItemsAsync(context, id, securities, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return (await ReadAsync(context, userId, id, cancellationToken)).Single();
    }

    public async Task<bool> DeleteAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await context.Database.ExecuteSqlAsync($"DELETE FROM watchlists WHERE id = {id} AND user_id = {userId}", cancellationToken) > 0;
    }

    /// <summary>Appends <paramref name="symbol"/> to the list (the "Add to watchlist" control); a symbol already there stays where it is.</summary>
    public async Task<WatchlistView?> AddAsync(Guid userId, Guid id, string symbol, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(userId, id, cancellationToken) is not { } list) return null;
        if (list.Items.Any(i => string.Equals(i.Symbol, symbol, StringComparison.OrdinalIgnoreCase))) return list;
        return await UpdateAsync(userId, id, new WatchlistRequest(list.Name, [.. list.Items.Select(i => i.Symbol), symbol]), cancellationToken);
    }

    /// <summary>The list with <paramref name="symbols"/> as its new content (remove and reorder from the page), keeping its name.</summary>
    public async Task<WatchlistView?> SetSymbolsAsync(Guid userId, Guid id, IReadOnlyList<string> symbols, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(userId, id, cancellationToken) is not { } list) return null;
        return await UpdateAsync(userId, id, new WatchlistRequest(list.Name, [.. symbols]), cancellationToken);
    }

    private async Task<List<Spark.Core.Market.Security>> ValidateAsync(WatchlistRequest request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var nameErrors = WatchlistRules.NameErrors(request.Name).ToArray();
        if (nameErrors.Length > 0) errors["name"] = nameErrors;
        var symbols = request.Symbols ?? [];
        var found = new Dictionary<string, Spark.Core.Market.Security>(StringComparer.OrdinalIgnoreCase);
        if (symbols.Count <= WatchlistRules.MaxSymbols)
        {
            foreach (var raw in symbols)
            {
                var symbol = raw?.Trim() ?? "";
                if (symbol.Length is 0 or > 50 || symbol.Any(char.IsControl) || found.ContainsKey(symbol)) continue;
                if (await catalog.FindAsync(symbol, cancellationToken) is { IsActive: true } security) found[symbol] = security;
            }
        }

        foreach (var (field, messages) in WatchlistRules.SymbolErrors(symbols, found.ContainsKey)) errors[field] = messages;
        if (errors.Count > 0) throw new WatchlistRuleException(errors);
        return [.. symbols.Select(s => found[s!.Trim()])];
    }

    private static async Task LockAsync(SparkDbContext context, Guid userId, CancellationToken cancellationToken) =>
        await context.Database.ExecuteSqlAsync(
            $"SELECT pg_advisory_xact_lock(hashtextextended('watchlists:' || {userId.ToString()}, 0))", cancellationToken);

    private static async Task<bool> ExistsAsync(SparkDbContext context, Guid userId, Guid id, CancellationToken cancellationToken) =>
        await context.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM watchlists WHERE id = {id} AND user_id = {userId}) AS \"Value\"")
            .SingleAsync(cancellationToken);

    private static async Task EnsureNameFreeAsync(SparkDbContext context, Guid userId, string name, Guid? except, CancellationToken cancellationToken)
    {
        var other = except ?? Guid.Empty;
        var taken = await context.Database.SqlQuery<bool>($"""
            SELECT EXISTS (SELECT 1 FROM watchlists WHERE user_id = {userId} AND lower(name) = lower({name}) AND id <> {other}) AS "Value"
            """).SingleAsync(cancellationToken);
        if (taken)
        {
            throw new WatchlistRuleException(new Dictionary<string, string[]> { ["name"] = [$"You already have a list named “{name}”. Choose another name."] });
        }
    }

    private static async Task WriteItemsAsync(SparkDbContext context, Guid id, IReadOnlyList<Spark.Core.Market.Security> securities, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (securities.Count == 0) return;
        var ids = securities.Select(s => s.Id).ToArray();
        await context.Database.ExecuteSqlAsync($"""
            INSERT INTO watchlist_items (watchlist_id, security_id, position, added_at)
            SELECT {id}, s.id, (s.ord - 1)::int, {now} FROM unnest({ids}) WITH ORDINALITY AS s(id, ord)
            ON CONFLICT (watchlist_id, security_id) DO UPDATE SET position = EXCLUDED.position
            """, cancellationToken);
    }

    private async Task<List<WatchlistView>> ReadAsync(SparkDbContext context, Guid userId, Guid? only, CancellationToken cancellationToken)
    {
        var all = only is null;
        var one = only ?? Guid.Empty;
        var lists = await context.Database.SqlQuery<ListRow>($"""
            SELECT id, name, position, created_at, updated_at FROM watchlists
            WHERE user_id = {userId} AND ({all} OR id = {one}) ORDER BY position, created_at, id
            """).ToListAsync(cancellationToken);
        if (lists.Count == 0) return [];
        var listIds = lists.Select(l => l.Id).ToArray();
        var items = await context.Database.SqlQuery<ItemRow>($"""
            SELECT watchlist_id, security_id, position FROM watchlist_items WHERE watchlist_id = ANY({listIds}) ORDER BY watchlist_id, position
            """).ToListAsync(cancellationToken);
        await prices.EnsureLoadedAsync(cancellationToken);
        var byList = items.ToLookup(i => i.WatchlistId);
        var views = new List<WatchlistView>(lists.Count);
        foreach (var list in lists)
        {
            var entries = new List<WatchlistItemView>();
            foreach (var item in byList[list.Id])
            {
                if (await catalog.GetAsync(item.SecurityId, cancellationToken) is not { } security) continue;
                entries.Add(Item(security, prices));
            }

            views.Add(new WatchlistView(list.Id, list.Name, list.Position, entries, list.CreatedAt, list.UpdatedAt));
        }

        return views;
    }

    /// <summary>A security with its quote as it is now (the page updates it from ticks after this).</summary>
    public static WatchlistItemView Item(Spark.Core.Market.Security security, PriceBook prices)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(prices);
        var quote = prices.TryGet(security.Id, out var q) ? q : (Quote?)null;
        decimal? change = quote is { PreviousClose: { } p } ? quote.Value.Price - p : null;
        decimal? rate = quote is { PreviousClose: { } pc and > 0m } ? Money.Rate((quote.Value.Price - pc) / pc) : null;
        return new WatchlistItemView(security.Symbol, security.Name, security.Type, quote?.Price, change, rate, quote?.AsOf)
        {
            SecurityId = security.Id,
        };
    }

    private sealed record ListRow(Guid Id, string Name, int Position, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private sealed record ItemRow(Guid WatchlistId, Guid SecurityId, int Position);
}
