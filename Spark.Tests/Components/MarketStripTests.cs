using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Spark.Web.Components.Layout;
using Spark.Web.Services.Market;

namespace Spark.Tests.Components;

/// <summary>The header's market chip (decision 0051): its words at each phase, and that it follows the clock by itself.</summary>
public sealed class MarketStripTests : BunitContext
{
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 6, 11, 0, 0, Ist));

    public MarketStripTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(clock);
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new MarketSessionOptions()));
        Services.AddSingleton<MarketStatusService>();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void The_chip_says_closed_on_a_sunday_with_when_the_market_opens()
    {
        var strip = Render<MarketStrip>();
        Assert.Equal("Closed · opens Mon 09:15", strip.Find("[data-testid='market-status']").TextContent.Trim());
        Assert.Equal("The market is closed. The next session opens Mon 7 Dec, 09:15 IST.", strip.Find("[data-testid='market-status']").GetAttribute("title"));
    }

    [Fact]
    public void The_chip_follows_the_clock_into_pre_open_and_the_open_without_a_reload()
    {
        clock.Advance(new DateTimeOffset(2026, 12, 7, 8, 59, 50, Ist) - clock.GetUtcNow());
        var strip = Render<MarketStrip>();
        Assert.Equal("Closed · opens 09:15", strip.Find("[data-testid='market-status']").TextContent.Trim());

        clock.Advance(TimeSpan.FromMinutes(6));
        strip.WaitForAssertion(() => Assert.Equal("Pre-open · opens 09:15", strip.Find("[data-testid='market-status']").TextContent.Trim()));

        clock.Advance(TimeSpan.FromMinutes(10));
        strip.WaitForAssertion(() => Assert.Equal("Market open · closes 15:30", strip.Find("[data-testid='market-status']").TextContent.Trim()));
    }

    [Fact]
    public void A_holiday_is_named()
    {
        clock.Advance(new DateTimeOffset(2026, 12, 25, 10, 0, 0, Ist) - clock.GetUtcNow());
        var strip = Render<MarketStrip>();
        Assert.Equal("Holiday: Christmas", strip.Find("[data-testid='market-status']").TextContent.Trim());
    }

    [Fact]
    public void Without_the_market_services_the_strip_renders_nothing()
    {
        using var bare = new BunitContext();
        bare.JSInterop.Mode = JSRuntimeMode.Loose;
        Assert.Empty(bare.Render<MarketStrip>().FindAll("[data-testid='market-strip']"));
    }
}
