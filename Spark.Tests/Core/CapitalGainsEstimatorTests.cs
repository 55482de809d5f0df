using Spark.Core.Orders;
using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

public sealed class CapitalGainsEstimatorTests
{
    private static DateOnly On(int year, int month, int day) => new(year, month, day);

    private static OpenLot Lot(DateOnly date, decimal quantity, decimal unitCost) =>
        new(date, quantity, quantity, unitCost, quantity * unitCost);

    private static Func<DateOnly, decimal?> PriceOn31January2018(decimal price) =>
        date => date == On(2018, 1, 31) ? price : null;

    private static CapitalGainsEstimate Equity(
        IReadOnlyList<OpenLot> lots,
        decimal quantity,
        decimal price,
        DateOnly saleDate,
        decimal charges = 0m,
        decimal alreadyRealized = 0m,
        Func<DateOnly, decimal?>? fairMarketValue = null) =>
        CapitalGainsEstimator.Estimate(lots, quantity, price, charges, saleDate, TaxClass.Equity, alreadyRealized, fairMarketValue);

    // ---- Worked examples from published sources ----

    [Fact]
    public void Grandfathering_takes_the_31_january_2018_value_when_it_lies_between_cost_and_sale_price()
    {
        // CBDT, "FAQs on taxation of long-term capital gains" (4 February 2018), as reproduced at
        // https://pl.scribd.com/document/374010474/Long-Term-Capital-Gain and
        // https://www.bemoneyaware.com/blog/bse-stock-price-31-jan-2018-ltcg-shares/ : bought 1 January 2017 at 100,
        // fair market value 200 on 31 January 2018, sold 1 April 2018 at 250: cost 200, long-term gain 50.
        var estimate = Equity([Lot(On(2017, 1, 1), 1m, 100m)], 1m, 250m, On(2018, 4, 1), fairMarketValue: PriceOn31January2018(200m));

        var lot = Assert.Single(estimate.Lots);
        Assert.Equal(new LotGain(On(2017, 1, 1), 1m, 200m, 250m, 50m, IsLongTerm: true, HoldingDays: 455), lot);
        Assert.Equal(50m, estimate.LongTerm);
        Assert.Equal(50m, estimate.LongTermExempt);
        Assert.Equal(0m, estimate.EstimatedTax);
        Assert.Equal("No long-term gains realised yet in FY 2018-19: this sale may use the whole ₹1,00,000 yearly exemption (section 112A).", estimate.Note);
    }

    [Fact]
    public void Grandfathering_reproduces_the_caclubindia_example()
    {
        // https://caclubindia.com/forum/very-old-listed-shares-cost-of-acquisition-unknown--520069.asp, Example 1:
        // bought 15 December 2016 for 10,000, fair market value 12,000 on 31 January 2018, sold 10 May 2018 for 15,000:
        // cost 12,000, long-term gain 3,000. Here as 100 shares at 100, 120 and 150.
        var estimate = Equity([Lot(On(2016, 12, 15), 100m, 100m)], 100m, 150m, On(2018, 5, 10), fairMarketValue: PriceOn31January2018(120m));

        Assert.Equal(12_000m, estimate.Lots[0].Cost);
        Assert.Equal(3_000m, estimate.LongTerm);
    }

    [Fact]
    public void Grandfathering_reproduces_geojit_scenario_a_inside_the_one_lakh_exemption()
    {
        // https://support.geojit.com/support/solutions/articles/89000006851 (Scenario A): 1,000 shares bought
        // 1 January 2015 at 200, fair market value 250, sold 19 May 2018 at 300: cost 2,50,000, gain 50,000,
        // below the ₹1,00,000 exemption of FY 2018-19.
        var estimate = Equity([Lot(On(2015, 1, 1), 1_000m, 200m)], 1_000m, 300m, On(2018, 5, 19), fairMarketValue: PriceOn31January2018(250m));

        Assert.Equal(250_000m, estimate.Lots[0].Cost);
        Assert.Equal(50_000m, estimate.LongTerm);
        Assert.Equal(50_000m, estimate.LongTermExempt);
        Assert.Equal(0m, estimate.EstimatedTax);
    }

