using Spark.Core.Market;

namespace Spark.Core.Orders;

/// <summary>
/// What the charges depend on besides the trade. <see cref="EquityOriented"/> separates equity ETFs and
/// equity-oriented funds (STT on sells) from gold, debt and international ones (no STT); shares ignore it.
/// </summary>
public sealed record ChargeInstrument(SecurityType Type, string? Exchange, bool EquityOriented);

/// <summary>
/// The charges of one trade, each in rupees rounded to the paisa as on a contract note; <see cref="Total"/> is
/// the sum of the rounded components. For crypto, <see cref="Brokerage"/> holds the platform fee; the 1 % TDS on
/// sells is <see cref="Tds"/>, apart from the charges. <see cref="DpCharges"/> includes
/// its own GST; <see cref="Gst"/> is the GST on brokerage, exchange charges and the SEBI fee only.
/// </summary>
public sealed record ChargesBreakdown(
    decimal Turnover,
    decimal Brokerage,
    decimal Stt,
    decimal ExchangeCharges,
    decimal SebiFee,
    decimal StampDuty,
    decimal Gst,
    decimal DpCharges,
    decimal Total)
{
    /// <summary>A fund redemption's exit load (included in <see cref="Total"/>); zero for everything else.</summary>
    public decimal ExitLoad { get; init; }

    /// <summary>
    /// The transfer expenses that section 48(i) of the Income-tax Act deducts from a sale value in computing a capital
    /// gain: every charge in <see cref="Total"/> except STT, which the proviso to section 48 forbids deducting.
    /// Realised P&amp;L (api.md) still deducts all of <see cref="Total"/>: it is what the investor got, not the taxable gain.
    /// </summary>
    public decimal TransferExpenses => Total - Stt;

    /// <summary>
    /// Tax deducted at source on a crypto sell (section 194S, 1 %): income tax paid in advance and credited against the
    /// seller's tax (Form 26AS), so it is neither a charge (not in <see cref="Total"/>) nor a cost in realised P&amp;L; it
    /// only lowers the cash the sale brings in. api.md reports it beside <c>charges</c>, not inside it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public decimal Tds { get; init; }
}

/// <summary>The Indian charges on a trade, from a <see cref="ChargeSchedule"/>: a pure function of its inputs.</summary>
public static class ChargesCalculator
{
    /// <summary>
    /// Charges for <paramref name="quantity"/> units at <paramref name="price"/> traded on <paramref name="tradeDate"/>.
    /// GST is 18 % of the rounded brokerage + exchange charges + SEBI fee, so the preview can be checked line by
    /// line. The DP charge falls once per scrip per day: pass <paramref name="firstSellOfScripToday"/> false for a
    /// later sell of the same scrip on the same day.
    /// </summary>
    public static ChargesBreakdown Calculate(
        ChargeSchedule schedule,
        ChargeInstrument instrument,
        OrderSide side,
        decimal quantity,
        decimal price,
        DateOnly tradeDate,
        bool firstSellOfScripToday = true)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentOutOfRangeException.ThrowIfNegative(price);

        var turnover = Money.Paisa(quantity * price);
        var buy = side == OrderSide.Buy;
        var gstRate = ValueOn(schedule.Gst, tradeDate);

