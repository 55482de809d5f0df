using Bunit;
using MudBlazor;
using MudBlazor.Services;
using Spark.Web.Components.Layout;
using Spark.Web.Shell;

namespace Spark.Tests.Components;

/// <summary>
/// The theme provider that shares its style between circuits (decision 0070) writes exactly what MudBlazor's writes, in
/// either mode: a MudBlazor upgrade that changes the provider's markup fails here, not on a page.
/// </summary>
public sealed class ThemeProviderComponentTests : BunitContext
{
    public ThemeProviderComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void It_writes_what_MudThemeProvider_writes(bool dark)
    {
        var mud = Render<MudThemeProvider>(p => p.Add(t => t.Theme, SparkTheme.Theme).Add(t => t.IsDarkMode, dark));
        var shared = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, SparkTheme.Theme).Add(t => t.IsDarkMode, dark));

        Assert.Contains("--mud-palette-primary", shared.Markup);
        Assert.Equal(mud.Markup, shared.Markup);
    }

    [Fact]
    public void Light_and_dark_differ()
    {
        var light = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, SparkTheme.Theme).Add(t => t.IsDarkMode, false));
        var dark = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, SparkTheme.Theme).Add(t => t.IsDarkMode, true));

        Assert.NotEqual(light.Markup, dark.Markup);
    }

    [Fact]
    public void Equal_styles_built_apart_become_one_string()
    {
        var first = SharedThemeProvider.Shared(string.Concat("<style>", ":root{--spark-test-", "a: 1}</style>"));
        var second = SharedThemeProvider.Shared(string.Concat("<style>", ":root{--spark-test-", "a: 1}</style>"));

        Assert.Equal(first, second);
        Assert.Same(first, second);
    }
}
