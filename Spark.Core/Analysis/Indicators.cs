namespace Spark.Core.Analysis;

/// <summary>One day's prices for the indicators: statistics, so <c>double</c> (decision 0060).</summary>
public readonly record struct PriceBar(DateOnly Date, double Open, double High, double Low, double Close);

/// <summary>The MACD line, its signal line and their difference (the histogram), aligned with the closes.</summary>
public sealed record MacdSeries(double[] Line, double[] Signal, double[] Histogram);

/// <summary>Bollinger Bands: the middle band (an SMA) and the bands k standard deviations either side.</summary>
public sealed record BandSeries(double[] Middle, double[] Upper, double[] Lower);

/// <summary>The stochastic oscillator: %K and its moving average %D.</summary>
public sealed record StochasticSeries(double[] K, double[] D);

/// <summary>
/// Technical indicators over daily bars, written here rather than taken from a library (none is among the packages
/// Spark may use). Pure functions with no I/O. Every series is as long as its input, NaN where the indicator is not yet
/// defined (too few bars before it), so a chart or a rule can line them up by index.
/// <para>
/// <c>double</c>, not <c>decimal</c>: indicators are statistics over prices (square roots, logarithms, ratios), not
/// amounts of money; double's 15–16 significant digits are far beyond the two decimals they are shown with, and
/// decimal would be an order of magnitude slower for the 500 × 10-year benchmark. Values are rounded only for display.
/// </para>
/// </summary>
public static class Indicators
{
    /// <summary>Trading days in a year, for annualising daily figures (the usual convention for Indian equities).</summary>
    public const int TradingDaysPerYear = 252;

    /// <summary>Simple moving average: the mean of the last <paramref name="period"/> values (StockCharts ChartSchool, "Moving Averages").</summary>
    public static double[] Sma(ReadOnlySpan<double> values, int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        var result = Filled(values.Length);
        var start = FirstDefined(values);
        double sum = 0;
        for (var i = start; i < values.Length; i++)
        {
            sum += values[i];
            if (i - start >= period) sum -= values[i - period];
            if (i - start >= period - 1) result[i] = sum / period;
        }

        return result;
    }

    /// <summary>
    /// Exponential moving average with multiplier 2 / (period + 1), seeded with the SMA of the first
    /// <paramref name="period"/> values (StockCharts ChartSchool, "Moving Averages": "an SMA is used as the previous
    /// period's EMA in the first calculation"). Leading NaNs are skipped, so an EMA of an EMA (MACD's signal) works.
    /// </summary>
    public static double[] Ema(ReadOnlySpan<double> values, int period) => Smoothed(values, period, 2.0 / (period + 1));

    /// <summary>
    /// Wilder's smoothing (his "accumulative" average): the first value is the SMA of <paramref name="period"/> values,
    /// then each is (previous × (n − 1) + current) / n, an EMA with multiplier 1 / n (Wilder, "New Concepts in Technical
    /// Trading Systems", 1978, as used for RSI and ATR).
    /// </summary>
    public static double[] WilderSmooth(ReadOnlySpan<double> values, int period) => Smoothed(values, period, 1.0 / period);

    /// <summary>
    /// Relative strength index with Wilder's smoothing: average gain and loss over the first <paramref name="period"/>
    /// changes are simple means, later ones (previous × 13 + current) / 14; RSI = 100 − 100 / (1 + gain / loss).
    /// The first value is at index <paramref name="period"/> (it needs period + 1 closes). No losses gives 100; a flat
    /// series (no gains and no losses) gives 50, neither overbought nor oversold.
    /// </summary>
    public static double[] Rsi(ReadOnlySpan<double> closes, int period = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        var result = Filled(closes.Length);
        if (closes.Length <= period) return result;
        double gain = 0, loss = 0;
        for (var i = 1; i <= period; i++)
        {
            var change = closes[i] - closes[i - 1];
            if (change > 0) gain += change; else loss -= change;
        }

        gain /= period;
        loss /= period;
        result[period] = RsiOf(gain, loss);
        for (var i = period + 1; i < closes.Length; i++)
        {
            var change = closes[i] - closes[i - 1];
            gain = (gain * (period - 1) + Math.Max(change, 0)) / period;
            loss = (loss * (period - 1) + Math.Max(-change, 0)) / period;
            result[i] = RsiOf(gain, loss);
        }

        return result;
    }

    /// <summary>
    /// MACD (Appel): EMA(fast) − EMA(slow) of the closes, its signal an EMA(signal) of that line, the histogram the
    /// line minus the signal (StockCharts ChartSchool, "MACD"). With 12/26/9 the line starts at index 25, the signal at 33.
    /// </summary>
    public static MacdSeries Macd(ReadOnlySpan<double> closes, int fast = 12, int slow = 26, int signal = 9)
    {
        var fastEma = Ema(closes, fast);
        var slowEma = Ema(closes, slow);
        var line = new double[closes.Length];
        for (var i = 0; i < line.Length; i++) line[i] = fastEma[i] - slowEma[i];
        var signalLine = Ema(line, signal);
        var histogram = new double[closes.Length];
        for (var i = 0; i < histogram.Length; i++) histogram[i] = line[i] - signalLine[i];
        return new MacdSeries(line, signalLine, histogram);
    }

