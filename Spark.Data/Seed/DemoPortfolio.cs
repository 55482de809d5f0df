using Spark.Core.Market;
using Spark.Core.Portfolio;

namespace Spark.Data.Seed;

/// <summary>
/// The demo investor's history from January 2021 to today: stocks and ETFs on Zerodha, SIPs on Groww,
/// crypto and a Sovereign Gold Bond entered by hand, with partial and full sales, dividends, interest and
/// Reliance's real 1:1 bonus of 28 October 2024. Deterministic for a given today.
/// </summary>
internal static class DemoPortfolio
{
    internal sealed record Event(string Symbol, string Platform, DateOnly Date, LedgerEntryType Kind,
        decimal Quantity = 0m, decimal Amount = 0m, decimal RatioNew = 0m, decimal RatioOld = 0m);

    internal sealed record Trade(SeedSecurity Security, string Platform, DateOnly Date, TransactionType Type,
        decimal? Quantity, decimal? Price, decimal Amount, decimal Fees, decimal Tax, decimal Gst, decimal NetAmount,
        LedgerEntry Entry)
    {
        /// <summary>Section 194S TDS withheld on a crypto sale: a credit against tax, not a charge (kept in the sale's metadata).</summary>
        public decimal Tds { get; init; }
    }

    private const string Zerodha = "zerodha";
    private const string Groww = "groww";
    private const string Manual = "manual";

    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<Event> Events(DateOnly today)
    {
        Event Buy(string s, string p, string d, decimal q) => new(s, p, D(d), LedgerEntryType.Buy, Quantity: q);
        Event Sell(string s, string p, string d, decimal q) => new(s, p, D(d), LedgerEntryType.Sell, Quantity: q);
        Event Dividend(string s, string p, string d, decimal perUnit) => new(s, p, D(d), LedgerEntryType.Dividend, Amount: perUnit);

        yield return Buy("NIFTYBEES", Zerodha, "2021-01-04", 100);
        yield return Buy("RELIANCE", Zerodha, "2021-02-15", 10);
        yield return Buy("BTCINR", Manual, "2021-03-10", 0.015m);
        yield return Buy("HDFCBANK", Zerodha, "2021-03-22", 25);
        yield return Buy("TCS", Zerodha, "2021-04-05", 8);
        yield return Buy("SGBAUG28V", Manual, "2021-05-10", 10);
        yield return Buy("ITC", Zerodha, "2021-06-14", 150);
        yield return Buy("INFY", Zerodha, "2021-08-09", 30);
        yield return Buy("ASIANPAINT", Zerodha, "2021-09-20", 8);
        yield return Buy("TITAN", Zerodha, "2021-11-15", 10);
        yield return Buy("ETHINR", Manual, "2022-01-24", 0.25m);
        yield return Buy("ICICIBANK", Zerodha, "2022-02-01", 40);
        yield return Buy("GOLDBEES", Zerodha, "2022-03-07", 200);
        yield return Buy("SBIN", Zerodha, "2022-05-09", 60);
        yield return Buy("RELIANCE", Zerodha, "2022-06-10", 6);
        yield return Buy("NIFTYBEES", Zerodha, "2022-06-20", 150);
        yield return Buy("LT", Zerodha, "2022-10-03", 10);
        yield return Buy("BTCINR", Manual, "2022-11-21", 0.01m);
        yield return Buy("TCS", Zerodha, "2023-01-16", 4);
        yield return Buy("BHARTIARTL", Zerodha, "2023-03-06", 30);
        yield return Dividend("ITC", Zerodha, "2023-05-30", 6.75m);
        yield return Buy("HDFCBANK", Zerodha, "2023-07-13", 15);
        yield return Dividend("RELIANCE", Zerodha, "2023-08-21", 9m);
        yield return Sell("TITAN", Zerodha, "2023-09-18", 10);
        yield return Dividend("TCS", Zerodha, "2024-01-19", 27m);
        yield return Sell("INFY", Zerodha, "2024-02-20", 10);
        yield return Sell("ETHINR", Manual, "2024-03-11", 0.1m);
        yield return Buy("GOLDBEES", Zerodha, "2024-04-15", 150);
        yield return Dividend("HDFCBANK", Zerodha, "2024-05-10", 19.5m);
        yield return Dividend("SBIN", Zerodha, "2024-05-22", 13.7m);
        yield return Dividend("INFY", Zerodha, "2024-05-31", 20m);
        yield return Dividend("ITC", Zerodha, "2024-06-04", 7.5m);
        yield return Buy("NIFTYBEES", Zerodha, "2024-06-05", 80);
        yield return new Event("RELIANCE", Zerodha, D("2024-10-28"), LedgerEntryType.Bonus, RatioNew: 1, RatioOld: 1);
        yield return Dividend("TCS", Zerodha, "2025-01-17", 76m);
        yield return Sell("RELIANCE", Zerodha, "2025-03-12", 12);
        yield return Dividend("ITC", Zerodha, "2025-05-28", 7.85m);
        yield return Dividend("RELIANCE", Zerodha, "2025-08-14", 5.5m);

        // Sales in two financial years for the Tax page: a short-term trade in FY 2024-25 (after 23 July 2024, 20 % under
        // section 111A) and, in FY 2025-26, a short-term and a long-term equity sale (sections 111A, 112A) and a crypto sale
        // (section 115BBH, with section 194S TDS). Whole positions or FIFO's oldest lots, so later holdings keep their shape.
        yield return Buy("WIPRO", Zerodha, "2024-05-06", 40);
        yield return Sell("WIPRO", Zerodha, "2024-12-09", 40);
        yield return Buy("MARUTI", Zerodha, "2025-05-12", 2);
        yield return Sell("BTCINR", Manual, "2025-09-15", 0.005m);
        yield return Sell("MARUTI", Zerodha, "2025-10-13", 2);
        yield return Sell("NIFTYBEES", Zerodha, "2025-11-10", 50);

        // Sovereign Gold Bond: 2.5 % a year on the ₹5,334 issue price, paid half-yearly.
        for (var d = D("2021-08-11"); d <= today; d = d.AddMonths(6))
        {
            yield return new Event("SGBAUG28V", Manual, d, LedgerEntryType.Interest, Amount: 66.68m);
        }
        foreach (var e in MonthlySip("PPFAS-FLEXI-DG", D("2021-01-05"), 5000m, today)) yield return e;
        foreach (var e in MonthlySip("UTI-NIFTY50-DG", D("2022-04-10"), 3000m, today)) yield return e;
        foreach (var year in new[] { 2021, 2022, 2023 })
        {
            yield return new Event("AXIS-ELSS-DG", Groww, new DateOnly(year, 3, 15), LedgerEntryType.Sip, Amount: 50000m);
        }
    }

