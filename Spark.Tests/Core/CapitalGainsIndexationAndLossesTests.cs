using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;
using Spark.Core.Tax;

namespace Spark.Tests.Core;

/// <summary>
/// Indexation under the second proviso to section 48 and section 112(1), and losses brought forward under section 74
/// (decision 0064). Every expected figure is worked by hand in the comment beside it.
/// </summary>
public sealed class CapitalGainsIndexationAndLossesTests
{
    private static readonly ChargeSchedule Schedule = new();

    private static DateOnly On(int year, int month, int day) => new(year, month, day);

    private static FinancialYear Fy(int start) => new(start);

    private static TaxSecurity Stock(string symbol) =>
        new(Guid.NewGuid(), symbol, symbol + " Ltd", null, SecurityType.Stock, EquityOriented: true, Listed: true, new ChargeInstrument(SecurityType.Stock, "NSE", true));

    private static TaxSecurity GoldEtf() =>
        new(Guid.NewGuid(), "GOLDBEES", "Sample Gold ETF", null, SecurityType.Etf, EquityOriented: false, Listed: true, new ChargeInstrument(SecurityType.Etf, "NSE", true))
        {
            Words = "Sample Gold ETF Gold",
        };

    private static TaxSecurity Bond(string symbol, string name) =>
        new(Guid.NewGuid(), symbol, name, null, SecurityType.Bond, EquityOriented: false, Listed: true, new ChargeInstrument(SecurityType.Bond, "NSE", true))
        {
            Words = name,
        };

    private static TaxSecurity DebtFund() =>
        new(Guid.NewGuid(), "DEBT", "Sample Income Fund", null, SecurityType.MutualFund, EquityOriented: false, Listed: false,
            new ChargeInstrument(SecurityType.MutualFund, null, false)) { Words = "Sample Income Fund Debt" };

    private static TaxSecurity Crypto(string symbol) =>
        new(Guid.NewGuid(), symbol, symbol, null, SecurityType.Crypto, EquityOriented: false, Listed: false, new ChargeInstrument(SecurityType.Crypto, null, false));

    private static TaxLedgerRow Buy(DateOnly date, decimal quantity, decimal price) =>
        new(Guid.NewGuid(), TransactionType.Buy, new LedgerEntry(date, LedgerEntryType.Buy, quantity, price, 0m), 0m);

    private static TaxLedgerRow Sell(DateOnly date, decimal quantity, decimal price) =>
        new(Guid.NewGuid(), TransactionType.Sell, new LedgerEntry(date, LedgerEntryType.Sell, quantity, price, 0m), 0m);

    private static TaxHolding Holding(TaxSecurity security, params TaxLedgerRow[] rows) => new(security, "zerodha", rows);

    private static CapitalGainsStatement Statement(FinancialYear year, IReadOnlyList<CarriedLoss>? broughtForward, params TaxHolding[] holdings) =>
        CapitalGainsEngine.Compute(year, holdings, new Dictionary<Guid, decimal>(), [], Schedule, broughtForward: broughtForward);

