using System.Globalization;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;
using Spark.Core.Tax;

namespace Spark.Tests.Core;

/// <summary>
/// The capital-gains statement engine (decision 0047). Every expected figure is worked by hand from the Income-tax Act
/// 1961 in the comment beside it, not read from Spark's output.
/// </summary>
public sealed class CapitalGainsEngineTests
{
    private static readonly ChargeSchedule Schedule = new();

    private static DateOnly On(int year, int month, int day) => new(year, month, day);

    private static FinancialYear Fy(int start) => new(start);

    private static TaxSecurity Stock(string symbol) =>
        new(Guid.NewGuid(), symbol, symbol + " Ltd", "INE000" + symbol.PadRight(6, '0')[..6], SecurityType.Stock, EquityOriented: true, Listed: true,
            new ChargeInstrument(SecurityType.Stock, "NSE", true));

    private static TaxSecurity DebtFund() =>
        new(Guid.NewGuid(), "LIQDEBT", "Sample Liquid Debt Fund", "INF000000001", SecurityType.MutualFund, EquityOriented: false, Listed: false,
            new ChargeInstrument(SecurityType.MutualFund, null, false)) { Words = "Sample Liquid Debt Fund Debt" };

    private static TaxSecurity Crypto(string symbol) =>
        new(Guid.NewGuid(), symbol, symbol, null, SecurityType.Crypto, EquityOriented: false, Listed: false, new ChargeInstrument(SecurityType.Crypto, null, false));

    private static TaxLedgerRow Buy(DateOnly date, decimal quantity, decimal price, decimal fees = 0m, decimal tax = 0m, decimal? stt = null) =>
        new(Guid.NewGuid(), TransactionType.Buy, new LedgerEntry(date, LedgerEntryType.Buy, quantity, price, fees + tax), tax, Stt: stt);

    private static TaxLedgerRow Sell(DateOnly date, decimal quantity, decimal price, decimal fees = 0m, decimal tax = 0m, decimal? tds = null) =>
        new(Guid.NewGuid(), TransactionType.Sell, new LedgerEntry(date, LedgerEntryType.Sell, quantity, price, fees + tax), tax, Tds: tds);

    private static TaxHolding Holding(TaxSecurity security, params TaxLedgerRow[] rows) => new(security, "zerodha", rows);

    private static CapitalGainsStatement Statement(FinancialYear year, IReadOnlyDictionary<Guid, decimal>? fmv, params TaxHolding[] holdings) =>
        CapitalGainsEngine.Compute(year, holdings, fmv ?? new Dictionary<Guid, decimal>(), [], Schedule);

    private static GainClassTotal Total(CapitalGainsStatement s, GainClass cls, DateOnly? salesFrom = null) =>
        Assert.Single(s.Totals, t => t.Class == cls && (salesFrom is null || t.SalesFrom == salesFrom));

