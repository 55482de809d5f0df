using Spark.Core.Accounts;
using Spark.Core.Analysis;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;
using Spark.Core.Tax;

namespace Spark.Tests.Core;

/// <summary>The portfolio insight (decision 0062) on hand-computed cases: concentration, risk fit, idle cash, the index comparison, tax facts.</summary>
public class PortfolioInsightsTests
{
    private static readonly DateOnly Today = new(2026, 1, 1);

    private static TaxSecurity TaxOf(SecurityType type, bool equity) =>
        new(Guid.NewGuid(), "X", "X", null, type, equity, true, new ChargeInstrument(type, "NSE", equity));

    private static InsightHolding Holding(string symbol, decimal value, string? sector = "Banks", SecurityType type = SecurityType.Stock, bool equity = true,
        IReadOnlyList<CashFlow>? flows = null, IReadOnlyList<(string, OpenLot)>? lots = null, decimal? price = null, decimal quantity = 1m) =>
        new(Guid.NewGuid(), symbol, symbol + " Ltd", type, sector, quantity, value, price ?? value, flows ?? [], lots ?? [], TaxOf(type, equity));

    private static PortfolioInsightInput Input(IReadOnlyList<InsightHolding> holdings, decimal cash = 0m, RiskProfile? profile = null,
        IReadOnlyDictionary<DateOnly, double>? levels = null, TaxYearSoFar? tax = null) =>
        new(Today, holdings, cash, profile, profile is { } p ? Spark.Core.Goals.GoalOptions.DefaultMixes[p] : null,
            levels ?? new Dictionary<DateOnly, double>(), [], tax, null, new InsightThresholds());

    [Fact]
    public void The_Herfindahl_index_is_the_sum_of_squared_weights_by_security_and_by_sector_and_each_breach_cites_its_number()
    {
        // Weights 0.5, 0.3, 0.2: HHI = 0.25 + 0.09 + 0.04 = 0.38. Sectors Banks 0.8, IT 0.2: 0.64 + 0.04 = 0.68.
        var insight = PortfolioInsights.Compute(Input([Holding("AAA", 50_000m), Holding("BBB", 30_000m), Holding("CCC", 20_000m, "IT")]));
        var c = insight.Concentration;
        Assert.Equal(0.38m, c.HhiBySecurity);
        Assert.Equal(0.68m, c.HhiBySector);
        Assert.Equal(100_000m, c.HoldingsValue);
        Assert.Equal(("AAA", 0.5m), (c.Largest!.Label, c.Largest.Rate));
        Assert.Equal(["Banks", "IT"], c.Sectors.Select(s => s.Label));
        // AAA and BBB above 20 % (CCC at exactly 20 % is not above), Banks above 35 %, the HHI above 0.18.
        Assert.Equal(4, c.Breaches.Count);
        Assert.Equal("AAA is 50.0 % of your holdings' value, above the 20.0 % Spark names as concentrated.", c.Breaches[0]);
        Assert.Contains(c.Breaches, b => b.StartsWith("The Banks sector is 80.0 %", StringComparison.Ordinal));
        Assert.Contains(c.Breaches, b => b.StartsWith("The Herfindahl index of your holdings is 0.380", StringComparison.Ordinal));
        Assert.Contains(insight.Facts, f => f.Label == "Herfindahl index by security" && f.Value == 0.38m && f.Unit == "index 0-1");
    }

    [Fact]
    public void Ten_equal_holdings_in_ten_sectors_breach_nothing()
    {
        var holdings = Enumerable.Range(0, 10).Select(i => Holding($"S{i}", 10_000m, $"Sector {i}")).ToList();
        var c = PortfolioInsights.Compute(Input(holdings)).Concentration;
        Assert.Equal(0.1m, c.HhiBySecurity);
        Assert.Empty(c.Breaches);
    }