    [Fact]
    public void A_gold_etf_sold_before_23_july_2024_is_taxed_at_20_percent_on_the_gain_after_indexing_its_cost()
    {
        // 1,000 units bought 2 Sep 2019 (FY 2019-20, CII 289) at ₹100 = ₹1,00,000; sold 1 Jul 2024 (FY 2024-25, CII 363)
        // at ₹150 = ₹1,50,000. A unit of a non-equity ETF before 23 July 2024: long-term after 36 months (section 2(42A)),
        // section 112. Indexed cost (second proviso to section 48) = 1,00,000 × 363 ÷ 289 = 1,25,605.5363… → ₹1,25,605.54
        // (Money.Paisa: to the paisa, half away from zero). Gain 1,50,000 − 1,25,605.54 = ₹24,394.46. Units are not
        // under the proviso to section 112(1) (Finance (No. 2) Act 2014), so 20 %: 4,878.892 → ₹4,878.89; cess 4 %
        // 195.1556 → ₹195.16; estimate ₹5,074.05.
        var s = Statement(Fy(2024), null, Holding(GoldEtf(), Buy(On(2019, 9, 2), 1_000m, 100m), Sell(On(2024, 7, 1), 1_000m, 150m)));

        var row = Assert.Single(s.Rows);
        Assert.Equal((GainClass.OtherLongTerm, "112", 100_000m, 125_605.54m, 289, 363, 24_394.46m, 50_000m, 0.20m),
            (row.Class, row.Section, row.CostOfAcquisition, row.IndexedCost!.Value, row.AcquisitionIndex!.Value, row.TransferIndex!.Value, row.Gain,
             row.UnindexedGain!.Value, row.TaxRate!.Value));
        Assert.StartsWith("20 % after indexation", row.RateBasis, StringComparison.Ordinal);
        // The fund's kind is read from its name: that caution stays; the old "unindexed gain" caution is gone.
        Assert.DoesNotContain("unindexed", row.Caution ?? "", StringComparison.Ordinal);
        var total = Assert.Single(s.Totals);
        Assert.Equal((0.20m, 24_394.46m, 4_878.89m), (total.Rate!.Value, total.Taxable, total.Tax));
        Assert.Equal((4_878.89m, 195.16m, 5_074.05m), (s.TaxBeforeCess, s.Cess, s.EstimatedTax));
    }

    [Fact]
    public void The_same_gold_etf_sold_on_23_july_2024_is_not_indexed_and_pays_12_5_percent()
    {
        // Finance (No. 2) Act 2024: from 23 July 2024 a listed security is long-term after 12 months and section 112 taxes
        // it at 12.5 % without indexation: (1,50,000 − 1,00,000) × 12.5 % = ₹6,250; cess ₹250; estimate ₹6,500.
        var s = Statement(Fy(2024), null, Holding(GoldEtf(), Buy(On(2019, 9, 2), 1_000m, 100m), Sell(On(2024, 7, 23), 1_000m, 150m)));

        var row = Assert.Single(s.Rows);
        Assert.Equal((GainClass.OtherLongTerm, 50_000m), (row.Class, row.Gain));
        Assert.Null(row.IndexedCost);
        Assert.Null(row.AcquisitionIndex);
        Assert.Null(row.TaxRate);
        Assert.Null(row.RateBasis);
        var total = Assert.Single(s.Totals);
        Assert.Equal((0.125m, 6_250m), (total.Rate!.Value, total.Tax));
        Assert.Equal(6_500m, s.EstimatedTax);
    }

