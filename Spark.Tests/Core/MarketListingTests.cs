using Spark.Core.Market;

namespace Spark.Tests.Core;

public sealed class MarketListingTests
{
    private static readonly DateOnly Friday = new(2026, 12, 4);

    private static MarketRow Row(string symbol, decimal? rate, long? volume, decimal? value = null, DateOnly? session = null,
        SecurityType type = SecurityType.Stock, string? name = null) =>
        new(new Security { Symbol = symbol, Name = name ?? symbol + " Ltd", Type = type }, rate, volume, value, session ?? Friday);

    [Fact]
    public void Figures_sort_largest_first_or_smallest_first_with_missing_figures_last_either_way()
    {
        MarketRow[] rows = [Row("A", 0.01m, 300), Row("B", null, null), Row("C", -0.02m, 100), Row("D", 0.05m, 300)];

        Assert.Equal(["D", "A", "C", "B"], MarketListing.Sort(rows, MarketSort.DayChangeRate, descending: true).Select(r => r.Security.Symbol));
        Assert.Equal(["C", "A", "D", "B"], MarketListing.Sort(rows, MarketSort.DayChangeRate, descending: false).Select(r => r.Security.Symbol));
        // Equal volumes fall back to the symbol, so the order does not shuffle between ticks.
        Assert.Equal(["A", "D", "C", "B"], MarketListing.Sort(rows, MarketSort.Volume, descending: true).Select(r => r.Security.Symbol));
    }

    [Fact]
    public void Names_sort_alphabetically_regardless_of_case()
    {
        MarketRow[] rows = [Row("X", null, null, name: "bharti Airtel"), Row("Y", null, null, name: "Axis Bank"), Row("Z", null, null, name: "Cipla")];

        Assert.Equal(["Y", "X", "Z"], MarketListing.Sort(rows, MarketSort.Name, descending: false).Select(r => r.Security.Symbol));
        Assert.Equal(["Z", "X", "Y"], MarketListing.Sort(rows, MarketSort.Name, descending: true).Select(r => r.Security.Symbol));
    }

    [Theory]
    [InlineData(null, MarketSort.Name)]
    [InlineData("name", MarketSort.Name)]
    [InlineData("dayChangeRate", MarketSort.DayChangeRate)]
    [InlineData("volume", MarketSort.Volume)]
    [InlineData("tradedValue", MarketSort.TradedValue)]
    public void The_api_words_name_the_sorts(string? word, MarketSort expected)
    {
        Assert.True(MarketListing.TryParseSort(word, out var sort));
        Assert.Equal(expected, sort);
        Assert.False(MarketListing.TryParseSort("popularity", out _));
        Assert.False(MarketListing.TryParseSort("VOLUME", out _));
    }

    [Fact]
    public void Movers_are_of_the_latest_session_among_instruments_that_traded_in_it()
    {
        MarketRow[] rows =
        [
            Row("UP1", 0.08m, 10), Row("UP2", 0.03m, 10), Row("UP3", 0.01m, 10), Row("FLAT", 0m, 10),
            Row("DOWN1", -0.06m, 10), Row("DOWN2", -0.02m, 10),
            Row("NOTRADE", 0.20m, 0), // no volume in the session: not a mover, however it is priced
            Row("STALE", -0.30m, 10, session: Friday.AddDays(-7)), // last traded a week ago
            Row("FUND", 0.5m, null, type: SecurityType.MutualFund),
            Row("BTC", 0.04m, 10, session: Friday.AddDays(2), type: SecurityType.Crypto), // Sunday: crypto trades every day
        ];

        var movers = MarketListing.Movers(rows, 2);

        Assert.Equal(Friday, movers.Session);
        Assert.Equal(["UP1", "BTC"], movers.Gainers.Select(r => r.Security.Symbol));
        Assert.Equal(["DOWN1", "DOWN2"], movers.Losers.Select(r => r.Security.Symbol));
    }

    [Fact]
    public void Nothing_traded_means_no_session_and_no_movers()
    {
        var movers = MarketListing.Movers([Row("A", 0.1m, 0), Row("B", null, 5)], 5);

        Assert.Null(movers.Session);
        Assert.Empty(movers.Gainers);
        Assert.Empty(movers.Losers);
    }
}
