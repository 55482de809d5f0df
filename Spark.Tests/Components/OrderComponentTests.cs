using Bunit;
using MudBlazor.Services;
using Spark.Core.Orders;
using Spark.Web.Components.Pages.Orders.Parts;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Orders;

namespace Spark.Tests.Components;

/// <summary>The ticket's charges estimate and the words the order screens use.</summary>
public sealed class OrderComponentTests : BunitContext
{
    // api.md's example: a delivery buy of 100 shares at ₹1,000.
    private static readonly ChargesBreakdown Charges = new(1_00_000m, 0m, 100m, 2.97m, 0.10m, 15m, 0.55m, 0m, 118.62m);

    public OrderComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public void An_orders_tds_is_shown_under_section_194S_only_when_withheld()
    {
        // Section 194S: 1 % of a ₹3,000 crypto sale, ₹30.00, withheld; a buy withholds nothing and shows no line.
        var sell = Render<OrderTds>(p => p.Add(c => c.Tds, 30m));
        var buy = Render<OrderTds>(p => p.Add(c => c.Tds, 0m));

        Assert.Equal("₹30.00", sell.Find("[data-testid=order-tds-amount]").TextContent);
        Assert.Contains("TDS (section 194S)", sell.Markup, StringComparison.Ordinal);
        Assert.Empty(buy.FindAll("[data-testid=order-tds]"));
    }

