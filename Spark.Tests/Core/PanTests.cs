using Spark.Core.Accounts;

namespace Spark.Tests.Core;

public class PanTests
{
    [Theory]
    [InlineData("ABCPE1234F")] // person
    [InlineData("AAACR5055K")] // company
    [InlineData("AAAHS1234B")] // HUF
    [InlineData("ZZZFZ0000Z")] // firm
    [InlineData("ABCAB9999A")] // AOP
    [InlineData("ABCTB1234C")] // trust
    [InlineData("ABCBB1234C")] // BOI
    [InlineData("ABCLB1234C")] // local authority
    [InlineData("ABCJB1234C")] // artificial juridical person
    [InlineData("ABCGB1234C")] // government
    public void A_well_formed_pan_of_every_holder_type_is_accepted(string input)
    {
        var ok = Pan.TryParse(input, out var pan, out var error);

        Assert.True(ok, error);
        Assert.Null(error);
        Assert.Equal(input, pan.Value);
    }

    [Theory]
    [InlineData("abcpe1234f")]
    [InlineData("  ABCPE1234F  ")]
    [InlineData("abcpe 1234 f")]
    [InlineData("AbCpE\t1234F")]
    public void Lowercase_padded_and_spaced_input_is_normalised(string input)
    {
        var ok = Pan.TryParse(input, out var pan, out var error);

        Assert.True(ok, error);
        Assert.Equal("ABCPE1234F", pan.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ABCPE1234")]
    [InlineData("ABCPE1234FG")]
    public void Missing_or_wrong_length_input_asks_for_ten_characters(string? input)
    {
        var ok = Pan.TryParse(input, out var pan, out var error);

        Assert.False(ok);
        Assert.Equal("Enter your PAN: 10 characters like ABCPE1234F.", error);
        Assert.Equal(default, pan);
    }

    [Theory]
    [InlineData("ABCP51234F")] // digit among the first five letters
    [InlineData("ABCPE12345")] // digit in the last place
    [InlineData("ABCPEA234F")] // letter among the digits
    [InlineData("ABC-E1234F")]
    [InlineData("ABCPE１234F")] // full-width digit one
    [InlineData("ABCPı1234F")] // dotless i, which culture-aware upper-casing would turn into I
    public void Characters_in_the_wrong_places_are_rejected_with_the_shape_of_a_pan(string input)
    {
        var ok = Pan.TryParse(input, out _, out var error);

        Assert.False(ok);
        Assert.Equal("A PAN is 5 letters, 4 digits and a letter, like ABCPE1234F.", error);
    }

    [Fact]
    public void An_unknown_holder_letter_is_rejected_and_named()
    {
        var ok = Pan.TryParse("abcxe1234f", out _, out var error);

        Assert.False(ok);
        Assert.Equal("The 4th letter of a PAN says who holds it (P for a person); 'X' is not one of them.", error);
    }

    [Fact]
    public void Masking_hides_the_five_letters_and_keeps_the_last_five_characters()
    {
        Assert.True(Pan.TryParse("ABCPE1234F", out var pan, out _));

        Assert.Equal("XXXXX1234F", pan.Masked);
    }

    [Fact]
    public void ToString_and_interpolation_show_only_the_masked_pan()
    {
        Assert.True(Pan.TryParse("ABCPE1234F", out var pan, out _));

        var logged = $"KYC submitted for {pan}";

        Assert.Equal("XXXXX1234F", pan.ToString());
        Assert.Equal("KYC submitted for XXXXX1234F", logged);
        Assert.DoesNotContain("ABCPE", logged, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_pan_is_empty_rather_than_throwing()
    {
        var pan = default(Pan);

        Assert.Equal(string.Empty, pan.Value);
        Assert.Equal(string.Empty, pan.Masked);
        Assert.Equal(string.Empty, pan.ToString());
    }

    [Fact]
    public void Pans_parsed_from_differently_written_input_are_equal()
    {
        Assert.True(Pan.TryParse("abcpe 1234 f", out var spaced, out _));
        Assert.True(Pan.TryParse("ABCPE1234F", out var plain, out _));
        Assert.True(Pan.TryParse("ABCPE1234G", out var other, out _));

        Assert.Equal(plain, spaced);
        Assert.NotEqual(plain, other);
    }
}
