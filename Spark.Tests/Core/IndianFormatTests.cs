using System.Globalization;
using Spark.Core.Formatting;

namespace Spark.Tests.Core;

public class IndianFormatTests
{
    // Lakh/crore grouping as given in https://en.wikipedia.org/wiki/Indian_numbering_system
    // (1,00,000 = one lakh; 1,00,00,000 = one crore; 10,00,00,000 = ten crore).
    public static TheoryData<decimal, string, string> GroupingAtEveryDigitBoundary => new()
    {
        { 1m, "1.00", "1.00" },
        { 12m, "12.00", "12.00" },
        { 123m, "123.00", "123.00" },
        { 1234m, "1,234.00", "1,234.00" },
        { 12345m, "12,345.00", "12,345.00" },
        { 123456m, "1,23,456.00", "123,456.00" },
        { 1234567m, "12,34,567.00", "1,234,567.00" },
        { 12345678m, "1,23,45,678.00", "12,345,678.00" },
        { 123456789m, "12,34,56,789.00", "123,456,789.00" },
        { 1234567890m, "1,23,45,67,890.00", "1,234,567,890.00" },
    };

    [Theory]
    [MemberData(nameof(GroupingAtEveryDigitBoundary))]
    public void Numbers_are_grouped_in_lakhs_and_crores_or_in_thousands(decimal value, string indian, string international)
    {
        Assert.Equal(indian, IndianFormat.Number(value));
        Assert.Equal(international, IndianFormat.Number(value, grouping: NumberGrouping.International));
    }

    public static TheoryData<decimal, string> PlainNumbers => new()
    {
        { 1234567.891m, "12,34,567.89" },
        { 999m, "999.00" },
        { 100000m, "1,00,000.00" },
        { 0.5m, "0.50" },
        { 0m, "0.00" },
        { -1234567.891m, "\u221212,34,567.89" },
        { -999m, "\u2212999.00" },
        { -0.005m, "\u22120.01" },
        // Rounds to zero, and a zero has no sign.
        { -0.001m, "0.00" },
    };

    [Theory]
    [MemberData(nameof(PlainNumbers))]
    public void Numbers_show_two_decimals_and_negatives_use_the_unicode_minus_sign(decimal value, string expected) =>
        Assert.Equal(expected, IndianFormat.Number(value));

    // 2.675 is the case Python's documentation uses to show binary floating point rounding *down* to 2.67
    // (https://docs.python.org/3/tutorial/floatingpoint.html); decimal holds it exactly, so it rounds up.
    // 2.665 and 0.125 would round to even (2.66, 0.12) under banker's rounding.
    public static TheoryData<decimal, int, string> HalfwayValues => new()
    {
        { 0.005m, 2, "0.01" },
        { 2.675m, 2, "2.68" },
        { 2.665m, 2, "2.67" },
        { 0.125m, 2, "0.13" },
        { -2.665m, 2, "\u22122.67" },
        { 2.5m, 0, "3" },
        { 1234.5m, 0, "1,235" },
        { 1234.5675m, 3, "1,234.568" },
    };

    [Theory]
    [MemberData(nameof(HalfwayValues))]
    public void Halfway_values_round_away_from_zero(decimal value, int decimals, string expected) =>
        Assert.Equal(expected, IndianFormat.Number(value, decimals));

