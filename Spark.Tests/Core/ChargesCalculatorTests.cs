using Microsoft.Extensions.Configuration;
using Spark.Core.Market;
using Spark.Core.Orders;

namespace Spark.Tests.Core;

/// <summary>
/// Reference numbers come from published schedules, not from this code: api.md's ₹1,00,000 delivery example;
/// Zerodha's DP charge (₹13 + 18 % GST per scrip per day), ETF STT (₹1 per lakh on sells) and intraday brokerage
/// (0.03 % or ₹20, whichever is lower); the NSE/BSE circulars of 1 October 2024 (₹2.97 per lakh on NSE, BSE
/// 0.00375 %); NSE's stamp duty table (0.015 % delivery, 0.0001 % bonds); the 1 July 2020 mutual-fund stamp duty
/// (₹5 on ₹1 lakh, ₹99,995 invested); the 1 % crypto TDS of section 194S from 1 July 2022 (₹1,000 on ₹1 lakh).
/// </summary>
public sealed class ChargesCalculatorTests
{
    private static readonly DateOnly Today = new(2025, 6, 2);
    private static readonly ChargeInstrument NseShare = new(SecurityType.Stock, "NSE", EquityOriented: true);

    private static ChargesBreakdown Charges(ChargeInstrument instrument, OrderSide side, decimal quantity, decimal price, DateOnly? on = null, ChargeSchedule? schedule = null, bool firstSellOfScripToday = true) =>
        ChargesCalculator.Calculate(schedule ?? new ChargeSchedule(), instrument, side, quantity, price, on ?? Today, firstSellOfScripToday);

    [Fact]
    public void A_one_lakh_nse_delivery_buy_matches_the_api_example()
    {
        var charges = Charges(NseShare, OrderSide.Buy, 100m, 1_000m);

        Assert.Equal(new ChargesBreakdown(
            Turnover: 100_000.00m, Brokerage: 0.00m, Stt: 100.00m, ExchangeCharges: 2.97m, SebiFee: 0.10m,
            StampDuty: 15.00m, Gst: 0.55m, DpCharges: 0.00m, Total: 118.62m), charges);
    }

    [Fact]
    public void The_matching_sell_pays_stt_and_the_dp_charge_but_no_stamp_duty()
    {
        var charges = Charges(NseShare, OrderSide.Sell, 100m, 1_000m);

        Assert.Equal(100.00m, charges.Stt);
        Assert.Equal(0.00m, charges.StampDuty);
        Assert.Equal(2.97m, charges.ExchangeCharges);
        Assert.Equal(0.55m, charges.Gst);
        Assert.Equal(15.34m, charges.DpCharges);
        Assert.Equal(118.96m, charges.Total);
    }

    [Fact]
    public void A_second_sell_of_the_same_scrip_on_the_same_day_pays_no_dp_charge()
    {
        var charges = Charges(NseShare, OrderSide.Sell, 100m, 1_000m, firstSellOfScripToday: false);

        Assert.Equal(0.00m, charges.DpCharges);
        Assert.Equal(103.62m, charges.Total);
    }

    [Fact]
    public void A_bse_trade_pays_the_bse_transaction_charge()
    {
        var charges = Charges(new ChargeInstrument(SecurityType.Stock, "BSE", true), OrderSide.Buy, 100m, 1_000m);

        Assert.Equal(3.75m, charges.ExchangeCharges);
        Assert.Equal(0.69m, charges.Gst);
        Assert.Equal(119.54m, charges.Total);
    }

    [Fact]
    public void The_exchange_is_matched_ignoring_case_and_defaults_to_nse()
    {
        Assert.Equal(2.97m, Charges(NseShare with { Exchange = "nse" }, OrderSide.Buy, 100m, 1_000m).ExchangeCharges);
        Assert.Equal(2.97m, Charges(NseShare with { Exchange = null }, OrderSide.Buy, 100m, 1_000m).ExchangeCharges);
    }

    [Fact]
    public void An_exchange_without_configured_charges_is_refused_rather_than_guessed()
    {
        Assert.Throws<ArgumentException>(() => Charges(NseShare with { Exchange = "MCX" }, OrderSide.Buy, 1m, 100m));
    }

    [Fact]
    public void An_equity_etf_pays_stt_of_one_rupee_a_lakh_on_sells_only()
    {
        var etf = new ChargeInstrument(SecurityType.Etf, "NSE", EquityOriented: true);

        var sell = Charges(etf, OrderSide.Sell, 1_000m, 100m);
        var buy = Charges(etf, OrderSide.Buy, 1_000m, 100m);

        Assert.Equal(1.00m, sell.Stt);
        Assert.Equal(0.00m, buy.Stt);
        Assert.Equal(15.00m, buy.StampDuty);
    }

