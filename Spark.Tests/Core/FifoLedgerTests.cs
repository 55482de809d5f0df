using Spark.Core;
using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

public class FifoLedgerTests
{
    private static DateOnly On(int year, int month, int day) => new(year, month, day);

    [Fact]
    public void Fifo_cost_and_gain_match_portfolio_performance()
    {
        // Portfolio Performance, CostCalculationTest.testFifoBuySellTransactions
        // (github.com/portfolio-performance/portfolio, name.abuchen.portfolio.tests/src/name/abuchen/portfolio/
        // snapshot/security/CostCalculationTest.java): FIFO cost of the remaining units is 5,360.04.
        // The gain is not asserted there; from the same numbers it is 531.50 − 3,149.20 × 15/109 = 98.1239…
        var position = FifoLedger.Replay(
        [
            LedgerEntry.BuyAmount(On(2010, 1, 1), 109m, 3149.20m),
            LedgerEntry.SellAmount(On(2010, 2, 1), 15m, 531.50m),
            LedgerEntry.BuyAmount(On(2010, 3, 1), 52m, 1684.92m),
            LedgerEntry.BuyAmount(On(2010, 3, 1), 32m, 959.30m),
        ]);

        Assert.Equal(178m, position.Quantity);
        Assert.Equal(5360.04m, position.InvestedAmount);
        Assert.Equal(98.12m, position.RealizedPnl);
        var sale = Assert.Single(position.Sales);
        Assert.Equal(new RealizedSale(On(2010, 2, 1), On(2010, 1, 1), 15m, 433.38m, 531.50m, 0m, 98.12m), sale);
        Assert.Equal([94m, 52m, 32m], position.OpenLots.Select(l => l.Quantity));
    }

