using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Spark.Web.Components.Pages.Settings.Parts;

namespace Spark.Tests.Components;

/// <summary>Settings' section tabs: the section shown is highlighted, /settings included (issue #16: it highlighted none).</summary>
public sealed class SettingsTabsComponentTests : BunitContext
{
    [Theory]
    [InlineData("settings", "settings-tab-profile")]
    [InlineData("settings/", "settings-tab-profile")]
    [InlineData("settings/profile", "settings-tab-profile")]
    [InlineData("settings/security", "settings-tab-security")]
    [InlineData("settings/risk-profile?from=goals", "settings-tab-risk-profile")]
    public void The_tab_of_the_shown_section_is_highlighted_and_marked_current(string address, string expected)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);

        var tabs = Render<SettingsTabs>();

        var active = tabs.FindAll(".spark-tab-active");
        Assert.Equal(expected, Assert.Single(active).GetAttribute("data-testid"));
        Assert.Equal("page", active[0].GetAttribute("aria-current"));
        Assert.Equal(6, tabs.FindAll("a.spark-tab").Count);
    }
}
