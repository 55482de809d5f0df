using System.Globalization;

namespace Spark.Core.Portfolio;

/// <summary>
/// The running FIFO state of one holding, fed one entry at a time in date order. <see cref="FifoLedger"/> replays a
/// whole history through it; the portfolio engine walks many books forward together to value them day by day.
/// Amounts are exact; rounding happens only in <see cref="ToPosition"/> and the sale slices.
/// </summary>
public sealed class FifoBook
{
    private readonly List<Lot> _lots = [];
    private readonly List<RealizedSale> _sales = [];
    private int _head;

    /// <summary>Units held, exact.</summary>
    public decimal Quantity { get; private set; }

    /// <summary>Exact remaining cost of the open lots.</summary>
    public decimal Cost { get; private set; }

    /// <summary>Exact realized gain of all sells so far.</summary>
    public decimal RealizedPnl { get; private set; }

    /// <summary>Dividends and interest net of the tax deducted from them.</summary>
    public decimal Income { get; private set; }

    /// <summary>Applies one entry.</summary>
    /// <exception cref="InsufficientHoldingsException">A sell asks for more units than are held.</exception>
    /// <exception cref="InvalidLedgerEntryException">The entry is malformed (non-positive quantity or ratio, negative amount).</exception>
    public void Apply(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Validate(entry);
        switch (entry.Type)
        {
            case LedgerEntryType.Buy or LedgerEntryType.Sip:
                AddLot(new Lot(entry.Date, entry.Quantity, entry.GrossValue + entry.Charges) { SourceId = entry.SourceId });
                break;
            case LedgerEntryType.Sell:
                RealizedPnl += Sell(entry);
                break;
            case LedgerEntryType.Dividend or LedgerEntryType.Interest:
                Income += entry.GrossValue - entry.Charges;
                break;
            case LedgerEntryType.Split:
                for (var i = _head; i < _lots.Count; i++)
                {
                    _lots[i].Restate(entry.RatioNew, entry.RatioOld);
                }

                // Summed from the lots so the holding always equals its lots, even for ratios like 1:3.
                Quantity = OpenLots().Sum(l => l.Quantity);
                break;
            case LedgerEntryType.Bonus:
                // A ratio credits units in proportion to the holding; stated units are what the demat statement shows.
                var bonusUnits = entry.RatioOld > 0m ? Quantity * entry.RatioNew / entry.RatioOld : entry.Quantity;
                if (bonusUnits > 0m)
                {
                    AddLot(new Lot(entry.Date, bonusUnits, cost: 0m) { SourceId = entry.SourceId });
                }

                break;
            default:
                throw new InvalidLedgerEntryException(entry, $"Unknown ledger entry type {entry.Type}.");
        }
    }

    /// <summary>The holding as it stands, rounded for display and storage.</summary>
    public HoldingPosition ToPosition()
    {
        var open = OpenLots().ToList();
        return new HoldingPosition(
            Quantity,
            Money.Paisa(Cost),
            Quantity == 0m ? 0m : Money.UnitPrice(Cost / Quantity),
            Money.Paisa(RealizedPnl),
            Money.Paisa(Income),
            [.. open.Select(l => new OpenLot(l.Date, l.Quantity, l.OriginalQuantity, Money.UnitPrice(l.Cost / l.Quantity), Money.Paisa(l.Cost)))],
            [.. _sales]);
    }

    /// <summary>
    /// Every acquisition in FIFO order, consumed ones included (remaining 0): the rows of investment_holdings.
    /// <see cref="OpenLot.Cost"/> is the cost of the units acquired here, <see cref="OpenLot.Quantity"/> what is left.
    /// </summary>
    public IReadOnlyList<OpenLot> AllLots() =>
        [.. _lots.Select(l => new OpenLot(l.Date, l.Quantity, l.OriginalQuantity,
            l.OriginalQuantity == 0m ? 0m : Money.UnitPrice(l.OriginalCost / l.OriginalQuantity), Money.Paisa(l.OriginalCost)))];

    private IEnumerable<Lot> OpenLots()
    {
        for (var i = _head; i < _lots.Count; i++)
        {
            yield return _lots[i];
        }
    }

    private void AddLot(Lot lot)
    {
        _lots.Add(lot);
        Quantity += lot.Quantity;
        Cost += lot.Cost;
    }

    /// <returns>The exact realized gain of the sell.</returns>
    private decimal Sell(LedgerEntry sell)
    {
        if (sell.Quantity > Quantity)
        {
            throw new InsufficientHoldingsException(sell.Date, sell.Quantity, Quantity);
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
            var lot = _lots[_head];
            var units = Math.Min(lot.Quantity, unsold);
            var cost = lot.Take(units);
            if (lot.Quantity == 0m)
            {
                _head++;
            }

            unsold -= units;
            Quantity -= units;
            Cost -= cost;

            // The last slice takes what is left, so the exact slices add up to the sell's exact totals.
            var proceeds = unsold == 0m ? proceedsLeft : sell.GrossValue * units / sell.Quantity;
            var charges = unsold == 0m ? chargesLeft : sell.Charges * units / sell.Quantity;
            proceedsLeft -= proceeds;
            chargesLeft -= charges;
            gain += proceeds - cost - charges;

            var roundedProceeds = proceedsRounding.Next(proceeds);
            var roundedCost = costRounding.Next(cost);
            var roundedCharges = chargesRounding.Next(charges);
            _sales.Add(new RealizedSale(
                sell.Date,
                lot.Date,
                units,
                roundedCost,
                roundedProceeds,
                roundedCharges,
                roundedProceeds - roundedCost - roundedCharges)
            {
                BuySourceId = lot.SourceId,
                SellSourceId = sell.SourceId,
            });
        }

        if (Quantity == 0m)
        {
            // Whole lots leave no residue, but a split's division can: nothing held costs nothing.
            Cost = 0m;
        }

        return gain;
    }

    private static void Validate(LedgerEntry entry)
    {
        string? problem = entry.Type switch
        {
            LedgerEntryType.Buy or LedgerEntryType.Sip or LedgerEntryType.Sell when entry.Quantity <= 0m =>
                "needs a positive quantity",
            LedgerEntryType.Split when entry.RatioNew <= 0m || entry.RatioOld <= 0m =>
                "needs a positive ratio",
            LedgerEntryType.Bonus when (entry.RatioNew <= 0m || entry.RatioOld <= 0m) && entry.Quantity <= 0m =>
                "needs a positive ratio or a number of bonus units",
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

    private sealed class Lot(DateOnly date, decimal quantity, decimal cost)
    {
        public DateOnly Date { get; } = date;

        public decimal Quantity { get; private set; } = quantity;

        public decimal OriginalQuantity { get; private set; } = quantity;

        public decimal Cost { get; private set; } = cost;

        public decimal OriginalCost { get; } = cost;

        public Guid? SourceId { get; init; }

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
