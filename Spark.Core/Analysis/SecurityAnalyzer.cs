using System.Globalization;
using Spark.Core.Formatting;

namespace Spark.Core.Analysis;

/// <summary>What the rule reads: a security's daily bars (oldest first), the index's closes by date, what its metadata holds.</summary>
public sealed record SecurityAnalysisInput(
    IReadOnlyList<PriceBar> Bars,
    IReadOnlyDictionary<DateOnly, double>? IndexCloses,
    double RiskFreeRate,
    double? PriceEarnings = null,
    double? DividendYield = null,
    string IndexName = "NIFTY 50");

/// <summary>The latest value of every indicator; null where there were too few bars ("not enough data").</summary>
public sealed record IndicatorSnapshot(
    DateOnly? AsOf, int Bars, double? Close,
    double? Sma20, double? Sma50, double? Sma200, double? Ema20, double? Ema50, double? Ema200,
    double? Rsi14, double? Macd, double? MacdSignal, double? MacdHistogram,
    double? BollingerUpper, double? BollingerMiddle, double? BollingerLower,
    double? Atr14, double? StochasticK, double? StochasticD,
    double? Volatility, double? MaxDrawdown, double? Beta, double? Sharpe, double? Sortino,
    double? Week52Low, double? Week52High);

/// <summary>One part of a score: its name, its value 0–100 (null: not enough data), and what it was made of.</summary>
public sealed record ScorePart(string Name, double? Value, string Basis);

/// <summary>A 0–100 score (null when none of its parts had data) and its parts.</summary>
public sealed record Score(double? Value, IReadOnlyList<ScorePart> Parts);

/// <summary>
/// The rule's verdict; <see cref="Recommendation"/> null when the health score had too little data. <see cref="Explanation"/>
/// states the scores and what they were made of; <see cref="Reasoning"/> how they became the recommendation, its confidence,
/// target and stop-loss (left out wherever recommendations are switched off).
/// </summary>
public sealed record SecurityAnalysis(
    string RuleVersion,
    IndicatorSnapshot Indicators,
    Score Risk, Score Valuation, Score Health,
    double? Composite,
    Recommendation? Recommendation, double? Confidence,
    decimal? TargetPrice, decimal? StopLoss,
    IReadOnlyList<string> Pros, IReadOnlyList<string> Cons,
    string Explanation, string Reasoning,
    IReadOnlyList<string> NotEnoughData);

/// <summary>
/// The written rule of decision 0060 that turns indicators into three scores and a recommendation. Every number it
/// states is one it computed; a part without enough bars is left out and named, never guessed.
/// </summary>
public static class SecurityAnalyzer
{
    public const string RuleVersion = "rules-2026-12";

    /// <summary>Weights of the composite: health (trend and momentum) 0.7, valuation 0.3 (risk limits and colours the verdict).</summary>
    public const double HealthWeight = 0.7, ValuationWeight = 0.3;

    /// <summary>ATR multiples of the target and the stop-loss.</summary>
    public const double TargetAtr = 3, StopAtr = 2;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IndicatorSnapshot Snapshot(SecurityAnalysisInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bars = input.Bars;
        var closes = new double[bars.Count];
        for (var i = 0; i < closes.Length; i++) closes[i] = bars[i].Close;
        var macd = Indicators.Macd(closes);
        var bands = Indicators.Bollinger(closes);
        var stochastic = Indicators.Stochastic(bars);
        var range = Indicators.Range52Weeks(bars);
        // Risk figures over the last year of sessions; the drawdown too, so an old crash does not mark a security for ever.
        var year = closes.Length > Indicators.TradingDaysPerYear ? closes[^(Indicators.TradingDaysPerYear + 1)..] : closes;
        return new IndicatorSnapshot(
            bars.Count == 0 ? null : bars[^1].Date, bars.Count, bars.Count == 0 ? null : closes[^1],
            Indicators.Last(Indicators.Sma(closes, 20)), Indicators.Last(Indicators.Sma(closes, 50)), Indicators.Last(Indicators.Sma(closes, 200)),
            Indicators.Last(Indicators.Ema(closes, 20)), Indicators.Last(Indicators.Ema(closes, 50)), Indicators.Last(Indicators.Ema(closes, 200)),
            Indicators.Last(Indicators.Rsi(closes)),
            Indicators.Last(macd.Line), Indicators.Last(macd.Signal), Indicators.Last(macd.Histogram),
            Indicators.Last(bands.Upper), Indicators.Last(bands.Middle), Indicators.Last(bands.Lower),
            Indicators.Last(Indicators.Atr(bars)),
            Indicators.Last(stochastic.K), Indicators.Last(stochastic.D),
            year.Length >= 61 ? Indicators.AnnualisedVolatility(closes) : null,
            year.Length >= 61 ? Indicators.MaxDrawdown(year) : null,
            BetaOf(bars, input.IndexCloses),
            Indicators.Sharpe(closes, input.RiskFreeRate), Indicators.Sortino(closes, input.RiskFreeRate),
            range?.Low, range?.High);
    }