    [Fact]
    public void Grandfathering_caps_the_deemed_cost_at_the_sale_price_so_the_gain_is_nil()
    {
        // https://www.relakhs.com/forum/question/ltcg-ltcl-on-stocks/ : 100 shares bought in 2016 at 400, 600 on
        // 31 January 2018, sold in 2020 at 500: cost is the lower of 600 and 500, so no gain and no loss.
        var estimate = Equity([Lot(On(2016, 6, 1), 100m, 400m)], 100m, 500m, On(2020, 6, 1), fairMarketValue: PriceOn31January2018(600m));

        Assert.Equal(50_000m, estimate.Lots[0].Cost);
        Assert.Equal(0m, estimate.LongTerm);
    }

    [Fact]
    public void Grandfathering_keeps_the_actual_cost_when_it_exceeds_both_values_and_the_loss_stands()
    {
        // http://www.letslearnaccounting.com/grandfathering-in-respect-of-long-term-capital-gainsloss, Illustration 1:
        // bought 15 December 2016 for 2,00,000, worth 1,30,000 on 31 January 2018, sold 25 June 2018 for 1,00,000:
        // cost 2,00,000, long-term loss 1,00,000.
        var estimate = Equity([Lot(On(2016, 12, 15), 1_000m, 200m)], 1_000m, 100m, On(2018, 6, 25), fairMarketValue: PriceOn31January2018(130m));

        Assert.Equal(200_000m, estimate.Lots[0].Cost);
        Assert.Equal(-100_000m, estimate.LongTerm);
        Assert.Equal(0m, estimate.LongTermExempt);
        Assert.Equal(0m, estimate.EstimatedTax);
    }

    [Fact]
    public void A_long_term_gain_of_two_lakh_after_july_2024_pays_12_5_percent_above_1_25_lakh_plus_cess()
    {
        // https://stoxntax.in/2025/09/20/long-term-capital-gain-on-sale-of-equity-mutual-funds-and-shares (example):
        // LTCG of 2,00,000 on shares sold in August 2024, exemption 1,25,000, tax 12.5% of 75,000 = 9,375 plus cess;
        // with 4% cess 9,750.
        var estimate = Equity([Lot(On(2022, 8, 1), 1_000m, 300m)], 1_000m, 500m, On(2024, 8, 20));

        Assert.Equal(200_000m, estimate.LongTerm);
        Assert.Equal(125_000m, estimate.LongTermExempt);
        Assert.Equal(9_750m, estimate.EstimatedTax);
    }

    [Theory]
    // https://chittorgarh.com/ipo-feedback/sanstar-ipo/1779/1 : a 1,50,000 long-term gain (2,00,000 → 3,50,000) paid
    // 10% above ₹1 lakh = 5,000 before the 2024 budget and 12.5% above ₹1.25 lakh = 3,125 after; each plus 4% cess.
    [InlineData(2023, 12, 1, 5_200)]
    [InlineData(2024, 8, 1, 3_250)]
    public void The_same_long_term_gain_is_taxed_by_the_rules_of_its_sale_date(int year, int month, int day, int tax)
    {
        var estimate = Equity([Lot(On(2022, 6, 1), 1_000m, 200m)], 1_000m, 350m, On(year, month, day));

        Assert.Equal(150_000m, estimate.LongTerm);
        Assert.Equal(tax, estimate.EstimatedTax);
    }

    [Fact]
    public void A_long_term_gain_inside_the_exemption_before_july_2024_pays_nothing()
    {
        // https://www.casonithshetty.com/post/understanding-capital-gains-tax-changes-in-india-before-and-after-23rd-july-2024,
        // Example 1: 500 shares bought 10 January 2022 at 200, sold 1 June 2024 at 300: LTCG 50,000, all exempt.
        var estimate = Equity([Lot(On(2022, 1, 10), 500m, 200m)], 500m, 300m, On(2024, 6, 1));

        Assert.Equal(50_000m, estimate.LongTerm);
        Assert.Equal(50_000m, estimate.LongTermExempt);
        Assert.Equal(0m, estimate.EstimatedTax);
    }

    [Fact]
    public void A_crypto_gain_pays_30_percent_plus_cess()
    {
        // https://knowledgehubforall.com/what-is-section-115bbh : one bitcoin bought for 10,00,000 and sold for
        // 15,00,000: gain 5,00,000, tax 1,50,000 + 6,000 cess = 1,56,000.
        var estimate = CapitalGainsEstimator.Estimate(
            [Lot(On(2023, 1, 1), 1m, 1_000_000m)], 1m, 1_500_000m, 0m, On(2024, 1, 1), TaxClass.VirtualDigitalAsset, 0m, null);

        Assert.Equal(500_000m, estimate.ShortTerm);
        Assert.Equal(0m, estimate.LongTerm);
        Assert.Equal(156_000m, estimate.EstimatedTax);
        Assert.Equal(CapitalGainsEstimator.VirtualDigitalAssetNote, estimate.Note);
    }

