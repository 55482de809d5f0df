using Spark.Core.Market;
using Spark.Core.Orders;

namespace Spark.Tests.Core;

public sealed class OrderSupportTests
{
    [Theory]
    [InlineData(SecurityType.MutualFund, OrderType.Market, OrderValidity.Day, true)]
    [InlineData(SecurityType.MutualFund, OrderType.Limit, OrderValidity.Day, false)]
    [InlineData(SecurityType.MutualFund, OrderType.Market, OrderValidity.Gtc, false)]
    [InlineData(SecurityType.Stock, OrderType.Bracket, OrderValidity.Day, true)]
    [InlineData(SecurityType.Crypto, OrderType.Bracket, OrderValidity.Day, false)]
    [InlineData(SecurityType.Bond, OrderType.Bracket, OrderValidity.Day, false)]
    [InlineData(SecurityType.Etf, OrderType.StopLoss, OrderValidity.Ioc, false)]
    [InlineData(SecurityType.Stock, OrderType.Limit, OrderValidity.Ioc, true)]
    [InlineData(SecurityType.Stock, OrderType.Limit, OrderValidity.Gtc, true)]
    [InlineData(SecurityType.Crypto, OrderType.Limit, OrderValidity.Gtc, true)]
    public void The_paper_exchange_accepts_only_what_indian_markets_offer(SecurityType security, OrderType type, OrderValidity validity, bool accepted)
    {
        var result = OrderSupport.Check(security, type, validity);

        Assert.Equal(accepted, result.Accepted);
        Assert.Equal(accepted, result.Reason is null);
    }

    [Fact]
    public void A_gtc_order_on_nse_is_explained_as_good_till_triggered()
    {
        var note = OrderSupport.Check(SecurityType.Stock, OrderType.Limit, OrderValidity.Gtc).Note;

        Assert.Contains("until it triggers, for at most a year", note, StringComparison.Ordinal);
    }
}
