using MudBlazor;
using MudBlazor.Utilities;
using Spark.Web.Shell;

namespace Spark.Tests.Components;

/// <summary>
/// WCAG 2.2 SC 1.4.3 (contrast minimum) for the theme's own colours, in both modes: each accent colour behind its
/// contrast text (a filled Buy or Sell button) and as text on the page background and on a card. Issue #16 measured the
/// dark Buy and Sell buttons at 2.36:1 and 2.70:1. The luminance and ratio are WCAG's definitions.
/// </summary>
public sealed class ThemeContrastTests
{
    private const double Minimum = 4.5;

    public static TheoryData<string> Accents => ["Primary", "Secondary", "Success", "Error", "Info", "Warning"];

    [Theory]
    [MemberData(nameof(Accents))]
    public void Filled_buttons_and_accent_text_meet_aa_contrast_in_light_and_dark(string accent)
    {
        foreach (var (mode, palette) in new (string, Palette)[] { ("light", SparkTheme.Theme.PaletteLight), ("dark", SparkTheme.Theme.PaletteDark) })
        {
            var colour = Colour(palette, accent);
            var text = Colour(palette, accent + "ContrastText");
            var filled = Ratio(colour, text);
            Assert.True(filled >= Minimum, $"{mode} {accent} button text: {filled:0.00}:1");
            foreach (var (name, background) in new[] { ("background", palette.Background), ("surface", palette.Surface) })
            {
                var ratio = Ratio(colour, background);
                Assert.True(ratio >= Minimum, $"{mode} {accent} text on the {name}: {ratio:0.00}:1");
            }
        }
    }

    [Fact]
    public void Body_and_secondary_text_meet_aa_contrast_in_light_and_dark()
    {
        foreach (var palette in new Palette[] { SparkTheme.Theme.PaletteLight, SparkTheme.Theme.PaletteDark })
        {
            foreach (var text in new[] { palette.TextPrimary, palette.TextSecondary })
            {
                Assert.True(Ratio(Over(text, palette.Surface), palette.Surface) >= Minimum, $"{text} on {palette.Surface}");
                Assert.True(Ratio(Over(text, palette.Background), palette.Background) >= Minimum, $"{text} on {palette.Background}");
            }
        }
    }

    [Fact]
    public void The_ratio_matches_wcag_worked_values() =>
        Assert.Equal(21.0, Ratio(new MudColor("#000000"), new MudColor("#ffffff")), 2);

    private static MudColor Colour(Palette palette, string property) =>
        (MudColor)typeof(Palette).GetProperty(property)!.GetValue(palette)!;

    /// <summary>A translucent colour (MudBlazor's secondary text is white or black at some alpha) as seen on a background.</summary>
    private static MudColor Over(MudColor colour, MudColor background)
    {
        var a = colour.A / 255.0;
        byte Mix(byte c, byte b) => (byte)Math.Round((c * a) + (b * (1 - a)));
        return new MudColor(Mix(colour.R, background.R), Mix(colour.G, background.G), Mix(colour.B, background.B), (byte)255);
    }

    private static double Ratio(MudColor a, MudColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(MudColor c)
    {
        static double Channel(byte value)
        {
            var s = value / 255.0;
            return s <= 0.03928 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return (0.2126 * Channel(c.R)) + (0.7152 * Channel(c.G)) + (0.0722 * Channel(c.B));
    }
}