    // ---- Hand-checked cases ----

    [Theory]
    // 15 June 2023 to 15 June 2024 is exactly 12 months (366 days across a leap day): short-term, 15% of 500 + 4% = 78.
    [InlineData(15, false, 366, 78)]
    // One day more is "more than 12 months": long-term, inside the exemption.
    [InlineData(16, true, 367, 0)]
    public void A_lot_is_long_term_only_when_held_more_than_12_months(int saleDay, bool longTerm, int days, int tax)
    {
        var estimate = Equity([Lot(On(2023, 6, 15), 10m, 100m)], 10m, 150m, On(2024, 6, saleDay));

        var lot = Assert.Single(estimate.Lots);
        Assert.Equal(longTerm, lot.IsLongTerm);
        Assert.Equal(days, lot.HoldingDays);
        Assert.Equal(longTerm ? 0m : 500m, estimate.ShortTerm);
        Assert.Equal(longTerm ? 500m : 0m, estimate.LongTerm);
        Assert.Equal(tax, estimate.EstimatedTax);
    }

    [Theory]
    // Short-term 10,000: 15% on 22 July 2024 = 1,500, 20% from 23 July = 2,000; each plus 4% cess.
    // Long-term 3,00,000 less the FY 2024-25 exemption of 1,25,000 = 1,75,000: 10% = 17,500, then 12.5% = 21,875.
    [InlineData(22, 1_560 + 18_200)]
    [InlineData(23, 2_080 + 22_750)]
    public void The_rates_switch_on_23_july_2024_while_the_exemption_is_1_25_lakh_for_the_whole_year(int saleDay, int tax)
    {
        OpenLot[] lots = [Lot(On(2022, 1, 3), 1_000m, 500m), Lot(On(2024, 2, 1), 100m, 700m)];

        var estimate = Equity(lots, 1_100m, 800m, On(2024, 7, saleDay));

        Assert.Equal(10_000m, estimate.ShortTerm);
        Assert.Equal(300_000m, estimate.LongTerm);
        Assert.Equal(125_000m, estimate.LongTermExempt);
        Assert.Equal(tax, estimate.EstimatedTax);
    }

    [Fact]
    public void The_exemption_already_used_this_year_leaves_only_the_rest()
    {
        // 1,00,000 of long-term gains earlier in FY 2025-26 leave 25,000 of the 1,25,000: a 50,000 gain has 25,000
        // taxed at 12.5% = 3,125, plus 4% cess = 3,250.
        var estimate = Equity([Lot(On(2023, 1, 2), 100m, 500m)], 100m, 1_000m, On(2025, 9, 1), alreadyRealized: 100_000m);

        Assert.Equal(50_000m, estimate.LongTerm);
        Assert.Equal(25_000m, estimate.LongTermExempt);
        Assert.Equal(3_250m, estimate.EstimatedTax);
    }

    [Fact]
    public void An_exhausted_exemption_taxes_the_whole_long_term_gain()
    {
        var estimate = Equity([Lot(On(2023, 1, 2), 100m, 500m)], 100m, 1_000m, On(2025, 9, 1), alreadyRealized: 200_000m);

        Assert.Equal(0m, estimate.LongTermExempt);
        Assert.Equal(6_500m, estimate.EstimatedTax);
    }

    [Fact]
    public void A_short_term_loss_lot_is_set_off_against_the_long_term_gain_before_the_exemption()
    {
        // Long-term lot: 100 × (700 − 500) = 20,000. Short-term lot: 100 × (700 − 750) = −5,000.
        // With the exemption used up, 15,000 is taxed at 12.5% = 1,875, plus 4% cess = 1,950.
        OpenLot[] lots = [Lot(On(2023, 1, 2), 100m, 500m), Lot(On(2025, 3, 3), 100m, 750m)];

        var estimate = Equity(lots, 200m, 700m, On(2025, 9, 1), alreadyRealized: 125_000m);

        Assert.Equal(-5_000m, estimate.ShortTerm);
        Assert.Equal(20_000m, estimate.LongTerm);
        Assert.Equal(0m, estimate.LongTermExempt);
        Assert.Equal(1_950m, estimate.EstimatedTax);
        Assert.Equal([true, false], estimate.Lots.Select(l => l.IsLongTerm));
    }

