using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Spark.Web.Components.Layout;

/// <summary>
/// MudBlazor's theme provider, rendering its <c>&lt;style&gt;</c> from one string shared by every circuit. MudThemeProvider
/// builds the theme's CSS variables anew in each render of each circuit (about 12,000 characters, 24 KB), and Blazor keeps
/// that string in the circuit's render tree for as long as the circuit lives: one copy per open page, two after the theme
/// changed once. Here the built text is exchanged for an equal string already held (one per theme and mode), so each
/// circuit's frames point at the shared one and the built copy is garbage at once (decision 0070). Everything else — the
/// parameters, the system dark-mode interop, the palette — is MudThemeProvider's own.
/// </summary>
/// <remarks>
/// The markup is MudThemeProvider 9.12's <c>BuildRenderTree</c> (read from the package): the scrollbar style unless
/// <see cref="MudBlazor.MudThemeProvider.DefaultScrollbar"/>, the charts' hover style, then the theme. A MudBlazor upgrade
/// that changes that markup needs the same change here; <c>ThemeProviderComponentTests</c> compares the two.
/// </remarks>
public sealed class SharedThemeProvider : MudBlazor.MudThemeProvider
{
    // Light and dark of Spark's theme (and of MudBlazor's default, before parameters arrive): a handful of entries at most.
    private static readonly ConcurrentDictionary<string, string> Styles = new(StringComparer.Ordinal);
    private const int MaxStyles = 16;

    private static readonly string Scrollbar = BuildMudBlazorScrollbar();

    internal const string ChartHoverStyle =
        "<style>\n    .mud-chart-serie:hover {\n        filter: url(#lighten);\n    }\n\n    .mud-chart-serie-hovered \n    {\n        filter: url(#lighten);\n    }\n</style>\n\n";

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (!DefaultScrollbar) builder.AddContent(0, (MarkupString)Scrollbar);
        builder.AddMarkupContent(1, ChartHoverStyle);
        builder.AddContent(2, (MarkupString)Shared(BuildTheme()));
    }

    /// <summary>The equal string already shared, or this one, now shared (unless the cache is full: then not shared).</summary>
    internal static string Shared(string style) =>
        Styles.TryGetValue(style, out var shared) ? shared : Styles.Count < MaxStyles ? Styles.GetOrAdd(style, style) : style;
}
