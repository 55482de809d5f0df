using Spark.Core.Analysis;

namespace Spark.Tests.Core;

/// <summary>The rule rules-2026-12 (decision 0060) on hand-made series: a steady rise, a crash, a flat line, too little history.</summary>
public class SecurityAnalyzerTests
{
    private static readonly DateOnly Start = new(2025, 1, 1);

    /// <summary>Bars whose closes are given; high and low half a per cent either side, open at the previous close.</summary>
    private static List<PriceBar> Bars(IEnumerable<double> closes)
    {
        var bars = new List<PriceBar>();
        var previous = double.NaN;
        foreach (var close in closes)
        {
            var open = double.IsNaN(previous) ? close : previous;
            bars.Add(new PriceBar(Start.AddDays(bars.Count), open, Math.Max(open, close) * 1.005, Math.Min(open, close) * 0.995, close));
            previous = close;
        }

        return bars;
    }

    private static SecurityAnalysis Analyse(IEnumerable<double> closes) =>
        SecurityAnalyzer.Analyse(new SecurityAnalysisInput(Bars(closes), null, 0.055));

    [Fact]
    public void A_steady_rise_is_a_buy_held_back_by_its_overbought_RSI_and_its_price()
    {
        // 300 sessions up 0.2 % a day: above every average, RSI 100, MACD over its signal: health 100. Within a hair of
        // the top of its 52-week range (the last high is the close + 0.5 %) and ~22 % over its 200-day average:
        // valuation about 0. Composite 0.7 × 100 + 0.3 × ~0 = ~70: buy (60 to 75).
        var a = Analyse(Enumerable.Range(0, 300).Select(i => 100 * Math.Pow(1.002, i)));
        Assert.Equal(100, a.Health.Value);
        Assert.InRange(a.Valuation.Value!.Value, 0, 2);
        Assert.Equal(0, a.Valuation.Parts.Single(p => p.Name == "Against 200-day average").Value);
        Assert.InRange(a.Composite!.Value, 70, 71);
        Assert.Equal(Recommendation.Buy, a.Recommendation);
        Assert.Contains(a.Cons, c => c.StartsWith("RSI 100.0: overbought", StringComparison.Ordinal));
        Assert.Contains(a.Pros, p => p.Contains("above its 200-day average", StringComparison.Ordinal));
        Assert.Contains(a.Cons, c => c.StartsWith("Near its 52-week high", StringComparison.Ordinal));
        // Target and stop-loss: the close ± 3 and 2 ATRs.
        var close = a.Indicators.Close!.Value;
        var atr = a.Indicators.Atr14!.Value;
        Assert.Equal(Math.Round((decimal)(close + 3 * atr), 2), a.TargetPrice);
        Assert.Equal(Math.Round((decimal)(close - 2 * atr), 2), a.StopLoss);
        Assert.DoesNotContain(a.NotEnoughData, n => !n.StartsWith("beta", StringComparison.Ordinal) && !n.StartsWith("P/E", StringComparison.Ordinal)
            && !n.StartsWith("dividend", StringComparison.Ordinal));
        Assert.Contains("= 0.7 × health 100.0 + 0.3 × valuation", a.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crash_is_a_sell_with_its_drawdown_and_downtrend_as_cons()
    {
        // 250 sessions flat at 100, then 30 sessions down 2 % a day (to ~54.5): below every average, RSI near 0, MACD
        // under its signal: health 0. At the bottom of its range, far below its 200-day average: valuation 100.
        // Composite 0.7 × 0 + 0.3 × 100 = 30: sell (above 25).
        var closes = Enumerable.Repeat(100.0, 250).Concat(Enumerable.Range(1, 30).Select(i => 100 * Math.Pow(0.98, i)));
        var a = Analyse(closes);
        Assert.Equal(0, a.Health.Value);
        Assert.InRange(a.Valuation.Value!.Value, 99, 100);
        Assert.Equal(Recommendation.Sell, a.Recommendation);
        Assert.Contains(a.Cons, c => c.StartsWith("Fell 45.5 % from a peak within the year", StringComparison.Ordinal));
        Assert.Contains(a.Cons, c => c.Contains("below its 200-day average", StringComparison.Ordinal));
        Assert.Contains(a.Pros, p => p.StartsWith("RSI 0.0: oversold", StringComparison.Ordinal));
        // A sell's target is below the close and its stop-loss above.
        Assert.True(a.TargetPrice < (decimal)a.Indicators.Close!.Value && a.StopLoss > (decimal)a.Indicators.Close.Value);
        Assert.True(a.Risk.Value > 30);
    }

    [Fact]
    public void A_flat_line_is_a_hold_with_no_risk()
    {
        // Constant 100: price level with its averages (50 each), RSI 50, MACD 0 (50): health 50. Mid-range (50) and level
        // with its 200-day average (50): valuation 50. Composite 50: hold. No volatility, no drawdown: risk 0.
        var a = Analyse(Enumerable.Repeat(100.0, 260));
        Assert.Equal(50, a.Health.Value);
        Assert.Equal(50, a.Valuation.Value);
        Assert.Equal(Recommendation.Hold, a.Recommendation);
        Assert.Equal(0, a.Risk.Value);
        Assert.DoesNotContain(a.Pros, p => p.StartsWith("RSI", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_little_history_says_not_enough_data_instead_of_guessing()
    {
        // 10 sessions: no RSI (needs 15 closes), no averages, no MACD: no health, so no recommendation, target or stop.
        var few = Analyse(Enumerable.Range(0, 10).Select(i => 100.0 + i));
        Assert.Null(few.Indicators.Rsi14);
        Assert.Null(few.Health.Value);
        Assert.Null(few.Recommendation);
        Assert.Null(few.TargetPrice);
        Assert.Contains("RSI 14 (needs 15 sessions)", few.NotEnoughData);
        Assert.Contains("No recommendation", few.Reasoning, StringComparison.Ordinal);

        // 100 sessions: the 200-day parts are missing and named; the rest of health stands, so there is a recommendation.
        var some = Analyse(Enumerable.Range(0, 100).Select(i => 100.0 + (i % 7) - (i % 3)));
        Assert.Null(some.Indicators.Sma200);
        Assert.NotNull(some.Indicators.Rsi14);
        Assert.Contains("the 200-day average (needs 200 sessions)", some.NotEnoughData);
        Assert.Contains(some.Health.Parts, p => p.Name == "Trend" && p.Value is not null);
        Assert.NotNull(some.Recommendation);
        Assert.Equal("not enough data", some.Valuation.Parts.Single(p => p.Name == "P/E").Basis);
    }

    [Fact]
    public void Price_earnings_and_dividend_yield_count_only_when_the_security_has_them()
    {
        var bars = Bars(Enumerable.Repeat(100.0, 260));
        var without = SecurityAnalyzer.Analyse(new SecurityAnalysisInput(bars, null, 0.055));
        // P/E 10 scores 100 and a 4 % yield 100: with the two 50s of a flat line, valuation (50 + 50 + 100 + 100) / 4 = 75.
        var with = SecurityAnalyzer.Analyse(new SecurityAnalysisInput(bars, null, 0.055, PriceEarnings: 10, DividendYield: 0.04));
        Assert.Equal(50, without.Valuation.Value);
        Assert.Equal(75, with.Valuation.Value);
        Assert.Contains("P/E (not in the security's data)", without.NotEnoughData);
    }

    [Fact]
    public void Beta_comes_from_the_index_closes_on_the_same_dates()
    {
        // The security moves exactly twice the index's daily return: beta 2, scored 100, a con citing it.
        var index = new Dictionary<DateOnly, double>();
        var closes = new List<double>();
        double level = 1000, price = 100;
        for (var i = 0; i < 120; i++)
        {
            var r = i % 3 == 0 ? 0.01 : -0.004;
            if (i > 0) { level *= 1 + r; price *= 1 + 2 * r; }
            index[Start.AddDays(i)] = level;
            closes.Add(price);
        }

        var a = SecurityAnalyzer.Analyse(new SecurityAnalysisInput(Bars(closes), index, 0.055));
        Assert.Equal(2, a.Indicators.Beta!.Value, 9);
        Assert.Contains(a.Cons, c => c.StartsWith("Beta 2.00: moves more than NIFTY 50", StringComparison.Ordinal));
        Assert.Equal(100, a.Risk.Parts.Single(p => p.Name == "Beta").Value);
    }
}