    [Fact]
    public void A_long_term_loss_is_not_set_off_against_a_short_term_gain()
    {
        // Long-term lot: 100 × (700 − 800) = −10,000. Short-term lot: 100 × (700 − 600) = 10,000 at 20% = 2,000 + cess.
        OpenLot[] lots = [Lot(On(2023, 1, 2), 100m, 800m), Lot(On(2025, 3, 3), 100m, 600m)];

        var estimate = Equity(lots, 200m, 700m, On(2025, 9, 1));

        Assert.Equal(10_000m, estimate.ShortTerm);
        Assert.Equal(-10_000m, estimate.LongTerm);
        Assert.Equal(2_080m, estimate.EstimatedTax);
    }

    [Fact]
    public void Short_term_lots_net_within_the_sale_and_the_tax_never_goes_below_zero()
    {
        // 10 × (100 − 90) = 100 and 10 × (100 − 120) = −200: a net short-term loss of 100, no tax.
        OpenLot[] lots = [Lot(On(2025, 5, 1), 10m, 90m), Lot(On(2025, 6, 1), 10m, 120m)];

        var estimate = Equity(lots, 20m, 100m, On(2025, 9, 1));

        Assert.Equal([100m, -200m], estimate.Lots.Select(l => l.Gain));
        Assert.Equal(-100m, estimate.ShortTerm);
        Assert.Equal(0m, estimate.EstimatedTax);
    }

    [Theory]
    // 10 shares bought 2 May 2017 at 100, sold 2 June 2025 at 300 (3,000).
    // 31 January 2018 at 250 (above cost): cost 2,500, gain 500.
    [InlineData(250, 2_500, 500)]
    // 31 January 2018 at 80 (below cost): the actual cost of 1,000 stands, gain 2,000.
    [InlineData(80, 1_000, 2_000)]
    public void Grandfathering_uses_the_31_january_2018_price_only_when_it_is_above_cost(int fairMarketValue, int cost, int gain)
    {
        var estimate = Equity([Lot(On(2017, 5, 2), 10m, 100m)], 10m, 300m, On(2025, 6, 2), fairMarketValue: PriceOn31January2018(fairMarketValue));

        Assert.Equal(cost, estimate.Lots[0].Cost);
        Assert.Equal(gain, estimate.LongTerm);
    }

    [Fact]
    public void Without_a_31_january_2018_price_an_old_lot_keeps_its_cost_and_the_ticket_says_so()
    {
        var estimate = Equity([Lot(On(2017, 5, 2), 10m, 100m)], 10m, 300m, On(2025, 6, 2), fairMarketValue: _ => null);

        Assert.Equal(1_000m, estimate.Lots[0].Cost);
        Assert.Equal(
            "No long-term gains realised yet in FY 2025-26: this sale may use the whole ₹1,25,000 yearly exemption (section 112A). "
            + CapitalGainsEstimator.MissingGrandfatheredPriceNote,
            estimate.Note);
    }

    [Fact]
    public void Grandfathering_does_not_apply_to_a_lot_sold_short_term()
    {
        // Bought 15 January 2018, sold 10 April 2018: short-term under section 111A, so the actual cost is used.
        var estimate = Equity([Lot(On(2018, 1, 15), 10m, 100m)], 10m, 130m, On(2018, 4, 10), fairMarketValue: PriceOn31January2018(120m));

        Assert.Equal(1_000m, estimate.Lots[0].Cost);
        Assert.Equal(300m, estimate.ShortTerm);
        Assert.Null(estimate.Note);
    }

    [Fact]
    public void Sell_charges_are_split_across_lots_by_quantity_and_reduce_proceeds()
    {
        // 30 units at 100 with 30 of charges: the 10-unit lot bears 10, the 20-unit lot 20.
        OpenLot[] lots = [Lot(On(2025, 1, 1), 10m, 90m), Lot(On(2025, 2, 1), 20m, 95m)];

        var estimate = Equity(lots, 30m, 100m, On(2025, 9, 1), charges: 30m);

        Assert.Equal([990m, 1_980m], estimate.Lots.Select(l => l.Proceeds));
        Assert.Equal([90m, 80m], estimate.Lots.Select(l => l.Gain));
        Assert.Equal(170m, estimate.ShortTerm);
    }