    [Fact]
    public void A_listed_bond_pays_10_percent_without_indexation_where_that_is_lower_under_the_proviso_to_section_112_1()
    {
        // FY 2023-24, listed securities other than units, long-term after 12 months (section 2(42A) before 23 July 2024).
        // BOND: 100 bought 3 May 2021 at ₹1,000, sold 1 Jun 2023 at ₹1,100: gain ₹10,000. A bond is not indexed (third
        //   proviso to section 48): 20 % = ₹2,000 against 10 % = ₹1,000 → 10 %, ₹1,000.
        // SGB1 (sovereign gold bond, indexed): 10 bought 1 Jun 2016 (FY 2016-17, CII 264) at ₹3,000 = ₹30,000, sold 1 Jun 2023
        //   (FY 2023-24, CII 348) at ₹5,800 = ₹58,000. Indexed cost 30,000 × 348 ÷ 264 = 39,545.4545… → ₹39,545.45; indexed
        //   gain ₹18,454.55 × 20 % = ₹3,690.91 against 28,000 × 10 % = ₹2,800 → 10 % on ₹28,000.
        // SGB2: the same bought, sold at ₹4,000 = ₹40,000: indexed gain 40,000 − 39,545.45 = ₹454.55 × 20 % = ₹90.91 against
        //   10,000 × 10 % = ₹1,000 → 20 % on ₹454.55, 90.91.
        // Tax: 10 % head (10,000 + 28,000) × 10 % = ₹3,800; 20 % head ₹90.91; 3,890.91, cess 155.6364 → ₹155.64; ₹4,046.55.
        var s = Statement(Fy(2023), null,
            Holding(Bond("BOND", "Sample Finance Ltd NCD"), Buy(On(2021, 5, 3), 100m, 1_000m), Sell(On(2023, 6, 1), 100m, 1_100m)),
            Holding(Bond("SGB1", "Sovereign Gold Bond 2016 Series I"), Buy(On(2016, 6, 1), 10m, 3_000m), Sell(On(2023, 6, 1), 10m, 5_800m)),
            Holding(Bond("SGB2", "Sovereign Gold Bond 2016 Series II"), Buy(On(2016, 6, 1), 10m, 3_000m), Sell(On(2023, 6, 1), 10m, 4_000m)));

        var rows = s.Rows.ToDictionary(r => r.Symbol);
        Assert.Equal((10_000m, 0.10m), (rows["BOND"].Gain, rows["BOND"].TaxRate!.Value));
        Assert.Null(rows["BOND"].IndexedCost);
        Assert.StartsWith("10 % without indexation", rows["BOND"].RateBasis, StringComparison.Ordinal);
        Assert.Contains("third proviso to section 48", rows["BOND"].Caution, StringComparison.Ordinal);
        Assert.Equal((39_545.45m, 264, 348, 28_000m, 0.10m), (rows["SGB1"].IndexedCost!.Value, rows["SGB1"].AcquisitionIndex!.Value,
            rows["SGB1"].TransferIndex!.Value, rows["SGB1"].Gain, rows["SGB1"].TaxRate!.Value));
        Assert.Equal((39_545.45m, 454.55m, 10_000m, 0.20m), (rows["SGB2"].IndexedCost!.Value, rows["SGB2"].Gain, rows["SGB2"].UnindexedGain!.Value,
            rows["SGB2"].TaxRate!.Value));
        Assert.Equal(2, s.Totals.Count);
        var ten = Assert.Single(s.Totals, t => t.Rate == 0.10m);
        var twenty = Assert.Single(s.Totals, t => t.Rate == 0.20m);
        Assert.Equal((2, 38_000m, 3_800m), (ten.Rows, ten.Taxable, ten.Tax));
        Assert.Equal((1, 454.55m, 90.91m), (twenty.Rows, twenty.Taxable, twenty.Tax));
        Assert.Equal((3_890.91m, 155.64m, 4_046.55m), (s.TaxBeforeCess, s.Cess, s.EstimatedTax));
    }

    [Fact]
    public void A_fund_bought_before_april_2001_is_indexed_from_2001_02_and_the_row_says_spark_lacks_the_1_april_2001_value()
    {
        // 1,000 units bought 1 Mar 2000 at ₹10 = ₹10,000, sold 1 Jun 2020 (FY 2020-21, CII 301) at ₹30 = ₹30,000. Indexed
        // from 2001-02 (CII 100): 10,000 × 301 ÷ 100 = ₹30,100; loss −₹100. Section 55(2)(b) would allow the fair market
        // value on 1 April 2001 as the cost; Spark does not have it and says so.
        var s = Statement(Fy(2020), null, Holding(DebtFund(), Buy(On(2000, 3, 1), 1_000m, 10m), Sell(On(2020, 6, 1), 1_000m, 30m)));

        var row = Assert.Single(s.Rows);
        Assert.Equal((30_100m, 100, 301, -100m), (row.IndexedCost!.Value, row.AcquisitionIndex!.Value, row.TransferIndex!.Value, row.Gain));
        Assert.Contains("1 April 2001", row.Caution, StringComparison.Ordinal);
        Assert.Equal(100m, s.LongTermLossCarriedForward);
    }

