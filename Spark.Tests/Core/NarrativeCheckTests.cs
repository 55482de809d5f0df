using Spark.Core.Analysis;

namespace Spark.Tests.Core;

/// <summary>The narrative's number check (decision 0063): what it reads as a number and when a number is one of Spark's facts.</summary>
public class NarrativeCheckTests
{
    private static readonly NarrativeFact[] Facts =
    [
        new("RSI 14", 74.2m),
        new("1-year return", 12.4m, NarrativeFact.Percent),
        new("Last close", 2450.5m, NarrativeFact.Rupees),
        new("Invested", 1234567.89m, NarrativeFact.Rupees),
        new("Largest fall from a peak within the year", 18.3m, NarrativeFact.Percent),
        new("Day change", -3.2m, NarrativeFact.Percent),
        new("Beta against NIFTY 50", 1.35m),
        new("Market value", 48_50_000m, NarrativeFact.Rupees),
    ];

    private static NarrativeVerdict Check(string reply) => NarrativeCheck.Check(reply, "Reliance Industries (RELIANCE)", Facts);

    [Theory]
    [InlineData("1,23,456.78", 123456.78)]
    [InlineData("12,34,567", 1234567)]
    [InlineData("123,456.78", 123456.78)]
    [InlineData("1,234,567", 1234567)]
    [InlineData("2450.50", 2450.5)]
    [InlineData("₹2,450.50", 2450.5)]
    [InlineData("Rs. 2,450", 2450)]
    [InlineData("−3.2%", -3.2)]
    [InlineData("-3.2 %", -3.2)]
    [InlineData("₹48.5 lakh", 4850000)]
    [InlineData("₹1.23 crore", 12300000)]
    [InlineData("12.4 per cent", 12.4)]
    [InlineData(".5", 0.5)]
    public void Numbers_are_read_in_Indian_and_western_grouping_with_rupees_percent_sign_and_scale(string text, double expected)
    {
        var numbers = NarrativeCheck.Numbers("It was " + text + " then.");
        var n = Assert.Single(numbers);
        Assert.Equal((decimal)expected, n.Value);
    }

    [Fact]
    public void A_hyphen_inside_a_word_or_a_range_is_not_a_minus_sign()
    {
        var numbers = NarrativeCheck.Numbers("its 52-week range, 10-20 sessions");
        Assert.Equal([52m, 10m, 20m], numbers.Select(n => n.Value));
        Assert.All(numbers, n => Assert.False(n.Signed));
    }

    [Fact]
    public void A_grouping_that_fits_neither_system_is_read_run_by_run_so_nothing_is_skipped()
    {
        Assert.Equal([1m, 23m, 4567m], NarrativeCheck.Numbers("1,23,4567").Select(n => n.Value));
        Assert.Equal([1.2m, 3m], NarrativeCheck.Numbers("version 1.2.3").Select(n => n.Value));
    }

    [Fact]
    public void A_reply_citing_only_the_facts_is_accepted()
    {
        var verdict = Check("Reliance Industries closed at ₹2,450.50 with an RSI 14 of 74.2, and returned 12.4% over the year. "
            + "Its largest fall from a peak was 18.3%, and its beta against NIFTY 50 is 1.35. The day's change was -3.2%; "
            + "₹12,34,567.89 is invested, worth ₹48.5 lakh.");
        Assert.True(verdict.Accepted, string.Join(", ", verdict.Unmatched));
    }

    [Theory]
    [InlineData("RSI of 74")]
    [InlineData("RSI of 74.20")]
    [InlineData("a close near ₹2,451")]
    [InlineData("a close of ₹2,450.5")]
    [InlineData("a return of 12%")]
    [InlineData("invested ₹12.3 lakh")]
    [InlineData("invested ₹0.12 crore")]
    [InlineData("invested 1,234,567.89 rupees")]
    public void Roundings_of_a_fact_to_fewer_decimals_are_accepted(string reply) => Assert.True(Check(reply).Accepted, reply);

    [Theory]
    [InlineData("an RSI of 74.3", "74.3")]
    [InlineData("an RSI of 75", "75")]
    [InlineData("a close of ₹2,460", "₹2,460")]
    [InlineData("a return of 12.5%", "12.5%")]
    [InlineData("a return of 13%", "13%")]
    [InlineData("a target of ₹2,800", "₹2,800")]
    [InlineData("invested ₹1.3 crore", "₹1.3 crore")]
    public void A_number_that_is_not_a_rounding_of_a_fact_is_rejected(string reply, string invented)
    {
        var verdict = Check(reply);
        Assert.False(verdict.Accepted);
        Assert.Contains(invented, verdict.Unmatched);
    }

    [Fact]
    public void A_percent_must_cite_a_percent_fact_and_a_rupee_amount_a_rupee_fact()
    {
        // 74.2 is the RSI, not a percentage; 12.4 is a percentage, not an amount.
        Assert.False(Check("up 74.2%").Accepted);
        Assert.False(Check("₹12.4").Accepted);
        Assert.True(Check("an RSI of 74.2").Accepted);
    }

    [Fact]
    public void Without_a_sign_the_magnitude_counts_and_with_one_the_sign_must_agree()
    {
        Assert.True(Check("it fell 3.2% on the day").Accepted);
        Assert.True(Check("a change of −3.2%").Accepted);
        Assert.False(Check("a change of +3.2%").Accepted);
        Assert.False(Check("a return of -12.4%").Accepted);
    }

    [Fact]
    public void Numbers_of_labels_and_the_subject_may_be_written_bare_but_not_as_figures()
    {
        Assert.True(Check("The RSI 14 and the beta against NIFTY 50 over a 1-year span").Accepted);
        // 50 is a label's number, never a percentage or an amount.
        Assert.False(Check("it rose 50%").Accepted);
        Assert.False(Check("₹50").Accepted);
    }

    [Fact]
    public void Years_ordinals_and_invented_counts_are_rejected_but_list_markers_are_structure()
    {
        Assert.False(Check("In 2026 the RSI was 74.2").Accepted);
        Assert.False(Check("its 5th rise").Accepted);
        Assert.False(Check("up on 9 of the last 14 days").Accepted);
        Assert.True(Check("1. The RSI is 74.2.\n2) The return is 12.4%.").Accepted);
    }

    [Theory]
    [InlineData("an RSI of seventy-four")]
    [InlineData("a return of twelve percent")]
    [InlineData("a return of ten percent")]
    [InlineData("worth five lakh rupees")]
    [InlineData("a few hundred rupees")]
    public void Spelled_out_numbers_are_not_trusted(string reply) => Assert.False(Check(reply).Accepted, reply);

    [Fact]
    public void Small_number_words_in_ordinary_English_pass()
    {
        Assert.True(Check("One of the two scores is high; the RSI is 74.2.").Accepted);
    }

    [Fact]
    public void Facts_from_statistics_are_rounded_half_away_from_zero_and_missing_ones_are_left_out()
    {
        Assert.Equal(74.3m, NarrativeFact.Of("RSI 14", 74.25, 1)!.Value);
        Assert.Equal(-0.13m, NarrativeFact.Of("MACD", -0.125, 2)!.Value);
        Assert.Null(NarrativeFact.Of("Beta", null, 2));
        Assert.Null(NarrativeFact.Of("Beta", double.NaN, 2));
        Assert.Equal("Last close: ₹2450.50", new NarrativeFact("Last close", 2450.50m, NarrativeFact.Rupees).Line);
        Assert.Equal("1-year return: 12.4 %", new NarrativeFact("1-year return", 12.4m, NarrativeFact.Percent).Line);
    }
}
