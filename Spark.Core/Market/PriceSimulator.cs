namespace Spark.Core.Market;

/// <summary>A simulated bar: a trading day's (Start = the session's open) or one minute's (Start = the minute).</summary>
public sealed record SimBar(
    DateTimeOffset Start,
    DateOnly TradeDate,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Close,
    long Volume);

/// <summary>
/// A simulated market: geometric Brownian motion per security, a pure function of (seed, anchor date, symbol,
/// type, anchor price, date). Every random number is a hash of (seed, symbol, stream, day, index), never the
/// state of a generator, so a bar is the same whenever, wherever and in whichever order it is computed.
/// </summary>
/// <remarks>
/// The daily close on the anchor date (or the last trading day before it) is the anchor price; other closes
/// sum the daily log-returns from there, forwards or backwards. The sums are kept in fixed point (units of
/// 2⁻⁴⁰) so that a day's close is exactly the same whether it was reached from the anchor, from the start of
/// a long range or from the start of a short one. Intraday, a Brownian bridge runs from the day's open to its
/// close, stretched to touch the day's high and low but never past them. Symbols are compared ordinally.
/// Results are reproducible on one platform; <see cref="Math.Exp"/> is not guaranteed to agree to the last bit
/// across runtimes, which could move a rounded price by one tick.
/// </remarks>
public sealed class PriceSimulator
{
    private const double LogUnit = 1.0 / (1L << 40);
    private const double TwoPi = 2 * Math.PI;

    // How far the day's bridge may be stretched to reach the high or low drawn for the day; past this the
    // minutes stay inside the day's range without touching its extreme, which looks better than a spike.
    private const double MaxBridgeStretch = 3;

    // A minute's wick and a second's wiggle, as shares of one minute's volatility.
    private const double WickShare = 0.5;
    private const double WiggleShare = 0.35;

    private const double MaxTicks = 1e15;

    private readonly ulong _seedKey;

    public PriceSimulator(long seed, DateOnly anchorDate)
    {
        Seed = seed;
        AnchorDate = anchorDate;
        _seedKey = Mix(unchecked((ulong)seed) ^ 0x5350_4152_4B2D_5349UL);
    }

    public long Seed { get; }

    /// <summary>The date whose close is the anchor price passed to each call.</summary>
    public DateOnly AnchorDate { get; }

    /// <summary>
    /// Daily bars from <paramref name="from"/> to <paramref name="to"/> (inclusive): trading days for
    /// exchange-traded instruments and mutual funds (whose bar is the NAV: open = high = low = close), every day
    /// for crypto. A bar's high and low contain every minute of that day's <see cref="MinuteBars"/>. The bar of a
    /// day still in progress is the whole day's, close included: today's bar so far is built from the minute bars.
    /// </summary>
    public IEnumerable<SimBar> DailyBars(string symbol, SecurityType type, decimal anchorPrice, DateOnly from, DateOnly to)
    {
        var series = Series(symbol, type, anchorPrice);
        var days = Days(series, from, to);
        var bars = new SimBar[days.Count];
        for (var i = 0; i < bars.Length; i++)
        {
            bars[i] = days[i].Bar;
        }
        return bars;
    }

    /// <summary>
    /// The one-minute bars of the session on <paramref name="tradeDate"/> (09:15–15:30 IST, or 00:00–24:00 IST
    /// for crypto) that have finished by <paramref name="upTo"/>. The last bar of a whole session closes at the
    /// day's close. None for a mutual fund, or for a day the instrument does not trade.
    /// </summary>
    public IEnumerable<SimBar> MinuteBars(string symbol, SecurityType type, decimal anchorPrice, DateOnly tradeDate, DateTimeOffset upTo)
    {
        var series = Series(symbol, type, anchorPrice);
        if (!MarketCalendar.HasIntraday(type) || !MarketCalendar.TradesOn(type, tradeDate))
        {
            return [];
        }
        var session = MarketCalendar.SessionOn(type, tradeDate)!;
        var finished = (int)Math.Clamp(Math.Floor((upTo - session.Open).TotalMinutes), 0, session.Length.TotalMinutes);
        if (finished == 0)
        {
            return [];
        }
        var path = Intraday(series, Days(series, tradeDate, tradeDate)[0], session);
        var bars = new SimBar[finished];
        for (var k = 0; k < finished; k++)
        {
            bars[k] = new(
                session.Open.AddMinutes(k), tradeDate, path.Points[k], path.Highs[k], path.Lows[k], path.Points[k + 1], path.Volumes[k]);
        }
        return bars;
    }