    [Fact]
    public void A_short_term_loss_of_2023_24_is_brought_forward_and_set_off_against_a_long_term_gain_of_2024_25_before_the_exemption()
    {
        // FY 2023-24: 100 bought 1 Jun 2023 at ₹1,000, sold 1 Dec 2023 at ₹700: short-term loss ₹30,000, nothing to set it
        // off against, carried forward (section 74).
        // FY 2024-25: 100 bought 2 May 2022 at ₹1,000, sold 2 Sep 2024 at ₹3,000: long-term gain ₹2,00,000 (section 112A,
        // 12.5 %). Section 74(1)(a): the short-term loss goes against it: 1,70,000; then the ₹1,25,000 exemption: 45,000 ×
        // 12.5 % = ₹5,625; cess ₹225; estimate ₹5,850 (without the loss: 75,000 × 12.5 % × 1.04 = ₹9,750).
        var earlier = Statement(Fy(2023), null, Holding(Stock("LOSS"), Buy(On(2023, 6, 1), 100m, 1_000m), Sell(On(2023, 12, 1), 100m, 700m)));
        var carried = CapitalGainsEngine.CarriedForward(earlier);
        Assert.Equal([new CarriedLoss(Fy(2023), 30_000m, 0m)], carried);

        var s = Statement(Fy(2024), carried, Holding(Stock("GAIN"), Buy(On(2022, 5, 2), 100m, 1_000m), Sell(On(2024, 9, 2), 100m, 3_000m)));

        var lt = Assert.Single(s.Totals);
        Assert.Equal((200_000m, 0m, 30_000m, 125_000m, 45_000m, 5_625m), (lt.Net, lt.SetOff, lt.BroughtForwardSetOff, lt.Exemption, lt.Taxable, lt.Tax));
        Assert.Equal(5_850m, s.EstimatedTax);
        var bf = Assert.Single(s.LossesBroughtForward);
        Assert.Equal((Fy(2023), 30_000m, 30_000m, 0m, 0m, Fy(2031)), (bf.Origin, bf.ShortTerm, bf.ShortTermUsed, bf.ShortTermLeft, bf.Lapsed, bf.LastYear));
        Assert.Equal((0m, 0m), (s.ShortTermLossBroughtForwardLeft, s.LongTermLossBroughtForwardLeft));
        Assert.Empty(CapitalGainsEngine.CarriedForward(s));
        Assert.Contains(s.Notes, n => n.Contains("section 74", StringComparison.Ordinal) && n.Contains("section 80", StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_term_loss_brought_forward_is_not_set_off_against_a_short_term_gain_and_is_carried_on()
    {
        // FY 2023-24: 100 bought 3 May 2021 at ₹1,000, sold 1 Jun 2023 at ₹800: long-term loss ₹20,000.
        // FY 2024-25: 100 bought 3 Jun 2024 at ₹1,000, sold 1 Oct 2024 at ₹1,100: short-term gain ₹10,000, section 111A at
        // 20 % = ₹2,000; cess ₹80; ₹2,080. Section 74(1)(b): the long-term loss only against long-term gains: none used,
        // all of it carried on.
        var earlier = Statement(Fy(2023), null, Holding(Stock("OLD"), Buy(On(2021, 5, 3), 100m, 1_000m), Sell(On(2023, 6, 1), 100m, 800m)));
        var s = Statement(Fy(2024), CapitalGainsEngine.CarriedForward(earlier),
            Holding(Stock("NEW"), Buy(On(2024, 6, 3), 100m, 1_000m), Sell(On(2024, 10, 1), 100m, 1_100m)));

        var st = Assert.Single(s.Totals);
        Assert.Equal((0m, 10_000m, 2_000m), (st.BroughtForwardSetOff, st.Taxable, st.Tax));
        Assert.Equal(2_080m, s.EstimatedTax);
        var bf = Assert.Single(s.LossesBroughtForward);
        Assert.Equal((20_000m, 0m, 20_000m), (bf.LongTerm, bf.LongTermUsed, bf.LongTermLeft));
        Assert.Equal(20_000m, s.LongTermLossBroughtForwardLeft);
        Assert.Equal([new CarriedLoss(Fy(2023), 0m, 20_000m)], CapitalGainsEngine.CarriedForward(s));
    }

    [Fact]
    public void A_loss_from_nine_years_back_has_lapsed_under_section_74_2_and_one_from_eight_years_back_is_its_last_year()
    {
        // A short-term loss of FY 2016-17 (AY 2017-18) may be carried to the eight assessment years after it, AY 2018-19
        // to AY 2025-26, i.e. up to FY 2024-25. In FY 2025-26 it has lapsed: the ₹50,000 short-term gain (section 111A,
        // 20 % = ₹10,000, cess ₹400, ₹10,400) is taxed whole.
        var lapsedLoss = new CarriedLoss(Fy(2016), 10_000m, 0m);
        var gain = Holding(Stock("GAIN"), Buy(On(2025, 5, 2), 100m, 1_000m), Sell(On(2025, 9, 1), 100m, 1_500m));
        var s = Statement(Fy(2025), [lapsedLoss], gain);

        Assert.Equal(10_400m, s.EstimatedTax);
        var bf = Assert.Single(s.LossesBroughtForward);
        Assert.Equal((0m, 10_000m), (bf.ShortTermUsed, bf.Lapsed));
        Assert.Equal(0m, s.ShortTermLossBroughtForwardLeft);
        Assert.Empty(CapitalGainsEngine.CarriedForward(s));
        Assert.Contains(s.Notes, n => n.Contains("74(2)", StringComparison.Ordinal));

        // A loss of FY 2017-18 is in its eighth year in FY 2025-26: ₹60,000 brought, ₹50,000 used (tax ₹0), ₹10,000 lapses.
        var last = Statement(Fy(2025), [new CarriedLoss(Fy(2017), 60_000m, 0m)], gain);
        Assert.Equal(0m, last.EstimatedTax);
        var lastBf = Assert.Single(last.LossesBroughtForward);
        Assert.Equal((50_000m, 10_000m, 10_000m), (lastBf.ShortTermUsed, lastBf.ShortTermLeft, lastBf.Lapsed));
        Assert.Equal(10_000m, last.ShortTermLossBroughtForwardLeft); // still usable by a later sale of FY 2025-26
        Assert.Empty(CapitalGainsEngine.CarriedForward(last));
    }

    [Fact]
    public void A_crypto_loss_is_never_carried_forward_under_section_115BBH_2_b()
    {
        // FY 2024-25: 1 ETH bought 1 Jun 2024 at ₹2,50,000, sold 1 Dec 2024 at ₹2,00,000: loss ₹50,000 of a virtual digital
        // asset: not set off and not carried forward. FY 2025-26 therefore has nothing brought forward.
        var s = Statement(Fy(2024), null, Holding(Crypto("ETH"), Buy(On(2024, 6, 1), 1m, 250_000m), Sell(On(2024, 12, 1), 1m, 200_000m)));

        Assert.Equal(-50_000m, Assert.Single(s.Rows).Gain);
        Assert.Equal((0m, 0m), (s.ShortTermLossCarriedForward, s.LongTermLossCarriedForward));
        Assert.Empty(CapitalGainsEngine.CarriedForward(s));
    }

    [Fact]
    public void The_cost_inflation_index_is_the_notified_table()
    {
        // CBDT Notification No. 44/2017 and its amendments (decision 0064).
        Assert.Equal(100, CostInflationIndex.Of(Fy(2001)));
        Assert.Equal(289, CostInflationIndex.Of(Fy(2019)));
        Assert.Equal(331, CostInflationIndex.Of(Fy(2022)));
        Assert.Equal(348, CostInflationIndex.Of(Fy(2023)));
        Assert.Equal(363, CostInflationIndex.Of(Fy(2024)));
        Assert.Equal(376, CostInflationIndex.Of(Fy(2025)));
        Assert.Null(CostInflationIndex.Of(Fy(2000)));
        Assert.Null(CostInflationIndex.Of(Fy(2026)));
    }
}