    [Fact]
    public void A_partly_sold_lot_contributes_its_share_of_cost_and_the_rest_stays_untouched()
    {
        // A 3-unit lot costing 100.00: one unit carries 33.33; the second lot is not reached.
        OpenLot[] lots = [new(On(2025, 1, 1), 3m, 3m, 33.3333m, 100m), Lot(On(2025, 2, 1), 5m, 50m)];

        var estimate = Equity(lots, 1m, 40m, On(2025, 9, 1));

        var lot = Assert.Single(estimate.Lots);
        Assert.Equal(33.33m, lot.Cost);
        Assert.Equal(6.67m, lot.Gain);
    }

    [Fact]
    public void Crypto_losses_are_not_set_off_and_sell_charges_are_not_deducted()
    {
        // Lot 1 gains 5,00,000, lot 2 loses 2,00,000: the net is 3,00,000 but 115BBH taxes the 5,00,000.
        OpenLot[] lots = [Lot(On(2023, 1, 1), 1m, 1_000_000m), Lot(On(2024, 1, 1), 1m, 1_700_000m)];

        var estimate = CapitalGainsEstimator.Estimate(lots, 2m, 1_500_000m, 3_000m, On(2025, 1, 1), TaxClass.VirtualDigitalAsset, 0m, null);

        Assert.Equal([1_500_000m, 1_500_000m], estimate.Lots.Select(l => l.Proceeds));
        Assert.Equal(300_000m, estimate.ShortTerm);
        Assert.Equal(156_000m, estimate.EstimatedTax);
        Assert.All(estimate.Lots, l => Assert.False(l.IsLongTerm));
    }

    [Fact]
    public void Other_assets_are_left_to_the_slab_rate()
    {
        var estimate = CapitalGainsEstimator.Estimate(
            [Lot(On(2023, 1, 1), 10m, 100m)], 10m, 120m, 0m, On(2025, 1, 1), TaxClass.Other, 0m, null);

        Assert.Equal(new CapitalGainsEstimate(0m, 0m, 0m, 0m, estimate.Lots, "Taxed at your slab rate"), estimate);
        Assert.Empty(estimate.Lots);
    }

    [Fact]
    public void Selling_more_than_the_lots_hold_is_refused()
    {
        var error = Assert.Throws<InsufficientHoldingsException>(
            () => Equity([Lot(On(2025, 1, 1), 10m, 100m)], 11m, 120m, On(2025, 9, 1)));

        Assert.Equal(10m, error.HeldQuantity);
    }

    [Theory]
    [InlineData(2024, 3, 31, 100_000)]
    [InlineData(2024, 4, 1, 125_000)]
    [InlineData(2024, 7, 22, 125_000)]
    [InlineData(2026, 3, 31, 125_000)]
    public void The_exemption_follows_the_financial_year_of_the_sale(int year, int month, int day, int exemption)
    {
        Assert.Equal(exemption, CapitalGainsEstimator.LongTermExemption(On(year, month, day)));
    }

    // ---- Issue 15: STT (proviso to section 48) and the yearly section 112A exemption ----

    [Fact]
    public void A_sale_gain_deducts_transfer_expenses_but_not_stt()
    {
        // 300 shares bought 2 January 2025 for ₹2,40,000, sold 15 September 2025 at ₹1,000 (short-term: not more than
        // 12 months, section 2(42A)). Sell charges ₹326.21 of which STT ₹300.00; section 48 deducts the other ₹26.21:
        // gain 3,00,000 − 26.21 − 2,40,000 = ₹59,973.79 (₹300 more than with STT deducted). Section 111A from 23 July 2024:
        // 20 % = ₹11,994.758, plus 4 % cess = ₹12,474.548 → ₹12,474.55.
        var transferExpenses = new ChargesBreakdown(3_00_000m, 0m, 300.00m, 8.91m, 0.30m, 0m, 1.66m, 15.34m, 326.21m).TransferExpenses;

        var estimate = Equity([Lot(On(2025, 1, 2), 300m, 800m)], 300m, 1_000m, On(2025, 9, 15), charges: transferExpenses);

        Assert.Equal(59_973.79m, estimate.ShortTerm);
        Assert.Equal(12_474.55m, estimate.EstimatedTax);
    }