    [Fact]
    public void A_gold_etf_pays_no_stt_on_either_side_but_stamp_duty_on_the_buy()
    {
        var goldEtf = new ChargeInstrument(SecurityType.Etf, "NSE", EquityOriented: false);

        var buy = Charges(goldEtf, OrderSide.Buy, 1_000m, 100m);
        var sell = Charges(goldEtf, OrderSide.Sell, 1_000m, 100m);

        Assert.Equal(0.00m, buy.Stt);
        Assert.Equal(0.00m, sell.Stt);
        Assert.Equal(15.00m, buy.StampDuty);
        Assert.Equal(15.34m, sell.DpCharges);
    }

    [Fact]
    public void A_bond_pays_no_stt_and_the_debenture_stamp_duty()
    {
        var charges = Charges(new ChargeInstrument(SecurityType.Bond, "NSE", false), OrderSide.Buy, 100m, 1_000m);

        Assert.Equal(0.00m, charges.Stt);
        Assert.Equal(0.10m, charges.StampDuty);
    }

    [Fact]
    public void A_mutual_fund_purchase_by_amount_pays_stamp_duty_out_of_the_amount()
    {
        var charges = ChargesCalculator.CalculateMutualFundPurchase(new ChargeSchedule(), 100_000m, Today);

        Assert.Equal(5.00m, charges.StampDuty);
        Assert.Equal(99_995.00m, charges.Turnover);
        Assert.Equal(5.00m, charges.Total);
        Assert.Equal(0.00m, charges.Stt);
    }

    [Fact]
    public void A_mutual_fund_purchase_by_units_pays_stamp_duty_and_nothing_else()
    {
        var fund = new ChargeInstrument(SecurityType.MutualFund, null, EquityOriented: true);

        var charges = Charges(fund, OrderSide.Buy, 1_000m, 100m);

        Assert.Equal(new ChargesBreakdown(100_000.00m, 0m, 0m, 0m, 0m, 5.00m, 0m, 0m, 5.00m), charges);
    }

    [Fact]
    public void An_equity_fund_redemption_pays_stt_of_one_rupee_a_lakh_and_a_debt_fund_none()
    {
        var equityFund = new ChargeInstrument(SecurityType.MutualFund, null, EquityOriented: true);

        Assert.Equal(1.00m, Charges(equityFund, OrderSide.Sell, 1_000m, 100m).Total);
        Assert.Equal(0.00m, Charges(equityFund with { EquityOriented = false }, OrderSide.Sell, 1_000m, 100m).Total);
    }

    [Fact]
    public void A_redemption_pays_stt_of_0_001_percent_on_an_equity_fund_and_nothing_on_a_debt_fund()
    {
        // STT on the sale of equity-oriented fund units to the fund: 0.001 % of the value, paid by the seller
        // (Securities Transaction Tax rates, Finance Act 2004 as amended). ₹1,00,000 → ₹1.00; no stamp duty on redemptions.
        var equity = ChargesCalculator.CalculateMutualFundRedemption(new ChargeSchedule(), 1_000m, 100m, Today, equityOriented: true);
        var debt = ChargesCalculator.CalculateMutualFundRedemption(new ChargeSchedule(), 1_000m, 100m, Today, equityOriented: false);

        Assert.Equal((1_00_000m, 1.00m, 0m, 1.00m), (equity.Turnover, equity.Stt, equity.StampDuty, equity.Total));
        Assert.Equal((1_00_000m, 0m), (debt.Turnover, debt.Total));
    }

    [Fact]
    public void Mutual_fund_stamp_duty_applies_only_from_1_july_2020()
    {
        Assert.Equal(0.00m, ChargesCalculator.CalculateMutualFundPurchase(new ChargeSchedule(), 100_000m, new DateOnly(2020, 6, 30)).StampDuty);
        Assert.Equal(5.00m, ChargesCalculator.CalculateMutualFundPurchase(new ChargeSchedule(), 100_000m, new DateOnly(2020, 7, 1)).StampDuty);
    }

    [Fact]
    public void A_rate_change_applies_only_to_trades_from_its_date()
    {
        // NSE charged 0.00322 % in the cash market until it moved to a flat ₹2.97 a lakh on 1 October 2024.
        var schedule = new ChargeSchedule();
        schedule.ExchangeTransactionCharges["NSE"] =
        [
            new() { EffectiveFrom = DateOnly.MinValue, Value = 0.0000322m },
            new() { EffectiveFrom = new DateOnly(2024, 10, 1), Value = 0.0000297m },
        ];

        Assert.Equal(3.22m, Charges(NseShare, OrderSide.Buy, 100m, 1_000m, new DateOnly(2024, 9, 30), schedule).ExchangeCharges);
        Assert.Equal(2.97m, Charges(NseShare, OrderSide.Buy, 100m, 1_000m, new DateOnly(2024, 10, 1), schedule).ExchangeCharges);
    }

