namespace Spark.Core.Market;

/// <summary>How the market list can be ordered (API words: name, dayChangeRate, volume, tradedValue).</summary>
public enum MarketSort { Name, DayChangeRate, Volume, TradedValue }

/// <summary>
/// One instrument in the market list with the figures of its latest session: the day's change against the previous
/// close, the units traded and the traded value (turnover) of that session, and which session that is.
/// </summary>
public sealed record MarketRow(Security Security, decimal? DayChangeRate, long? Volume, decimal? TradedValue, DateOnly? Session);

/// <summary>The top gainers and losers of one session (the latest any instrument traded in), best first.</summary>
public sealed record MarketMovers(DateOnly? Session, IReadOnlyList<MarketRow> Gainers, IReadOnlyList<MarketRow> Losers);

/// <summary>Sorting and the day's movers of the market list (decision 0052), pure so the page and the API agree.</summary>
public static class MarketListing
{
    public static readonly IReadOnlyList<string> SortWords = ["name", "dayChangeRate", "volume", "tradedValue"];

    public static bool TryParseSort(string? text, out MarketSort sort)
    {
        sort = MarketSort.Name;
        switch (text?.Trim())
        {
            case null or "" or "name": return true;
            case "dayChangeRate": sort = MarketSort.DayChangeRate; return true;
            case "volume": sort = MarketSort.Volume; return true;
            case "tradedValue": sort = MarketSort.TradedValue; return true;
            default: return false;
        }
    }

    public static string Word(MarketSort sort) => SortWords[(int)sort];

    /// <summary>The direction a sort starts in when first chosen: names A to Z, figures largest first.</summary>
    public static bool DescendingByDefault(MarketSort sort) => sort != MarketSort.Name;

    /// <summary>
    /// Rows in the chosen order. Rows without the figure (no price yet, a fund with no volume) come last in either
    /// direction, as a screener shows them, and ties fall back to the symbol so the order is stable between ticks.
    /// </summary>
    public static IEnumerable<MarketRow> Sort(IEnumerable<MarketRow> rows, MarketSort sort, bool descending)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (sort == MarketSort.Name)
        {
            var byName = descending
                ? rows.OrderByDescending(r => r.Security.Name, StringComparer.OrdinalIgnoreCase)
                : rows.OrderBy(r => r.Security.Name, StringComparer.OrdinalIgnoreCase);
            return byName.ThenBy(r => r.Security.Symbol, StringComparer.Ordinal);
        }

        Func<MarketRow, decimal?> key = sort switch
        {
            MarketSort.DayChangeRate => r => r.DayChangeRate,
            MarketSort.Volume => r => r.Volume,
            _ => r => r.TradedValue,
        };
        var present = rows.OrderBy(r => key(r) is null ? 1 : 0);
        var ordered = descending ? present.ThenByDescending(r => key(r)) : present.ThenBy(r => key(r));
        return ordered.ThenBy(r => r.Security.Symbol, StringComparer.Ordinal);
    }

    /// <summary>
    /// The <paramref name="count"/> biggest risers and fallers by day change rate among instruments that traded (volume
    /// above zero) in the latest session any of them traded in. When the market is closed that is the last session, so
    /// a weekend shows Friday's movers; an instrument whose last trade is older is left out, not shown with a stale change.
    /// The session is the exchange's (stocks, ETFs, funds, bonds): crypto trades around the clock, so a crypto pair counts
    /// when it traded in or after that session, and a Sunday's crypto prices do not push Friday's stocks out.
    /// </summary>
    public static MarketMovers Movers(IEnumerable<MarketRow> rows, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var traded = rows.Where(r => r.Volume > 0 && r.Session is not null && r.DayChangeRate is not null).ToList();
        if (traded.Count == 0) return new MarketMovers(null, [], []);
        var exchange = traded.Where(r => r.Security.Type != SecurityType.Crypto).ToList();
        var session = (exchange.Count > 0 ? exchange : traded).Max(r => r.Session);
        var today = traded.Where(r => r.Session == session || (r.Security.Type == SecurityType.Crypto && r.Session > session)).ToList();
        return new MarketMovers(session,
            [.. today.Where(r => r.DayChangeRate > 0m).OrderByDescending(r => r.DayChangeRate).ThenBy(r => r.Security.Symbol, StringComparer.Ordinal).Take(count)],
            [.. today.Where(r => r.DayChangeRate < 0m).OrderBy(r => r.DayChangeRate).ThenBy(r => r.Security.Symbol, StringComparer.Ordinal).Take(count)]);
    }
}