    private static IEnumerable<Event> MonthlySip(string symbol, DateOnly first, decimal amount, DateOnly today)
    {
        for (var d = first; d <= today; d = d.AddMonths(1))
        {
            yield return new Event(symbol, Groww, d, LedgerEntryType.Sip, Amount: amount);
        }
    }

    /// <summary>Every event priced, charged and turned into a ledger entry, in date order.</summary>
    public static IReadOnlyList<Trade> Trades(DateOnly today)
    {
        var trades = new List<Trade>();
        var held = new Dictionary<(string, string), List<LedgerEntry>>();
        foreach (var e in Events(today).Where(e => e.Date <= today).OrderBy(e => e.Date))
        {
            var security = SecurityUniverse.Get(e.Symbol);
            var entries = held.TryGetValue((e.Symbol, e.Platform), out var list) ? list : held[(e.Symbol, e.Platform)] = [];
            var trade = Price(security, e, entries, today);
            entries.Add(trade.Entry);
            trades.Add(trade);
        }
        return trades;
    }

    private static Trade Price(SeedSecurity s, Event e, List<LedgerEntry> earlier, DateOnly today)
    {
        switch (e.Kind)
        {
            case LedgerEntryType.Buy or LedgerEntryType.Sell:
            {
                var buy = e.Kind == LedgerEntryType.Buy;
                var price = PriceOn(s, e.Date);
                var amount = Money(e.Quantity * price);
                var (fees, tax, gst) = Charges(s.SecurityType, buy, amount);
                var charges = fees + tax + gst;
                var entry = buy ? LedgerEntry.Buy(e.Date, e.Quantity, price, charges) : LedgerEntry.Sell(e.Date, e.Quantity, price, charges);
                // Section 194S: 1 % of a virtual digital asset's sale value is withheld; tax paid in advance, not a cost.
                var tds = !buy && s.SecurityType == SecurityType.Crypto ? Money(amount * 0.01m) : 0m;
                return new Trade(s, e.Platform, e.Date, buy ? TransactionType.Buy : TransactionType.Sell, e.Quantity, price, amount,
                    fees, tax, gst, buy ? amount + charges : amount - charges, entry) { Tds = tds };
            }
            case LedgerEntryType.Sip:
            {
                var nav = PriceOn(s, e.Date);
                var (fees, _, _) = Charges(s.SecurityType, true, e.Amount);
                var units = Math.Round((e.Amount - fees) / nav, 3, MidpointRounding.ToZero);
                return new Trade(s, e.Platform, e.Date, TransactionType.Sip, units, nav, e.Amount - fees, fees, 0m, 0m, e.Amount,
                    LedgerEntry.Sip(e.Date, units, nav, fees));
            }
            case LedgerEntryType.Dividend or LedgerEntryType.Interest:
            {
                var units = FifoLedger.Replay(earlier).Quantity;
                var amount = Money(units * e.Amount);
                var dividend = e.Kind == LedgerEntryType.Dividend;
                return new Trade(s, e.Platform, e.Date, dividend ? TransactionType.Dividend : TransactionType.Interest, units, e.Amount,
                    amount, 0m, 0m, 0m, amount, dividend ? LedgerEntry.Dividend(e.Date, amount) : LedgerEntry.Interest(e.Date, amount));
            }
            case LedgerEntryType.Bonus:
            {
                var units = FifoLedger.Replay(earlier).Quantity * e.RatioNew / e.RatioOld;
                return new Trade(s, e.Platform, e.Date, TransactionType.Bonus, units, 0m, 0m, 0m, 0m, 0m, 0m,
                    LedgerEntry.Bonus(e.Date, e.RatioNew, e.RatioOld));
            }
            default:
                throw new InvalidOperationException($"The demo portfolio has no {e.Kind} events.");
        }
    }