    [Fact]
    public void A_sell_consumes_the_oldest_lot_first_and_splits_its_charges_by_quantity()
    {
        // FIFO for shares held in demat form: CBDT Circular No. 768 (24 June 1998). Numbers worked by hand:
        // lot 1 costs 10 × 100 + 10 = 1,010; lot 2 costs 20 × 120 + 24 = 2,424 (121.20 a unit).
        // Selling 25 at 150 with 30 charges takes all of lot 1 and 15 of lot 2; charges split 10:15 = 12 + 18.
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 10), 10m, 100m, charges: 10m),
            LedgerEntry.Buy(On(2024, 2, 12), 20m, 120m, charges: 24m),
            LedgerEntry.Sell(On(2024, 6, 3), 25m, 150m, charges: 30m),
        ]);

        Assert.Equal(
            [
                new RealizedSale(On(2024, 6, 3), On(2024, 1, 10), 10m, 1010m, 1500m, 12m, 478m),
                new RealizedSale(On(2024, 6, 3), On(2024, 2, 12), 15m, 1818m, 2250m, 18m, 414m),
            ],
            position.Sales);
        Assert.Equal(892m, position.RealizedPnl);
        Assert.Equal(new OpenLot(On(2024, 2, 12), 5m, 20m, 121.2m, 606m), Assert.Single(position.OpenLots));
        Assert.Equal(5m, position.Quantity);
        Assert.Equal(606m, position.InvestedAmount);
        Assert.Equal(121.2m, position.AverageBuyPrice);
    }

    [Fact]
    public void Sell_charges_split_over_lots_add_up_exactly_to_the_paisa()
    {
        // ₹10 over three equal slices is 3.333… each; rounding each alone would give 9.99.
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 1), 1m, 100m),
            LedgerEntry.Buy(On(2024, 1, 2), 1m, 100m),
            LedgerEntry.Buy(On(2024, 1, 3), 1m, 100m),
            LedgerEntry.Sell(On(2024, 2, 1), 3m, 110m, charges: 10m),
        ]);

        Assert.Equal([3.33m, 3.34m, 3.33m], position.Sales.Select(s => s.Charges));
        Assert.Equal(10m, position.Sales.Sum(s => s.Charges));
        Assert.Equal(20m, position.RealizedPnl);
    }

    [Fact]
    public void A_two_for_one_split_doubles_units_and_halves_unit_cost_but_keeps_cost_and_dates()
    {
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 10), 10m, 250.50m, charges: 4.50m),
            LedgerEntry.Split(On(2024, 6, 1), newUnits: 2m, oldUnits: 1m),
        ]);

        // 10 × 250.50 + 4.50 = 2,509.50; a unit cost 250.95 before the split and 125.475 after it.
        Assert.Equal(new OpenLot(On(2024, 1, 10), 20m, 20m, 125.475m, 2509.50m), Assert.Single(position.OpenLots));
        Assert.Equal(20m, position.Quantity);
        Assert.Equal(2509.50m, position.InvestedAmount);
        Assert.Equal(125.475m, position.AverageBuyPrice);
        Assert.Equal(0m, position.RealizedPnl);
    }

    [Fact]
    public void A_reverse_split_consolidates_units_without_changing_cost()
    {
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2023, 5, 2), 100m, 10m),
            LedgerEntry.Buy(On(2023, 8, 7), 50m, 12m),
            LedgerEntry.Split(On(2024, 1, 15), newUnits: 1m, oldUnits: 10m),
        ]);

        Assert.Equal(
            [new OpenLot(On(2023, 5, 2), 10m, 10m, 100m, 1000m), new OpenLot(On(2023, 8, 7), 5m, 5m, 120m, 600m)],
            position.OpenLots);
        Assert.Equal(1600m, position.InvestedAmount);
    }

    [Fact]
    public void A_bonus_adds_a_zero_cost_lot_and_a_later_sell_consumes_the_original_lot_first()
    {
        // Bonus shares cost nil (Income-tax Act 1961, s. 55(2)(aa)(iiia)) and are acquired on allotment.
        // Modelled on a 1:1 bonus such as Reliance Industries' in October 2024.
        var beforeSell = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 3, 15), 10m, 2900m),
            LedgerEntry.Bonus(On(2024, 10, 29), bonusUnits: 1m, heldUnits: 1m),
        ]);

        Assert.Equal(
            [new OpenLot(On(2024, 3, 15), 10m, 10m, 2900m, 29000m), new OpenLot(On(2024, 10, 29), 10m, 10m, 0m, 0m)],
            beforeSell.OpenLots);
        Assert.Equal(20m, beforeSell.Quantity);
        Assert.Equal(29000m, beforeSell.InvestedAmount);
        Assert.Equal(1450m, beforeSell.AverageBuyPrice);
        Assert.Equal(0m, beforeSell.RealizedPnl);

        var afterSell = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 3, 15), 10m, 2900m),
            LedgerEntry.Bonus(On(2024, 10, 29), bonusUnits: 1m, heldUnits: 1m),
            LedgerEntry.Sell(On(2025, 1, 10), 5m, 1400m),
        ]);

        var sale = Assert.Single(afterSell.Sales);
        Assert.Equal(On(2024, 3, 15), sale.BuyDate);
        Assert.Equal(14500m, sale.CostBasis);
        Assert.Equal(-7500m, afterSell.RealizedPnl);
        Assert.Equal([5m, 10m], afterSell.OpenLots.Select(l => l.Quantity));
        Assert.Equal(14500m, afterSell.InvestedAmount);
    }

    [Fact]
    public void A_bonus_on_a_fractional_holding_is_exact()
    {
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 1), 7.5m, 100m),
            LedgerEntry.Bonus(On(2024, 2, 1), bonusUnits: 1m, heldUnits: 2m),
        ]);

        Assert.Equal(3.75m, position.OpenLots[1].Quantity);
        Assert.Equal(11.25m, position.Quantity);
    }

    [Fact]
    public void Dividends_and_interest_accumulate_as_income_net_of_tax()
    {
        // Tax is deducted at source at 10% on dividends (Income-tax Act 1961, s. 194) and on interest (s. 194A).
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 5), 500m, 180m),
            LedgerEntry.Dividend(On(2024, 7, 19), 10000m, taxDeducted: 1000m),
            LedgerEntry.Interest(On(2024, 9, 30), 6250.50m, taxDeducted: 625.05m),
            LedgerEntry.Dividend(On(2025, 2, 3), 2000m),
        ]);

        Assert.Equal(16625.45m, position.Income);
        Assert.Equal(0m, position.RealizedPnl);
        Assert.Equal(90000m, position.InvestedAmount);
        Assert.Equal(500m, position.Quantity);
    }

    [Fact]
    public void Selling_more_than_held_is_rejected_with_the_quantities_in_the_message()
    {
        LedgerEntry[] entries =
        [
            LedgerEntry.Buy(On(2024, 1, 2), 15m, 100m),
            LedgerEntry.Sell(On(2024, 3, 5), 20.000m, 120m),
        ];

        var error = Assert.Throws<InsufficientHoldingsException>(() => FifoLedger.Replay(entries));

        Assert.Equal("Cannot sell 20 units on 2024-03-05: only 15 are held.", error.Message);
        Assert.Equal(20m, error.RequestedQuantity);
        Assert.Equal(15m, error.HeldQuantity);
        Assert.IsAssignableFrom<DomainException>(error);
    }

    [Fact]
    public void Selling_everything_leaves_nothing_held_or_invested()
    {
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 2), 10m, 100m, charges: 5m),
            LedgerEntry.Buy(On(2024, 1, 9), 5m, 110m),
            LedgerEntry.Sell(On(2024, 4, 1), 15m, 120m, charges: 9m),
        ]);

        Assert.Equal(0m, position.Quantity);
        Assert.Equal(0m, position.InvestedAmount);
        Assert.Equal(0m, position.AverageBuyPrice);
        Assert.Empty(position.OpenLots);
        // 1,800 − (1,005 + 550) − 9
        Assert.Equal(236m, position.RealizedPnl);
    }

    [Fact]
    public void Mutual_fund_units_keep_three_decimals_exactly()
    {
        // Mutual fund units are allotted to 3 decimal places, as shown on a consolidated account statement.
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Sip(On(2024, 1, 5), 109.461m, 45.6783m),
            LedgerEntry.Sip(On(2024, 2, 5), 104.874m, 47.6763m),
            LedgerEntry.Sell(On(2024, 3, 20), 150.125m, 49.1021m),
        ]);

        Assert.Equal(64.210m, position.Quantity);
        Assert.Equal([64.210m], position.OpenLots.Select(l => l.Quantity));
        Assert.Equal([109.461m, 40.664m], position.Sales.Select(s => s.Quantity));
    }

    [Fact]
    public void Crypto_units_keep_eight_decimals_exactly()
    {
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 5), 0.00012345m, 3500000m),
            LedgerEntry.Buy(On(2024, 2, 5), 0.5m, 3600000m),
            LedgerEntry.Sell(On(2024, 3, 5), 0.12345678m, 5400000m),
        ]);

        Assert.Equal(0.37666667m, position.Quantity);
        Assert.Equal([0.00012345m, 0.12333333m], position.Sales.Select(s => s.Quantity));
        // Remaining cost: 0.37666667 × 36,00,000 = 13,56,000.012
        Assert.Equal(1356000.01m, position.InvestedAmount);
    }

    [Fact]
    public void A_sip_is_treated_exactly_like_a_buy()
    {
        var viaSip = FifoLedger.Replay([LedgerEntry.Sip(On(2024, 1, 5), 12.345m, 81.0045m, charges: 0.05m)]);
        var viaBuy = FifoLedger.Replay([LedgerEntry.Buy(On(2024, 1, 5), 12.345m, 81.0045m, charges: 0.05m)]);

        Assert.Equal(viaBuy.OpenLots, viaSip.OpenLots);
        Assert.Equal(viaBuy.InvestedAmount, viaSip.InvestedAmount);
    }

    [Fact]
    public void Entries_are_replayed_in_date_order_and_same_date_entries_keep_their_order()
    {
        var outOfOrder = FifoLedger.Replay(
        [
            LedgerEntry.Sell(On(2024, 3, 2), 5m, 120m),
            LedgerEntry.Buy(On(2024, 3, 1), 5m, 100m),
        ]);
        Assert.Equal(100m, outOfOrder.RealizedPnl);

        LedgerEntry[] sellBeforeBuyOnSameDay =
        [
            LedgerEntry.Sell(On(2024, 3, 1), 5m, 120m),
            LedgerEntry.Buy(On(2024, 3, 1), 5m, 100m),
        ];
        Assert.Throws<InsufficientHoldingsException>(() => FifoLedger.Replay(sellBeforeBuyOnSameDay));
    }

    [Fact]
    public void Money_is_rounded_only_in_the_result()
    {
        // Two sells of a third of a ₹100 lot cost 33.333… each. Rounding per sell would leave 100 − 2 × 33.33 = 33.34
        // invested and a gain of 2 × 6.67 = 13.34; rounding once at the end gives 33.33 and 13.33.
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(On(2024, 1, 1), 3m, 33.3333m, charges: 0.0001m),
            LedgerEntry.Sell(On(2024, 2, 1), 1m, 40m),
            LedgerEntry.Sell(On(2024, 2, 2), 1m, 40m),
        ]);

        Assert.Equal(33.33m, position.InvestedAmount);
        Assert.Equal(13.33m, position.RealizedPnl);
    }

    [Fact]
    public void An_empty_ledger_holds_nothing()
    {
        var position = FifoLedger.Replay([]);

        Assert.Equal(0m, position.Quantity);
        Assert.Equal(0m, position.AverageBuyPrice);
        Assert.Empty(position.OpenLots);
        Assert.Empty(position.Sales);
    }

    [Fact]
    public void Entries_that_cannot_be_real_transactions_are_rejected()
    {
        Assert.Throws<InvalidLedgerEntryException>(() => FifoLedger.Replay([LedgerEntry.Buy(On(2024, 1, 1), 0m, 100m)]));
        Assert.Throws<InvalidLedgerEntryException>(() => FifoLedger.Replay([LedgerEntry.Buy(On(2024, 1, 1), 1m, -5m)]));
        Assert.Throws<InvalidLedgerEntryException>(() => FifoLedger.Replay([LedgerEntry.Split(On(2024, 1, 1), 2m, 0m)]));
        Assert.Throws<InvalidLedgerEntryException>(() => FifoLedger.Replay([LedgerEntry.Dividend(On(2024, 1, 1), -1m)]));
    }
}