    [Fact]
    public void Short_and_long_term_equity_sales_each_side_of_23_july_2024_take_the_rates_of_sections_111A_and_112A_in_force_on_the_sale_date()
    {
        // FY 2024-25, no charges.
        //  A: 100 bought 10 Jan 2024 at ₹1,000, sold 22 Jul 2024 at ₹1,200: short-term ₹20,000, section 111A at 15 % = ₹3,000.
        //  B: 100 bought 1 Feb 2024 at ₹1,000, sold 23 Jul 2024 at ₹1,300: short-term ₹30,000, section 111A at 20 % = ₹6,000.
        //  C: 100 bought 4 May 2020 at ₹500, sold 22 Jul 2024 at ₹2,000: long-term ₹1,50,000, section 112A at 10 %.
        //  D: 100 bought 4 May 2020 at ₹500, sold 23 Jul 2024 at ₹3,000: long-term ₹2,50,000, section 112A at 12.5 %.
        // The ₹1,25,000 exemption (Finance (No. 2) Act 2024, all of FY 2024-25) goes first against the 12.5 % gains:
        //  D taxable 2,50,000 − 1,25,000 = 1,25,000 × 12.5 % = ₹15,625; C taxable 1,50,000 × 10 % = ₹15,000.
        // Tax 3,000 + 6,000 + 15,000 + 15,625 = ₹39,625; cess 4 % = ₹1,585; estimate ₹41,210.
        var s = Statement(Fy(2024), null,
            Holding(Stock("AAA"), Buy(On(2024, 1, 10), 100m, 1_000m), Sell(On(2024, 7, 22), 100m, 1_200m)),
            Holding(Stock("BBB"), Buy(On(2024, 2, 1), 100m, 1_000m), Sell(On(2024, 7, 23), 100m, 1_300m)),
            Holding(Stock("CCC"), Buy(On(2020, 5, 4), 100m, 500m), Sell(On(2024, 7, 22), 100m, 2_000m)),
            Holding(Stock("DDD"), Buy(On(2020, 5, 4), 100m, 500m), Sell(On(2024, 7, 23), 100m, 3_000m)));

        Assert.Equal(4, s.RowCount);
        var before111A = Total(s, GainClass.EquityShortTerm, On(2024, 4, 1));
        Assert.Equal((0.15m, 20_000m, 3_000m, On(2024, 7, 22)), (before111A.Rate!.Value, before111A.Taxable, before111A.Tax, before111A.SalesTo));
        var after111A = Total(s, GainClass.EquityShortTerm, On(2024, 7, 23));
        Assert.Equal((0.20m, 30_000m, 6_000m), (after111A.Rate!.Value, after111A.Taxable, after111A.Tax));
        var before112A = Total(s, GainClass.EquityLongTerm, On(2024, 4, 1));
        Assert.Equal((0.10m, 0m, 150_000m, 15_000m), (before112A.Rate!.Value, before112A.Exemption, before112A.Taxable, before112A.Tax));
        var after112A = Total(s, GainClass.EquityLongTerm, On(2024, 7, 23));
        Assert.Equal((0.125m, 125_000m, 125_000m, 15_625m), (after112A.Rate!.Value, after112A.Exemption, after112A.Taxable, after112A.Tax));
        Assert.Equal((39_625m, 1_585m, 41_210m), (s.TaxBeforeCess, s.Cess, s.EstimatedTax));
        Assert.Equal(["111A", "111A", "112A", "112A"], s.Rows.OrderBy(r => r.Symbol, StringComparer.Ordinal).Select(r => r.Section));
        Assert.Contains(s.Notes, n => n.Contains("12.5 %", StringComparison.Ordinal) && n.Contains("FY 2024-25", StringComparison.Ordinal));
    }

    [Fact]
    public void The_section_112A_exemption_is_used_once_across_three_sales_of_the_year()
    {
        // FY 2025-26, three long-term sales: gains ₹50,000 + ₹60,000 + ₹40,000 = ₹1,50,000. One ₹1,25,000 exemption for
        // the year (section 112A(2)), so ₹25,000 is taxed at 12.5 % = ₹3,125; cess ₹125; estimate ₹3,250 (as decision 0046's
        // three-sale ticket case).
        var s = Statement(Fy(2025), null,
            Holding(Stock("AAA"), Buy(On(2023, 1, 2), 100m, 1_000m), Sell(On(2025, 5, 5), 100m, 1_500m)),
            Holding(Stock("BBB"), Buy(On(2023, 1, 2), 100m, 1_000m), Sell(On(2025, 8, 5), 100m, 1_600m)),
            Holding(Stock("CCC"), Buy(On(2023, 1, 2), 100m, 1_000m), Sell(On(2026, 2, 5), 100m, 1_400m)));

        var lt = Total(s, GainClass.EquityLongTerm);
        Assert.Equal((3, 150_000m, 125_000m, 25_000m, 3_125m), (lt.Rows, lt.Net, lt.Exemption, lt.Taxable, lt.Tax));
        Assert.Equal((3_125m, 125m, 3_250m), (s.TaxBeforeCess, s.Cess, s.EstimatedTax));
        Assert.Equal(s.Rows.Sum(r => r.Gain), lt.Net);
    }