    public static SecurityAnalysis Analyse(SecurityAnalysisInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = Snapshot(input);
        var missing = new List<string>();
        var pros = new List<string>();
        var cons = new List<string>();

        // Risk: higher is riskier.
        var risk = Combine([
            Part("Volatility", x.Volatility, v => v / 0.60 * 100, v => $"annualised volatility {Pct(v)} (60 % or more scores 100)", missing, "volatility (needs 61 sessions)"),
            Part("Drawdown", x.MaxDrawdown, d => d / 0.50 * 100, d => $"largest fall within the year {Pct(d)} (50 % or more scores 100)", missing, "maximum drawdown (needs 61 sessions)"),
            Part("Beta", x.Beta, b => b / 2 * 100, b => $"beta {N(b)} against {input.IndexName} (2 or more scores 100)", missing, $"beta (needs 60 sessions of {input.IndexName} beside the security's)"),
        ], [0.4, 0.4, 0.2]);

        // Valuation: higher is cheaper, against the security's own history and, where held, its earnings and dividends.
        double? position = x is { Week52Low: { } lo, Week52High: { } hi, Close: { } c } && hi > lo && x.Bars >= 200 ? (c - lo) / (hi - lo) : null;
        double? premium = x is { Sma200: { } s200, Close: { } c2 } && s200 > 0 ? c2 / s200 - 1 : null;
        var valuation = Combine([
            Part("52-week range", position, p => (1 - p) * 100, p => $"price at {Pct(p)} of its 52-week range {R(x.Week52Low)}–{R(x.Week52High)} (the low scores 100)", missing, "52-week position (needs 200 sessions)"),
            Part("Against 200-day average", premium, p => 50 - p * 250, p => $"price {Pct(Math.Abs(p))} {(p >= 0 ? "above" : "below")} its 200-day average {R(x.Sma200)} (20 % below scores 100, 20 % above 0)", missing, "the 200-day average (needs 200 sessions)"),
            Part("P/E", input.PriceEarnings, pe => 100 - (pe - 10) * 2.5, pe => $"P/E {N(pe)} (10 or less scores 100, 50 or more 0)", missing, "P/E (not in the security's data)"),
            Part("Dividend yield", input.DividendYield, dy => dy / 0.04 * 100, dy => $"dividend yield {Pct(dy)} (4 % or more scores 100)", missing, "dividend yield (not in the security's data)"),
        ], [1, 1, 1, 1]);

        // Health: trend (price and averages) and momentum (RSI, MACD).
        static double Side(double a, double b) => a > b ? 100 : a < b ? 0 : 50;
        var trend = Combine([
            Part("Price vs 50-day", x is { Close: { } c50, Sma50: { } m50 } ? Side(c50, m50) : null, v => v, _ => $"price {R(x.Close)} {Relation(x.Close, x.Sma50)} its 50-day average {R(x.Sma50)}", missing, "the 50-day average (needs 50 sessions)"),
            Part("Price vs 200-day", x is { Close: { } c200, Sma200: { } m200 } ? Side(c200, m200) : null, v => v, _ => $"price {R(x.Close)} {Relation(x.Close, x.Sma200)} its 200-day average {R(x.Sma200)}", missing, null),
            Part("50-day vs 200-day", x is { Sma50: { } a, Sma200: { } b2 } ? Side(a, b2) : null, v => v, _ => $"50-day average {R(x.Sma50)} {Relation(x.Sma50, x.Sma200)} the 200-day {R(x.Sma200)}", missing, null),
        ], [1, 1, 1]);
        // A histogram within a millionth of the price is a flat line's rounding, not momentum.
        double? histogramSide = x is { MacdHistogram: { } h, Close: { } ch } ? (Math.Abs(h) <= ch * 1e-6 ? 50 : h > 0 ? 100 : 0) : null;
        var momentum = Combine([
            Part("RSI 14", x.Rsi14, r => r, r => $"RSI {N(r, 1)}", missing, "RSI 14 (needs 15 sessions)"),
            Part("MACD histogram", histogramSide, v => v, _ => $"MACD {N(x.Macd ?? 0)} {Relation(x.Macd, x.MacdSignal, 1e-6 * (x.Close ?? 1))} its signal {N(x.MacdSignal ?? 0)}", missing, "MACD 12/26/9 (needs 34 sessions)"),
        ], [1, 1]);
        var health = new Score(WeightedMean([(trend.Value, 0.5), (momentum.Value, 0.5)]),
            [new ScorePart("Trend", trend.Value, string.Join("; ", trend.Parts.Where(p => p.Value is not null).Select(p => p.Basis))),
             new ScorePart("Momentum", momentum.Value, string.Join("; ", momentum.Parts.Where(p => p.Value is not null).Select(p => p.Basis)))]);

        // Pros and cons, each citing its number.
        if (x.Rsi14 is { } rsi)
        {
            if (rsi > 70) cons.Add($"RSI {N(rsi, 1)}: overbought (above 70)");
            else if (rsi < 30) pros.Add($"RSI {N(rsi, 1)}: oversold (below 30)");
        }
        if (x is { Close: { } cl, Sma200: { } sma200 } && sma200 > 0)
        {
            var gap = cl / sma200 - 1;
            if (gap >= 0) pros.Add($"Price {R(cl)} is {Pct(gap)} above its 200-day average {R(sma200)}: a long-term uptrend");
            else cons.Add($"Price {R(cl)} is {Pct(-gap)} below its 200-day average {R(sma200)}: a long-term downtrend");
        }
        if (x is { Sma50: { } f, Sma200: { } s })
        {
            if (f > s) pros.Add($"50-day average {R(f)} above the 200-day {R(s)}");
            else if (f < s) cons.Add($"50-day average {R(f)} below the 200-day {R(s)}");
        }
        if (x is { MacdHistogram: { } hist, Macd: { } line, MacdSignal: { } sig } && histogramSide is not 50)
        {
            if (hist > 0) pros.Add($"MACD {N(line)} above its signal {N(sig)}: momentum rising");
            else cons.Add($"MACD {N(line)} below its signal {N(sig)}: momentum falling");
        }
        if (x.Volatility is { } vol)
        {
            if (vol > 0.40) cons.Add($"Annualised volatility {Pct(vol)}: large swings");
            else if (vol < 0.20) pros.Add($"Annualised volatility {Pct(vol)}: steady");
        }
        if (x.MaxDrawdown is { } dd && dd > 0.30) cons.Add($"Fell {Pct(dd)} from a peak within the year");
        if (x.Beta is { } beta)
        {
            if (beta > 1.2) cons.Add($"Beta {N(beta)}: moves more than {input.IndexName}");
            else if (beta < 0.8) pros.Add($"Beta {N(beta)}: moves less than {input.IndexName}");
        }
        if (position is { } pos)
        {
            if (pos <= 0.2) pros.Add($"Near its 52-week low: {Pct(pos)} of the way from {R(x.Week52Low)} to {R(x.Week52High)}");
            else if (pos >= 0.8) cons.Add($"Near its 52-week high: {Pct(pos)} of the way from {R(x.Week52Low)} to {R(x.Week52High)}");
        }

        // The verdict.
        var composite = health.Value is { } hv ? WeightedMean([(hv, HealthWeight), (valuation.Value, ValuationWeight)]) : null;
        Recommendation? verdict = null;
        double? confidence = null;
        var why = new List<string>();
        if (composite is { } score)
        {
            verdict = score >= 75 ? Recommendation.StrongBuy : score >= 60 ? Recommendation.Buy : score > 40 ? Recommendation.Hold
                : score > 25 ? Recommendation.Sell : Recommendation.StrongSell;
            why.Add(valuation.Value is { } vv
                ? $"Composite {N(score, 1)} = 0.7 × health {N(health.Value!.Value, 1)} + 0.3 × valuation {N(vv, 1)}"
                : $"Composite {N(score, 1)} = health {N(health.Value!.Value, 1)} (valuation had too little data)");
            why.Add($"{Words(verdict.Value)} by the bands: 75 or more strong buy, 60 buy, above 40 hold, above 25 sell, else strong sell");
            if (verdict == Recommendation.StrongBuy && x.Rsi14 > 70)
            {
                verdict = Recommendation.Buy;
                why.Add($"RSI {N(x.Rsi14!.Value, 1)} above 70 (overbought) limits it to buy");
            }
            if (verdict == Recommendation.StrongSell && x.Rsi14 < 30)
            {
                verdict = Recommendation.Sell;
                why.Add($"RSI {N(x.Rsi14!.Value, 1)} below 30 (oversold) limits it to sell");
            }
            if (risk.Value >= 70 && verdict is Recommendation.StrongBuy or Recommendation.StrongSell)
            {
                verdict = verdict == Recommendation.StrongBuy ? Recommendation.Buy : Recommendation.Sell;
                why.Add($"risk score {N(risk.Value!.Value, 1)} of 70 or more rules out a strong call");
            }

            // Confidence: how much of the rule had data, and how far the composite sits from the nearest band edge.
            var parts = risk.Parts.Concat(valuation.Parts.Take(2)).Concat(trend.Parts).Concat(momentum.Parts).ToList();
            var coverage = (double)parts.Count(p => p.Value is not null) / parts.Count;
            var margin = Math.Min(1, new[] { 25.0, 40, 60, 75 }.Min(edge => Math.Abs(score - edge)) / 10);
            confidence = Math.Round(coverage * (0.5 + 0.5 * margin), 2);
            why.Add($"confidence {N(confidence.Value)} = data coverage {N(coverage)} × (0.5 + 0.5 × distance to the nearest band edge, {N(margin)})");
        }
        else
        {
            why.Add("No recommendation: the health score needs at least 50 sessions of prices (50-day average, RSI, MACD)");
        }

        decimal? target = null, stop = null;
        if (verdict is not null && x is { Atr14: { } atr, Close: { } last })
        {
            var sell = verdict is Recommendation.Sell or Recommendation.StrongSell;
            target = Money.Paisa((decimal)(sell ? last - TargetAtr * atr : last + TargetAtr * atr));
            stop = Money.Paisa((decimal)(sell ? last + StopAtr * atr : last - StopAtr * atr));
            if (target <= 0) target = null;
            why.Add($"target {R(sell ? last - TargetAtr * atr : last + TargetAtr * atr)} and stop-loss {R(sell ? last + StopAtr * atr : last - StopAtr * atr)} are the close {R(last)} {(sell ? "−" : "+")} 3 × ATR {N(atr)} and {(sell ? "+" : "−")} 2 × ATR");
        }

        var explanation = $"Risk {Describe(risk)}. Valuation {Describe(valuation)}. Health {Describe(health)}.";
        var reasoning = string.Join("; ", why) + ".";
        return new SecurityAnalysis(RuleVersion, x, risk, valuation, health, composite is { } cs ? Math.Round(cs, 1) : null, verdict, confidence,
            target, stop, pros, cons, explanation, reasoning, missing);
    }

