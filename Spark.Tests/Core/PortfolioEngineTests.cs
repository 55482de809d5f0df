using Spark.Core.Market;
using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

public class PortfolioEngineTests
{
    private static readonly Guid Stock = Guid.NewGuid();
    private static readonly Guid Coin = Guid.NewGuid();
    private static DateOnly On(int day) => new(2024, 1, day);

    private static Func<Guid, PriceSeries?> History(Dictionary<Guid, PriceSeries> series) => id => series.GetValueOrDefault(id);

    [Fact]
    public void The_daily_series_values_each_day_at_that_days_close_and_carries_prices_over_days_without_a_bar()
    {
        // 10 units bought on the 1st at 100; closes 100 (1st), 110 (2nd), none on the 3rd (weekend), 121 (4th).
        var series = new Dictionary<Guid, PriceSeries> { [Stock] = new([(On(1), 100m), (On(2), 110m), (On(4), 121m)]) };
        var ledger = new HoldingLedger(Guid.NewGuid(), Stock, [LedgerEntry.Buy(On(1), 10m, 100m)]);

        var result = PortfolioEngine.Compute([ledger], On(4), History(series), new Dictionary<Guid, Quote>());

        Assert.Equal([1000m, 1100m, 1100m, 1210m], result.Series.Select(p => p.Value));
        Assert.Equal([1000m, 1000m, 1000m, 1000m], result.Series.Select(p => p.Invested));
        Assert.Equal(0.21m, result.Twr);
    }

    [Fact]
    public void Valuations_of_one_analysis_share_its_settled_days_and_differ_only_in_today()
    {
        // Every dashboard circuit of an investor values the same cached analysis: the days before today are built once.
        var series = new Dictionary<Guid, PriceSeries> { [Stock] = new([(On(1), 100m), (On(2), 110m), (On(3), 120m)]) };
        var ledger = new HoldingLedger(Guid.NewGuid(), Stock, [LedgerEntry.Buy(On(1), 10m, 100m)]);
        var analysis = PortfolioEngine.Analyze([ledger], On(3), History(series));

        var first = PortfolioEngine.Value(analysis, new Dictionary<Guid, Quote> { [Stock] = new(125m, 110m, DateTimeOffset.UnixEpoch) });
        var second = PortfolioEngine.Value(analysis, new Dictionary<Guid, Quote> { [Stock] = new(130m, 110m, DateTimeOffset.UnixEpoch) });

        Assert.Equal([1000m, 1100m, 1250m], first.Series.Select(p => p.Value));
        Assert.Equal([1000m, 1100m, 1300m], second.Series.Select(p => p.Value));
        Assert.Equal([1000m, 1100m, 1300m], second.Days.Select(d => d.Value));
        Assert.Equal(0.3m, second.Twr);
        Assert.Same(Assert.IsType<SharedPrefixList<ValuePoint>>(first.Series).Shared, Assert.IsType<SharedPrefixList<ValuePoint>>(second.Series).Shared);
        Assert.Same(Assert.IsType<SharedPrefixList<DailyValuation>>(first.Days).Shared, Assert.IsType<SharedPrefixList<DailyValuation>>(second.Days).Shared);
        Assert.Throws<ArgumentOutOfRangeException>(() => second.Series[3]);
    }

    [Fact]
    public void Live_quotes_replace_todays_stored_close_in_the_value_the_series_and_the_twr()
    {
        var series = new Dictionary<Guid, PriceSeries> { [Stock] = new([(On(1), 100m), (On(2), 110m)]) };
        var ledger = new HoldingLedger(Guid.NewGuid(), Stock, [LedgerEntry.Buy(On(1), 10m, 100m)]);
        var analysis = PortfolioEngine.Analyze([ledger], On(2), History(series));

        var live = PortfolioEngine.Value(analysis, new Dictionary<Guid, Quote> { [Stock] = new(115.5m, 100m, DateTimeOffset.UnixEpoch) });

        Assert.Equal(1155m, live.CurrentValue);
        Assert.Equal(1155m, live.Series[^1].Value);
        Assert.Equal(155m, live.DayChange);
        Assert.Equal(0.155m, live.Twr);
        // The analysis is untouched, so the next quote starts from the stored close again.
        Assert.Equal(1100m, PortfolioEngine.Value(analysis, new Dictionary<Guid, Quote>()).CurrentValue);
    }

    [Fact]
    public void A_sold_out_holding_leaves_the_series_and_its_realized_gain_and_income_stay()
    {
        var series = new Dictionary<Guid, PriceSeries> { [Stock] = new([(On(1), 100m), (On(2), 120m), (On(3), 130m)]) };
        var ledger = new HoldingLedger(Guid.NewGuid(), Stock,
        [
            LedgerEntry.Buy(On(1), 10m, 100m),
            LedgerEntry.Dividend(On(2), 50m),
            LedgerEntry.Sell(On(2), 10m, 120m),
        ]);

        var result = PortfolioEngine.Compute([ledger], On(3), History(series), new Dictionary<Guid, Quote>());

        Assert.Equal([1000m, 0m, 0m], result.Series.Select(p => p.Value));
        Assert.Equal((200m, 50m, 0m), (result.RealizedPnl, result.Income, result.CurrentValue));
        // Day 2: nothing is left at the close, but 1,200 + 50 came out against 1,000 held: +25 %.
        Assert.Equal(0.25m, result.Twr);
    }

    [Fact]
    public void Crypto_units_to_eight_decimals_are_valued_exactly()
    {
        var series = new Dictionary<Guid, PriceSeries> { [Coin] = new([(On(1), 5_000_000m), (On(2), 5_100_000.55m)]) };
        var ledger = new HoldingLedger(Guid.NewGuid(), Coin, [LedgerEntry.BuyAmount(On(1), 0.00012345m, 617.25m)]);

        var result = PortfolioEngine.Compute([ledger], On(2), History(series), new Dictionary<Guid, Quote>());

        // 0.00012345 × 5,100,000.55 = 629.5950679…, exact in the series before rounding to the paisa.
        Assert.Equal(629.5950678975m, result.Days[^1].Value);
        Assert.Equal(629.60m, result.CurrentValue);
    }

    [Fact]
    public void A_holding_without_market_data_is_valued_at_its_last_trade_price_restated_after_a_split()
    {
        var ledger = new HoldingLedger(Guid.NewGuid(), Guid.NewGuid(),
        [
            LedgerEntry.Buy(On(1), 10m, 100m),
            LedgerEntry.Split(On(2), 2m, 1m),
        ]);

        var result = PortfolioEngine.Compute([ledger], On(3), History([]), new Dictionary<Guid, Quote>());

        Assert.Equal([1000m, 1000m, 1000m], result.Series.Select(p => p.Value));
        Assert.Equal(50m, result.Holdings[0].CurrentPrice);
    }
}
