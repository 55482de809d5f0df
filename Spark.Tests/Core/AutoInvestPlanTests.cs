using Spark.Core.AutoInvest;

namespace Spark.Tests.Core;

public sealed class PlanScheduleTests
{
    private static DateOnly On(int year, int month, int day) => new(year, month, day);

    [Theory]
    // The 28th of February 2026 is a Saturday: the run moves to Monday 2 March.
    [InlineData(28, 2026, 2, 1, 2026, 3, 2)]
    // 26 March 2026 is Shri Ram Navami (NSE holiday, a Thursday): Friday.
    [InlineData(26, 2026, 3, 1, 2026, 3, 27)]
    // 3 April 2026 is Good Friday, then a weekend: Monday 6 April.
    [InlineData(3, 2026, 4, 1, 2026, 4, 6)]
    // 24 November 2026 is Guru Nanak Jayanti (a Tuesday): Wednesday.
    [InlineData(24, 2026, 11, 24, 2026, 11, 25)]
    // Christmas 2026 is a Friday: Monday 28 December.
    [InlineData(25, 2026, 12, 1, 2026, 12, 28)]
    // An ordinary trading day runs on the day itself.
    [InlineData(5, 2026, 11, 1, 2026, 11, 5)]
    // Past this month's day: next month (27 Nov → 26 Dec 2026 is a Saturday → Monday 28 Dec).
    [InlineData(26, 2026, 11, 27, 2026, 12, 28)]
    public void Runs_on_the_day_or_the_next_trading_day(int day, int fy, int fm, int fd, int ry, int rm, int rd)
    {
        Assert.Equal(On(ry, rm, rd), PlanSchedule.NextRunOnOrAfter(On(fy, fm, fd), day));
    }

    [Theory]
    [InlineData(28, 2026, 3, 2, 2026, 2, 28)]
    [InlineData(3, 2026, 4, 6, 2026, 4, 3)]
    [InlineData(25, 2026, 12, 28, 2026, 12, 25)]
    [InlineData(5, 2026, 11, 5, 2026, 11, 5)]
    public void A_run_date_maps_back_to_its_nominal_date(int day, int ry, int rm, int rd, int ny, int nm, int nd)
    {
        Assert.Equal(On(ny, nm, nd), PlanSchedule.NominalFor(On(ry, rm, rd), day));
    }

