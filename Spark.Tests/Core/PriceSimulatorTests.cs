using Spark.Core.Market;

namespace Spark.Tests.Core;

public sealed class PriceSimulatorTests
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);
    private static readonly DateOnly Anchor = new(2025, 6, 30);

    private static readonly SecurityType[] AllTypes =
        [SecurityType.Stock, SecurityType.Etf, SecurityType.MutualFund, SecurityType.Bond, SecurityType.Crypto];

    private static DateOnly On(int year, int month, int day) => new(year, month, day);

    private static DateTimeOffset AtIst(DateOnly date, int hour, int minute, int second = 0) =>
        new(date.Year, date.Month, date.Day, hour, minute, second, Ist);

    private static PriceSimulator Simulator(long seed = 42) => new(seed, Anchor);

    public static TheoryData<SecurityType> Types()
    {
        var data = new TheoryData<SecurityType>();
        foreach (var type in AllTypes)
        {
            data.Add(type);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Two_simulators_with_the_same_seed_agree(SecurityType type)
    {
        var first = Simulator(7).DailyBars("RELIANCE", type, 2500m, On(2021, 1, 1), On(2026, 12, 31)).ToList();
        var second = Simulator(7).DailyBars("RELIANCE", type, 2500m, On(2021, 1, 1), On(2026, 12, 31)).ToList();

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void The_path_is_the_same_in_every_process()
    {
        // Recorded values: a per-process hash (string.GetHashCode) or a shared generator would change them.
        var simulator = Simulator();
        var date = On(2024, 1, 25);

        Assert.Equal(
            new SimBar(new(2024, 1, 25, 9, 15, 0, Ist), date, 1835.40m, 1858.80m, 1804.35m, 1839.90m, 1_494_876),
            Assert.Single(simulator.DailyBars("RELIANCE", SecurityType.Stock, 2500m, date, date)));
        Assert.Equal(
            new SimBar(new(2024, 1, 25, 0, 0, 0, Ist), date, 1676.09m, 1723.12m, 1604.77m, 1677.21m, 203_148),
            Assert.Single(simulator.DailyBars("RELIANCE", SecurityType.Crypto, 2500m, date, date)));
        Assert.Equal(1963.3688m, Assert.Single(simulator.DailyBars("RELIANCE", SecurityType.MutualFund, 2500m, date, date)).Close);
        Assert.Equal(1807.45m, simulator.PriceAt("RELIANCE", SecurityType.Stock, 2500m, AtIst(date, 11, 22, 33)));
    }

    [Fact]
    public void A_different_seed_or_symbol_gives_a_different_path()
    {
        var bars = Simulator(7).DailyBars("RELIANCE", SecurityType.Stock, 2500m, On(2024, 1, 1), On(2024, 12, 31)).ToList();
        var otherSeed = Simulator(8).DailyBars("RELIANCE", SecurityType.Stock, 2500m, On(2024, 1, 1), On(2024, 12, 31)).ToList();
        var otherSymbol = Simulator(7).DailyBars("TCS", SecurityType.Stock, 2500m, On(2024, 1, 1), On(2024, 12, 31)).ToList();

        Assert.Equal(bars.Select(b => b.TradeDate), otherSeed.Select(b => b.TradeDate));
        Assert.NotEqual(bars.Select(b => b.Close), otherSeed.Select(b => b.Close));
        Assert.NotEqual(bars.Select(b => b.Close), otherSymbol.Select(b => b.Close));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void A_year_computed_alone_equals_its_slice_of_a_longer_range(SecurityType type)
    {
        var simulator = Simulator();
        var alone = simulator.DailyBars("INFY", type, 1500m, On(2024, 1, 1), On(2024, 12, 31)).ToList();
        var slice = simulator.DailyBars("INFY", type, 1500m, On(2020, 1, 1), On(2026, 12, 31))
            .Where(b => b.TradeDate.Year == 2024)
            .ToList();

        Assert.NotEmpty(alone);
        Assert.Equal(slice, alone);
    }

    [Fact]
    public void A_day_computed_on_its_own_or_in_reverse_order_equals_the_same_day_in_a_range()
    {
        var simulator = Simulator();
        var range = simulator.DailyBars("HDFCBANK", SecurityType.Stock, 1600m, On(2023, 3, 1), On(2023, 3, 31)).ToList();
        var oneByOne = range.Select(b => b.TradeDate).Reverse()
            .Select(d => Assert.Single(simulator.DailyBars("HDFCBANK", SecurityType.Stock, 1600m, d, d)))
            .Reverse()
            .ToList();

        Assert.Equal(range, oneByOne);
    }

    [Theory]
    [InlineData(SecurityType.Stock, "2500.37", "2500.35")]
    [InlineData(SecurityType.Etf, "262.43", "262.45")]
    [InlineData(SecurityType.Bond, "101.23", "101.25")]
    [InlineData(SecurityType.MutualFund, "123.456789", "123.4568")]
    [InlineData(SecurityType.Crypto, "5012345.678", "5012345.68")]
    public void The_close_on_the_anchor_date_is_the_anchor_price_rounded_to_the_tick(SecurityType type, string anchor, string expected)
    {
        var price = decimal.Parse(anchor, System.Globalization.CultureInfo.InvariantCulture);

        var bar = Assert.Single(Simulator().DailyBars("ANCHORED", type, price, Anchor, Anchor));

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), bar.Close);
    }

    [Fact]
    public void When_the_anchor_date_is_not_a_trading_day_the_last_trading_day_before_it_closes_at_the_anchor_price()
    {
        // 26 Jan 2024 is Republic Day, a Friday: the anchor falls back to Thursday the 25th.
        var simulator = new PriceSimulator(42, On(2024, 1, 28));

        var bars = simulator.DailyBars("ITC", SecurityType.Stock, 450m, On(2024, 1, 22), On(2024, 1, 31)).ToList();

        Assert.Equal(450m, bars.Single(b => b.TradeDate == On(2024, 1, 25)).Close);
        Assert.Equal(450m, simulator.PriceAt("ITC", SecurityType.Stock, 450m, AtIst(On(2024, 1, 28), 12, 0)));
    }

    [Theory]
    [InlineData(SecurityType.Stock)]
    [InlineData(SecurityType.Etf)]
    [InlineData(SecurityType.MutualFund)]
    [InlineData(SecurityType.Bond)]
    [InlineData(SecurityType.Crypto)]
    public void Daily_log_returns_have_the_mean_and_deviation_of_the_profile(SecurityType type)
    {
        // Ten years of 40 symbols is about 100,000 returns: the sample mean is within four standard errors of
        // (μ − σ²/2)Δt and the sample deviation within 2% of σ√Δt. The seed is fixed, so this cannot flake.
        var profile = SimulationProfile.For(type);
        var simulator = Simulator();
        var returns = new List<double>();
        for (var s = 0; s < 40; s++)
        {
            var symbol = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SYM{s}");
            var closes = simulator.DailyBars(symbol, type, 1000m, On(2016, 1, 1), On(2025, 12, 31)).Select(b => (double)b.Close).ToList();
            for (var i = 1; i < closes.Count; i++)
            {
                returns.Add(Math.Log(closes[i] / closes[i - 1]));
            }
        }

        var mean = returns.Average();
        var deviation = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Count - 1));
        var expectedMean = (profile.AnnualDrift - (profile.AnnualVolatility * profile.AnnualVolatility / 2)) / profile.PeriodsPerYear;
        var expectedDeviation = profile.AnnualVolatility / Math.Sqrt(profile.PeriodsPerYear);

        Assert.True(returns.Count > 90_000, $"{returns.Count} returns");
        Assert.InRange(mean, expectedMean - (4 * expectedDeviation / Math.Sqrt(returns.Count)), expectedMean + (4 * expectedDeviation / Math.Sqrt(returns.Count)));
        Assert.InRange(deviation, expectedDeviation * 0.98, expectedDeviation * 1.02);
    }

    [Fact]
    public void The_profiles_are_those_of_the_asset_classes()
    {
        Assert.Equal((0.12, 0.25, 252), Parameters(SecurityType.Stock));
        Assert.Equal((0.10, 0.16, 252), Parameters(SecurityType.Etf));
        Assert.Equal((0.11, 0.14, 252), Parameters(SecurityType.MutualFund));
        Assert.Equal((0.07, 0.04, 252), Parameters(SecurityType.Bond));
        Assert.Equal((0.30, 0.70, 365), Parameters(SecurityType.Crypto));

        static (double, double, int) Parameters(SecurityType type)
        {
            var profile = SimulationProfile.For(type);
            return (profile.AnnualDrift, profile.AnnualVolatility, profile.PeriodsPerYear);
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_daily_bar_is_a_valid_candle_on_the_tick(SecurityType type)
    {
        var tick = SimulationProfile.For(type).Tick;
        foreach (var symbol in new[] { "A", "BB", "CCC", "DDDD", "EEEEE" })
        {
            foreach (var bar in Simulator().DailyBars(symbol, type, 321.5m, On(2021, 1, 1), On(2026, 12, 31)))
            {
                Assert.True(bar.Low > 0, $"{symbol} {bar}");
                Assert.True(bar.Low <= bar.Open && bar.Open <= bar.High, $"{symbol} {bar}");
                Assert.True(bar.Low <= bar.Close && bar.Close <= bar.High, $"{symbol} {bar}");
                foreach (var price in new[] { bar.Open, bar.High, bar.Low, bar.Close })
                {
                    Assert.Equal(0m, price % tick);
                }
                Assert.True(type == SecurityType.MutualFund ? bar.Volume == 0 : bar.Volume > 0, $"{symbol} {bar}");
                Assert.Equal(bar.TradeDate, MarketCalendar.IstDate(bar.Start));
                Assert.True(MarketCalendar.TradesOn(type, bar.TradeDate), $"{symbol} {bar}");
            }
        }
    }

    [Fact]
    public void Exchange_traded_bars_fall_on_trading_days_only()
    {
        var dates = Simulator().DailyBars("SBIN", SecurityType.Stock, 800m, On(2025, 10, 18), On(2025, 10, 26)).Select(b => b.TradeDate);

        // 18–19 and 25–26 Oct are weekends; 21 Oct (Diwali Laxmi Pujan) and 22 Oct (Balipratipada) are holidays.
        Assert.Equal([On(2025, 10, 20), On(2025, 10, 23), On(2025, 10, 24)], dates);
    }

    [Fact]
    public void A_mutual_fund_has_one_nav_a_trading_day_and_no_candle()
    {
        var bars = Simulator().DailyBars("PPFAS-FLEXI", SecurityType.MutualFund, 85.1234m, On(2024, 1, 22), On(2024, 1, 31)).ToList();

        Assert.Equal(MarketCalendar.TradingDays(On(2024, 1, 22), On(2024, 1, 31)), bars.Select(b => b.TradeDate));
        Assert.All(bars, b => Assert.True(b.Open == b.Close && b.High == b.Close && b.Low == b.Close));
    }

    [Fact]
    public void Crypto_has_a_bar_every_day_including_sundays_and_exchange_holidays()
    {
        var dates = Simulator().DailyBars("BTCINR", SecurityType.Crypto, 5_000_000m, On(2024, 1, 22), On(2024, 1, 28)).Select(b => b.TradeDate).ToList();

        Assert.Equal(7, dates.Count);
        Assert.Contains(On(2024, 1, 28), dates);
        Assert.Contains(On(2024, 1, 26), dates);
    }

    [Fact]
    public void Crypto_has_minute_bars_all_sunday_ending_at_the_days_close()
    {
        var sunday = On(2024, 1, 28);
        var simulator = Simulator();
        var day = Assert.Single(simulator.DailyBars("ETHINR", SecurityType.Crypto, 200_000m, sunday, sunday));

        var minutes = simulator.MinuteBars("ETHINR", SecurityType.Crypto, 200_000m, sunday, AtIst(sunday.AddDays(1), 0, 0)).ToList();

        Assert.Equal(1440, minutes.Count);
        Assert.Equal(AtIst(sunday, 0, 0), minutes[0].Start);
        Assert.Equal(day.Open, minutes[0].Open);
        Assert.Equal(day.Close, minutes[^1].Close);
    }

    [Fact]
    public void Crypto_opens_each_day_at_the_previous_close()
    {
        var bars = Simulator().DailyBars("BTCINR", SecurityType.Crypto, 5_000_000m, On(2024, 1, 1), On(2024, 3, 31)).ToList();

        for (var i = 1; i < bars.Count; i++)
        {
            Assert.Equal(bars[i - 1].Close, bars[i].Open);
        }
    }

    [Fact]
    public void A_mutual_fund_has_no_minute_bars()
    {
        var date = On(2024, 1, 25);

        Assert.Empty(Simulator().MinuteBars("PPFAS-FLEXI", SecurityType.MutualFund, 85m, date, AtIst(date, 23, 0)));
    }

    [Theory]
    [InlineData(SecurityType.Stock)]
    [InlineData(SecurityType.Etf)]
    [InlineData(SecurityType.Bond)]
    public void The_minute_bars_of_a_whole_session_run_from_the_days_open_to_its_close(SecurityType type)
    {
        var date = On(2024, 1, 25);
        var simulator = Simulator();
        var day = Assert.Single(simulator.DailyBars("TATAMOTORS", type, 900m, date, date));

        var minutes = simulator.MinuteBars("TATAMOTORS", type, 900m, date, AtIst(date, 18, 0)).ToList();

        Assert.Equal(375, minutes.Count);
        Assert.Equal(AtIst(date, 9, 15), minutes[0].Start);
        Assert.Equal(AtIst(date, 15, 29), minutes[^1].Start);
        Assert.Equal(day.Open, minutes[0].Open);
        Assert.Equal(day.Close, minutes[^1].Close);
        Assert.Equal(day.Volume, minutes.Sum(m => m.Volume));
        for (var k = 1; k < minutes.Count; k++)
        {
            Assert.Equal(minutes[k - 1].Close, minutes[k].Open);
        }
    }

    [Theory]
    [InlineData(SecurityType.Stock)]
    [InlineData(SecurityType.Etf)]
    [InlineData(SecurityType.Bond)]
    [InlineData(SecurityType.Crypto)]
    public void Every_minute_of_a_day_lies_within_that_days_low_and_high(SecurityType type)
    {
        var simulator = Simulator();
        var tick = SimulationProfile.For(type).Tick;
        foreach (var symbol in new[] { "WIPRO", "LT", "NIFTYBEES" })
        {
            foreach (var day in simulator.DailyBars(symbol, type, 1234m, On(2024, 4, 1), On(2024, 5, 31)))
            {
                var session = MarketCalendar.SessionOn(type, day.TradeDate)!;
                foreach (var minute in simulator.MinuteBars(symbol, type, 1234m, day.TradeDate, session.Close))
                {
                    Assert.True(day.Low <= minute.Low && minute.High <= day.High, $"{symbol} {day} {minute}");
                    Assert.True(minute.Low <= minute.Open && minute.Open <= minute.High, $"{symbol} {minute}");
                    Assert.True(minute.Low <= minute.Close && minute.Close <= minute.High, $"{symbol} {minute}");
                    Assert.Equal(0m, minute.Close % tick);
                }
            }
        }
    }

    [Fact]
    public void Minute_bars_stop_before_the_unfinished_minute()
    {
        var date = On(2024, 1, 25);
        var simulator = Simulator();

        Assert.Empty(simulator.MinuteBars("TCS", SecurityType.Stock, 3800m, date, AtIst(date, 9, 15, 59)));
        Assert.Single(simulator.MinuteBars("TCS", SecurityType.Stock, 3800m, date, AtIst(date, 9, 16)));
        var bars = simulator.MinuteBars("TCS", SecurityType.Stock, 3800m, date, AtIst(date, 10, 0, 30)).ToList();
        Assert.Equal(45, bars.Count);
        Assert.Equal(AtIst(date, 9, 59), bars[^1].Start);
        Assert.Empty(simulator.MinuteBars("TCS", SecurityType.Stock, 3800m, On(2024, 1, 26), AtIst(On(2024, 1, 26), 18, 0)));
    }

    [Fact]
    public void The_price_follows_the_minute_bars_inside_the_session_and_holds_the_close_outside_it()
    {
        var date = On(2024, 1, 25);
        var simulator = Simulator();
        var day = Assert.Single(simulator.DailyBars("TCS", SecurityType.Stock, 3800m, date, date));
        var previous = Assert.Single(simulator.DailyBars("TCS", SecurityType.Stock, 3800m, On(2024, 1, 24), On(2024, 1, 24)));
        var minutes = simulator.MinuteBars("TCS", SecurityType.Stock, 3800m, date, AtIst(date, 15, 30)).ToList();
        decimal At(DateTimeOffset instant) => simulator.PriceAt("TCS", SecurityType.Stock, 3800m, instant);

        Assert.Equal(previous.Close, At(AtIst(date, 9, 14, 59)));
        Assert.Equal(day.Open, At(AtIst(date, 9, 15)));
        Assert.Equal(minutes[44].Close, At(AtIst(date, 10, 0)));
        Assert.Equal(day.Close, At(AtIst(date, 15, 30)));
        Assert.Equal(day.Close, At(AtIst(On(2024, 1, 26), 12, 0)));
        Assert.Equal(day.Close, At(AtIst(On(2024, 1, 29), 9, 0)));
        for (var second = 1; second < 60; second++)
        {
            Assert.InRange(At(AtIst(date, 10, 0, second)), minutes[45].Low, minutes[45].High);
        }
        Assert.Equal(At(AtIst(date, 10, 0, 17)), At(AtIst(date, 10, 0, 17).AddMilliseconds(900)));
    }

    [Fact]
    public void The_price_of_a_mutual_fund_is_the_last_nav_published_at_a_close()
    {
        var date = On(2024, 1, 25);
        var simulator = Simulator();
        var navs = simulator.DailyBars("PPFAS-FLEXI", SecurityType.MutualFund, 85m, On(2024, 1, 24), date).ToList();
        decimal At(DateTimeOffset instant) => simulator.PriceAt("PPFAS-FLEXI", SecurityType.MutualFund, 85m, instant);

        Assert.Equal(navs[0].Close, At(AtIst(date, 11, 0)));
        Assert.Equal(navs[0].Close, At(AtIst(date, 15, 29, 59)));
        Assert.Equal(navs[1].Close, At(AtIst(date, 15, 30)));
        Assert.Equal(navs[1].Close, At(AtIst(On(2024, 1, 27), 10, 0)));
    }

    [Fact]
    public void The_live_crypto_price_is_continuous_across_midnight()
    {
        var simulator = Simulator();
        var saturday = On(2024, 1, 27);
        var day = Assert.Single(simulator.DailyBars("BTCINR", SecurityType.Crypto, 5_000_000m, saturday, saturday));

        Assert.Equal(day.Close, simulator.PriceAt("BTCINR", SecurityType.Crypto, 5_000_000m, AtIst(saturday.AddDays(1), 0, 0)));
        Assert.Equal(day.Open, simulator.PriceAt("BTCINR", SecurityType.Crypto, 5_000_000m, AtIst(saturday, 0, 0)));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var simulator = Simulator();

        Assert.Throws<ArgumentException>(() => simulator.DailyBars(" ", SecurityType.Stock, 100m, Anchor, Anchor));
        Assert.Throws<ArgumentOutOfRangeException>(() => simulator.DailyBars("X", SecurityType.Stock, 0m, Anchor, Anchor));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulationProfile.For((SecurityType)99));
        Assert.Empty(simulator.DailyBars("X", SecurityType.Stock, 100m, Anchor, Anchor.AddDays(-1)));
    }
}
