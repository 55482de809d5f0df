using Spark.Core;
using Spark.Core.Market;

namespace Spark.Web.Services.Market;

using Security = Spark.Core.Market.Security;

/// <summary>
/// The market list as the market page and GET /securities show it: search, filters by type and sector, a sort by
/// name, day change, volume or traded value, and the day's top gainers and losers (decision 0052). Everything is in
/// memory (the catalogue, the price book and one read of session activity), so a few thousand instruments sort in
/// well under a millisecond each.
/// </summary>
public sealed class MarketList(SecurityCatalog catalog, PriceBook prices, MarketActivity activity)
{
    /// <summary>The rows that match, in <paramref name="sort"/> order (or search relevance, then symbol, without one).</summary>
    public async Task<IReadOnlyList<MarketRow>> RowsAsync(string? query, SecurityType? type, string? sector, MarketSort? sort, bool descending,
        CancellationToken cancellationToken = default)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        var found = (await catalog.SearchAsync(query, int.MaxValue, cancellationToken))
            .Where(s => (type is null || s.Type == type) && (string.IsNullOrWhiteSpace(sector) || string.Equals(s.Sector, sector.Trim(), StringComparison.OrdinalIgnoreCase)));
        var rows = await ToRowsAsync(found, cancellationToken);
        return sort is { } by ? [.. MarketListing.Sort(rows, by, descending)] : rows;
    }

    /// <summary>The <paramref name="count"/> top gainers and losers of the latest session, among <paramref name="type"/> if given.</summary>
    public async Task<MarketMovers> MoversAsync(int count, SecurityType? type = null, CancellationToken cancellationToken = default)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        var all = (await catalog.AllAsync(cancellationToken)).Where(s => s.IsActive && (type is null || s.Type == type));
        return MarketListing.Movers(await ToRowsAsync(all, cancellationToken), count);
    }

    /// <summary>The sectors active instruments belong to, A to Z, for the sector filter.</summary>
    public async Task<IReadOnlyList<string>> SectorsAsync(CancellationToken cancellationToken = default) =>
        [.. (await catalog.AllAsync(cancellationToken)).Where(s => s.IsActive && !string.IsNullOrWhiteSpace(s.Sector)).Select(s => s.Sector!)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    private async Task<List<MarketRow>> ToRowsAsync(IEnumerable<Security> securities, CancellationToken cancellationToken)
    {
        var sessions = await activity.AllAsync(cancellationToken);
        return [.. securities.Select(s =>
        {
            var rate = prices.TryGet(s.Id, out var q) && q.PreviousClose is { } p and > 0m ? Money.Rate((q.Price - p) / p) : (decimal?)null;
            var day = sessions.GetValueOrDefault(s.Id);
            return new MarketRow(s, rate, day?.Volume, day?.TradedValue, day?.Session);
        })];
    }
}
