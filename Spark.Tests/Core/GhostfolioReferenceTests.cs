using Spark.Core.Market;
using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

/// <summary>
/// Cases from Ghostfolio's portfolio calculator specs (apps/api/src/app/portfolio/calculator/roai/*.spec.ts with
/// their activities in test/import/ok/*.json). Ghostfolio keeps fees out of the investment and subtracts them in
/// its net performance; Spark puts a buy's fees into its lot's cost (api.md), so the totals compare, not the parts.
/// </summary>
public class GhostfolioReferenceTests
{
    [Fact]
    public void A_partial_sell_matches_ghostfolios_novn_net_performance()
    {
        // portfolio-calculator-novn-buy-and-sell-partially.spec.ts: buy 2 NOVN.SW at 75.80 (fee 2.95) on 2022-03-07,
        // sell 1 at 85.73 (fee 1.30) on 2022-04-08, market price 87.80 → quantity 1, value 87.80, net performance 17.68.
        var security = Guid.NewGuid();
        var ledger = new HoldingLedger(Guid.NewGuid(), security,
        [
            LedgerEntry.Buy(new DateOnly(2022, 3, 7), 2m, 75.80m, 2.95m),
            LedgerEntry.Sell(new DateOnly(2022, 4, 8), 1m, 85.73m, 1.30m),
        ]);

        var result = PortfolioEngine.Compute([ledger], new DateOnly(2022, 4, 11), _ => null,
            new Dictionary<Guid, Quote> { [security] = new(87.80m, null, DateTimeOffset.UnixEpoch) });

        var holding = Assert.Single(result.Holdings);
        Assert.Equal((1m, 87.80m), (holding.Position.Quantity, holding.CurrentValue));
        // Realized 85.73 − (75.80 + 2.95/2) − 1.30 = 7.155 and unrealized 87.80 − 77.275 = 10.525, together 17.68.
        Assert.Equal(17.68m, holding.Position.RealizedPnl + holding.UnrealizedPnl);
        Assert.Equal(77.28m, holding.Position.InvestedAmount);
    }

    [Fact]
    public void A_buy_before_a_ten_for_one_split_and_a_sell_after_it_matches_ghostfolios_nvda_case()
    {
        // portfolio-calculator-nvda-buy-with-split-and-sell.spec.ts: buy 1 NVDA at 1,200 on 2024-06-03, 10:1 split on
        // 2024-06-10, sell 10 at 125 on 2024-06-14 → quantity 0, investment 0, performance 10 × (125 − 120) = 50.
        var position = FifoLedger.Replay(
        [
            LedgerEntry.Buy(new DateOnly(2024, 6, 3), 1m, 1200m),
            LedgerEntry.Split(new DateOnly(2024, 6, 10), 10m, 1m),
            LedgerEntry.Sell(new DateOnly(2024, 6, 14), 10m, 125m),
        ]);

        Assert.Equal((0m, 0m, 50m), (position.Quantity, position.InvestedAmount, position.RealizedPnl));
        var sale = Assert.Single(position.Sales);
        Assert.Equal((10m, 1200m, 1250m), (sale.Quantity, sale.CostBasis, sale.Proceeds));
    }
}