    /// <summary>The words used for a recommendation ("strong buy").</summary>
    public static string Words(Recommendation recommendation) => recommendation switch
    {
        Recommendation.StrongBuy => "strong buy",
        Recommendation.Buy => "buy",
        Recommendation.Hold => "hold",
        Recommendation.Sell => "sell",
        _ => "strong sell",
    };

    private static double? BetaOf(IReadOnlyList<PriceBar> bars, IReadOnlyDictionary<DateOnly, double>? index)
    {
        if (index is null || index.Count == 0 || bars.Count < 2) return null;
        var own = new List<double>();
        var market = new List<double>();
        var from = Math.Max(1, bars.Count - Indicators.TradingDaysPerYear);
        for (var i = from; i < bars.Count; i++)
        {
            if (index.TryGetValue(bars[i].Date, out var now) && index.TryGetValue(bars[i - 1].Date, out var before) && before > 0 && bars[i - 1].Close > 0)
            {
                own.Add(bars[i].Close / bars[i - 1].Close - 1);
                market.Add(now / before - 1);
            }
        }

        return Indicators.Beta(own.ToArray(), market.ToArray());
    }

    private static ScorePart Part(string name, double? input, Func<double, double> score, Func<double, string> basis, List<string> missing, string? missingText)
    {
        if (input is not { } v || double.IsNaN(v))
        {
            if (missingText is not null) missing.Add(missingText);
            return new ScorePart(name, null, "not enough data");
        }

        return new ScorePart(name, Math.Round(Math.Clamp(score(v), 0, 100), 1), basis(v));
    }