    /// <summary>
    /// Bollinger Bands: middle = SMA(period), bands = middle ± k × the <b>population</b> standard deviation of the same
    /// <paramref name="period"/> closes (divided by n, not n − 1), as Bollinger defines them ("Bollinger on Bollinger
    /// Bands", 2001) and StockCharts ChartSchool's worked spreadsheet computes them.
    /// </summary>
    public static BandSeries Bollinger(ReadOnlySpan<double> closes, int period = 20, double k = 2)
    {
        var middle = Sma(closes, period);
        var upper = Filled(closes.Length);
        var lower = Filled(closes.Length);
        for (var i = period - 1; i < closes.Length; i++)
        {
            if (double.IsNaN(middle[i])) continue;
            double squares = 0;
            for (var j = i - period + 1; j <= i; j++)
            {
                var d = closes[j] - middle[i];
                squares += d * d;
            }

            var deviation = Math.Sqrt(squares / period);
            upper[i] = middle[i] + k * deviation;
            lower[i] = middle[i] - k * deviation;
        }

        return new BandSeries(middle, upper, lower);
    }

    /// <summary>
    /// True range: the greatest of high − low, |high − previous close|, |low − previous close|; the first bar, with no
    /// previous close, is its high − low (Wilder; StockCharts ChartSchool, "Average True Range").
    /// </summary>
    public static double[] TrueRange(IReadOnlyList<PriceBar> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var result = new double[bars.Count];
        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            result[i] = i == 0
                ? b.High - b.Low
                : Math.Max(b.High - b.Low, Math.Max(Math.Abs(b.High - bars[i - 1].Close), Math.Abs(b.Low - bars[i - 1].Close)));
        }