    [Fact]
    public void The_risk_fit_compares_the_equity_share_with_the_profile_mix_plus_the_tolerance()
    {
        // 60 in shares, 40 in a debt fund: equity 60 %. Conservative mix 30 % + 10 points = 40 % ceiling: above.
        var holdings = new[] { Holding("EQ", 60_000m), Holding("DEBT", 40_000m, null, SecurityType.MutualFund, equity: false) };
        var conservative = PortfolioInsights.Compute(Input(holdings, profile: RiskProfile.Conservative)).RiskFit;
        Assert.Equal(RiskFitVerdict.Above, conservative.Verdict);
        Assert.Equal(0.6m, conservative.EquityRate);
        Assert.Equal(0.4m, conservative.CeilingRate);
        Assert.Contains("60.0 %", conservative.Message, StringComparison.Ordinal);

        // Moderate: 60 % + 10 = 70 %, within. Aggressive: no ceiling.
        Assert.Equal(RiskFitVerdict.Within, PortfolioInsights.Compute(Input(holdings, profile: RiskProfile.Moderate)).RiskFit.Verdict);
        var aggressive = PortfolioInsights.Compute(Input(holdings, profile: RiskProfile.Aggressive)).RiskFit;
        Assert.Equal(RiskFitVerdict.Within, aggressive.Verdict);
        Assert.Null(aggressive.CeilingRate);

        var none = PortfolioInsights.Compute(Input(holdings)).RiskFit;
        Assert.Equal(RiskFitVerdict.NoProfile, none.Verdict);
        Assert.Contains("risk questionnaire", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cash_above_the_threshold_of_holdings_and_cash_is_named_idle()
    {
        // ₹25,000 of ₹1,00,000 = 25 % > 10 %.
        var idle = PortfolioInsights.Compute(Input([Holding("AAA", 75_000m)], cash: 25_000m)).IdleCash;
        Assert.True(idle.Idle);
        Assert.Equal(0.25m, idle.Rate);
        Assert.Contains("₹25,000.00", idle.Message, StringComparison.Ordinal);
        Assert.False(PortfolioInsights.Compute(Input([Holding("AAA", 95_000m)], cash: 5_000m)).IdleCash.Idle);
    }

    /// <summary>
    /// Hand-computed. NIFTY 50 levels: 1 Jan 2025 100, 3 Jan 125, 1 Jul 110, 1 Jan 2026 150 (none on 2 Jan).
    /// Flows: buy ₹10,000 on 1 Jan 2025 → 10,000 / 100 = 100 units; buy ₹5,000 on 2 Jan (no level: the last earlier, 100)
    /// → 50 units, 150 held; sell for ₹2,750 on 1 Jul at 110 → 25 units out, 125 held. Today (1 Jan 2026) at 150: 125 × 150 =
    /// ₹18,750 in the index. The holding is worth ₹16,000. Money in ₹15,000, out ₹2,750.
    /// Holding return (2,750 + 16,000 − 15,000) / 15,000 = 0.25; index (2,750 + 18,750 − 15,000) / 15,000 = 0.433333.
    /// The chart's 31 Jan 2025 point: 150 units at the last level before it (125) = ₹18,750; 31 Jul: 125 × 110 = ₹13,750.
    /// </summary>
    [Fact]
    public void The_same_flows_into_the_index_are_valued_by_hand()
    {
        var levels = new Dictionary<DateOnly, double>
        {
            [new(2025, 1, 1)] = 100, [new(2025, 1, 3)] = 125, [new(2025, 7, 1)] = 110, [new(2026, 1, 1)] = 150,
        };
        CashFlow[] flows = [new(new(2025, 1, 1), -10_000m), new(new(2025, 1, 2), -5_000m), new(new(2025, 7, 1), 2_750m)];
        var insight = PortfolioInsights.Compute(Input([Holding("AAA", 16_000m, flows: flows)], levels: levels));
        var index = insight.Index;
        Assert.Equal(125m, index.IndexUnits);
        Assert.Equal(18_750m, index.IndexValue);
        Assert.Equal(16_000m, index.PortfolioValue);
        Assert.Equal(15_000m, index.MoneyIn);
        Assert.Equal(2_750m, index.MoneyOut);
        Assert.Equal(0, index.FlowsBeforeFirstLevel);
        Assert.Equal(new DateOnly(2026, 1, 1), index.IndexLevelDate);

        // Both XIRRs solve their own flows (Excel's definition, api.md) and the index did better here.
        Assert.Equal(Xirr.Solve([.. flows, new CashFlow(Today, 18_750m)]).Rate, index.IndexXirr);
        Assert.Equal(Xirr.Solve([.. flows, new CashFlow(Today, 16_000m)]).Rate, index.PortfolioXirr);
        Assert.True(index.IndexXirr > index.PortfolioXirr);
        var npv = flows.Append(new CashFlow(Today, 18_750m))
            .Sum(f => (double)f.Amount / Math.Pow(1 + (double)index.IndexXirr!.Value, (f.Date.DayNumber - flows[0].Date.DayNumber) / 365.0));
        Assert.True(Math.Abs(npv) < 0.01, npv.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(new ComparisonPoint(new(2025, 1, 31), 0m, 18_750m), index.Series[0]);
        Assert.Equal(13_750m, index.Series.Single(p => p.Date == new DateOnly(2025, 7, 31)).IndexValue);
        Assert.Equal(new ComparisonPoint(Today, 16_000m, 18_750m), index.Series[^1]);
        Assert.Equal(13, index.Series.Count); // 12 month ends of 2025 and today

        var holding = Assert.Single(insight.Holdings);
        Assert.Equal((new DateOnly(2025, 1, 1), Today, true), (holding.From, holding.To, holding.Held));
        Assert.Equal(0.25m, holding.ReturnRate);
        Assert.Equal(0.433333m, holding.IndexReturnRate);
        Assert.Equal(-0.183333m, holding.DifferenceRate);
    }

    /// <summary>
    /// A flow before the first level goes in at the first level, and is counted. A closed holding ends at its last sale:
    /// buy ₹1,000 on 1 Dec 2024 (before 1 Jan 2025's 100: 10 units), sell for ₹1,200 on 1 Jul 2025 (at 110: 10.909091 units
    /// out, −0.909091 left, valued at 110 on 1 Jul = −₹100). Own return (1,200 − 1,000) / 1,000 = 0.2; index (1,200 − 100 − 1,000) / 1,000 = 0.1.
    /// </summary>
    [Fact]
    public void A_flow_before_the_first_level_uses_it_and_a_sold_holding_ends_at_its_sale()
    {
        var levels = new Dictionary<DateOnly, double> { [new(2025, 1, 1)] = 100, [new(2025, 7, 1)] = 110, [new(2026, 1, 1)] = 150 };
        CashFlow[] flows = [new(new(2024, 12, 1), -1_000m), new(new(2025, 7, 1), 1_200m)];
        var insight = PortfolioInsights.Compute(Input([Holding("OLD", 0m, flows: flows, quantity: 0m)], levels: levels));
        Assert.Equal(1, insight.Index.FlowsBeforeFirstLevel);
        Assert.Contains(insight.Index.Notes, n => n.Contains("before Spark's first NIFTY 50 level", StringComparison.Ordinal));
        var sold = Assert.Single(insight.Holdings);
        Assert.False(sold.Held);
        Assert.Equal(new DateOnly(2025, 7, 1), sold.To);
        Assert.Equal(0.2m, sold.ReturnRate);
        Assert.Equal(0.1m, sold.IndexReturnRate);
    }

    [Fact]
    public void Without_index_levels_the_comparison_says_so_and_the_portfolio_xirr_stands()
    {
        CashFlow[] flows = [new(new(2025, 1, 1), -10_000m)];
        var index = PortfolioInsights.Compute(Input([Holding("AAA", 11_000m, flows: flows)])).Index;
        Assert.Null(index.IndexXirr);
        Assert.NotNull(index.PortfolioXirr);
        Assert.Contains(index.Notes, n => n.Contains("no NIFTY 50 levels", StringComparison.Ordinal));
    }

    /// <summary>
    /// FY 2025-26 so far: ₹1,00,000 of section 112A gains, all exempt → ₹25,000 of the ₹1,25,000 left. Open lots at ₹90:
    /// 10 bought 10 Jan 2024 for ₹1,000 → worth ₹900, ₹100 long-term loss; 5 bought 1 Oct 2025 for ₹600 → ₹450, ₹150
    /// short-term; 2 bought for ₹100 → ₹180, a gain, left out. A crypto lot at a loss is left out (section 115BBH).
    /// </summary>
    [Fact]
    public void Tax_facts_give_the_exemption_left_and_the_lots_at_a_loss_with_their_term()
    {
        var year = new FinancialYear(2025);
        var tax = new TaxYearSoFar(year, 100_000m, 100_000m, CapitalGainsEngine.Exemption112A(year));
        (string, OpenLot)[] lots =
        [
            ("zerodha", new OpenLot(new(2024, 1, 10), 10m, 10m, 100m, 1_000m)),
            ("groww", new OpenLot(new(2025, 10, 1), 5m, 5m, 120m, 600m)),
            ("zerodha", new OpenLot(new(2025, 11, 1), 2m, 2m, 50m, 100m)),
        ];
        var crypto = Holding("BTC", 500m, null, SecurityType.Crypto, equity: false, lots: [("wazirx", new OpenLot(new(2025, 1, 1), 1m, 1m, 900m, 900m))], price: 500m);
        var facts = PortfolioInsights.Compute(Input([Holding("AAA", 1_530m, lots: lots, price: 90m, quantity: 17m), crypto], tax: tax)).Tax!;
        Assert.Equal("2025-26", facts.Year);
        Assert.Equal(125_000m, facts.ExemptionLimit);
        Assert.Equal(25_000m, facts.ExemptionLeft);
        Assert.Equal(100_000m, facts.LongTermGains);
        Assert.Equal(2, facts.LossLots.Count);
        Assert.Equal(new LossLot("AAA", "groww", new(2025, 10, 1), 5m, 600m, 450m, 150m, "short_term"), facts.LossLots[0]);
        Assert.Equal(new LossLot("AAA", "zerodha", new(2024, 1, 10), 10m, 1_000m, 900m, 100m, "long_term"), facts.LossLots[1]);
        Assert.Equal(250m, facts.TotalLoss);
        Assert.Contains(facts.Notes, n => n.Contains("not advice", StringComparison.Ordinal));
    }

    [Fact]
    public void Market_breadth_counts_advancing_declining_and_unchanged()
    {
        var breadth = MarketBreadth.Of(Today, [(101m, 100m), (99m, 100m), (100m, 100m), (120m, 100m)]);
        Assert.Equal(new MarketBreadth(Today, 2, 1, 1), breadth);
    }

    [Fact]
    public void An_investor_with_no_holdings_gets_an_empty_insight()
    {
        var insight = PortfolioInsights.Compute(Input([]));
        Assert.True(insight.Empty);
        Assert.Null(insight.Concentration.Largest);
        Assert.Empty(insight.Holdings);
        Assert.Equal(0m, insight.Index.MoneyIn);
    }
}
