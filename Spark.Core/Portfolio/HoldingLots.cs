namespace Spark.Core.Portfolio;

/// <summary>The rows of investment_holdings for one holding: every buy lot with what remains of it, and one row per sell date.</summary>
public static class HoldingLots
{
    public static List<InvestmentLot> From(FifoBook book, Guid investmentId, Guid userId)
    {
        ArgumentNullException.ThrowIfNull(book);
        var rows = book.AllLots().Select(lot => new InvestmentLot
        {
            InvestmentId = investmentId, UserId = userId, TransactionDate = lot.Date, Type = LotSide.Buy,
            Quantity = lot.OriginalQuantity, RemainingQuantity = lot.Quantity, Price = lot.UnitCost, Amount = lot.Cost,
        }).ToList();
        foreach (var sale in book.ToPosition().Sales.GroupBy(s => s.SellDate))
        {
            var quantity = sale.Sum(s => s.Quantity);
            var proceeds = sale.Sum(s => s.Proceeds);
            rows.Add(new InvestmentLot
            {
                InvestmentId = investmentId, UserId = userId, TransactionDate = sale.Key, Type = LotSide.Sell,
                Quantity = quantity, RemainingQuantity = 0m, Price = Money.UnitPrice(proceeds / quantity), Amount = proceeds,
                Fees = sale.Sum(s => s.Charges),
            });
        }

        return rows;
    }
}
