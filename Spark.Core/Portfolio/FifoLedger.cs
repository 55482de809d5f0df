using System.Globalization;

namespace Spark.Core.Portfolio;

/// <summary>
/// Replays the transactions of one holding with first-in-first-out lots, the order the Income Tax Department
/// applies to demat holdings (CBDT Circular 768, 1998). Money is kept exact and rounded only in the result.
/// </summary>
public static class FifoLedger
{
    private const int PaisaDecimals = 2;
    private const int UnitPriceDecimals = 4;

    /// <summary>
    /// Replays <paramref name="entries"/> in date order; entries on the same date keep their input order.
    /// </summary>
    /// <exception cref="InsufficientHoldingsException">A sell asks for more units than are held on its date.</exception>
    /// <exception cref="InvalidLedgerEntryException">An entry has a non-positive quantity or ratio, or a negative amount.</exception>
    public static HoldingPosition Replay(IEnumerable<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);

        var lots = new List<Lot>();
        var sales = new List<RealizedSale>();
        var realizedPnl = 0m;
        var income = 0m;

        // OrderBy is a stable sort, which is what keeps same-date entries in input order.
        foreach (var entry in entries.OrderBy(e => e.Date))
        {
            Validate(entry);
            switch (entry.Type)
            {
                case LedgerEntryType.Buy or LedgerEntryType.Sip:
                    lots.Add(new Lot(entry.Date, entry.Quantity, entry.GrossValue + entry.Charges));
                    break;
                case LedgerEntryType.Sell:
                    realizedPnl += Sell(lots, entry, sales);
                    break;
                case LedgerEntryType.Dividend or LedgerEntryType.Interest:
                    income += entry.GrossValue - entry.Charges;
                    break;
                case LedgerEntryType.Split:
                    foreach (var lot in lots)
                    {
                        lot.Restate(entry.RatioNew, entry.RatioOld);
                    }

                    break;
                case LedgerEntryType.Bonus:
                    var bonusUnits = lots.Sum(l => l.Quantity) * entry.RatioNew / entry.RatioOld;
                    if (bonusUnits > 0m)
                    {
                        lots.Add(new Lot(entry.Date, bonusUnits, cost: 0m));
                    }

                    break;
                default:
                    throw new InvalidLedgerEntryException(entry, $"Unknown ledger entry type {entry.Type}.");
            }
        }

        var quantity = lots.Sum(l => l.Quantity);
        var invested = lots.Sum(l => l.Cost);
        return new HoldingPosition(
            quantity,
            ToPaisa(invested),
            quantity == 0m ? 0m : ToUnitPrice(invested / quantity),
            ToPaisa(realizedPnl),
            ToPaisa(income),
            [.. lots.Select(l => new OpenLot(l.Date, l.Quantity, l.OriginalQuantity, ToUnitPrice(l.Cost / l.Quantity), ToPaisa(l.Cost)))],
            sales);
    }

    /// <returns>The exact realized gain of the sell.</returns>
    private static decimal Sell(List<Lot> lots, LedgerEntry sell, List<RealizedSale> sales)
    {
        var held = lots.Sum(l => l.Quantity);
        if (sell.Quantity > held)
        {
            throw new InsufficientHoldingsException(sell.Date, sell.Quantity, held);
        }

        var proceedsLeft = sell.GrossValue;
        var chargesLeft = sell.Charges;
        var proceedsRounding = new RunningRounding();
        var chargesRounding = new RunningRounding();
        var costRounding = new RunningRounding();
        var unsold = sell.Quantity;
        var gain = 0m;
        while (unsold > 0m)
        {
            var lot = lots[0];
            var units = Math.Min(lot.Quantity, unsold);
            var cost = lot.Take(units);
            if (lot.Quantity == 0m)
            {
                lots.RemoveAt(0);
            }

            unsold -= units;

            // The last slice takes what is left, so the exact slices add up to the sell's exact totals.
            var proceeds = unsold == 0m ? proceedsLeft : sell.GrossValue * units / sell.Quantity;
            var charges = unsold == 0m ? chargesLeft : sell.Charges * units / sell.Quantity;
            proceedsLeft -= proceeds;
            chargesLeft -= charges;
            gain += proceeds - cost - charges;

            var roundedProceeds = proceedsRounding.Next(proceeds);
            var roundedCost = costRounding.Next(cost);
            var roundedCharges = chargesRounding.Next(charges);
            sales.Add(new RealizedSale(
                sell.Date,
                lot.Date,
                units,
                roundedCost,
                roundedProceeds,
                roundedCharges,
                roundedProceeds - roundedCost - roundedCharges));
        }

        return gain;
    }

    private static void Validate(LedgerEntry entry)
    {
        string? problem = entry.Type switch
        {
            LedgerEntryType.Buy or LedgerEntryType.Sip or LedgerEntryType.Sell when entry.Quantity <= 0m =>
                "needs a positive quantity",
            LedgerEntryType.Split or LedgerEntryType.Bonus when entry.RatioNew <= 0m || entry.RatioOld <= 0m =>
                "needs a positive ratio",
            _ when entry.Quantity < 0m || entry.Price < 0m || entry.Amount < 0m || entry.Charges < 0m =>
                "cannot have a negative quantity, price, amount or charge",
            _ => null,
        };

        if (problem is not null)
        {
            throw new InvalidLedgerEntryException(
                entry,
                string.Create(CultureInfo.InvariantCulture, $"The {entry.Type} on {entry.Date:yyyy-MM-dd} {problem}."));
        }
    }

    private static decimal ToPaisa(decimal amount) => Math.Round(amount, PaisaDecimals, MidpointRounding.AwayFromZero);

    private static decimal ToUnitPrice(decimal price) => Math.Round(price, UnitPriceDecimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Rounds the slices of one total to the paisa as the rounded running total minus the rounded running total
    /// before it, so the rounded slices always add up to the rounded total.
    /// </summary>
    private sealed class RunningRounding
    {
        private decimal _exactSoFar;
        private decimal _roundedSoFar;

        public decimal Next(decimal exactSlice)
        {
            _exactSoFar += exactSlice;
            var roundedSoFar = ToPaisa(_exactSoFar);
            var roundedSlice = roundedSoFar - _roundedSoFar;
            _roundedSoFar = roundedSoFar;
            return roundedSlice;
        }
    }

    private sealed class Lot(DateOnly date, decimal quantity, decimal cost)
    {
        public DateOnly Date { get; } = date;

        public decimal Quantity { get; private set; } = quantity;

        public decimal OriginalQuantity { get; private set; } = quantity;

        public decimal Cost { get; private set; } = cost;

        /// <returns>The exact cost of the units taken.</returns>
        public decimal Take(decimal units)
        {
            // Taking the whole lot uses its whole cost, so a closed lot leaves no residue from division.
            var taken = units == Quantity ? Cost : Cost * units / Quantity;
            Quantity -= units;
            Cost -= taken;
            return taken;
        }

        public void Restate(decimal newUnits, decimal oldUnits)
        {
            Quantity = Quantity * newUnits / oldUnits;
            OriginalQuantity = OriginalQuantity * newUnits / oldUnits;
        }
    }
}