    [Fact]
    public void A_lot_bought_before_february_2018_takes_the_higher_of_cost_and_the_lower_of_its_31_january_2018_value_and_the_sale_value_under_section_55_2_ac()
    {
        // Each: 10 units bought 1 Jun 2017 at ₹100 (actual cost ₹1,000), sold 2 Jun 2025 at ₹200 (sale value ₹2,000).
        //  FMV ₹150 above cost: max(1,000, min(1,500, 2,000)) = ₹1,500; gain ₹500.
        //  FMV ₹80 below cost:  max(1,000, min(800, 2,000))   = ₹1,000; gain ₹1,000.
        //  FMV ₹250 above the sale price: max(1,000, min(2,500, 2,000)) = ₹2,000; gain ₹0 (never a loss from grandfathering).
        var above = Stock("ABOVE");
        var below = Stock("BELOW");
        var beyond = Stock("BEYOND");
        var fmv = new Dictionary<Guid, decimal> { [above.Id] = 150m, [below.Id] = 80m, [beyond.Id] = 250m };
        var s = Statement(Fy(2025), fmv,
            Holding(above, Buy(On(2017, 6, 1), 10m, 100m), Sell(On(2025, 6, 2), 10m, 200m)),
            Holding(below, Buy(On(2017, 6, 1), 10m, 100m), Sell(On(2025, 6, 2), 10m, 200m)),
            Holding(beyond, Buy(On(2017, 6, 1), 10m, 100m), Sell(On(2025, 6, 2), 10m, 200m)));

        var rows = s.Rows.ToDictionary(r => r.Symbol);
        Assert.Equal((1_000m, 1_500m, 1_500m, 500m), (rows["ABOVE"].ActualCost, rows["ABOVE"].FairMarketValue!.Value, rows["ABOVE"].CostOfAcquisition, rows["ABOVE"].Gain));
        Assert.Equal((1_000m, 800m, 1_000m, 1_000m), (rows["BELOW"].ActualCost, rows["BELOW"].FairMarketValue!.Value, rows["BELOW"].CostOfAcquisition, rows["BELOW"].Gain));
        Assert.Equal((1_000m, 2_500m, 2_000m, 0m), (rows["BEYOND"].ActualCost, rows["BEYOND"].FairMarketValue!.Value, rows["BEYOND"].CostOfAcquisition, rows["BEYOND"].Gain));
        Assert.All(s.Rows, r => Assert.Equal(GainClass.EquityLongTerm, r.Class));
        Assert.All(s.Rows, r => Assert.Null(r.Caution));
    }

    [Fact]
    public void Without_a_31_january_2018_value_the_actual_cost_is_used_and_the_row_and_notes_say_so()
    {
        var s = Statement(Fy(2025), null, Holding(Stock("OLD"), Buy(On(2017, 6, 1), 10m, 100m), Sell(On(2025, 6, 2), 10m, 200m)));

        var row = Assert.Single(s.Rows);
        Assert.Equal((1_000m, 1_000m), (row.CostOfAcquisition, row.Gain));
        Assert.StartsWith(CapitalGainsEngine.AdviserPrefix, row.Caution, StringComparison.Ordinal);
        Assert.Contains(s.Notes, n => n.Contains("31 January 2018", StringComparison.Ordinal) && n.Contains("OLD", StringComparison.Ordinal));
    }

    [Fact]
    public void A_1_for_2_split_keeps_the_lots_date_and_cost()
    {
        // 10 bought 2 Jan 2023 at ₹1,000 (₹10,000); split 2 for 1 on 1 Mar 2024: 20 units, still ₹10,000, still held from
        // 2 Jan 2023 (a sub-division is no transfer, section 2(47)). 20 sold 5 May 2025 at ₹600 = ₹12,000: long-term
        // (held 854 days), gain ₹2,000, inside the exemption: tax ₹0.
        var s = Statement(Fy(2025), null, Holding(Stock("SPLIT"),
            Buy(On(2023, 1, 2), 10m, 1_000m),
            new TaxLedgerRow(Guid.NewGuid(), TransactionType.Split, LedgerEntry.Split(On(2024, 3, 1), 2m, 1m), 0m),
            Sell(On(2025, 5, 5), 20m, 600m)));

        var row = Assert.Single(s.Rows);
        Assert.Equal((On(2023, 1, 2), 20m, 12_000m, 10_000m, 2_000m, 854, GainClass.EquityLongTerm),
            (row.BuyDate, row.Units, row.SaleValue, row.CostOfAcquisition, row.Gain, row.HoldingDays, row.Class));
        Assert.Equal(0m, s.EstimatedTax);
    }

