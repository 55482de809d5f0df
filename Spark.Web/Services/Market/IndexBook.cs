using Spark.Core.Market;
using Spark.Core.Time;

namespace Spark.Web.Services.Market;

/// <summary>
/// NIFTY 50, NIFTY Bank and SENSEX computed from their constituents' prices in the <see cref="PriceBook"/> (decision 0051),
/// so they move with the simulated market (or with whatever feeds the book) and tick whenever a constituent does.
/// Prices are taken back to the simulator's continuous path (split-adjusted) before they are compared with the reference
/// prices, as an index provider adjusts its divisor for a corporate action.
/// </summary>
public sealed class IndexBook(SecurityCatalog catalog, PriceBook prices, TimeProvider clock)
{
    /// <summary>The indices' levels now, in display order; an index with no priced constituent is left out.</summary>
    public async Task<IReadOnlyList<IndexLevel>> LevelsAsync(CancellationToken cancellationToken = default)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        var constituents = await ConstituentsAsync(cancellationToken);
        var today = IndiaTime.Today(clock);
        var previousDay = MarketCalendar.PreviousTradingDay(today);
        var book = new Dictionary<string, ConstituentPrice>(StringComparer.Ordinal);
        foreach (var s in constituents)
        {
            if (SimulatedMarket.AnchorPrice(s) is not { } reference || !prices.TryGet(s.Id, out var quote)) continue;
            var metadata = s.Metadata?.RootElement;
            // A quote as of a past session (before today's open) is that session's close: its own previous close is the day before.
            var quoteDay = MarketCalendar.IstDate(quote.AsOf);
            var lastFactor = SimulatedMarket.UnadjustedFactor(metadata, quoteDay);
            var previousFactor = SimulatedMarket.UnadjustedFactor(metadata, quoteDay < today ? MarketCalendar.PreviousTradingDay(quoteDay) : previousDay);
            book[s.Symbol] = new ConstituentPrice(reference, quote.Price / lastFactor, quote.PreviousClose / previousFactor);
        }

        return [.. MarketIndices.All.Select(i => MarketIndices.Compute(i, book)).OfType<IndexLevel>()];
    }

    /// <summary>The ids of every index's constituents Spark lists: a screen showing indices re-renders when one of them ticks.</summary>
    public async Task<IReadOnlySet<Guid>> ConstituentIdsAsync(CancellationToken cancellationToken = default) =>
        (await ConstituentsAsync(cancellationToken)).Select(s => s.Id).ToHashSet();

    private async Task<List<Spark.Core.Market.Security>> ConstituentsAsync(CancellationToken cancellationToken)
    {
        var symbols = MarketIndices.All.SelectMany(i => i.Weights.Keys).ToHashSet(StringComparer.Ordinal);
        return [.. (await catalog.AllAsync(cancellationToken)).Where(s => symbols.Contains(s.Symbol) && s.Type == SecurityType.Stock)];
    }
}