    [Fact]
    public void A_rate_bound_from_configuration_joins_the_defaults_from_its_date()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Spark:Charges:DpChargePerScrip:0:EffectiveFrom"] = "2026-01-01",
                ["Spark:Charges:DpChargePerScrip:0:Value"] = "12.75",
            })
            .Build();
        var schedule = configuration.GetSection(ChargeSchedule.Section).Get<ChargeSchedule>()!;

        // A new DP charge from a date, appended to the default ₹13; ₹12.75 is Zerodha's published rate for women primary holders.
        Assert.Equal(15.34m, Charges(NseShare, OrderSide.Sell, 1m, 100m, new DateOnly(2025, 12, 31), schedule).DpCharges);
        Assert.Equal(15.05m, Charges(NseShare, OrderSide.Sell, 1m, 100m, new DateOnly(2026, 1, 1), schedule).DpCharges);
    }

    [Fact]
    public void A_plan_of_20_rupees_or_0_03_percent_charges_the_lower()
    {
        var schedule = new ChargeSchedule { Brokerage = [new() { Rate = 0.0003m, PerOrder = 20m }] };

        var small = Charges(NseShare, OrderSide.Buy, 10m, 1_000m, schedule: schedule);
        var large = Charges(NseShare, OrderSide.Buy, 100m, 1_000m, schedule: schedule);

        Assert.Equal(3.00m, small.Brokerage);
        Assert.Equal(20.00m, large.Brokerage);
        Assert.Equal(4.15m, large.Gst);
    }

    [Fact]
    public void A_flat_plan_charges_the_same_on_any_order()
    {
        var schedule = new ChargeSchedule { Brokerage = [new() { PerOrder = 20m }] };

        Assert.Equal(20.00m, Charges(NseShare, OrderSide.Buy, 1m, 10m, schedule: schedule).Brokerage);
        Assert.Equal(20.00m, Charges(NseShare, OrderSide.Buy, 100m, 1_000m, schedule: schedule).Brokerage);
    }

    [Fact]
    public void Stt_is_not_a_transfer_expense_under_the_proviso_to_section_48()
    {
        // A ₹3,00,000 NSE delivery sell of a share (api.md, Charges): STT 0.1 % = ₹300.00, exchange 0.00297 % = ₹8.91,
        // SEBI ₹10 a crore = ₹0.30, GST 18 % × (8.91 + 0.30) = ₹1.6578 → ₹1.66, DP ₹13 + 18 % GST = ₹15.34; total ₹326.21.
        // Section 48(i) deducts the expenses of the transfer; its proviso forbids deducting STT: ₹326.21 − ₹300.00 = ₹26.21.
        var sell = Charges(NseShare, OrderSide.Sell, 300m, 1_000m);

        Assert.Equal((300.00m, 8.91m, 0.30m, 1.66m, 15.34m, 326.21m), (sell.Stt, sell.ExchangeCharges, sell.SebiFee, sell.Gst, sell.DpCharges, sell.Total));
        Assert.Equal(26.21m, sell.TransferExpenses);
    }

    [Fact]
    public void Crypto_pays_its_fee_with_gst_and_one_percent_tds_on_sells()
    {
        var bitcoin = new ChargeInstrument(SecurityType.Crypto, null, false);

        var buy = Charges(bitcoin, OrderSide.Buy, 0.01m, 10_000_000m);
        var sell = Charges(bitcoin, OrderSide.Sell, 0.01m, 10_000_000m);

        Assert.Equal(new ChargesBreakdown(100_000.00m, 100.00m, 0m, 0m, 0m, 0m, 18.00m, 0m, 118.00m), buy);
        // Section 194S: 1 % TDS on the sell, a tax credit reported apart, not STT and not a charge (issue 15).
        Assert.Equal((1_000.00m, 0m, 118.00m), (sell.Tds, sell.Stt, sell.Total));
        Assert.Equal(0m, buy.Tds);
    }

    [Fact]
    public void Crypto_tds_applies_only_from_1_july_2022()
    {
        var bitcoin = new ChargeInstrument(SecurityType.Crypto, null, false);

        Assert.Equal(0.00m, Charges(bitcoin, OrderSide.Sell, 0.01m, 10_000_000m, new DateOnly(2022, 6, 30)).Tds);
        Assert.Equal(1_000.00m, Charges(bitcoin, OrderSide.Sell, 0.01m, 10_000_000m, new DateOnly(2022, 7, 1)).Tds);
    }

    [Theory]
    [InlineData(7, 123.45)]
    [InlineData(333, 17.35)]
    [InlineData(1, 2_915.6)]
    public void Gst_is_18_percent_of_the_components_as_shown_and_the_total_their_sum(int quantity, double price)
    {
        var schedule = new ChargeSchedule { Brokerage = [new() { Rate = 0.0003m, PerOrder = 20m }] };

        var c = Charges(NseShare, OrderSide.Sell, quantity, (decimal)price, schedule: schedule);

        Assert.Equal(Math.Round((c.Brokerage + c.ExchangeCharges + c.SebiFee) * 0.18m, 2, MidpointRounding.AwayFromZero), c.Gst);
        Assert.Equal(c.Brokerage + c.Stt + c.ExchangeCharges + c.SebiFee + c.StampDuty + c.Gst + c.DpCharges, c.Total);
    }

    [Fact]
    public void A_trade_without_quantity_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Charges(NseShare, OrderSide.Buy, 0m, 100m));
    }
}
