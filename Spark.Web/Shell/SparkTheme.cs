using MudBlazor;

namespace Spark.Web.Shell;

/// <summary>Spark's palette: a calm indigo primary, and gain/loss colours that keep WCAG AA contrast in both modes.</summary>
public static class SparkTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            Success = "#1b7a3a",
            Error = "#c62828",
            AppbarBackground = "#ffffff",
            AppbarText = "#1f2430",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",
            Secondary = "#4db6ac",
            Success = "#66bb6a",
            Error = "#ef7b7b",
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
