using System.Globalization;
using System.Text.RegularExpressions;

namespace Spark.Core.Analysis;

/// <summary>
/// One figure Spark computed, as a language model is shown it: a label ("RSI 14"), the value as Spark displays it (already
/// rounded to the decimals Spark shows) and its unit ("", "%", "₹"). Percentages are in percent (12.4 for 12.4 %), not fractions.
/// </summary>
public sealed record NarrativeFact(string Label, decimal Value, string Unit = "")
{
    public const string Percent = "%", Rupees = "₹";

    /// <summary>The fact as the prompt states it: "RSI 14: 74.2", "1-year return: 12.4 %", "Price: ₹2450.50".</summary>
    public string Line => Unit switch
    {
        Rupees => $"{Label}: ₹{Value.ToString(CultureInfo.InvariantCulture)}",
        "" => $"{Label}: {Value.ToString(CultureInfo.InvariantCulture)}",
        _ => $"{Label}: {Value.ToString(CultureInfo.InvariantCulture)} {Unit}",
    };

    /// <summary>A fact from a statistic, rounded half away from zero to the decimals shown; null when there is no finite value.</summary>
    public static NarrativeFact? Of(string label, double? value, int decimals, string unit = "") =>
        value is { } v && double.IsFinite(v) && Math.Abs(v) < 1e15
            ? new NarrativeFact(label, Shown(Math.Round((decimal)v, decimals, MidpointRounding.AwayFromZero), decimals), unit)
            : null;

    // With its trailing zeros, so the prompt says "100.0" as Spark's pages do, not "100".
    private static decimal Shown(decimal value, int decimals) =>
        decimal.Parse(value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            NumberStyles.Number, CultureInfo.InvariantCulture);
}

/// <summary>What the reply's text said a number was: its value in plain units, how precisely it was written, and its unit.</summary>
public sealed record CitedNumber(string Text, decimal Value, decimal Tolerance, string Unit, bool Signed, bool Scaled);

/// <summary>The check's verdict: accepted when every number the reply cites is one of the facts (or a number of a label).</summary>
public sealed record NarrativeVerdict(bool Accepted, IReadOnlyList<CitedNumber> Cited, IReadOnlyList<string> Unmatched);

/// <summary>
/// The number check of the optional narrative (decision 0063): every number a language model writes must be one Spark gave
/// it, at the precision the reply shows. What counts as a number, and when it matches:
/// <list type="bullet">
/// <item>Digits with Indian (1,23,456.78) or western (123,456.78) grouping, or none; a decimal part; a leading sign
/// (-, −, – or +) where it starts a word; ₹, Rs or INR before; hundred, thousand, lakh, crore, million, billion (and cr, mn, bn, k)
/// after as a scale; %, per cent or percent after as a unit. Anything else with digits is read digit run by digit run, so a
/// stray grouping (1,2,3) or a version (1.2.3) is still checked, never skipped.</item>
/// <item>A cited number matches a fact when it is a rounding of the fact's value to the decimals written (|cited − value|
/// ≤ half a unit of the last written digit, times the scale: "₹1.2 lakh" is 1,15,000 to 1,25,000). Without a written sign
/// the magnitude is compared ("fell 3.2%" cites −3.2); with one the sign must agree. A percent must cite a percent fact and
/// a rupee amount a rupee fact; a bare number may cite any fact.</item>
/// <item>Numbers in the facts' labels and the subject ("RSI 14", "200-day average", "NIFTY 50") are allowed when written
/// bare, with no sign, unit or scale.</item>
/// <item>Ordinals (1st, 3rd) and years (2026) are numbers like any other: they must be facts or in a label, so a reply that
/// dates itself is discarded. A list marker at the start of a line ("1." or "2)") is structure, not a figure, and is skipped.</item>
/// <item>Spelled-out numbers are not trusted: eleven and above, tens, hundred, thousand, lakh or crore as words reject the
/// reply, and one to ten reject it when a unit follows ("ten percent", "five lakh") — as words they are ordinary English
/// ("one of", "two scores").</item>
/// </list>
/// </summary>
public static partial class NarrativeCheck
{
    public static NarrativeVerdict Check(string reply, string subject, IReadOnlyList<NarrativeFact> facts)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(facts);
        var cited = Numbers(reply);
        var labelNumbers = new HashSet<decimal>();
        foreach (var text in facts.Select(f => f.Label).Append(subject ?? ""))
        {
            foreach (var n in Numbers(text)) labelNumbers.Add(Math.Abs(n.Value));
        }