    /// <summary>
    /// The price at an instant, to the second: inside the session, between the minute points of
    /// <see cref="MinuteBars"/> with a small wiggle and within that minute's high and low; outside it, the last
    /// close. For a mutual fund, the last NAV published (a trading day's NAV is published at its close).
    /// </summary>
    public decimal PriceAt(string symbol, SecurityType type, decimal anchorPrice, DateTimeOffset instant)
    {
        var series = Series(symbol, type, anchorPrice);
        var date = MarketCalendar.IstDate(instant);
        var session = MarketCalendar.TradesOn(type, date) ? MarketCalendar.SessionOn(type, date)! : null;
        if (session is null || instant < session.Open || (!MarketCalendar.HasIntraday(type) && instant < session.Close))
        {
            return CloseOn(series, PreviousDay(type, date));
        }
        if (instant >= session.Close)
        {
            return CloseOn(series, date);
        }

        var elapsed = (instant - session.Open).Ticks / TimeSpan.TicksPerSecond;
        var minute = (int)(elapsed / 60);
        var second = (int)(elapsed % 60);
        var path = Intraday(series, Days(series, date, date)[0], session);
        if (second == 0)
        {
            return path.Points[minute];
        }

        var fraction = second / 60.0;
        var from = Math.Log((double)path.Points[minute]);
        var to = Math.Log((double)path.Points[minute + 1]);
        var wiggle = WiggleShare * path.MinuteVolatility * 2 * Math.Sqrt(fraction * (1 - fraction))
            * Normal(Draw(series.Key, Channel.Wiggle, date.DayNumber, (minute * 60) + second));
        var price = ToPrice(series, Math.Exp(from + ((to - from) * fraction) + wiggle));
        return Math.Clamp(price, path.Lows[minute], path.Highs[minute]);
    }

    private static decimal CloseOn(SeriesKey series, DateOnly date) => Days(series, date, date)[0].Bar.Close;

    // The last day before this one that has a bar of its own.
    private static DateOnly PreviousDay(SecurityType type, DateOnly date) =>
        type == SecurityType.Crypto ? date.AddDays(-1) : MarketCalendar.PreviousTradingDay(date);

    // The last day on or before this one that has a bar (a date that is not a trading day carries the last close).
    private static DateOnly DayOnOrBefore(SecurityType type, DateOnly date) =>
        MarketCalendar.TradesOn(type, date) ? date : PreviousDay(type, date);

    private SeriesKey Series(string symbol, SecurityType type, decimal anchorPrice)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(anchorPrice);
        var profile = SimulationProfile.For(type);