        switch (instrument.Type)
        {
            case SecurityType.Crypto:
            {
                // No exchange, SEBI or stamp levies apply to VDAs; the platform fee carries GST like brokerage does.
                var fee = Money.Paisa(turnover * ValueOn(schedule.CryptoFee, tradeDate));
                var tds = buy ? 0m : Money.Paisa(turnover * ValueOn(schedule.CryptoSellTds, tradeDate));
                return Breakdown(turnover, brokerage: fee, gst: Money.Paisa(fee * gstRate)) with { Tds = tds };
            }
            case SecurityType.MutualFund:
            {
                // Bought from the fund house, not on an exchange: no brokerage (direct plans), exchange or SEBI
                // charges, and no DP charge on redemption (Zerodha dropped it on 3 May 2019).
                var stampDuty = buy ? Money.Paisa(turnover * ValueOn(schedule.MutualFundStampDuty, tradeDate)) : 0m;
                var stt = !buy && instrument.EquityOriented ? Money.Paisa(turnover * ValueOn(schedule.EquityFundSellStt, tradeDate)) : 0m;
                return Breakdown(turnover, stt: stt, stampDuty: stampDuty);
            }
            case SecurityType.Stock:
            case SecurityType.Etf:
            case SecurityType.Bond:
            {
                var brokerage = BrokerageOn(schedule.Brokerage, tradeDate, turnover);
                var stt = Money.Paisa(turnover * SttRate(schedule, instrument, buy, tradeDate));
                var stampDuty = buy ? Money.Paisa(turnover * StampDutyRate(schedule, instrument.Type, tradeDate)) : 0m;
                var exchangeCharges = Money.Paisa(turnover * ValueOn(ExchangeRates(schedule, instrument.Exchange), tradeDate));
                var sebiFee = Money.Paisa(turnover * ValueOn(schedule.SebiFee, tradeDate));
                var gst = Money.Paisa((brokerage + exchangeCharges + sebiFee) * gstRate);
                // The depository charges per scrip per day, not per unit, and GST applies to it as a service too.
                var dpCharges = !buy && firstSellOfScripToday
                    ? Money.Paisa(ValueOn(schedule.DpChargePerScrip, tradeDate) * (1m + gstRate))
                    : 0m;
                return Breakdown(turnover, brokerage, stt, exchangeCharges, sebiFee, stampDuty, gst, dpCharges);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(instrument), instrument.Type, "No charges are defined for this security type.");
        }
    }

    /// <summary>
    /// A mutual-fund purchase by amount: the stamp duty comes out of <paramref name="amount"/> and the rest buys
    /// units, so <see cref="ChargesBreakdown.Turnover"/> is the amount invested and Turnover + Total = amount.
    /// The fund houses' formula: stamp duty = amount × rate / (1 + rate).
    /// </summary>
    public static ChargesBreakdown CalculateMutualFundPurchase(ChargeSchedule schedule, decimal amount, DateOnly tradeDate)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);

        var rate = ValueOn(schedule.MutualFundStampDuty, tradeDate);
        var gross = Money.Paisa(amount);
        var stampDuty = Money.Paisa(gross * rate / (1m + rate));
        return Breakdown(gross - stampDuty, stampDuty: stampDuty);
    }

    /// <summary>
    /// Charges for redeeming <paramref name="units"/> of a fund at <paramref name="nav"/>: STT on equity-oriented funds
    /// (paid by the seller, on the redemption value) and the scheme's exit load on the
    /// <paramref name="unitsUnderLoad"/> redeemed too soon (see <see cref="ExitLoads.UnitsUnderLoad"/>); no stamp duty,
    /// exchange or SEBI fees, since the units go back to the fund house.
    /// </summary>
    public static ChargesBreakdown CalculateMutualFundRedemption(ChargeSchedule schedule, decimal units, decimal nav, DateOnly tradeDate, bool equityOriented,
        ExitLoadTerms? exitLoad = null, decimal unitsUnderLoad = 0m)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        ArgumentOutOfRangeException.ThrowIfNegative(nav);
        ArgumentOutOfRangeException.ThrowIfNegative(unitsUnderLoad);
        var value = Money.Paisa(units * nav);
        var stt = equityOriented ? Money.Paisa(value * ValueOn(schedule.EquityFundSellStt, tradeDate)) : 0m;
        var load = exitLoad is { Applies: true } terms ? Money.Paisa(Math.Min(unitsUnderLoad, units) * nav * terms.Rate) : 0m;
        return Breakdown(value, stt: stt) with { ExitLoad = load, Total = stt + load };
    }

    /// <summary>The default exit load of equity-oriented funds on <paramref name="date"/> (none for other funds).</summary>
    public static ExitLoadTerms DefaultExitLoad(ChargeSchedule schedule, bool equityOriented, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return equityOriented && Latest(schedule.EquityFundExitLoad, date, l => l.EffectiveFrom) is { } terms
            ? new ExitLoadTerms(terms.Rate, terms.WithinDays)
            : ExitLoadTerms.None;
    }

    private static ChargesBreakdown Breakdown(
        decimal turnover,
        decimal brokerage = 0m,
        decimal stt = 0m,
        decimal exchangeCharges = 0m,
        decimal sebiFee = 0m,
        decimal stampDuty = 0m,
        decimal gst = 0m,
        decimal dpCharges = 0m) =>
        new(turnover, brokerage, stt, exchangeCharges, sebiFee, stampDuty, gst, dpCharges,
            brokerage + stt + exchangeCharges + sebiFee + stampDuty + gst + dpCharges);

    private static decimal SttRate(ChargeSchedule schedule, ChargeInstrument instrument, bool buy, DateOnly date) => instrument.Type switch
    {
        SecurityType.Stock => ValueOn(schedule.EquityDeliveryStt, date),
        SecurityType.Etf when instrument.EquityOriented && !buy => ValueOn(schedule.EquityFundSellStt, date),
        // Gold, debt and international ETFs, equity ETF buys, and bonds pay no STT.
        _ => 0m,
    };

    private static decimal StampDutyRate(ChargeSchedule schedule, SecurityType type, DateOnly date) =>
        type == SecurityType.Bond ? ValueOn(schedule.BondStampDuty, date) : ValueOn(schedule.DeliveryStampDuty, date);

    private static List<DatedValue> ExchangeRates(ChargeSchedule schedule, string? exchange)
    {
        var name = string.IsNullOrWhiteSpace(exchange) ? schedule.DefaultExchange : exchange.Trim();
        if (schedule.ExchangeTransactionCharges.TryGetValue(name, out var rates))
        {
            return rates;
        }
        // Configuration binding may rebuild the dictionary without the case-insensitive comparer.
        foreach (var (key, value) in schedule.ExchangeTransactionCharges)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        // Guessing a rate would misstate the preview; an unknown exchange is a configuration gap to fix.
        throw new ArgumentException($"No exchange transaction charges are configured for exchange '{name}'.", nameof(exchange));
    }

    private static decimal BrokerageOn(List<BrokerageTerms> plans, DateOnly date, decimal turnover)
    {
        var terms = Latest(plans, date, p => p.EffectiveFrom);
        if (terms is null)
        {
            return 0m;
        }
        decimal? byRate = terms.Rate is { } rate ? turnover * rate : null;
        var brokerage = (byRate, terms.PerOrder) switch
        {
            ({ } percentage, { } flat) => Math.Min(percentage, flat),
            ({ } percentage, null) => percentage,
            (null, { } flat) => flat,
            _ => 0m,
        };
        return Money.Paisa(brokerage);
    }

    private static decimal ValueOn(List<DatedValue> values, DateOnly date) => Latest(values, date, v => v.EffectiveFrom)?.Value ?? 0m;

    /// <summary>The entry in force on <paramref name="date"/>: the latest start on or before it, the later entry on a tie.</summary>
    private static T? Latest<T>(List<T>? entries, DateOnly date, Func<T, DateOnly> effectiveFrom)
        where T : class
    {
        T? found = null;
        foreach (var entry in entries ?? [])
        {
            var from = effectiveFrom(entry);
            if (from <= date && (found is null || from >= effectiveFrom(found)))
            {
                found = entry;
            }
        }
        return found;
    }
}
