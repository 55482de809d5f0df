using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Spark.Core.Market;
using Spark.Web.Components.Pages.Dashboard;
using Spark.Web.Components.Pages.Portfolio;

namespace Spark.Tests.Components;

/// <summary>One row per holding across platforms, and Sell on what the paper exchange does not hold (decision 0053).</summary>
public sealed class HoldingGroupComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 27);
    private static readonly Guid Eth = Guid.NewGuid();

    public HoldingGroupComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Render<MudPopoverProvider>();
    }

    private static HoldingRow Row(string symbol, string platform, decimal quantity, decimal invested, decimal price, decimal dayChange,
        Guid? securityId = null, SecurityType type = SecurityType.Crypto) => new(
        Guid.NewGuid(), securityId ?? Guid.NewGuid(), symbol, symbol + " name", type, platform, null, quantity,
        quantity == 0m ? 0m : Spark.Core.Money.UnitPrice(invested / quantity), invested, price, price - 1000m,
        Spark.Core.Money.Paisa(quantity * price), dayChange, 0.004m, 0m, 0m, invested, 0.12m, null, new DateOnly(2023, 4, 1));

    [Fact]
    public void A_security_on_two_platforms_is_one_row_that_sums_them_and_expands_to_each_platform()
    {
        HoldingRow[] rows =
        [
            Row("ETHINR", "binance", 0.01234567m, 2_605.37m, 2_63_456.7891m, 12.35m, Eth),
            Row("ETHINR", "manual", 0.03333333m, 8_197.64m, 2_63_456.7891m, 41.66m, Eth),
            Row("TCS", "zerodha", 2m, 7_000m, 3_600m, -20m, type: SecurityType.Stock),
        ];

        var table = Render<HoldingsTable>(p => p.Add(t => t.Rows, rows).Add(t => t.Today, Today));

        Assert.Equal(2, table.FindAll("tbody tr").Count);
        // 3,252.55 + 8,781.89: the platforms' values, each to the paisa, summed.
        Assert.Equal("₹12,034.44", table.Find("[data-testid='value-ETHINR']").TextContent.Trim());
        Assert.Equal("₹10,803.01", table.Find("[data-testid='invested-ETHINR']").TextContent.Trim());
        Assert.Equal("0.045679", table.Find("[data-testid='qty-ETHINR']").TextContent.Trim());
        // Weighted: 10,803.01 ÷ 0.045679 = 2,36,498.3909…
        Assert.Equal("₹2,36,498.39", table.Find("[data-testid='avg-ETHINR']").TextContent.Trim());
        Assert.Contains("+₹54.01", table.Find("[data-testid='day-ETHINR']").TextContent);
        Assert.Contains("+₹1,231.43", table.Find("[data-testid='pnl-ETHINR']").TextContent);
        Assert.Contains("2 platforms", table.Find("[data-testid='platforms-ETHINR']").TextContent);

        var toggle = table.Find("[data-testid='expand-ETHINR']");
        Assert.Equal("false", toggle.GetAttribute("aria-expanded"));
        Assert.Contains("Show the 2 platforms holding ETHINR", toggle.GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Empty(table.FindAll("[data-testid^='platform-row-ETHINR']"));
        toggle.Click();

        Assert.Equal("true", table.Find("[data-testid='expand-ETHINR']").GetAttribute("aria-expanded"));
        var platformRows = table.FindAll("[data-testid^='platform-row-ETHINR']");
        Assert.Equal(2, platformRows.Count);
        Assert.Equal("₹8,781.89", table.Find("[data-testid='value-ETHINR-manual']").TextContent.Trim());
        Assert.Equal("₹3,252.55", table.Find("[data-testid='value-ETHINR-binance']").TextContent.Trim());
        Assert.Equal($"portfolio/holdings/{rows[1].InvestmentId}", table.Find("[data-testid='platform-link-ETHINR-manual']").GetAttribute("href"));
        // A single-platform row keeps leading straight to its holding.
        Assert.Empty(table.FindAll("[data-testid='expand-TCS']"));
        Assert.Equal($"portfolio/holdings/{rows[2].InvestmentId}", table.Find("[data-testid='holding-symbol'] a[href*='" + rows[2].InvestmentId + "']").GetAttribute("href"));
    }

    [Fact]
    public void The_dashboards_movers_list_a_security_held_on_two_platforms_once()
    {
        HoldingRow[] rows =
        [
            Row("ETHINR", "binance", 0.01m, 2_000m, 2_50_000m, 10m, Eth),
            Row("ETHINR", "paper", 0.02m, 4_000m, 2_50_000m, 20m, Eth),
        ];

        var movers = Render<Movers>(p => p.Add(m => m.Rows, rows));

        Assert.Single(movers.FindAll("[data-testid='mover-ETHINR']"));
        Assert.Equal("portfolio?expand=ETHINR", movers.Find("[data-testid='mover-ETHINR'] a").GetAttribute("href"));
        Assert.Single(Movers.Gainers(rows));
    }

    [Fact]
    public void Sell_on_a_manual_holding_says_the_sale_happens_at_the_broker_and_offers_to_record_it_or_practise()
    {
        var dialogs = Render<MudDialogProvider>();
        var manual = Row("BTCINR", "manual", 0.002m, 15_000m, 96_73_796.73m, 0m);
        var table = Render<HoldingsTable>(p => p.Add(t => t.Rows, [manual]).Add(t => t.Today, Today));

        table.Find("button[data-testid='row-sell-BTCINR']").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("entered by hand", dialogs.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("You can sell up to", dialogs.Markup, StringComparison.Ordinal);
        Assert.Contains("0.002 on your manual records", dialogs.Find("[data-testid='sale-at-manual']").TextContent);
        Assert.Contains("Practice on paper", dialogs.Find("[data-testid='sale-practice']").TextContent);
        Assert.Empty(dialogs.FindAll("[data-testid='sale-paper']"));

        dialogs.Find("[data-testid='sale-record-manual']").Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        dialogs.WaitForAssertion(() => Assert.EndsWith(
            "portfolio/transactions?add=1&type=sell&symbol=BTCINR&platform=manual&quantity=0.002&price=9673796.73", navigation.Uri, StringComparison.Ordinal));
    }

    [Fact]
    public void Sell_on_a_row_held_on_paper_and_at_a_broker_offers_the_paper_part_and_recording_the_broker_sale()
    {
        var dialogs = Render<MudDialogProvider>();
        HoldingRow[] rows =
        [
            Row("ETHINR", "zerodha", 0.5m, 1_00_000m, 2_50_000m, 0m, Eth),
            Row("ETHINR", "paper", 0.002m, 400m, 2_50_000m, 0m, Eth),
        ];
        var table = Render<HoldingsTable>(p => p.Add(t => t.Rows, rows).Add(t => t.Today, Today));

        table.Find("button[data-testid='row-sell-ETHINR']").Click();

        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-testid='sale-paper']")));
        Assert.Contains("0.002 on the paper exchange", dialogs.Find("[data-testid='sale-at-paper']").TextContent);
        Assert.Contains("Spark records the sale at the next sync", dialogs.Find("[data-testid='sale-at-zerodha']").TextContent);
        Assert.NotEmpty(dialogs.FindAll("[data-testid='sale-record-zerodha']"));
        // Paper units exist, so the paper choice is a real paper sale, not practice.
        Assert.Empty(dialogs.FindAll("[data-testid='sale-practice']"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