    [Theory]
    [InlineData(-1)]
    [InlineData(29)]
    public void Decimal_places_outside_what_decimal_can_hold_are_rejected(int decimals) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IndianFormat.Number(1m, decimals));

    public static TheoryData<decimal, string> MoneyAmounts => new()
    {
        { 1234567.891m, "₹12,34,567.89" },
        { -1240.5m, "\u2212₹1,240.50" },
        { 0m, "₹0.00" },
        { 100000m, "₹1,00,000.00" },
    };

    [Theory]
    [MemberData(nameof(MoneyAmounts))]
    public void Money_puts_the_rupee_symbol_after_the_sign(decimal amount, string expected) =>
        Assert.Equal(expected, IndianFormat.Money(amount));

    [Fact]
    public void Money_takes_another_symbol_and_international_grouping() =>
        Assert.Equal("$1,234,567.89", IndianFormat.Money(1234567.891m, "$", grouping: NumberGrouping.International));

    public static TheoryData<decimal, string> SignedAmounts => new()
    {
        { 1240.5m, "+₹1,240.50" },
        { -1240.5m, "\u2212₹1,240.50" },
        { 0m, "₹0.00" },
        { 0.004m, "₹0.00" },
        { -0.004m, "₹0.00" },
        { 0.005m, "+₹0.01" },
    };

    [Theory]
    [MemberData(nameof(SignedAmounts))]
    public void Signed_money_always_shows_a_sign_except_on_zero(decimal amount, string expected) =>
        Assert.Equal(expected, IndianFormat.SignedMoney(amount));

    public static TheoryData<decimal, bool, string> Percentages => new()
    {
        { 0.0082m, false, "0.82 %" },
        { -0.0082m, false, "\u22120.82 %" },
        { -0.0082m, true, "\u22120.82 %" },
        { 0.1234m, true, "+12.34 %" },
        { 0.1234m, false, "12.34 %" },
        { 0m, true, "0.00 %" },
        { 0.00125m, false, "0.13 %" },
        { 12.345678m, false, "1,234.57 %" },
    };

    [Theory]
    [MemberData(nameof(Percentages))]
    public void Percent_takes_a_fraction_and_puts_a_space_before_the_percent_sign(decimal fraction, bool signed, string expected) =>
        Assert.Equal(expected, IndianFormat.Percent(fraction, signed: signed));

    [Fact]
    public void Percent_honours_the_number_of_decimals() =>
        Assert.Equal("7.1 %", IndianFormat.Percent(0.07125m, decimals: 1));

    public static TheoryData<decimal, string> CompactAmounts => new()
    {
        { 0m, "₹0" },
        { 999m, "₹999" },
        { 999.5m, "₹999.5" },
        // Rounding to two decimals reaches the next unit, which is then used.
        { 999.999m, "₹1 K" },
        { 1000m, "₹1 K" },
        { 12500m, "₹12.5 K" },
        { 99990m, "₹99.99 K" },
        { 99999m, "₹1 L" },
        { 100000m, "₹1 L" },
        { 150000m, "₹1.5 L" },
        { 9990000m, "₹99.9 L" },
        { 9999999m, "₹1 Cr" },
        { 10000000m, "₹1 Cr" },
        { 23456789m, "₹2.35 Cr" },
        { 12345000000m, "₹1,234.5 Cr" },
        { 1234567890000m, "₹1,23,456.79 Cr" },
        { -150000m, "\u2212₹1.5 L" },
        { -999m, "\u2212₹999" },
        { -0.001m, "₹0" },
    };

    [Theory]
    [MemberData(nameof(CompactAmounts))]
    public void Compact_amounts_use_thousands_lakhs_and_crores(decimal amount, string expected) =>
        Assert.Equal(expected, IndianFormat.Compact(amount));

    // Chart axes (issue #16): the worked examples of decision 0054.
    public static TheoryData<decimal, string> CompactAxisAmounts => new()
    {
        { 199999m, "₹2 L" },
        { 1250000m, "₹12.5 L" },
        { 2000000m, "₹20 L" },
        { 12000000m, "₹1.2 Cr" },
        { 10000000m, "₹1 Cr" },
        { 4567.89m, "₹4.57 K" },
        { 250000.75m, "₹2.5 L" },
    };

    [Theory]
    [MemberData(nameof(CompactAxisAmounts))]
    public void Compact_axis_amounts_in_indian_grouping(decimal amount, string expected) =>
        Assert.Equal(expected, IndianFormat.Compact(amount, grouping: NumberGrouping.Indian));

    public static TheoryData<decimal, string> CompactInternationalAmounts => new()
    {
        { 0m, "₹0" },
        { 999m, "₹999" },
        { 12500m, "₹12.5 K" },
        { 199999m, "₹200 K" },
        { 999999m, "₹1 M" },
        { 1250000m, "₹1.25 M" },
        { 2000000m, "₹2 M" },
        { 1200000000m, "₹1.2 B" },
        { 1234500000000m, "₹1,234.5 B" },
        { -2000000m, "\u2212₹2 M" },
    };

    [Theory]
    [MemberData(nameof(CompactInternationalAmounts))]
    public void Compact_amounts_in_international_grouping_use_thousands_millions_and_billions(decimal amount, string expected) =>
        Assert.Equal(expected, IndianFormat.Compact(amount, grouping: NumberGrouping.International));

    [Theory]
    [InlineData("0.002 at ₹9673796.73; 0.002 of 0.002 filled.", NumberGrouping.Indian, "0.002 at ₹96,73,796.73; 0.002 of 0.002 filled.")]
    [InlineData("0.002 at ₹9673796.73; 0.002 of 0.002 filled.", NumberGrouping.International, "0.002 at ₹9,673,796.73; 0.002 of 0.002 filled.")]
    [InlineData("Invested ₹272652.09 this month", NumberGrouping.Indian, "Invested ₹2,72,652.09 this month")]
    [InlineData("Invested ₹2,72,652.09 this month", NumberGrouping.International, "Invested ₹272,652.09 this month")]
    [InlineData("Paid \u2212₹1,240.50 and ₹999", NumberGrouping.International, "Paid \u2212₹1,240.50 and ₹999")]
    [InlineData("No amount here: 1234567", NumberGrouping.International, "No amount here: 1234567")]
    public void Rupee_amounts_in_stored_text_are_regrouped_for_the_reader(string text, NumberGrouping grouping, string expected) =>
        Assert.Equal(expected, IndianFormat.RegroupAmounts(text, grouping));

    [Theory]
    [InlineData("DD/MM/YYYY", "05/03/2026")]
    [InlineData("MM/DD/YYYY", "03/05/2026")]
    [InlineData("YYYY-MM-DD", "2026-03-05")]
    [InlineData("DD-MMM-YYYY", "05-Mar-2026")]
    [InlineData("dd.MM.yyyy", "05/03/2026")]
    [InlineData("", "05/03/2026")]
    [InlineData(null, "05/03/2026")]
    public void Dates_follow_the_chosen_pattern_and_fall_back_to_day_month_year(string? pattern, string expected) =>
        Assert.Equal(expected, IndianFormat.Date(new DateOnly(2026, 3, 5), pattern));

    [Theory]
    [InlineData(1, "Jan")]
    [InlineData(6, "Jun")]
    [InlineData(9, "Sep")]
    [InlineData(12, "Dec")]
    public void Month_names_are_three_letter_english_abbreviations(int month, string abbreviation) =>
        Assert.Equal($"01-{abbreviation}-2025", IndianFormat.Date(new DateOnly(2025, month, 1), DatePattern.DayMonthNameYear));

    [Fact]
    public void Output_does_not_change_with_the_current_culture()
    {
        var original = CultureInfo.CurrentCulture;
        try
        {
            // German swaps the decimal and group separators; en-GB abbreviates September as "Sept".
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("₹12,34,567.89", IndianFormat.Money(1234567.891m));
            Assert.Equal("0.82 %", IndianFormat.Percent(0.0082m));
            Assert.Equal("₹1.5 L", IndianFormat.Compact(150000m));

            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-GB");
            Assert.Equal("05-Sep-2026", IndianFormat.Date(new DateOnly(2026, 9, 5), DatePattern.DayMonthNameYear));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }
}
