using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Web.Components.Pages.Dashboard;
using Spark.Web.Components.Pages.Portfolio;
using Spark.Web.Services.Market;

namespace Spark.Tests.Components;

/// <summary>The dashboard's figures and the holdings table, rendered from data passed in (no database, no circuit).</summary>
public sealed class DashboardComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 26);

    public DashboardComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // The value chart follows the theme; nothing here reads or writes a preference.
        Services.AddSingleton<Microsoft.EntityFrameworkCore.IDbContextFactory<Spark.Data.SparkDbContext>, NoDatabase>();
        Services.AddSingleton<Spark.Data.SparkDb>();
        Services.AddScoped<Spark.Web.Shell.ThemeState>();
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void Stat_cards_show_rupees_in_lakhs_and_crores_with_gains_and_losses_signed_coloured_and_arrowed()
    {
        var totals = new PortfolioTotals(CurrentValue: 12345678.9m, Invested: 10000000m, DayChange: -23456.5m, RealizedPnl: -1500m, Income: 120.5m,
            CostOfAllBuys: 11000000m, Held: 3);

        var stats = Render<DashboardStats>(p => p.Add(s => s.Totals, totals).Add(s => s.Today, Today).Add(s => s.Xirr, 0.1234m)
            .Add(s => s.FirstInvested, new DateOnly(2022, 4, 1)));

        Assert.Contains("₹1,23,45,678.90", Text(stats, "stat-value"));
        Assert.Contains("3 holdings", Text(stats, "stat-value"));
        Assert.Contains("₹1,00,00,000.00", Text(stats, "stat-invested"));
        var gain = stats.Find("[data-testid='stat-gain'] .spark-stat-value .spark-num");
        Assert.Contains("spark-gain", gain.ClassList);
        Assert.Contains("▲", gain.TextContent);
        Assert.Contains("+₹23,45,678.90", gain.TextContent);
        Assert.Contains("+23.46 %", Text(stats, "stat-gain"));
        var day = stats.Find("[data-testid='stat-day'] .spark-stat-value .spark-num");
        Assert.Contains("spark-loss", day.ClassList);
        Assert.Contains("▼", day.TextContent);
        Assert.Contains("−₹23,456.50", day.TextContent);
        // Measured from yesterday's value: −23,456.50 / 1,23,69,135.40.
        Assert.Contains("−0.19 %", Text(stats, "stat-day"));
        Assert.Contains("XIRR", Text(stats, "stat-xirr"));
        Assert.Contains("+12.34 %", Text(stats, "stat-xirr"));
        // Unrealized 23,45,678.90 − realized 1,500 + dividends 120.50.
        Assert.Contains("+₹23,44,299.40", Text(stats, "stat-total-return"));
    }

    [Fact]
    public void Money_invested_less_than_a_year_ago_shows_absolute_return_instead_of_xirr()
    {
        var totals = new PortfolioTotals(11000m, 10000m, 0m, 0m, 0m, 10000m, 1);

        var stats = Render<DashboardStats>(p => p.Add(s => s.Totals, totals).Add(s => s.Today, Today).Add(s => s.Xirr, 0.61m)
            .Add(s => s.FirstInvested, Today.AddMonths(-3)));

        var card = Text(stats, "stat-xirr");
        Assert.Contains("Absolute return", card);
        Assert.Contains("+10.00 %", card);
        Assert.DoesNotContain("61.00", card);
    }

    [Fact]
    public void Without_an_xirr_the_card_says_why()
    {
        var totals = new PortfolioTotals(9000m, 10000m, 0m, 0m, 0m, 10000m, 1);

        var stats = Render<DashboardStats>(p => p.Add(s => s.Totals, totals).Add(s => s.Today, Today).Add(s => s.Xirr, null)
            .Add(s => s.XirrNote, "The cash flows have no solution.").Add(s => s.FirstInvested, new DateOnly(2020, 1, 1)));

        Assert.Equal("The cash flows have no solution.", stats.Find("[data-testid='xirr-note']").TextContent.Trim());
        Assert.Contains("—", Text(stats, "stat-xirr"));
    }

    [Fact]
    public void A_new_investor_is_shown_how_to_add_a_transaction_import_a_file_or_connect_a_broker()
    {
        var empty = Render<EmptyPortfolio>();

        Assert.Contains("Your portfolio is empty", empty.Markup);
        Assert.Equal("portfolio/transactions?add=1", empty.Find("[data-testid='empty-add-transaction']").GetAttribute("href"));
        Assert.Equal("portfolio/transactions?import=1", empty.Find("[data-testid='empty-import']").GetAttribute("href"));
        Assert.Equal("settings/connections", empty.Find("[data-testid='empty-connect']").GetAttribute("href"));
    }

    [Fact]
    public void The_holdings_table_lists_holdings_by_value_and_sorts_by_a_clicked_column()
    {
        HoldingRow[] rows =
        [
            Row("INFY", quantity: 10m, price: 1500m, invested: 14000m),
            Row("TCS", quantity: 2m, price: 4000m, invested: 9000m),
            Row("HDFCBANK", quantity: 20m, price: 1700m, invested: 30000m),
        ];
        // Since the rows' cells are plain td elements (decision 0068) a MudBlazor popover is disposed during this first
        // render (which one was not traced), and a popover asks the renderer for its RendererInfo when disposed: a live circuit's.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var table = Render<HoldingsTable>(p => p.Add(t => t.Rows, rows).Add(t => t.Today, Today));

        Assert.Equal(["HDFCBANK", "INFY", "TCS"], Symbols(table));
        Assert.Equal("₹34,000.00", table.Find("[data-testid='value-HDFCBANK']").TextContent.Trim());
        Assert.Equal("₹4,000.00", table.Find("[data-testid='ltp-TCS']").TextContent.Trim());
        var tcsPnl = table.FindAll("tbody tr").Single(r => r.TextContent.Contains("TCS", StringComparison.Ordinal)).QuerySelector(".spark-loss");
        Assert.NotNull(tcsPnl);
        Assert.Contains("−₹1,000.00", tcsPnl.TextContent);

        // MudTable sorts asynchronously after a click: wait for the rendered order.
        table.FindAll(".mud-table-sort-label").First(l => l.TextContent.Contains("Holding", StringComparison.Ordinal)).Click();
        table.WaitForAssertion(() => Assert.Equal(["HDFCBANK", "INFY", "TCS"], Symbols(table)));
        table.FindAll(".mud-table-sort-label").First(l => l.TextContent.Contains("Unrealized", StringComparison.Ordinal)).Click();
        table.WaitForAssertion(() => Assert.Equal(["TCS", "INFY", "HDFCBANK"], Symbols(table)));
    }

    [Fact]
    public void A_tick_revalues_a_holding_to_the_paisa_and_moves_the_totals()
    {
        var row = Row("TCS", quantity: 3m, price: 99m, invested: 297m);
        var other = Row("INFY", quantity: 1m, price: 50m, invested: 40m);
        var live = new LiveHoldings([row, other]);

        var changed = live.Apply(new Dictionary<Guid, PriceTick>
        {
            [row.SecurityId] = new(row.SecurityId, "TCS", 100.005m, 99.333m, DateTimeOffset.UnixEpoch),
        });

        Assert.True(changed);
        var tcs = live.Rows.Single(r => r.Symbol == "TCS");
        Assert.Equal(300.02m, tcs.CurrentValue);
        Assert.Equal(2.02m, tcs.DayChange);
        Assert.Equal(Move.Up, tcs.Move);
        Assert.Equal(1, tcs.Version);
        Assert.Equal(350.02m, live.Totals.CurrentValue);
        Assert.Equal(Move.Up, live.TotalsMove);
        Assert.False(live.Apply(new Dictionary<Guid, PriceTick> { [row.SecurityId] = new(row.SecurityId, "TCS", 100.005m, 99.333m, DateTimeOffset.UnixEpoch) }));
    }

    [Fact]
    public void The_summary_carries_the_server_time_of_the_newest_tick_that_moved_a_figure_for_script_load()
    {
        var row = Row("TCS", quantity: 3m, price: 99m, invested: 297m);
        var other = Row("INFY", quantity: 1m, price: 50m, invested: 40m);
        var live = new LiveHoldings([row, other]);
        var first = new DateTimeOffset(2026, 11, 26, 4, 0, 0, TimeSpan.Zero);
        Assert.Null(live.TickAt);

        live.Apply(new Dictionary<Guid, PriceTick>
        {
            [row.SecurityId] = new(row.SecurityId, "TCS", 100m, 99m, first),
            [other.SecurityId] = new(other.SecurityId, "INFY", 51m, 50m, first.AddMilliseconds(250)),
        });
        // A tick that moves nothing (the same price) leaves the stamp where it was.
        live.Apply(new Dictionary<Guid, PriceTick> { [row.SecurityId] = new(row.SecurityId, "TCS", 100m, 99m, first.AddSeconds(5)) });
        var stats = Render<DashboardStats>(p => p.Add(s => s.Totals, live.Totals).Add(s => s.Today, Today).Add(s => s.TickAt, live.TickAt));

        Assert.Equal(first.AddMilliseconds(250), live.TickAt);
        Assert.Equal(first.AddMilliseconds(250).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            stats.Find("[data-testid=dashboard-summary]").GetAttribute("data-tick-at"));
    }

    [Fact]
    public void A_tick_renders_the_live_region_and_nothing_beside_it()
    {
        // The dashboard applies ticks without rendering itself (decision 0068): the figures inside a LiveRegion change,
        // the recent transactions beside it are not rendered again.
        var row = Row("TCS", quantity: 3m, price: 99m, invested: 297m);
        var live = new LiveHoldings([row]);
        var page = Render(b =>
        {
            b.OpenComponent<LiveRegion>(0);
            b.AddAttribute(1, nameof(LiveRegion.Live), live);
            b.AddAttribute(2, nameof(LiveRegion.ChildContent), (RenderFragment)(c =>
            {
                c.OpenComponent<DashboardStats>(0);
                c.AddAttribute(1, nameof(DashboardStats.Totals), live.Totals);
                c.AddAttribute(2, nameof(DashboardStats.Today), Today);
                c.AddAttribute(3, nameof(DashboardStats.TotalsVersion), live.TotalsVersion);
                c.AddAttribute(4, nameof(DashboardStats.TotalsMove), live.TotalsMove);
                c.CloseComponent();
            }));
            b.CloseComponent();
            b.OpenComponent<RecentTransactions>(3);
            b.AddAttribute(4, nameof(RecentTransactions.Items), (IReadOnlyList<Spark.Web.Services.Portfolio.TransactionView>)[]);
            b.CloseComponent();
        });
        var stats = page.FindComponent<DashboardStats>();
        var recent = page.FindComponent<RecentTransactions>();
        var recentRenders = recent.RenderCount;
        var xirr = stats.FindComponent<XirrFigure>();
        var xirrRenders = xirr.RenderCount;
        Assert.Contains("₹297.00", stats.Find("[data-testid='stat-value']").TextContent);
        // The cards, their figures and hints are markup in DashboardStats' own tree, not components (decision 0070).
        Assert.Empty(stats.FindComponents<Spark.Web.Components.Shared.MoneyText>());
        Assert.Empty(stats.FindComponents<LiveFigure>());
        Assert.Empty(stats.FindComponents<MudBlazor.MudTooltip>());
        Assert.Equal(4, stats.FindAll(".spark-tip[data-tip]").Count(e => e.ClassList.Contains("figure-hint")));

        page.InvokeAsync(() => live.Apply(new Dictionary<Guid, PriceTick> { [row.SecurityId] = new(row.SecurityId, "TCS", 100m, 99m, DateTimeOffset.UnixEpoch) }));

        Assert.Contains("₹300.00", stats.Find("[data-testid='stat-value']").TextContent);
        Assert.Contains("flash-up", stats.Find("[data-testid='stat-value'] .live-figure").ClassName);
        Assert.Equal(recentRenders, recent.RenderCount);
        // The XIRR (from the ledger) did not move, so its card is skipped: its parameters are the same as before the tick.
        Assert.Equal(xirrRenders, xirr.RenderCount);
    }

    [Fact]
    public void Ranges_over_a_year_are_drawn_from_weekly_points_ending_today()
    {
        var start = Today.AddYears(-3);
        var series = Enumerable.Range(0, Today.DayNumber - start.DayNumber + 1)
            .Select(i => new ValuePoint(start.AddDays(i), 100m + i, 100m)).ToList();

        var year = ValueChart.Slice(series, "1Y", Today);
        var max = ValueChart.Slice(series, "Max", Today);

        Assert.Equal(366, year.Count);
        Assert.Equal(Today, max[^1].Date);
        Assert.All(max.Zip(max.Skip(1)), pair => Assert.Equal(7, pair.Second.Date.DayNumber - pair.First.Date.DayNumber));
        Assert.InRange(max.Count, 156, 158);
    }

    [Fact]
    public void The_range_buttons_choose_the_charts_range_and_show_which_is_pressed()
    {
        // Plain buttons in MudChip's look since decision 0072 (a chip set was six components in every dashboard circuit).
        var start = Today.AddYears(-3);
        var series = Enumerable.Range(0, Today.DayNumber - start.DayNumber + 1)
            .Select(i => new ValuePoint(start.AddDays(i), 100m + i, 100m)).ToList();
        var format = Spark.Web.Services.Accounts.DisplayPreferences.Default;

        var chart = Render<ValueChart>(p => p.Add(c => c.Series, series).Add(c => c.Today, Today));

        Assert.Equal(["1Y"], Pressed(chart));
        Assert.StartsWith($"Portfolio value from {format.Date(Today.AddYears(-1))} ", chart.Find("[role='img']").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.All(chart.FindAll("[data-testid^='range-']"), b => Assert.Equal("BUTTON", b.TagName));

        chart.Find("[data-testid='range-1M']").Click();

        Assert.Equal(["1M"], Pressed(chart));
        Assert.StartsWith($"Portfolio value from {format.Date(Today.AddMonths(-1))} ", chart.Find("[role='img']").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Contains("mud-chip-selected", chart.Find("[data-testid='range-1M']").ClassList);
        Assert.DoesNotContain("mud-chip-selected", chart.Find("[data-testid='range-1Y']").ClassList);

        static List<string> Pressed(IRenderedComponent<ValueChart> chart) =>
            chart.FindAll("[data-testid^='range-'][aria-pressed='true']").Select(b => b.TextContent.Trim()).ToList();
    }

    [Fact]
    public void The_allocation_groups_by_type_or_by_sector_with_the_chosen_grouping_pressed()
    {
        // MudToggleGroup's markup written out since decision 0072: plain buttons, no toggle components.
        var donut = Render<AllocationDonut>(p => p.Add(d => d.Rows, [Row("TCS", 10m, 100m, 900m), Row("INFY", 5m, 200m, 1000m)]));

        Assert.Empty(donut.FindComponents<MudToggleItem<string>>());
        Assert.Equal("true", donut.Find("[data-testid='allocation-by-type']").GetAttribute("aria-pressed"));
        Assert.Equal("Allocation by type", donut.Find("[data-testid='allocation-legend']").GetAttribute("aria-label"));

        donut.Find("[data-testid='allocation-by-sector']").Click();

        Assert.Equal("true", donut.Find("[data-testid='allocation-by-sector']").GetAttribute("aria-pressed"));
        Assert.Equal("false", donut.Find("[data-testid='allocation-by-type']").GetAttribute("aria-pressed"));
        Assert.Contains("mud-toggle-item-selected", donut.Find("[data-testid='allocation-by-sector']").ClassList);
        Assert.Equal("Allocation by sector", donut.Find("[data-testid='allocation-legend']").GetAttribute("aria-label"));
        Assert.Contains("Information Technology", donut.Find("[data-testid='allocation-legend']").TextContent);
    }

    private sealed class NoDatabase : Microsoft.EntityFrameworkCore.IDbContextFactory<Spark.Data.SparkDbContext>
    {
        public Spark.Data.SparkDbContext CreateDbContext() => throw new InvalidOperationException("The chart must not query.");
    }

    private static HoldingRow Row(string symbol, decimal quantity, decimal price, decimal invested) => new(
        Guid.NewGuid(), Guid.NewGuid(), symbol, symbol + " Ltd", SecurityType.Stock, "zerodha", "Information Technology", quantity,
        invested / quantity, invested, price, price, quantity * price, 0m, 0m, 0m, 0m, invested, 0.1m, null, new DateOnly(2023, 1, 2));

    private static string Text(IRenderedComponent<IComponent> rendered, string testId) =>
        rendered.Find($"[data-testid='{testId}']").TextContent;

    private static List<string> Symbols(IRenderedComponent<IComponent> table) =>
        table.FindAll("tbody .holding-link").Select(a => a.TextContent.Trim()).ToList();

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
