using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Web.Components.Pages.Portfolio;
using Spark.Web.Services.Market;

namespace Spark.Tests.Components;

/// <summary>
/// The Holdings and holding pages apply ticks without rendering themselves (decision 0068): only what sits in a
/// LiveRegion renders on a tick, and it shows the ticked price.
/// </summary>
public sealed class HoldingsLiveComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    public HoldingsLiveComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void A_tick_renders_the_holdings_table_and_not_the_filters_beside_it()
    {
        var tcs = Row("TCS", quantity: 3m, price: 99m, invested: 297m);
        var infy = Row("INFY", quantity: 2m, price: 1_500m, invested: 2_800m, type: SecurityType.Etf);
        var live = new LiveHoldings([tcs, infy]);
        var page = Render(b =>
        {
            b.OpenComponent<HoldingsFilters>(0);
            b.AddAttribute(1, nameof(HoldingsFilters.Types), (IReadOnlyList<SecurityType>)[SecurityType.Stock, SecurityType.Etf]);
            b.AddAttribute(2, nameof(HoldingsFilters.Platforms), (IReadOnlyList<string>)["zerodha"]);
            b.AddAttribute(3, nameof(HoldingsFilters.SelectedTypes), (IReadOnlyCollection<SecurityType>)[]);
            b.CloseComponent();
            b.OpenComponent<LiveRegion>(4);
            b.AddAttribute(5, nameof(LiveRegion.Live), live);
            b.AddAttribute(6, nameof(LiveRegion.ChildContent), (RenderFragment)(c =>
            {
                // As the page does: the rows are read when the region renders.
                c.OpenComponent<HoldingsTable>(0);
                c.AddAttribute(1, nameof(HoldingsTable.Rows), live.Rows);
                c.AddAttribute(2, nameof(HoldingsTable.Today), Today);
                c.CloseComponent();
            }));
            b.CloseComponent();
        });
        var table = page.FindComponent<HoldingsTable>();
        var filters = page.FindComponent<HoldingsFilters>();
        var filterRenders = filters.RenderCount;
        var tableRenders = table.RenderCount;
        Assert.Equal("₹297.00", table.Find("[data-testid='value-TCS']").TextContent.Trim());

        page.InvokeAsync(() => live.Apply(new Dictionary<Guid, PriceTick> { [tcs.SecurityId] = new(tcs.SecurityId, "TCS", 100m, 99m, DateTimeOffset.UnixEpoch) }));

        Assert.Equal("₹300.00", table.Find("[data-testid='value-TCS']").TextContent.Trim());
        Assert.Equal("₹100.00", table.Find("[data-testid='ltp-TCS']").TextContent.Trim());
        Assert.Contains("flash-up", table.Find("[data-testid='value-TCS'] .live-figure").ClassName);
        Assert.Equal("₹3,000.00", table.Find("[data-testid='value-INFY']").TextContent.Trim());
        Assert.True(table.RenderCount > tableRenders);
        Assert.Equal(filterRenders, filters.RenderCount);
    }

    [Fact]
    public void A_tick_renders_the_holdings_quote_and_figures_and_not_its_name_or_lots()
    {
        var tcs = Row("TCS", quantity: 3m, price: 99m, invested: 297m);
        var live = new LiveHoldings([tcs]);
        var page = Render(b =>
        {
            b.OpenComponent<HoldingHeader>(0);
            b.AddAttribute(1, nameof(HoldingHeader.Live), live);
            b.CloseComponent();
            b.OpenComponent<LiveRegion>(2);
            b.AddAttribute(3, nameof(LiveRegion.Live), live);
            b.AddAttribute(4, nameof(LiveRegion.ChildContent), (RenderFragment)(c =>
            {
                c.OpenComponent<HoldingStats>(0);
                c.AddAttribute(1, nameof(HoldingStats.Row), live.Rows[0]);
                c.AddAttribute(2, nameof(HoldingStats.Today), Today);
                c.CloseComponent();
            }));
            b.CloseComponent();
            b.OpenComponent<LotsTable>(5);
            b.AddAttribute(6, nameof(LotsTable.Lots), (IReadOnlyList<OpenLot>)[]);
            b.AddAttribute(7, nameof(LotsTable.Type), SecurityType.Stock);
            b.CloseComponent();
        });
        var header = page.FindComponent<HoldingHeader>();
        var stats = page.FindComponent<HoldingStats>();
        var lots = page.FindComponent<LotsTable>();
        // bUnit counts a component's render when anything under it renders: the symbol's chip stands for the header's own markup.
        var symbol = header.FindComponent<MudChip<string>>();
        var (symbolRenders, lotsRenders) = (symbol.RenderCount, lots.RenderCount);
        Assert.Equal("₹99.00", header.Find("[data-testid='holding-price']").TextContent.Trim());
        Assert.Contains("₹297.00", stats.Find("[data-testid='holding-stats']").TextContent);

        page.InvokeAsync(() => live.Apply(new Dictionary<Guid, PriceTick> { [tcs.SecurityId] = new(tcs.SecurityId, "TCS", 100m, 99m, DateTimeOffset.UnixEpoch) }));

        Assert.Equal("₹100.00", header.Find("[data-testid='holding-price']").TextContent.Trim());
        Assert.Contains("flash-up", header.Find("[data-testid='holding-price'] .live-figure").ClassName);
        Assert.Contains("₹300.00", stats.Find("[data-testid='holding-stats']").TextContent);
        // The header's name, tags and link are not rendered again: only the region around its quote is.
        Assert.Equal(symbolRenders, symbol.RenderCount);
        Assert.Equal(lotsRenders, lots.RenderCount);
    }

    private static HoldingRow Row(string symbol, decimal quantity, decimal price, decimal invested, SecurityType type = SecurityType.Stock) => new(
        Guid.NewGuid(), Guid.NewGuid(), symbol, symbol + " Ltd", type, "zerodha", "Information Technology", quantity,
        invested / quantity, invested, price, price, quantity * price, 0m, 0m, 0m, 0m, invested, 0.1m, null, new DateOnly(2023, 1, 2));

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