        return result;
    }

    /// <summary>Average true range: Wilder's smoothing of the true range; the first value (index period − 1) is the mean of the first <paramref name="period"/> true ranges.</summary>
    public static double[] Atr(IReadOnlyList<PriceBar> bars, int period = 14) => WilderSmooth(TrueRange(bars), period);

    /// <summary>
    /// The stochastic oscillator (Lane), fast form: %K = (close − lowest low) / (highest high − lowest low) × 100 over
    /// <paramref name="period"/> bars, %D = SMA(<paramref name="smoothing"/>) of %K (StockCharts ChartSchool, "Stochastic
    /// Oscillator (Fast, Slow, and Full)"). A bar range of zero (a flat market) gives %K = 50.
    /// </summary>
    public static StochasticSeries Stochastic(IReadOnlyList<PriceBar> bars, int period = 14, int smoothing = 3)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var k = Filled(bars.Count);
        for (var i = period - 1; i < bars.Count; i++)
        {
            double high = double.MinValue, low = double.MaxValue;
            for (var j = i - period + 1; j <= i; j++)
            {
                high = Math.Max(high, bars[j].High);
                low = Math.Min(low, bars[j].Low);
            }

            k[i] = high > low ? (bars[i].Close - low) / (high - low) * 100 : 50;
        }

        return new StochasticSeries(k, Sma(k, smoothing));
    }

    /// <summary>
    /// Annualised volatility of the last <paramref name="lookback"/> daily <b>log</b> returns: their sample standard
    /// deviation (n − 1) × √252. Log returns add over time and are the usual choice for volatility. Null below 20 returns.
    /// </summary>
    public static double? AnnualisedVolatility(ReadOnlySpan<double> closes, int lookback = TradingDaysPerYear)
    {
        var returns = LogReturns(Tail(closes, lookback + 1));
        if (returns.Length < 20) return null;
        return StandardDeviation(returns) * Math.Sqrt(TradingDaysPerYear);
    }

    /// <summary>The largest fall from a running peak to a later trough, as a positive fraction (0.25 = 25 % down); 0 for a series that never fell; null for no closes.</summary>
    public static double? MaxDrawdown(ReadOnlySpan<double> closes)
    {
        if (closes.Length == 0) return null;
        double peak = closes[0], worst = 0;
        foreach (var c in closes)
        {
            if (c > peak) peak = c;
            if (peak > 0) worst = Math.Max(worst, (peak - c) / peak);
        }

        return worst;
    }

    /// <summary>
    /// Beta: covariance of the security's daily simple returns with the index's over the same days, divided by the
    /// variance of the index's. Pairs are given already matched by date. Null with fewer than 60 pairs, or a flat index.
    /// </summary>
    public static double? Beta(ReadOnlySpan<double> securityReturns, ReadOnlySpan<double> indexReturns)
    {
        if (securityReturns.Length != indexReturns.Length) throw new ArgumentException("Returns must be paired day by day.", nameof(indexReturns));
        if (securityReturns.Length < 60) return null;
        var meanS = Mean(securityReturns);
        var meanI = Mean(indexReturns);
        double covariance = 0, variance = 0;
        for (var i = 0; i < securityReturns.Length; i++)
        {
            covariance += (securityReturns[i] - meanS) * (indexReturns[i] - meanI);
            variance += (indexReturns[i] - meanI) * (indexReturns[i] - meanI);
        }

        return variance > 0 ? covariance / variance : null;
    }

    /// <summary>
    /// Sharpe ratio of the last <paramref name="lookback"/> daily simple returns, annualised: (mean − rf / 252) / sample
    /// standard deviation × √252. Null below 20 returns or with no variation.
    /// </summary>
    public static double? Sharpe(ReadOnlySpan<double> closes, double riskFreeRate, int lookback = TradingDaysPerYear)
    {
        var returns = SimpleReturns(Tail(closes, lookback + 1));
        if (returns.Length < 20) return null;
        var deviation = StandardDeviation(returns);
        if (deviation <= 0) return null;
        return (Mean(returns) - riskFreeRate / TradingDaysPerYear) / deviation * Math.Sqrt(TradingDaysPerYear);
    }

    /// <summary>
    /// Sortino ratio: as <see cref="Sharpe"/> but divided by the downside deviation, √(mean of min(0, r − rf/252)²) over
    /// every day (Sortino and Price, 1994, target = the risk-free rate). Null below 20 returns or with no day below the target.
    /// </summary>
    public static double? Sortino(ReadOnlySpan<double> closes, double riskFreeRate, int lookback = TradingDaysPerYear)
    {
        var returns = SimpleReturns(Tail(closes, lookback + 1));
        if (returns.Length < 20) return null;
        var target = riskFreeRate / TradingDaysPerYear;
        double squares = 0;
        foreach (var r in returns)
        {
            var shortfall = Math.Min(0, r - target);
            squares += shortfall * shortfall;
        }

        var downside = Math.Sqrt(squares / returns.Length);
        if (downside <= 0) return null;
        return (Mean(returns) - target) / downside * Math.Sqrt(TradingDaysPerYear);
    }

    /// <summary>The lowest low and highest high of the bars in the 52 weeks (364 days) up to the last bar; null for no bars.</summary>
    public static (double Low, double High)? Range52Weeks(IReadOnlyList<PriceBar> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (bars.Count == 0) return null;
        var since = bars[^1].Date.AddDays(-364);
        double low = double.MaxValue, high = double.MinValue;
        for (var i = bars.Count - 1; i >= 0 && bars[i].Date >= since; i--)
        {
            low = Math.Min(low, bars[i].Low);
            high = Math.Max(high, bars[i].High);
        }

        return (low, high);
    }

    public static double[] SimpleReturns(ReadOnlySpan<double> closes)
    {
        if (closes.Length < 2) return [];
        var result = new double[closes.Length - 1];
        for (var i = 1; i < closes.Length; i++) result[i - 1] = closes[i] / closes[i - 1] - 1;
        return result;
    }

    public static double[] LogReturns(ReadOnlySpan<double> closes)
    {
        if (closes.Length < 2) return [];
        var result = new double[closes.Length - 1];
        for (var i = 1; i < closes.Length; i++) result[i - 1] = Math.Log(closes[i] / closes[i - 1]);
        return result;
    }

    /// <summary>The last defined value of a series, or null.</summary>
    public static double? Last(double[] series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series.Length > 0 && !double.IsNaN(series[^1]) ? series[^1] : null;
    }

    private static double RsiOf(double gain, double loss) =>
        loss == 0 ? (gain == 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);

    private static double[] Smoothed(ReadOnlySpan<double> values, int period, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        var result = Filled(values.Length);
        var start = FirstDefined(values);
        if (values.Length - start < period) return result;
        double seed = 0;
        for (var i = start; i < start + period; i++) seed += values[i];
        var previous = seed / period;
        result[start + period - 1] = previous;
        for (var i = start + period; i < values.Length; i++)
        {
            previous = (values[i] - previous) * alpha + previous;
            result[i] = previous;
        }

        return result;
    }

    private static int FirstDefined(ReadOnlySpan<double> values)
    {
        var i = 0;
        while (i < values.Length && double.IsNaN(values[i])) i++;
        return i;
    }

    private static ReadOnlySpan<double> Tail(ReadOnlySpan<double> values, int count) =>
        values.Length > count ? values[^count..] : values;

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return sum / values.Length;
    }

    private static double StandardDeviation(ReadOnlySpan<double> values)
    {
        var mean = Mean(values);
        double squares = 0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / (values.Length - 1));
    }

    private static double[] Filled(int length)
    {
        var result = new double[length];
        Array.Fill(result, double.NaN);
        return result;
    }
}