    [Fact]
    public void A_market_buy_shows_the_buffered_block_apart_from_the_estimate()
    {
        var market = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(Charges, 1000m, 1_00_118.62m, null) { BlockedAmount = 1_02_120.99m }).Add(c => c.Side, OrderSide.Buy));
        var limit = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(Charges, 1000m, 1_00_118.62m, null) { BlockedAmount = 1_00_118.62m }).Add(c => c.Side, OrderSide.Buy));

        Assert.Equal("₹1,00,118.62", market.Find("[data-testid=estimated-cost]").TextContent);
        Assert.Equal("₹1,02,120.99", market.Find("[data-testid=blocked-amount]").TextContent);
        Assert.Empty(limit.FindAll("[data-testid=blocked-amount]"));
    }

    [Fact]
    public void A_buy_shows_every_charge_and_the_total_to_pay_with_no_tax_section()
    {
        var cut = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(Charges, 1000m, 1_00_118.62m, null)).Add(c => c.Side, OrderSide.Buy));

        Assert.Equal("₹1,00,000.00", cut.Find("[data-testid=charge-turnover]").TextContent);
        Assert.Equal("₹0.00", cut.Find("[data-testid=charge-brokerage]").TextContent);
        Assert.Equal("₹100.00", cut.Find("[data-testid=charge-stt]").TextContent);
        Assert.Equal("₹2.97", cut.Find("[data-testid=charge-exchange]").TextContent);
        Assert.Equal("₹0.10", cut.Find("[data-testid=charge-sebi]").TextContent);
        Assert.Equal("₹15.00", cut.Find("[data-testid=charge-stamp]").TextContent);
        Assert.Equal("₹0.55", cut.Find("[data-testid=charge-gst]").TextContent);
        Assert.Equal("₹0.00", cut.Find("[data-testid=charge-dp]").TextContent);
        Assert.Equal("₹118.62", cut.Find("[data-testid=charge-total]").TextContent);
        Assert.Equal("₹1,00,118.62", cut.Find("[data-testid=estimated-cost]").TextContent);
        Assert.Contains("Estimated total to pay", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Brokerage (free)", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=capital-gains]"));
    }

    [Fact]
    public void A_fund_redemption_shows_its_exit_load_and_other_trades_show_none()
    {
        // 100.5 units at ₹51: ₹5,125.50; 1 % exit load ₹51.26 and STT ₹0.05.
        var redemption = new ChargesBreakdown(5_125.50m, 0m, 0.05m, 0m, 0m, 0m, 0m, 0m, 51.31m) { ExitLoad = 51.26m };

        var fund = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(redemption, 51m, 5_074.19m, null)).Add(c => c.Side, OrderSide.Sell));
        var share = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(Charges, 1000m, 1_00_118.62m, null)).Add(c => c.Side, OrderSide.Buy));

        Assert.Equal("₹51.26", fund.Find("[data-testid=charge-exit-load]").TextContent);
        Assert.Equal("₹51.31", fund.Find("[data-testid=charge-total]").TextContent);
        Assert.Empty(share.FindAll("[data-testid=charge-exit-load]"));
    }

    [Fact]
    public void A_sell_of_equity_shows_the_gain_split_and_the_estimated_tax_with_a_sign_and_colour()
    {
        var lot = new LotGain(new DateOnly(2025, 1, 10), 10m, 9000m, 9900m, 900m, false, 300);
        var gains = new CapitalGainsEstimate(900m, -150m, 0m, 187.20m, [lot], null);

        var cut = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(Charges, 1000m, 99_881.38m, gains)).Add(c => c.Side, OrderSide.Sell));

        Assert.Contains("Estimated amount you receive", cut.Markup, StringComparison.Ordinal);
        var section = cut.Find("[data-testid=capital-gains]");
        Assert.Contains("Short-term gain", section.TextContent, StringComparison.Ordinal);
        Assert.NotNull(section.QuerySelector(".spark-gain"));
        Assert.NotNull(section.QuerySelector(".spark-loss"));
        Assert.Contains("▼", section.QuerySelector(".spark-loss")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("₹187.20", cut.Find("[data-testid=estimated-tax]").TextContent);
        Assert.Contains("cess", cut.Find("[data-testid=gains-note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sell_taxed_at_the_slab_rate_says_so_instead_of_a_tax_figure()
    {
        var gains = new CapitalGainsEstimate(0m, 0m, 0m, 0m, [], CapitalGainsEstimator.SlabRateNote);

        var cut = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(Charges, 1000m, 99_881.38m, gains)).Add(c => c.Side, OrderSide.Sell));

        Assert.Empty(cut.FindAll("[data-testid=estimated-tax]"));
        Assert.StartsWith("Taxed at your slab rate", cut.Find("[data-testid=gains-note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sell_without_paper_holdings_says_there_is_no_gain_to_estimate()
    {
        var cut = Render<ChargesSummary>(p => p.Add(c => c.Preview, new ChargesPreview(Charges, 1000m, 99_881.38m, null)).Add(c => c.Side, OrderSide.Sell));

        Assert.Contains("no gain to estimate", cut.Find("[data-testid=capital-gains]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_shows_the_order_and_offers_cancel_only_while_open()
    {
        OrderView? cancelled = null;
        var open = Order(OrderStatus.Placed);
        var row = Render<OrderRow>(p => p.Add(r => r.Order, open).Add(r => r.OnCancel, (OrderView o) => cancelled = o));

        Assert.Equal("Buy", row.Find(".side").TextContent);
        Assert.Equal("0/10", row.Find("[data-testid=order-qty]").TextContent);
        Assert.Equal("Open", row.Find("[data-testid=order-status]").TextContent);
        Assert.Equal($"orders/{open.Id}", row.Find("[data-testid=order-link]").GetAttribute("href"));
        row.Find("[data-testid=order-cancel]").Click();
        Assert.Equal(open, cancelled);

        var done = Render<OrderRow>(p => p.Add(r => r.Order, Order(OrderStatus.Executed)).Add(r => r.OnCancel, (OrderView _) => { }));
        Assert.Empty(done.FindAll("[data-testid=order-cancel]"));
    }

    [Fact]
    public void The_cancel_question_names_the_side_quantity_symbol_and_price()
    {
        var display = DisplayPreferences.Default;
        Assert.Equal("Cancel the buy of 10 TCS at ₹3,500.00?", OrderText.CancelQuestion(Order(OrderStatus.Placed), display));
        Assert.Equal("Cancel the sell of 4 TCS at trigger ₹3,400.00?",
            OrderText.CancelQuestion(Order(OrderStatus.PartiallyFilled) with { Side = OrderSide.Sell, Type = OrderType.StopLoss, StopLoss = 3400m, FilledQuantity = 6m }, display));
        Assert.Equal("Cancel the buy of 10 TCS at market?", OrderText.CancelQuestion(Order(OrderStatus.Placed) with { Type = OrderType.Market, Price = null }, display));
    }

    private static OrderView Order(OrderStatus status) => new(Guid.NewGuid(), "TCS", OrderSide.Buy, OrderType.Limit, 10m,
        status == OrderStatus.Executed ? 10m : 0m, 3500m, null, null, status == OrderStatus.Executed ? 3498.5m : null, status, OrderValidity.Day,
        status == OrderStatus.Executed ? 41.2m : null, 0m, "paper", null, new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero), null, null, null, null, [], []);
}