    private static Score Combine(IReadOnlyList<ScorePart> parts, IReadOnlyList<double> weights) =>
        new(WeightedMean(parts.Select((p, i) => (p.Value, weights[i]))), parts);

    /// <summary>The weighted mean of the values present, the weights of the missing ones shared out; null when none is present.</summary>
    private static double? WeightedMean(IEnumerable<(double? Value, double Weight)> values)
    {
        double sum = 0, weights = 0;
        foreach (var (value, weight) in values)
        {
            if (value is not { } v) continue;
            sum += v * weight;
            weights += weight;
        }

        return weights > 0 ? Math.Round(sum / weights, 1) : null;
    }

    private static string Describe(Score score) => score.Value is { } v
        ? $"{N(v, 1)} ({string.Join("; ", score.Parts.Where(p => p.Value is not null).Select(p => $"{p.Name.ToLowerInvariant()} {N(p.Value!.Value, 1)}: {p.Basis}"))})"
        : "not enough data";

    private static string Relation(double? a, double? b, double tolerance = 0) =>
        a is { } x && b is { } y ? (Math.Abs(x - y) <= tolerance ? "level with" : x > y ? "above" : "below") : "against";

    private static string N(double value, int decimals = 2) => value.ToString("F" + decimals.ToString(Invariant), Invariant);

    private static string Pct(double fraction) => (fraction * 100).ToString("F1", Invariant) + " %";

    private static string R(double? amount) => amount is { } a ? IndianFormat.Money((decimal)Math.Round(a, 2)) : "—";
}