    private static readonly PriceSimulator Market = new(SimulatedMarket.DefaultSeed, SimulatedMarket.AnchorDate);

    /// <summary>
    /// The close of the simulated market on the trade date (as traded, so Reliance's prices before its 2024 bonus are
    /// twice the later ones): demo trades sit on the charts the simulator draws with its default seed.
    /// </summary>
    internal static decimal PriceOn(SeedSecurity s, DateOnly date) =>
        SimulatedMarket.CloseOn(Market, s.Symbol, s.SecurityType, s.ReferencePrice, s.Metadata, date);

    /// <summary>Approximate contract-note charges (fees, STT, GST) so the demo's costs look like real ones; crypto's TDS is apart.</summary>
    private static (decimal Fees, decimal Tax, decimal Gst) Charges(SecurityType type, bool buy, decimal value)
    {
        const decimal exchange = 0.0000297m, sebi = 0.000001m;
        return type switch
        {
            SecurityType.Stock => (Money(value * (exchange + sebi + (buy ? 0.00015m : 0m))), Money(value * 0.001m), Money(value * (exchange + sebi) * 0.18m)),
            SecurityType.Etf => (Money(value * (exchange + sebi + (buy ? 0.00015m : 0m))), buy ? 0m : Money(value * 0.00001m), Money(value * (exchange + sebi) * 0.18m)),
            SecurityType.MutualFund => (Money(value * 0.00005m), 0m, 0m),
            SecurityType.Crypto => (Money(value * 0.001m), 0m, Money(value * 0.001m * 0.18m)),
            _ => (0m, 0m, 0m),
        };
    }

    private static decimal Money(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