    [Fact]
    public void The_nominal_date_does_not_depend_on_the_holiday_list()
    {
        // Whether or not 3 April is a holiday, the run on 3 or 6 April belongs to the nominal date 3 April.
        Assert.Equal(On(2026, 4, 3), PlanSchedule.NominalFor(On(2026, 4, 3), 3));
        Assert.Equal(On(2026, 4, 3), PlanSchedule.NominalFor(On(2026, 4, 6), 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(29)]
    [InlineData(31)]
    public void Days_outside_1_to_28_are_refused(int day)
    {
        Assert.False(PlanSchedule.IsValidDay(day));
        Assert.Throws<ArgumentOutOfRangeException>(() => PlanSchedule.FirstNominalOnOrAfter(On(2026, 1, 1), day));
    }

    [Fact]
    public void Next_nominal_is_the_same_day_next_month_across_the_year_end()
    {
        Assert.Equal(On(2027, 1, 28), PlanSchedule.NextNominal(On(2026, 12, 28)));
    }

    [Theory]
    [InlineData(RebalancingFrequency.Quarterly, 2026, 1, false)]
    [InlineData(RebalancingFrequency.Quarterly, 2026, 3, false)]
    [InlineData(RebalancingFrequency.Quarterly, 2026, 4, true)]
    [InlineData(RebalancingFrequency.Quarterly, 2027, 1, true)]
    [InlineData(RebalancingFrequency.Monthly, 2026, 2, true)]
    [InlineData(RebalancingFrequency.Yearly, 2026, 12, false)]
    [InlineData(RebalancingFrequency.Yearly, 2027, 1, true)]
    public void Rebalancing_falls_due_every_whole_period_from_the_start_month(RebalancingFrequency frequency, int year, int month, bool due)
    {
        Assert.Equal(due, PlanSchedule.RebalancesAt(On(2026, 1, 5), On(year, month, 5), frequency));
    }
}

public sealed class RebalancerTests
{
    private static readonly Dictionary<string, decimal> SixtyForty = new() { ["equity"] = 0.6m, ["debt"] = 0.4m };

    private static Dictionary<string, decimal> Values(decimal equity, decimal debt) => new() { ["equity"] = equity, ["debt"] = debt };

    [Fact]
    public void In_band_new_money_follows_the_target()
    {
        var proposal = Rebalancer.Propose(SixtyForty, Values(62_000m, 38_000m), 10_000m, 0.05m);

        Assert.False(proposal.Needed);
        Assert.Equal(6_000m, proposal.NewMoney["equity"]);
        Assert.Equal(4_000m, proposal.NewMoney["debt"]);
        Assert.False(proposal.HasTrades);
    }

    [Fact]
    public void Drift_is_measured_in_percentage_points()
    {
        var proposal = Rebalancer.Propose(SixtyForty, Values(70_000m, 30_000m), 0m, 0.05m);

        Assert.Equal(0.10m, proposal.Drifts.Single(d => d.AssetClass == "equity").DriftRate);
        Assert.Equal(-0.10m, proposal.Drifts.Single(d => d.AssetClass == "debt").DriftRate);
        Assert.True(proposal.Needed);
    }

    [Fact]
    public void New_money_goes_to_the_underweight_class_first_and_is_enough_here()
    {
        // 70/30 against 60/40: after ₹10,000 more the debt target is ₹44,000, ₹14,000 short; all ₹10,000 goes to debt,
        // leaving equity at 70/110 = 63.6 % — inside the 5-point band, so nothing is sold.
        var proposal = Rebalancer.Propose(SixtyForty, Values(70_000m, 30_000m), 10_000m, 0.05m);

        Assert.Equal(0m, proposal.NewMoney["equity"]);
        Assert.Equal(10_000m, proposal.NewMoney["debt"]);
        Assert.False(proposal.HasTrades);
    }

    [Fact]
    public void When_new_money_is_not_enough_sells_and_buys_restore_the_target()
    {
        // 90/10: ₹10,000 to debt still leaves equity at 90/110 = 81.8 %. Target at ₹1,10,000: equity 66,000, debt 44,000.
        var proposal = Rebalancer.Propose(SixtyForty, Values(90_000m, 10_000m), 10_000m, 0.05m);

        Assert.Equal(10_000m, proposal.NewMoney["debt"]);
        Assert.Equal(-24_000m, proposal.Trades["equity"]);
        Assert.Equal(24_000m, proposal.Trades["debt"]);
    }

    [Fact]
    public void A_class_outside_the_target_is_all_drift_and_sold()
    {
        var proposal = Rebalancer.Propose(SixtyForty, new Dictionary<string, decimal> { ["equity"] = 60_000m, ["debt"] = 30_000m, ["crypto"] = 10_000m }, 0m, 0.05m);

        Assert.True(proposal.Needed);
        Assert.Equal(-10_000m, proposal.Trades["crypto"]);
        Assert.Equal(10_000m, proposal.Trades["debt"]);
        Assert.Equal(0m, proposal.Trades["equity"]);
    }

    [Fact]
    public void A_new_plan_splits_by_target_and_the_paise_add_up()
    {
        var thirds = new Dictionary<string, decimal> { ["a"] = 1m / 3m, ["b"] = 1m / 3m, ["c"] = 1m / 3m };

        var proposal = Rebalancer.Propose(thirds, new Dictionary<string, decimal>(), 1_000m, 0.05m);

        Assert.Equal(1_000m, proposal.NewMoney.Values.Sum());
        Assert.All(proposal.NewMoney.Values, v => Assert.InRange(v, 333.33m, 333.34m));
    }
}

public sealed class PlanAllocatorTests
{
    private static decimal NoCharges(BasketInstrument i, decimal q, decimal p) => 0m;

    [Fact]
    public void Whole_units_for_stocks_with_the_rest_left_over()
    {
        var itc = new BasketInstrument("stocks", "ITC", 1m, 450m, 0, false);

        var allocation = PlanAllocator.Split(new Dictionary<string, decimal> { ["stocks"] = 10_000m }, [itc], NoCharges, 0m);

        var leg = Assert.Single(allocation.Legs);
        Assert.Equal(22m, leg.Quantity); // 22 × 450 = 9,900
        Assert.Equal(9_900m, allocation.Invested);
        Assert.Equal(100m, allocation.Leftover);
    }

    [Fact]
    public void Charges_and_slippage_come_out_of_the_budget()
    {
        // 0.5 % slippage: 100 → 100.50 a unit; charges ₹1 a unit. 10 units cost 1,005 + 10 > 1,000, so 9 units: 904.50 + 9.
        var share = new BasketInstrument("stocks", "X", 1m, 100m, 0, false);

        var allocation = PlanAllocator.Split(new Dictionary<string, decimal> { ["stocks"] = 1_000m }, [share], (_, q, _) => q, 0.005m);

        var leg = Assert.Single(allocation.Legs);
        Assert.Equal(9m, leg.Quantity);
        Assert.Equal(913.50m, leg.EstimatedCost);
        Assert.Equal(86.50m, allocation.Leftover);
    }

    [Fact]
    public void Crypto_buys_to_eight_decimals()
    {
        var btc = new BasketInstrument("crypto", "BTCINR", 1m, 8_800_000m, 8, false);

        var allocation = PlanAllocator.Split(new Dictionary<string, decimal> { ["crypto"] = 1_000m }, [btc], NoCharges, 0m);

        // 1000 / 88,00,000 = 0.000113636…, floored to 0.00011363 → ₹999.944 → ₹999.94.
        Assert.Equal(0.00011363m, allocation.Legs[0].Quantity);
        Assert.Equal(999.94m, allocation.Invested);
    }

    [Fact]
    public void Funds_are_bought_by_amount_and_baskets_split_by_weight()
    {
        var instruments = new[]
        {
            new BasketInstrument("mutual_funds", "INDEX", 0.6m, 172m, 3, true),
            new BasketInstrument("mutual_funds", "FLEXI", 0.4m, 90m, 3, true),
        };

        var allocation = PlanAllocator.Split(new Dictionary<string, decimal> { ["mutual_funds"] = 5_000m }, instruments, NoCharges, 0m);

        Assert.Equal(3_000m, allocation.Legs.Single(l => l.Symbol == "INDEX").Amount);
        Assert.Equal(2_000m, allocation.Legs.Single(l => l.Symbol == "FLEXI").Amount);
        // Until the NAV is struck the order carries an estimate of the units at the last NAV: 3000 / 172 = 17.441…
        Assert.Equal(17.441m, allocation.Legs.Single(l => l.Symbol == "INDEX").Quantity);
        Assert.Equal(0m, allocation.Leftover);
    }

    [Fact]
    public void Leftover_from_one_leg_buys_another_unit_elsewhere()
    {
        // ₹1,000 split 50/50: A at 300 buys 1 (₹200 over), B at 150 buys 3 (₹50 over); the ₹250 buys one more B.
        var instruments = new[]
        {
            new BasketInstrument("stocks", "A", 0.5m, 300m, 0, false),
            new BasketInstrument("stocks", "B", 0.5m, 150m, 0, false),
        };

        var allocation = PlanAllocator.Split(new Dictionary<string, decimal> { ["stocks"] = 1_000m }, instruments, NoCharges, 0m);

        Assert.Equal(1m, allocation.Legs.Single(l => l.Symbol == "A").Quantity);
        Assert.Equal(4m, allocation.Legs.Single(l => l.Symbol == "B").Quantity);
        Assert.Equal(100m, allocation.Leftover);
    }

    [Fact]
    public void A_unit_dearer_than_its_leg_is_reported_not_bought()
    {
        var dear = new BasketInstrument("stocks", "DEAR", 1m, 9_000m, 0, false);

        var allocation = PlanAllocator.Split(new Dictionary<string, decimal> { ["stocks"] = 1_000m }, [dear], NoCharges, 0m);

        Assert.False(allocation.Legs[0].Places);
        Assert.NotNull(allocation.Legs[0].Note);
        Assert.Equal(1_000m, allocation.Leftover);
    }
}
