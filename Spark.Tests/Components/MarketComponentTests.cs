using Bunit;
using MudBlazor.Services;
using Spark.Core.Imports;
using Spark.Core.Market;
using Spark.Web.Components.Pages.Market.Parts;
using Spark.Web.Endpoints;
using Spark.Web.Services.Market;

namespace Spark.Tests.Components;

/// <summary>The market screens' parts that take their data as parameters: cues, formatting and arithmetic.</summary>
public sealed class MarketComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 15, 30, 0, TimeSpan.FromHours(5.5));

    public MarketComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public void A_gain_is_green_with_an_up_arrow_and_signed_amounts_in_indian_style()
    {
        var header = Render<PriceHeader>(p => p
            .Add(h => h.Security, Stock("DIXON", "Dixon Technologies (India) Ltd"))
            .Add(h => h.Quote, LiveQuote.From(new Quote(123456.70m, 120000m, At))));

        Assert.Equal("Dixon Technologies (India) Ltd", header.Find("h1").TextContent.Trim());
        Assert.Equal("₹1,23,456.70", header.Find("[data-testid=security-price]").TextContent.Trim());
        var change = header.Find("[data-testid=security-change]");
        Assert.Contains("spark-gain", change.ClassList);
        Assert.Contains("▲", change.TextContent, StringComparison.Ordinal);
        Assert.Contains("+₹3,456.70 (+2.88 %)", change.TextContent, StringComparison.Ordinal);
        Assert.Contains("Last price", header.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loss_is_red_with_a_down_arrow_and_a_true_minus_sign()
    {
        var header = Render<PriceHeader>(p => p
            .Add(h => h.Security, Stock("ITC", "ITC Ltd"))
            .Add(h => h.Quote, LiveQuote.From(new Quote(950m, 1000m, At))));

        var change = header.Find("[data-testid=security-change]");
        Assert.Contains("spark-loss", change.ClassList);
        Assert.DoesNotContain("spark-gain", change.ClassList);
        Assert.Contains("▼", change.TextContent, StringComparison.Ordinal);
        Assert.Contains("\u2212₹50.00 (\u22125.00 %)", change.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unchanged_price_has_neither_colour_nor_arrow()
    {
        var header = Render<PriceHeader>(p => p
            .Add(h => h.Security, Stock("ITC", "ITC Ltd"))
            .Add(h => h.Quote, LiveQuote.From(new Quote(450m, 450m, At))));

        var change = header.Find("[data-testid=security-change]");
        Assert.DoesNotContain("spark-gain", change.ClassList);
        Assert.DoesNotContain("spark-loss", change.ClassList);
        Assert.DoesNotContain("▲", change.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("▼", change.TextContent, StringComparison.Ordinal);
        Assert.Contains("₹0.00 (0.00 %)", change.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fund_shows_its_nav_and_a_security_without_a_price_says_so()
    {
        var fund = new Security { Symbol = "PPFAS-FLEXI-DG", Name = "Parag Parikh Flexi Cap Fund - Direct Plan - Growth", Type = SecurityType.MutualFund };
        var header = Render<PriceHeader>(p => p.Add(h => h.Security, fund).Add(h => h.Quote, LiveQuote.From(new Quote(88.1234m, 87.5m, At))));

        Assert.Contains("NAV", header.Find(".label").TextContent, StringComparison.Ordinal);
        Assert.Contains("NAV of 26/11/2026", header.Markup, StringComparison.Ordinal);
        Assert.Contains("vs previous NAV", header.Find("[data-testid=security-change]").TextContent, StringComparison.Ordinal);

        var unpriced = Render<PriceHeader>(p => p.Add(h => h.Security, Stock("TCS", "Tata Consultancy Services Ltd")).Add(h => h.Quote, null));
        Assert.Contains("No price yet", unpriced.Markup, StringComparison.Ordinal);
        Assert.Empty(unpriced.FindAll("[data-testid=security-price]"));
    }

    [Fact]
    public void A_tick_flashes_the_price_in_the_direction_it_moved_and_the_first_render_does_not_flash()
    {
        var security = Stock("TCS", "Tata Consultancy Services Ltd");
        var first = LiveQuote.From(new Quote(3100m, 3000m, At));
        var up = first.After(new PriceTick(security.Id, "TCS", 3105.5m, 3000m, At.AddMinutes(1)));
        var down = up.After(new PriceTick(security.Id, "TCS", 3090m, 3000m, At.AddMinutes(2)));

        var header = Render<PriceHeader>(p => p.Add(h => h.Security, security).Add(h => h.Quote, first));
        Assert.DoesNotContain("flash", header.Find("[data-testid=security-price]").ClassName ?? "", StringComparison.Ordinal);

        header.Render(p => p.Add(h => h.Quote, up));
        Assert.Contains("flash-up", header.Find("[data-testid=security-price]").ClassList);
        Assert.Equal("₹3,105.50", header.Find("[data-testid=security-price]").TextContent.Trim());

        header.Render(p => p.Add(h => h.Quote, down));
        Assert.Contains("flash-down", header.Find("[data-testid=security-price]").ClassList);
        Assert.Equal(2, down.Version);
    }

    [Fact]
    public void The_52_week_bar_places_todays_price_between_the_low_and_the_high()
    {
        var bar = Render<WeekRangeBar>(p => p.Add(b => b.Low, 1000m).Add(b => b.High, 200000m).Add(b => b.Current, 150250m));

        Assert.Equal("₹1,000.00", bar.Find("[data-testid=week52-low]").TextContent);
        Assert.Equal("₹2,00,000.00", bar.Find("[data-testid=week52-high]").TextContent);
        Assert.Contains("left:75%", bar.Find("[data-testid=week52-marker]").GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("75 % of the way", bar.Find("[role=img]").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_price_outside_the_52_week_range_sits_at_its_end_and_no_history_is_said_plainly()
    {
        Assert.Equal(1m, WeekRangeBar.PositionOf(100m, 200m, 250m));
        Assert.Equal(0m, WeekRangeBar.PositionOf(100m, 200m, 90m));
        Assert.Equal(0.5m, WeekRangeBar.PositionOf(100m, 100m, 100m));
        Assert.Null(WeekRangeBar.PositionOf(100m, 200m, null));

        var empty = Render<WeekRangeBar>(p => p.Add(b => b.Low, null).Add(b => b.High, null).Add(b => b.Current, 10m));
        Assert.Contains("Not enough price history yet.", empty.Markup, StringComparison.Ordinal);
        Assert.Empty(empty.FindAll("[data-testid=week52-marker]"));
    }

    [Fact]
    public void Results_link_to_each_security_page_and_show_the_day_change_with_a_second_cue()
    {
        var infy = Stock("INFY", "Infosys Ltd");
        var mm = Stock("M&M", "Mahindra & Mahindra Ltd");
        var tcs = Stock("TCS", "Tata Consultancy Services Ltd");
        var quotes = new Dictionary<Guid, LiveQuote>
        {
            [infy.Id] = LiveQuote.From(new Quote(1530m, 1500m, At)),
            [mm.Id] = LiveQuote.From(new Quote(2940m, 3000m, At)),
        };

        var list = Render<SecurityList>(p => p.Add(l => l.Securities, [infy, mm, tcs]).Add(l => l.Quotes, quotes));

        var rows = list.FindAll("[data-testid=market-row]");
        Assert.Equal(["market/INFY", "market/M%26M", "market/TCS"], rows.Select(r => r.GetAttribute("href")));
        var changes = list.FindAll("[data-testid=market-change]");
        Assert.Equal("▲ +2.00 %", changes[0].TextContent);
        Assert.Contains("spark-gain", changes[0].ClassList);
        Assert.Equal("▼ \u22122.00 %", changes[1].TextContent);
        Assert.Contains("spark-loss", changes[1].ClassList);
        Assert.Equal("₹1,530.00", list.FindAll("[data-testid=market-price]")[0].TextContent);
        Assert.Contains("—", rows[2].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Daily_bars_fold_into_weeks_from_monday_with_first_open_extremes_and_last_close()
    {
        // 2026-11-16 is a Monday.
        BarView Day(int day, decimal open, decimal high, decimal low, decimal close) =>
            new(new DateTimeOffset(2026, 11, day, 0, 0, 0, TimeSpan.FromHours(5.5)), open, high, low, close, 100);
        var daily = new[] { Day(16, 10, 12, 9, 11), Day(18, 11, 15, 10, 14), Day(20, 14, 14, 8, 9), Day(23, 9, 10, 9, 10) };

        var weeks = ChartData.Weekly(daily);

        Assert.Equal(2, weeks.Count);
        Assert.Equal(new BarView(daily[0].Timestamp, 10, 15, 8, 9, 300), weeks[0]);
        Assert.Equal(new BarView(daily[3].Timestamp, 9, 10, 9, 10, 100), weeks[1]);
    }

    [Fact]
    public void A_live_price_moves_the_last_minute_bar_or_opens_the_next_one()
    {
        var nine15 = new DateTimeOffset(2026, 11, 26, 9, 15, 0, TimeSpan.FromHours(5.5));
        IReadOnlyList<BarView> minutes = [new(nine15, 100, 101, 99, 100.5m, 10)];

        var same = ChartData.WithTick(minutes, 102m, nine15.AddSeconds(40));
        Assert.Equal(new BarView(nine15, 100, 102, 99, 102, 10), Assert.Single(same));

        var next = ChartData.WithTick(minutes, 98m, nine15.AddMinutes(1).AddSeconds(5));
        Assert.Equal(new BarView(nine15.AddMinutes(1), 100.5m, 100.5m, 98, 98, 0), next[1]);

        Assert.Same(minutes, ChartData.WithTick(minutes, 98m, nine15.AddDays(1)));
    }

    [Fact]
    public void An_import_report_counts_bars_and_rejected_rows()
    {
        Assert.Equal("1 bar imported, 0 rows rejected", BarImportPanel.Summary(new BarImportResponse(1, [])));
        Assert.Equal("2 bars imported, 1 row rejected", BarImportPanel.Summary(new BarImportResponse(2,
            [new ImportError(3, "high 16100 is below open 16200"), new ImportError(3, "volume is required")])));
    }

    private static Security Stock(string symbol, string name) => new() { Symbol = symbol, Name = name, Type = SecurityType.Stock, Exchange = "NSE" };

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