        // FNV-1a over the UTF-16 code units: stable across processes, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        foreach (var c in symbol)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }
        var key = Mix(_seedKey ^ Mix(hash));
        var anchorDay = DayOnOrBefore(type, AnchorDate);
        return new(key, type, profile, profile.PeriodLogDrift, profile.PeriodVolatility, (double)anchorPrice, 1 / (double)profile.Tick, anchorDay);
    }

    // The days of [from, to] with a bar, each with its close reached by one walk from the anchor.
    private static List<Day> Days(SeriesKey series, DateOnly from, DateOnly to)
    {
        var days = new List<Day>();
        if (from > to)
        {
            return days;
        }

        // The last bar before `from`, whether or not `from` has one itself: the first bar opens from its close.
        var previous = PreviousDay(series.Type, from);
        var sum = SumTo(series, previous);
        var profile = series.Profile;
        var sigma = profile.PeriodVolatility;
        var intradaySigma = sigma * Math.Sqrt(1 - (profile.GapShare * profile.GapShare));
        var liquidity = Math.Exp(0.6 * Normal(Draw(series.Key, Channel.Liquidity, 0, 0)));
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            if (!MarketCalendar.TradesOn(series.Type, date))
            {
                continue;
            }
            var day = date.DayNumber;
            var y0 = sum * LogUnit;
            var step = Step(series, day);
            sum += step;
            var close = sum * LogUnit;
            var closePrice = ToPrice(series, series.AnchorPrice * Math.Exp(close));
            var start = MarketCalendar.SessionOn(series.Type, date)!.Open;

            if (series.Type == SecurityType.MutualFund)
            {
                days.Add(new(new(start, date, closePrice, closePrice, closePrice, closePrice, 0), close, close, close, close, intradaySigma));
                continue;
            }

            var open = y0 + (profile.GapShare * sigma * Normal(Draw(series.Key, Channel.Gap, day, 0)));
            // The maximum of a Brownian bridge from a to b with variance s² has P(M > m) = exp(−2(m − a)(m − b)/s²):
            // drawing the day's high and low from it gives candles of the right shape without walking the minutes.
            var move = close - open;
            var high = (open + close + Math.Sqrt((move * move) - (2 * intradaySigma * intradaySigma * Math.Log(Uniform(Draw(series.Key, Channel.High, day, 0)))))) / 2;
            var low = (open + close - Math.Sqrt((move * move) - (2 * intradaySigma * intradaySigma * Math.Log(Uniform(Draw(series.Key, Channel.Low, day, 0)))))) / 2;

            var openPrice = ToPrice(series, series.AnchorPrice * Math.Exp(open));
            var highPrice = Math.Max(ToPrice(series, series.AnchorPrice * Math.Exp(high)), Math.Max(openPrice, closePrice));
            var lowPrice = Math.Min(ToPrice(series, series.AnchorPrice * Math.Exp(low)), Math.Min(openPrice, closePrice));

            // Turnover in rupees, busier on big moves, converted to units at the close.
            var activity = 1 + (0.5 * Math.Abs(close - y0) / sigma);
            var turnover = (double)profile.DailyTurnover * liquidity * activity * Math.Exp(0.35 * Normal(Draw(series.Key, Channel.Volume, day, 0)));
            var volume = (long)Math.Max(1, Math.Round(turnover / (double)closePrice));

            days.Add(new(new(start, date, openPrice, highPrice, lowPrice, closePrice, volume), open, close, high, low, intradaySigma));
        }
        return days;
    }

    // The fixed-point log-return sum from the anchor day to the day (0 on the anchor day; negative sums before it).
    private static long SumTo(SeriesKey series, DateOnly date)
    {
        long sum = 0;
        if (date >= series.AnchorDay)
        {
            for (var d = series.AnchorDay.AddDays(1); d <= date; d = d.AddDays(1))
            {
                if (MarketCalendar.TradesOn(series.Type, d))
                {
                    sum += Step(series, d.DayNumber);
                }
            }
        }
        else
        {
            for (var d = series.AnchorDay; d > date; d = d.AddDays(-1))
            {
                if (MarketCalendar.TradesOn(series.Type, d))
                {
                    sum -= Step(series, d.DayNumber);
                }
            }
        }
        return sum;
    }

    // One period's log-return, (μ − σ²/2)Δt + σ√Δt·Z, in fixed point.
    private static long Step(SeriesKey series, int day)
    {
        var step = series.Drift + (series.Volatility * Normal(Draw(series.Key, Channel.Return, day, 0)));
        return (long)Math.Round(step / LogUnit);
    }

    private static IntradayPath Intraday(SeriesKey series, Day day, MarketSession session)
    {
        var minutes = (int)session.Length.TotalMinutes;
        var dayNumber = day.Bar.TradeDate.DayNumber;
        var sigma = day.IntradaySigma;

        // A random walk of unit variance over the session, pinned to zero at both ends.
        var walk = new double[minutes + 1];
        var stepScale = 1 / Math.Sqrt(minutes);
        for (var k = 1; k <= minutes; k++)
        {
            walk[k] = walk[k - 1] + (stepScale * Normal(Draw(series.Key, Channel.Minute, dayNumber, k)));
        }
        var end = walk[minutes];
        var line = new double[minutes + 1];
        var up = MaxBridgeStretch;
        var down = MaxBridgeStretch;
        for (var k = 0; k <= minutes; k++)
        {
            var t = (double)k / minutes;
            walk[k] = sigma * (walk[k] - (t * end));
            line[k] = day.Open + ((day.Close - day.Open) * t);
            // Stretch each side of the bridge as far as it goes before it would cross the day's high or low.
            if (walk[k] > 0)
            {
                up = Math.Min(up, Math.Max(0, day.High - line[k]) / walk[k]);
            }
            else if (walk[k] < 0)
            {
                down = Math.Min(down, Math.Max(0, line[k] - day.Low) / -walk[k]);
            }
        }

        var bar = day.Bar;
        var points = new decimal[minutes + 1];
        points[0] = bar.Open;
        points[minutes] = bar.Close;
        for (var k = 1; k < minutes; k++)
        {
            var y = Math.Clamp(line[k] + (walk[k] * (walk[k] > 0 ? up : down)), day.Low, day.High);
            points[k] = Math.Clamp(ToPrice(series, series.AnchorPrice * Math.Exp(y)), bar.Low, bar.High);
        }

        var minuteSigma = sigma * stepScale;
        var highs = new decimal[minutes];
        var lows = new decimal[minutes];
        var weights = new double[minutes + 1];
        for (var k = 0; k < minutes; k++)
        {
            var top = Math.Max(points[k], points[k + 1]);
            var bottom = Math.Min(points[k], points[k + 1]);
            var wick = WickShare * minuteSigma;
            var upper = ToPrice(series, (double)top * Math.Exp(wick * Math.Abs(Normal(Draw(series.Key, Channel.MinuteHigh, dayNumber, k)))));
            var lower = ToPrice(series, (double)bottom * Math.Exp(-wick * Math.Abs(Normal(Draw(series.Key, Channel.MinuteLow, dayNumber, k)))));
            highs[k] = Math.Clamp(upper, top, bar.High);
            lows[k] = Math.Clamp(lower, bar.Low, bottom);

            // Exchange volume is U-shaped over the session (busy open and close); crypto's has no such rhythm.
            var centred = (2.0 * (k + 0.5) / minutes) - 1;
            var shape = series.Type == SecurityType.Crypto ? 1 : 1 + (2 * centred * centred);
            weights[k + 1] = weights[k] + (shape * Math.Exp(0.4 * Normal(Draw(series.Key, Channel.MinuteVolume, dayNumber, k))));
        }

        // Cumulative rounding: the minute volumes add up to the day's exactly.
        var volumes = new long[minutes];
        var total = weights[minutes];
        long before = 0;
        for (var k = 0; k < minutes; k++)
        {
            var after = k == minutes - 1 ? bar.Volume : (long)Math.Round(bar.Volume * (weights[k + 1] / total));
            volumes[k] = after - before;
            before = after;
        }
        return new(points, highs, lows, volumes, minuteSigma);
    }

    private static decimal ToPrice(SeriesKey series, double price)
    {
        var ticks = Math.Clamp(Math.Round(price * series.TicksPerRupee, MidpointRounding.AwayFromZero), 1, MaxTicks);
        return (long)ticks * series.Profile.Tick;
    }

    // SplitMix64's finaliser: a bijection on 64 bits that spreads every input bit over the output.
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private static ulong Draw(ulong key, Channel channel, int day, int index)
    {
        unchecked
        {
            var h = Mix(key + ((ulong)channel * 0x9E3779B97F4A7C15UL));
            h = Mix(h ^ (uint)day);
            return Mix(h + ((ulong)(uint)index * 0x9E3779B97F4A7C15UL));
        }
    }

    // A uniform in the open interval (0, 1) from the top 53 bits.
    private static double Uniform(ulong bits) => ((bits >> 11) + 0.5) * (1.0 / (1UL << 53));

    // Box–Muller from two independent uniforms derived from one draw.
    private static double Normal(ulong bits)
    {
        var u1 = Uniform(bits);
        var u2 = Uniform(Mix(bits ^ 0xD6E8FEB86659FD93UL));
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(TwoPi * u2);
    }

    private enum Channel
    {
        Return = 1,
        Gap,
        High,
        Low,
        Volume,
        Liquidity,
        Minute,
        MinuteHigh,
        MinuteLow,
        MinuteVolume,
        Wiggle,
    }

    private sealed record SeriesKey(
        ulong Key,
        SecurityType Type,
        SimulationProfile Profile,
        double Drift,
        double Volatility,
        double AnchorPrice,
        double TicksPerRupee,
        DateOnly AnchorDay);

    // A day's bar with its open, close, high and low as log-prices relative to the anchor.
    private sealed record Day(SimBar Bar, double Open, double Close, double High, double Low, double IntradaySigma);

    private sealed record IntradayPath(decimal[] Points, decimal[] Highs, decimal[] Lows, long[] Volumes, double MinuteVolatility);
}