    [Fact]
    public void The_yearly_exemption_is_what_earlier_long_term_gains_of_the_year_left_and_the_note_says_so()
    {
        // Issue 15's case: ₹1,00,000 of long-term gains already realised in FY 2025-26. This sale: 1,000 shares bought
        // 3 June 2024 at ₹500, sold 15 September 2025 at ₹625: long-term gain ₹1,25,000. Section 112A exempts ₹1,25,000 a
        // year, so ₹25,000 is left; 1,00,000 taxable at 12.5 % = ₹12,500, plus 4 % cess = ₹13,000.00 (not ₹0).
        var estimate = Equity([Lot(On(2024, 6, 3), 1_000m, 500m)], 1_000m, 625m, On(2025, 9, 15), alreadyRealized: 1_00_000m);

        Assert.Equal((1_25_000m, 25_000m, 25_000m, 13_000.00m), (estimate.LongTerm, estimate.ExemptionLeft, estimate.LongTermExempt, estimate.EstimatedTax));
        Assert.Equal(1_00_000m, estimate.LongTermRealizedThisYear);
        Assert.Equal(
            "Long-term gains of ₹1,00,000.00 already realised in FY 2025-26 leave ₹25,000.00 of the ₹1,25,000 yearly exemption (section 112A) for this sale.",
            estimate.Note);
    }

    [Fact]
    public void The_yearly_exemption_is_used_up_across_three_sales_in_one_financial_year()
    {
        // FY 2025-26, long-term gains of ₹60,000, ₹50,000 and ₹40,000 in three sales. Section 112A: ₹1,25,000 exempt for the
        // year. Sale 1: ₹1,25,000 left, all exempt. Sale 2: ₹65,000 left, all exempt. Sale 3: ₹15,000 left, ₹25,000 taxable
        // at 12.5 % = ₹3,125 + 4 % cess = ₹3,250.00 — the same as the year's total: (1,50,000 − 1,25,000) × 12.5 % × 1.04.
        var first = Equity([Lot(On(2024, 4, 1), 100m, 1_000m)], 100m, 1_600m, On(2025, 5, 5));
        var second = Equity([Lot(On(2024, 4, 1), 100m, 1_000m)], 100m, 1_500m, On(2025, 8, 5), alreadyRealized: 60_000m);
        var third = Equity([Lot(On(2024, 4, 1), 100m, 1_000m)], 100m, 1_400m, On(2026, 3, 31), alreadyRealized: 1_10_000m);

        Assert.Equal((60_000m, 60_000m, 0m), (first.LongTerm, first.LongTermExempt, first.EstimatedTax));
        Assert.Equal((50_000m, 50_000m, 0m), (second.LongTerm, second.LongTermExempt, second.EstimatedTax));
        Assert.Equal((40_000m, 15_000m, 3_250.00m), (third.LongTerm, third.LongTermExempt, third.EstimatedTax));
        Assert.Equal("No long-term gains realised yet in FY 2025-26: this sale may use the whole ₹1,25,000 yearly exemption (section 112A).", first.Note);
    }

    [Fact]
    public void Before_23_july_2024_the_long_term_rate_is_10_percent_with_the_year_exemption_left()
    {
        // Sale on 22 July 2024 (FY 2024-25): section 112A at 10 %; the Finance (No. 2) Act 2024 set the FY 2024-25 exemption
        // at ₹1,25,000 for the year. ₹1,00,000 already realised leaves ₹25,000; this sale's long-term gain ₹1,00,000
        // (100 shares, ₹1,000 → ₹2,000): ₹75,000 taxable × 10 % = ₹7,500 + 4 % cess = ₹7,800.00. On 23 July 2024, 12.5 %:
        // ₹9,375 + cess = ₹9,750.00.
        var before = Equity([Lot(On(2023, 1, 2), 100m, 1_000m)], 100m, 2_000m, On(2024, 7, 22), alreadyRealized: 1_00_000m);
        var from = Equity([Lot(On(2023, 1, 2), 100m, 1_000m)], 100m, 2_000m, On(2024, 7, 23), alreadyRealized: 1_00_000m);

        Assert.Equal((25_000m, 7_800.00m), (before.LongTermExempt, before.EstimatedTax));
        Assert.Equal((25_000m, 9_750.00m), (from.LongTermExempt, from.EstimatedTax));
    }
}
