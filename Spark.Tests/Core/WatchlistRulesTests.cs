using Spark.Core.Market;

namespace Spark.Tests.Core;

public sealed class WatchlistRulesTests
{
    private static readonly HashSet<string> Listed = new(["INFY", "TCS", "WIPRO"], StringComparer.OrdinalIgnoreCase);

    [Theory]
    [InlineData("Tech", 0)]
    [InlineData("  Tech  ", 0)]
    [InlineData("", 1)]
    [InlineData("   ", 1)]
    [InlineData(null, 1)]
    [InlineData("a\u0001b", 1)]
    public void A_name_needs_one_to_forty_printable_characters_after_trimming(string? name, int errors) =>
        Assert.Equal(errors, WatchlistRules.NameErrors(name).Count());

    [Fact]
    public void Forty_characters_is_the_longest_name()
    {
        Assert.Empty(WatchlistRules.NameErrors(new string('x', 40)));
        Assert.Contains("41", WatchlistRules.NameErrors(" " + new string('x', 41) + " ").Single(), StringComparison.Ordinal);
        Assert.Equal("Banks to watch", WatchlistRules.NormaliseName("  Banks to watch \t"));
    }

    [Fact]
    public void Each_unknown_repeated_or_blank_symbol_is_named_at_its_place()
    {
        var errors = WatchlistRules.SymbolErrors(["INFY", "tcs", "NOPE", "Infy", " ", "WIPRO"], Listed.Contains);

        Assert.Equal(["symbols[2]", "symbols[3]", "symbols[4]"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("'NOPE'", errors["symbols[2]"].Single(), StringComparison.Ordinal);
        Assert.Equal("Infy is already in the list (entry 0).", errors["symbols[3]"].Single());
    }

    [Fact]
    public void Fifty_symbols_fit_and_fifty_one_do_not()
    {
        var fifty = Enumerable.Range(0, 50).Select(i => $"S{i}").ToList();
        Assert.Empty(WatchlistRules.SymbolErrors([.. fifty], _ => true));
        var errors = WatchlistRules.SymbolErrors([.. fifty, "S50"], _ => true);
        Assert.Equal(["symbols"], errors.Keys);
    }
}