    [Fact]
    public void Bonus_units_cost_nil_and_are_held_from_allotment_and_a_long_term_loss_is_not_set_off_against_a_short_term_gain()
    {
        // 10 bought 3 Jun 2024 at ₹1,000 (₹10,000); bonus 1:1 allotted 2 Dec 2024: 10 units at nil cost (section
        // 55(2)(aa)(iiia)), held from allotment (section 2(42A) Explanation 1(i)(f)). 15 sold 10 Jun 2025 at ₹700, FIFO:
        //  10 bought units, long-term (more than 12 months): 7,000 − 10,000 = −₹3,000 long-term loss;
        //  5 bonus units, short-term (190 days): 3,500 − 0 = ₹3,500 short-term gain.
        // Section 70(3): a long-term loss is set off against long-term gains only, so the ₹3,500 is taxed under section
        // 111A at 20 % = ₹700; cess ₹28; estimate ₹728; the ₹3,000 loss is left to carry forward (section 74).
        var bought = Buy(On(2024, 6, 3), 10m, 1_000m);
        var bonus = new TaxLedgerRow(Guid.NewGuid(), TransactionType.Bonus, LedgerEntry.Bonus(On(2024, 12, 2), 1m, 1m), 0m);
        var s = Statement(Fy(2025), null, Holding(Stock("BONUS"), bought, bonus, Sell(On(2025, 6, 10), 15m, 700m)));

        Assert.Equal(2, s.RowCount);
        var first = s.Rows[0];
        var second = s.Rows[1];
        Assert.Equal((bought.Id, 10m, 10_000m, -3_000m, GainClass.EquityLongTerm), (first.BuyTransactionId!.Value, first.Units, first.CostOfAcquisition, first.Gain, first.Class));
        Assert.Equal((bonus.Id, On(2024, 12, 2), 5m, 0m, 3_500m, 190, GainClass.EquityShortTerm),
            (second.BuyTransactionId!.Value, second.BuyDate, second.Units, second.CostOfAcquisition, second.Gain, second.HoldingDays, second.Class));
        var st = Total(s, GainClass.EquityShortTerm);
        var lt = Total(s, GainClass.EquityLongTerm);
        Assert.Equal((0m, 3_500m, 700m), (st.SetOff, st.Taxable, st.Tax));
        Assert.Equal((3_000m, 0m, 0m), (lt.Losses, lt.Taxable, lt.Tax));
        Assert.Equal(728m, s.EstimatedTax);
        Assert.Contains(s.Notes, n => n.Contains("long-term ₹3,000.00", StringComparison.Ordinal));
    }

    [Fact]
    public void A_debt_fund_bought_after_1_april_2023_and_held_three_years_is_short_term_under_section_50AA()
    {
        // 1,000 units bought 3 Apr 2023 at ₹10, sold 6 Apr 2026 at ₹12.60: held 1,099 days, yet short-term (section
        // 50AA); gain ₹2,600 at the slab rate, which Spark does not know: tax not estimated (₹0).
        var s = Statement(Fy(2026), null, Holding(DebtFund(), Buy(On(2023, 4, 3), 1_000m, 10m), Sell(On(2026, 4, 6), 1_000m, 12.6m)));

        var row = Assert.Single(s.Rows);
        Assert.Equal((GainClass.OtherShortTerm, "50AA", 1_099, 2_600m), (row.Class, row.Section, row.HoldingDays, row.Gain));
        var total = Total(s, GainClass.OtherShortTerm);
        Assert.Null(total.Rate);
        Assert.Equal((2_600m, 0m), (total.Taxable, total.Tax));
        Assert.Equal(0m, s.EstimatedTax);
        Assert.Contains(s.Notes, n => n.Contains("slab rate", StringComparison.Ordinal));
    }

    [Fact]
    public void A_crypto_loss_is_ignored_beside_a_crypto_gain_and_the_tds_is_a_credit_under_sections_115BBH_and_194S()
    {
        // BTC: 0.1 bought 10 Jan 2025 at ₹30,00,000 (₹3,00,000) with a ₹300 fee (part of the cost of acquisition), sold
        // 10 Jun 2025 at ₹40,00,000 (₹4,00,000) with a ₹400 fee that section 115BBH(2)(a) does not deduct, TDS ₹4,000:
        // gain 4,00,000 − 3,00,300 = ₹99,700.
        // ETH: 1 bought 1 Feb 2025 at ₹2,00,000 with a ₹200 fee, sold 1 Jul 2025 at ₹1,50,000, fee ₹150, TDS ₹1,500
        // (imported: in the tax column): loss −₹50,200, not set off even against the BTC gain (section 115BBH(2)(b)).
        // Tax 99,700 × 30 % = ₹29,910; cess ₹1,196.40; estimate ₹31,106.40; TDS credit 4,000 + 1,500 = ₹5,500.
        var s = Statement(Fy(2025), null,
            Holding(Crypto("BTC"), Buy(On(2025, 1, 10), 0.1m, 3_000_000m, fees: 300m), Sell(On(2025, 6, 10), 0.1m, 4_000_000m, fees: 400m, tds: 4_000m)),
            Holding(Crypto("ETH"), Buy(On(2025, 2, 1), 1m, 200_000m, fees: 200m), Sell(On(2025, 7, 1), 1m, 150_000m, fees: 150m, tax: 1_500m)));

        var rows = s.Rows.ToDictionary(r => r.Symbol);
        Assert.Equal((0m, 99_700m, 4_000m), (rows["BTC"].TransferExpenses, rows["BTC"].Gain, rows["BTC"].Tds));
        Assert.Equal((0m, -50_200m, 1_500m), (rows["ETH"].TransferExpenses, rows["ETH"].Gain, rows["ETH"].Tds));
        var vda = Total(s, GainClass.VirtualDigitalAsset);
        Assert.Equal((99_700m, 50_200m, 0m, 99_700m, 29_910m), (vda.Gains, vda.Losses, vda.SetOff, vda.Taxable, vda.Tax));
        Assert.Equal((29_910m, 1_196.40m, 31_106.40m, 5_500m), (s.TaxBeforeCess, s.Cess, s.EstimatedTax, s.TdsCredit));
    }

