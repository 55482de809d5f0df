using MudBlazor;

namespace Spark.Web.Shell;

/// <summary>
/// Spark's palette: a calm indigo primary, and gain/loss colours that keep WCAG AA contrast in both modes.
/// Every colour meets WCAG 2.2 SC 1.4.3 (contrast minimum, 4.5:1) both as text on the page background and surface and
/// behind the text of a filled button or chip (its contrast text). Dark mode's colours are light, so the text on them is
/// the page's near-black, not white: white on #66bb6a (Buy) was 2.36:1 and on #ef7b7b (Sell) 2.70:1 (issue #16);
/// #12141b on them is 7.78:1 and 6.82:1. Ratios by the WCAG relative-luminance formula; decision 0054 lists them.
/// </summary>
public static class SparkTheme
{
    /// <summary>The dark page background, used as the text colour on dark mode's light accent colours.</summary>
    private const string DarkInk = "#12141b";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",            // white text 7.73:1
            Secondary = "#00796b",          // white text 5.32:1 (#00897b was 4.32:1)
            Success = "#1b7a3a",            // white text 5.40:1
            Error = "#c62828",              // white text 5.62:1
            Info = "#1565c0",               // white text 5.75:1 (MudBlazor's #2196f3 is 3.12:1)
            Warning = "#b45309",            // white text 5.02:1 (MudBlazor's #ff9800 is 2.16:1)
            AppbarBackground = "#ffffff",
            AppbarText = "#1f2430",
            TextSecondary = "#5b6275",      // on #f6f7fb 5.6:1 (MudBlazor's black at 54 % is 4.4:1 there)
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",            // on #1b1e27 6.70:1; text on it #12141b 7.40:1
            PrimaryContrastText = DarkInk,
            Secondary = "#4db6ac",
            SecondaryContrastText = DarkInk, // 7.54:1
            Success = "#66bb6a",            // on #1b1e27 7.04:1
            SuccessContrastText = DarkInk,  // 7.78:1 (white was 2.36:1)
            Error = "#ef7b7b",              // on #1b1e27 6.17:1
            ErrorContrastText = DarkInk,    // 6.82:1 (white was 2.70:1)
            Info = "#64b5f6",
            InfoContrastText = DarkInk,
            Warning = "#ffb74d",
            WarningContrastText = DarkInk,
            AppbarBackground = "#1b1e27",
            Background = "#12141b",
            Surface = "#1b1e27",
            DrawerBackground = "#1b1e27",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Inter", "Noto Sans", "Segoe UI", "Roboto", "system-ui", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "10px" },
    };
}