        var unmatched = new List<string>();
        foreach (var c in cited)
        {
            var bare = !c.Signed && !c.Scaled && c.Unit.Length == 0;
            if (bare && labelNumbers.Contains(c.Value)) continue;
            if (!facts.Any(f => Matches(c, f))) unmatched.Add(c.Text);
        }

        foreach (Match word in NumberWord().Matches(reply)) unmatched.Add(word.Value);
        return new NarrativeVerdict(unmatched.Count == 0, cited, unmatched);
    }

    /// <summary>Whether a cited number is a rounding of the fact's value at the precision written, with a compatible unit and sign.</summary>
    public static bool Matches(CitedNumber cited, NarrativeFact fact)
    {
        ArgumentNullException.ThrowIfNull(cited);
        ArgumentNullException.ThrowIfNull(fact);
        if (cited.Unit.Length > 0 && cited.Unit != fact.Unit) return false;
        var value = cited.Signed ? fact.Value : Math.Abs(fact.Value);
        var said = cited.Signed ? cited.Value : Math.Abs(cited.Value);
        return Math.Abs(said - value) <= cited.Tolerance;
    }

    /// <summary>Every number in the text, in order, as <see cref="Check"/> reads them.</summary>
    public static IReadOnlyList<CitedNumber> Numbers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<CitedNumber>();
        foreach (Match m in Number().Matches(text))
        {
            if (m.Groups["marker"].Success) continue;
            var whole = m.Groups["int"].Success ? m.Groups["int"].Value.Replace(",", "", StringComparison.Ordinal) : "0";
            var fraction = m.Groups["frac"].Success ? m.Groups["frac"].Value : m.Groups["frac2"].Value;
            // Longer than decimal can hold: no fact is like it, and it cannot be one of Spark's figures.
            if (whole.Length + fraction.Length > 26)
            {
                found.Add(new CitedNumber(m.Value.Trim(), decimal.MaxValue, 0, "", false, false));
                continue;
            }

            var mantissa = decimal.Parse(fraction.Length > 0 ? whole + "." + fraction : whole, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var scale = Scale(m.Groups["scale"].Value);
            var negative = m.Groups["sign"].Success && m.Groups["sign"].Value != "+";
            var unit = m.Groups["pct"].Success ? NarrativeFact.Percent : m.Groups["cur"].Success ? NarrativeFact.Rupees : "";
            var half = 0.5m;
            for (var i = 0; i < fraction.Length; i++) half /= 10;
            found.Add(new CitedNumber(m.Value.Trim(), (negative ? -mantissa : mantissa) * scale, half * scale, unit,
                m.Groups["sign"].Success, scale != 1));
        }

        return found;
    }

    private static decimal Scale(string word) => word.Trim().TrimEnd('.').ToLowerInvariant() switch
    {
        "" => 1,
        "hundred" => 100,
        "k" or "thousand" => 1_000,
        "lakh" or "lakhs" or "lac" or "lacs" => 1_00_000,
        "million" or "mn" => 1_000_000,
        "crore" or "crores" or "cr" => 1_00_00_000,
        "billion" or "bn" => 1_000_000_000,
        var other => throw new InvalidOperationException($"Unknown scale word '{other}'."),
    };

    // A list marker first (line start, 1–2 digits, "." or ")" and a space), else a number: sign only where a word starts
    // (so "52-week" and "10-20" carry no minus), then currency, digits (Indian grouping, western grouping, plain, or a bare
    // decimal ".5"), scale and percent. (?<!\d) and (?!\d) keep a digit run whole: a grouping that does not fit falls back to
    // shorter runs, each checked.
    [GeneratedRegex("""
        (?<marker>(?m:^)[ \t]*\d{1,2}[.)][ \t])
        |(?:(?<=^|[\s(\[:=/])(?<sign>[-\u2212\u2013+]))?
        (?<cur>₹\s?|\bRs\.?\s?|\bINR\s?)?
        (?<![\d])
        (?:(?<int>\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?!\d)(?:\.(?<frac>\d+))?|\.(?<frac2>\d+))
        (?<scale>\s?(?:lakhs?|lacs?|crores?|hundred|thousand|million|billion|mn|bn|cr\.?)\b|k\b)?
        (?<pct>\s?%|\s?per\s?cent\b|\s?percent\b)?
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex("""
        \b(?:eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b
        |(?<!\d\s?)\b(?:hundred|thousand|lakhs?|lacs?|crores?|million|billion)\b
        |\b(?:one|two|three|four|five|six|seven|eight|nine|ten)[\s-]+(?:percent|per\s?cent|%|lakhs?|crores?|rupees|thousand|million|billion)\b
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberWord();
}
