using Spark.Core;
using Spark.Core.Market;
using Spark.Core.Portfolio;

namespace Spark.Web.Services.Portfolio;

/// <summary>The stored valuation columns of a holding (current price, value, returns, day change), from a quote.</summary>
public static class Valuation
{
    public static void Apply(Investment investment, Quote? quote, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(investment);
        investment.LastUpdated = now;
        if (quote is not { } q)
        {
            investment.CurrentPrice = null;
            investment.CurrentValue = null;
            investment.Returns = null;
            investment.ReturnsRate = null;
            investment.DayChange = null;
            investment.DayChangeRate = null;
            return;
        }

        var value = Money.Paisa(investment.Quantity * q.Price);
        investment.CurrentPrice = Money.UnitPrice(q.Price);
        investment.CurrentValue = value;
        investment.Returns = value - investment.InvestedAmount;
        investment.ReturnsRate = investment.InvestedAmount == 0m ? null : Money.Rate((value - investment.InvestedAmount) / investment.InvestedAmount);
        investment.DayChange = q.PreviousClose is { } p ? Money.Paisa(investment.Quantity * (q.Price - p)) : null;
        investment.DayChangeRate = q.PreviousClose is { } pc and > 0m ? Money.Rate((q.Price - pc) / pc) : null;
    }
}