    [Fact]
    public void A_short_term_loss_is_set_off_against_a_long_term_gain_before_the_exemption_under_section_70()
    {
        // FY 2025-26. A: 100 bought 2 May 2025 at ₹1,000, sold 1 Aug 2025 at ₹800: short-term loss ₹20,000.
        // B: 100 bought 2 May 2023 at ₹1,000, sold 1 Sep 2025 at ₹4,000: long-term gain ₹3,00,000.
        // Section 70(2): the short-term loss goes against the long-term gain: 3,00,000 − 20,000 = 2,80,000; then the
        // exemption: 2,80,000 − 1,25,000 = 1,55,000 × 12.5 % = ₹19,375; cess ₹775; estimate ₹20,150.
        var s = Statement(Fy(2025), null,
            Holding(Stock("LOSS"), Buy(On(2025, 5, 2), 100m, 1_000m), Sell(On(2025, 8, 1), 100m, 800m)),
            Holding(Stock("GAIN"), Buy(On(2023, 5, 2), 100m, 1_000m), Sell(On(2025, 9, 1), 100m, 4_000m)));

        var st = Total(s, GainClass.EquityShortTerm);
        var lt = Total(s, GainClass.EquityLongTerm);
        Assert.Equal((-20_000m, 0m, 0m), (st.Net, st.Taxable, st.Tax));
        Assert.Equal((300_000m, 20_000m, 125_000m, 155_000m, 19_375m), (lt.Net, lt.SetOff, lt.Exemption, lt.Taxable, lt.Tax));
        Assert.Equal((19_375m, 775m, 20_150m), (s.TaxBeforeCess, s.Cess, s.EstimatedTax));
    }

    [Fact]
    public void Buy_side_stt_is_left_out_of_the_cost_and_sell_side_stt_out_of_the_transfer_expenses_under_the_proviso_to_section_48()
    {
        // Bought 2 Apr 2024: 100 at ₹1,000 = ₹1,00,000; tax column ₹115 = STT 0.1 % ₹100 + stamp duty 0.015 % ₹15.
        // Cost of acquisition: 1,00,000 + 15 = ₹1,00,015 (the ledger's lot says ₹1,00,115).
        // Sold 2 May 2025: 100 at ₹1,100 = ₹1,10,000; STT ₹110 (tax column), other charges ₹20: transfer expenses ₹20.
        // Gain 1,10,000 − 1,00,015 − 20 = ₹9,965, long-term (inside the exemption).
        var s = Statement(Fy(2025), null, Holding(Stock("STT"), Buy(On(2024, 4, 2), 100m, 1_000m, tax: 115m), Sell(On(2025, 5, 2), 100m, 1_100m, fees: 20m, tax: 110m)));

        var row = Assert.Single(s.Rows);
        Assert.Equal((100_015m, 20m, 9_965m), (row.ActualCost, row.TransferExpenses, row.Gain));

        // STT recorded on the buy's metadata wins over the recomputation: ₹60 of ₹115 is STT, so cost 1,00,055, gain ₹9,925.
        var recorded = Statement(Fy(2025), null, Holding(Stock("STT"), Buy(On(2024, 4, 2), 100m, 1_000m, tax: 115m, stt: 60m), Sell(On(2025, 5, 2), 100m, 1_100m, fees: 20m, tax: 110m)));
        Assert.Equal(9_925m, Assert.Single(recorded.Rows).Gain);
    }

    [Fact]
    public void Sales_in_other_years_and_holdings_without_a_sale_in_the_year_give_no_rows()
    {
        var s = Statement(Fy(2025), null,
            Holding(Stock("EARLIER"), Buy(On(2023, 1, 2), 10m, 100m), Sell(On(2024, 6, 3), 5m, 150m), Sell(On(2026, 4, 2), 5m, 150m)),
            Holding(Stock("HELD"), Buy(On(2023, 1, 2), 10m, 100m)));

        Assert.Equal(0, s.RowCount);
        Assert.Empty(s.Totals);
        Assert.Equal(0m, s.EstimatedTax);
        Assert.Equal("2025-26", s.Year.Label.ToString(CultureInfo.InvariantCulture));
    }
}
