using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Web.Components.Layout;
using Spark.Web.Shell;

namespace Spark.Tests.Components;

/// <summary>The shell as an investor and as an admin sees it (rendered statically: no database is touched).</summary>
public sealed class ShellComponentTests : BunitContext, IAsyncLifetime
{
    public ShellComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<SparkDbContext>, UnusedDatabase>();
        Services.AddSingleton<SparkDb>();
        Services.AddScoped<ThemeState>();
        Services.AddHttpContextAccessor();
        Services.AddScoped<Spark.Web.Security.AuditTrail>();
        Services.AddScoped<Spark.Web.Services.Accounts.PreferencesService>();
    }

    [Fact]
    public void An_investor_sees_every_section_but_not_the_back_office()
    {
        SignIn("Aarav Sharma", Roles.Investor);

        var nav = Render<NavMenu>();

        Assert.Equal(["Dashboard", "Portfolio", "Transactions", "Tax", "Market", "Watchlists", "Orders", "Cash", "Goals", "Auto-Invest", "Analysis", "Settings"], LinkTexts(nav));
        Assert.Empty(nav.FindAll("[href='admin']"));
    }

    [Fact]
    public void An_admin_also_sees_the_back_office()
    {
        SignIn("Meera Iyer", Roles.Admin);

        var nav = Render<NavMenu>();

        Assert.Equal("Admin", LinkTexts(nav).Last());
        Assert.Single(nav.FindAll("[href='admin']"));
    }

    [Fact]
    public void The_current_section_is_marked_and_follows_navigation()
    {
        // The menu is plain markup now (decision 0068): it marks the link NavLink would have, the longest match only
        // ("portfolio" is matched exactly, so the Tax page does not light Portfolio up too).
        SignIn("Aarav Sharma", Roles.Investor);
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("portfolio/tax?year=2025");

        var nav = Render<NavMenu>();

        Assert.Equal(["Tax"], nav.FindAll(".mud-nav-link.active").Select(a => a.TextContent.Trim()));
        Assert.Equal("page", nav.Find(".mud-nav-link.active").GetAttribute("aria-current"));

        navigation.NavigateTo("portfolio");
        nav.WaitForAssertion(() => Assert.Equal(["Portfolio"], nav.FindAll(".mud-nav-link.active").Select(a => a.TextContent.Trim())));
        navigation.NavigateTo("portfolio/holdings/5b0e2f5e-0000-0000-0000-000000000001");
        nav.WaitForAssertion(() => Assert.Empty(nav.FindAll(".mud-nav-link.active")));
    }

    [Fact]
    public void The_layout_frames_a_page_with_the_brand_theme_choice_bell_user_menu_and_navigation()
    {
        SignIn("Aarav Sharma", Roles.Investor);

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (Microsoft.AspNetCore.Components.RenderFragment)(b => b.AddMarkupContent(0, "<p id='page'>Page body</p>"))));

        Assert.NotNull(layout.Find(".spark-brand"));
        Assert.NotNull(layout.Find("[data-testid='theme-button']"));
        Assert.NotNull(layout.Find("[aria-label='Notifications']"));
        Assert.Equal("AS", layout.Find(".spark-avatar").TextContent.Trim());
        Assert.Equal("Page body", layout.Find("#page").TextContent);
        Assert.Contains("Portfolio", LinkTexts(layout));
    }

    [Fact]
    public void The_app_bars_menus_are_native_popovers_opened_by_their_buttons_with_no_menu_components()
    {
        // Decision 0072: a MudMenu was five components and a key interceptor in every circuit, open or not.
        SignIn("Aarav Sharma", Roles.Investor);

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (Microsoft.AspNetCore.Components.RenderFragment)(b => b.AddMarkupContent(0, "<p>Page</p>"))));

        Assert.Empty(layout.FindComponents<MudBlazor.MudMenu>());
        Assert.Empty(layout.FindComponents<MudBlazor.MudBadge>());
        var buttons = layout.FindAll("button[popovertarget]");
        Assert.Equal(["spark-theme-menu", "spark-notification-menu", "spark-user-menu"], buttons.Select(b => b.GetAttribute("popovertarget")));
        foreach (var button in buttons)
        {
            // Each button opens a popover that exists, and is anchored to it (CSS anchor positioning).
            var menu = layout.Find($"#{button.GetAttribute("popovertarget")}");
            Assert.True(menu.HasAttribute("popover"));
            Assert.Contains($"position-anchor: --{menu.Id}", menu.GetAttribute("style"), StringComparison.Ordinal);
            Assert.Contains($"anchor-name: --{menu.Id}", button.GetAttribute("style"), StringComparison.Ordinal);
        }
        // The theme's choices close the menu when chosen; the current one is pressed.
        var choices = layout.FindAll("#spark-theme-menu button");
        Assert.Equal(["Light", "Dark", "Auto"], choices.Select(c => c.TextContent.Trim()));
        Assert.All(choices, c => Assert.True(c.HasAttribute("data-menu-close")));
        Assert.Equal(["Auto"], choices.Where(c => c.GetAttribute("aria-pressed") == "true").Select(c => c.TextContent.Trim()));
        // The user's menu holds the sign-out form with its antiforgery token, and settings.
        Assert.NotNull(layout.Find("#spark-user-menu form[action='Account/Logout'] [data-testid='sign-out']"));
        Assert.NotNull(layout.Find("#spark-user-menu a[href='settings']"));
        Assert.NotNull(layout.Find("#spark-notification-menu a[href='notifications']"));
    }

    [Fact]
    public void Choosing_a_theme_in_its_menu_applies_it_and_marks_it_chosen()
    {
        SignIn("Aarav Sharma", Roles.Investor);
        var menu = Render<ThemeMenu>();

        menu.Find("[data-testid='theme-dark']").Click();

        Assert.True(Services.GetRequiredService<ThemeState>().IsDark);
        menu.WaitForAssertion(() => Assert.Equal("true", menu.Find("[data-testid='theme-dark']").GetAttribute("aria-pressed")));
        Assert.Equal("false", menu.Find("[data-testid='theme-auto']").GetAttribute("aria-pressed"));
    }

    /// <summary>Registers the signed-in user; the renderer is configured after every service is in place.</summary>
    private void SignIn(string name, string role)
    {
        AddAuthorization().SetAuthorized(name).SetRoles(role);
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
    }

    private static List<string> LinkTexts(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> rendered) =>
        rendered.FindAll(".mud-nav-link").Select(a => a.TextContent.Trim()).ToList();

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private sealed class UnusedDatabase : IDbContextFactory<SparkDbContext>
    {
        public SparkDbContext CreateDbContext() => throw new InvalidOperationException("The shell must not query while rendered statically.");
    }
}
