namespace Spark.Core.Orders;

/// <summary>A rate (a fraction: 0.001 is 0.1 %) or a rupee amount, in force for trades from <see cref="EffectiveFrom"/>.</summary>
public sealed class DatedValue
{
    public DateOnly EffectiveFrom { get; set; }
    public decimal Value { get; set; }
}

/// <summary>
/// A brokerage plan from a date. <see cref="Rate"/> and <see cref="PerOrder"/> together mean "the percentage or the
/// flat amount, whichever is lower" (Zerodha intraday: 0.03 % or ₹20); <see cref="PerOrder"/> alone is a flat fee;
/// <see cref="Rate"/> alone a percentage; neither is free.
/// </summary>
public sealed class BrokerageTerms
{
    public DateOnly EffectiveFrom { get; set; }
    public decimal? Rate { get; set; }
    public decimal? PerOrder { get; set; }
}

/// <summary>
/// Indian trading charges by instrument, bindable from the "Spark:Charges" section. Every charge is a list of
/// values with the date each applies from, so a change published for a date prices trades from that date and
/// earlier trades keep the old value. Within a list the latest date on or before the trade wins; on equal dates
/// the later entry wins, so values bound from configuration (appended after these defaults) override them.
/// A trade dated before a list's first entry pays nothing for that charge: it did not exist yet (crypto TDS).
/// The defaults are today's values from <see cref="DateOnly.MinValue"/> unless the charge began on a known date;
/// history before that is configuration's to add.
/// </summary>
public sealed class ChargeSchedule
{
    public const string Section = "Spark:Charges";

    private static readonly DateOnly Always = DateOnly.MinValue;

    // Stamp duty on mutual-fund units began with the uniform regime of the Finance Act 2019, in force from this date.
    private static readonly DateOnly MutualFundStampDutyStart = new(2020, 7, 1);

    /// <summary>Brokerage on exchange-traded instruments (shares, ETFs, bonds). Default: ₹0 on delivery, the common discount-broker plan.</summary>
    public List<BrokerageTerms> Brokerage { get; set; } = [new() { EffectiveFrom = Always }];

    /// <summary>STT on equity shares bought or sold for delivery: 0.1 % on each side.</summary>
    public List<DatedValue> EquityDeliveryStt { get; set; } = [new() { EffectiveFrom = Always, Value = 0.001m }];

    /// <summary>STT on sells of equity-oriented ETF and fund units: 0.001 %. Buys pay none; gold, debt and international ETFs pay none.</summary>
    public List<DatedValue> EquityFundSellStt { get; set; } = [new() { EffectiveFrom = Always, Value = 0.00001m }];

    /// <summary>Stamp duty on delivery buys of shares and ETFs on an exchange: 0.015 %, paid by the buyer.</summary>
    public List<DatedValue> DeliveryStampDuty { get; set; } = [new() { EffectiveFrom = Always, Value = 0.00015m }];

    /// <summary>Stamp duty on buys of bonds and debentures: 0.0001 %.</summary>
    public List<DatedValue> BondStampDuty { get; set; } = [new() { EffectiveFrom = Always, Value = 0.000001m }];

    /// <summary>Stamp duty on mutual-fund purchases (lumpsum, SIP, switch-in): 0.005 %, none on redemption.</summary>
    public List<DatedValue> MutualFundStampDuty { get; set; } = [new() { EffectiveFrom = MutualFundStampDutyStart, Value = 0.00005m }];

    /// <summary>
    /// The exit load of equity-oriented funds unless a fund's own terms say otherwise (security metadata
    /// <c>exitLoad: { rate, withinDays }</c>): 1 % of the value of units redeemed within 365 days of purchase, the
    /// most common term of Indian equity schemes. Debt, liquid and gold funds carry none unless their metadata says so.
    /// </summary>
    public List<DatedExitLoad> EquityFundExitLoad { get; set; } = [new() { EffectiveFrom = Always, Rate = 0.01m, WithinDays = 365 }];

    /// <summary>
    /// Exchange transaction charges on turnover, by exchange (NSE 0.00297 %, BSE 0.00375 %, the flat rates from
    /// 1 October 2024). Looked up ignoring case; an instrument without an exchange trades on <see cref="DefaultExchange"/>.
    /// </summary>
    public Dictionary<string, List<DatedValue>> ExchangeTransactionCharges { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NSE"] = [new() { EffectiveFrom = Always, Value = 0.0000297m }],
        ["BSE"] = [new() { EffectiveFrom = Always, Value = 0.0000375m }],
    };

    /// <summary>Where an exchange-traded instrument without an exchange trades: Spark's paper exchange follows NSE.</summary>
    public string DefaultExchange { get; set; } = "NSE";

    /// <summary>SEBI turnover fee: ₹10 per crore.</summary>
    public List<DatedValue> SebiFee { get; set; } = [new() { EffectiveFrom = Always, Value = 0.000001m }];

    /// <summary>GST on brokerage, exchange charges and the SEBI fee (and on the DP and crypto fees): 18 %.</summary>
    public List<DatedValue> Gst { get; set; } = [new() { EffectiveFrom = Always, Value = 0.18m }];

    /// <summary>
    /// The depository (DP) charge, in rupees before GST, per scrip per day on sells from the demat account,
    /// whatever the quantity. Default ₹13, Zerodha's (CDSL + broker fee); GST is added on top, so it shows ₹15.34.
    /// </summary>
    public List<DatedValue> DpChargePerScrip { get; set; } = [new() { EffectiveFrom = Always, Value = 13m }];

    /// <summary>The crypto platform's trading fee on turnover, both sides: 0.1 %.</summary>
    public List<DatedValue> CryptoFee { get; set; } = [new() { EffectiveFrom = Always, Value = 0.001m }];

    /// <summary>TDS on sells of virtual digital assets (Income-tax Act section 194S): 1 % from 1 July 2022.</summary>
    public List<DatedValue> CryptoSellTds { get; set; } = [new() { EffectiveFrom = new DateOnly(2022, 7, 1), Value = 0.01m }];
}
