using Spark.Core.Orders;
using Spark.Core.Orders.Matching;

namespace Spark.Web.Services.Orders;

using Security = Spark.Core.Market.Security;

/// <summary>
/// Where placed orders go and how they are withdrawn: the paper exchange today, real broker adapters later. The
/// order service keeps the rules, the cash and the records; a gateway only takes, changes and forgets orders, and
/// reports fills back through the same fill path (order, ledger and cash in one transaction).
/// </summary>
public interface IBrokerGateway
{
    void Register(TradingOrder order, IReadOnlyList<TradingOrder> children, Security security);

    /// <param name="order">The stored order, locked by the caller (a gateway that does not hold it checks the change against it).</param>
    ModifyResult Modify(TradingOrder order, decimal? quantity, decimal? limitPrice, decimal? triggerPrice);

    /// <summary>Withdraws an order's unfilled rest; returns how that ended other orders (a bracket entry's target and stop).</summary>
    IReadOnlyList<OrderEvent> Forget(Guid orderId, DateTimeOffset at);
}
