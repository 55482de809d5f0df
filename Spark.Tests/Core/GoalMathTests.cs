using Spark.Core.Accounts;
using Microsoft.Extensions.Configuration;
using Spark.Core.Goals;

namespace Spark.Tests.Core;

/// <summary>The goal formulas against published numbers (api.md, SIP calculators, compound-interest tables).</summary>
public class GoalMathTests
{
    [Fact]
    public void Ten_thousand_a_month_for_120_months_at_12_percent_is_the_api_documents_example()
    {
        // api.md, "Goal projection": ₹10,000 a month for 120 months at 12% → ₹23,23,390.76.
        Assert.Equal(23_23_390.76m, GoalMath.FutureValue(0m, 10_000m, 0.12m, 120));
    }

    [Fact]
    public void A_thousand_a_month_for_a_year_at_12_percent_is_the_sip_calculators_worked_example()
    {
        // Groww's SIP calculator page: M = 1,000 × ({[1 + 0.01]^12 − 1} / 0.01) × (1 + 0.01) ≈ ₹12,809.
        Assert.Equal(12_809.33m, GoalMath.FutureValue(0m, 1_000m, 0.12m, 12));
    }

    [Fact]
    public void Ten_thousand_a_month_for_20_years_at_12_percent_comes_to_about_one_crore()
    {
        // The usual "₹10,000 SIP for 20 years at 12%" answer of Indian SIP calculators: ₹99,91,479.
        Assert.Equal(99_91_479m, decimal.Round(GoalMath.FutureValue(0m, 10_000m, 0.12m, 240), 0));
    }

    [Fact]
    public void A_lump_sum_grows_monthly_at_the_effective_annual_rate()
    {
        // 12% a year compounded monthly is 12.6825% effective (textbook): ₹1,00,000 → ₹1,12,682.50 in a year.
        Assert.Equal(1_12_682.50m, GoalMath.FutureValue(1_00_000m, 0m, 0.12m, 12));
        // Both parts add: the saved amount grows beside the contributions.
        Assert.Equal(1_12_682.50m + 12_809.33m, GoalMath.FutureValue(1_00_000m, 1_000m, 0.12m, 12));
    }

    [Fact]
    public void At_a_zero_rate_money_only_adds_up()
    {
        Assert.Equal(1_25_000m, GoalMath.FutureValue(5_000m, 1_000m, 0m, 120));
        Assert.Equal(1_000m, GoalMath.RequiredMonthlyContribution(1_20_000m, 0m, 0m, 120));
        Assert.Equal(958.33m, GoalMath.RequiredMonthlyContribution(1_20_000m, 5_000m, 0m, 120));
    }

    [Fact]
    public void The_required_contribution_inverts_the_future_value()
    {
        Assert.Equal(10_000m, GoalMath.RequiredMonthlyContribution(23_23_390.76m, 0m, 0.12m, 120));
        Assert.Equal(1_000m, GoalMath.RequiredMonthlyContribution(12_809.33m, 0m, 0.12m, 12));
    }

    [Fact]
    public void One_crore_in_20_years_at_12_percent_needs_about_ten_thousand_a_month()
    {
        // The inverse of the SIP calculators' example above: ₹1 crore / 999.1479 ≈ ₹10,008.53, "a SIP of ₹10,009".
        Assert.Equal(10_008.53m, GoalMath.RequiredMonthlyContribution(1_00_00_000m, 0m, 0.12m, 240));
    }

    [Fact]
    public void Nothing_more_is_required_when_the_amount_saved_gets_there_alone()
    {
        Assert.Equal(0m, GoalMath.RequiredMonthlyContribution(1_12_682m, 1_00_000m, 0.12m, 12));
        Assert.Equal(0m, GoalMath.RequiredMonthlyContribution(50_000m, 60_000m, 0m, 12));
    }

    [Fact]
    public void With_no_months_left_the_whole_shortfall_is_required_now()
    {
        Assert.Equal(40_000m, GoalMath.RequiredMonthlyContribution(1_00_000m, 60_000m, 0.12m, 0));
        Assert.Equal(0m, GoalMath.RequiredMonthlyContribution(1_00_000m, 1_60_000m, 0.12m, 0));
        Assert.Equal(60_000m, GoalMath.FutureValue(60_000m, 5_000m, 0.12m, 0));
    }

    [Theory]
    [InlineData("2026-01-15", "2036-01-15", 120)]
    [InlineData("2026-01-15", "2036-01-14", 119)]
    [InlineData("2026-01-15", "2026-02-15", 1)]
    [InlineData("2026-01-15", "2026-02-14", 0)]
    [InlineData("2026-01-31", "2026-02-28", 1)]
    [InlineData("2026-01-31", "2026-02-27", 0)]
    [InlineData("2026-03-31", "2026-04-30", 1)]
    [InlineData("2026-01-15", "2026-01-15", 0)]
    [InlineData("2026-01-15", "2025-06-01", 0)]
    public void Months_remaining_counts_whole_months_to_the_target_date(string today, string target, int months)
    {
        Assert.Equal(months, GoalMath.MonthsRemaining(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(target, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void An_inflation_adjusted_target_is_todays_target_grown_at_the_inflation_rate()
    {
        // Compound-interest tables: 1.06^10 = 1.790848. ₹10,00,000 in today's money costs ₹17,90,847.70 in ten years at 6%.
        Assert.Equal(17_90_847.70m, GoalMath.InflationAdjustedTarget(10_00_000m, 0.06m, new DateOnly(2026, 1, 1), new DateOnly(2036, 1, 1)));
        // Half a year: 1.06^0.5 = 1.029563.
        Assert.Equal(1_02_956.30m, GoalMath.InflationAdjustedTarget(1_00_000m, 0.06m, new DateOnly(2026, 1, 1), new DateOnly(2026, 7, 1)));
        Assert.Equal(1_00_000m, GoalMath.InflationAdjustedTarget(1_00_000m, 0m, new DateOnly(2026, 1, 1), new DateOnly(2036, 1, 1)));
    }

    [Fact]
    public void Progress_is_the_fraction_of_the_target_saved()
    {
        Assert.Equal(0.25m, GoalMath.ProgressRate(25_000m, 1_00_000m));
        Assert.Equal(1.5m, GoalMath.ProgressRate(1_50_000m, 1_00_000m));
        Assert.Equal(0.333333m, GoalMath.ProgressRate(1m, 3m));
        Assert.Equal(0m, GoalMath.ProgressRate(-5m, 100m));
    }

    [Fact]
    public void Milestones_are_announced_once_each_and_only_the_highest_crossed()
    {
        Assert.Equal(25, GoalMilestones.Crossed(0.10m, 0.30m, 0));
        Assert.Equal(75, GoalMilestones.Crossed(0m, 0.80m, 0));
        Assert.Equal(100, GoalMilestones.Crossed(0.80m, 1.00m, 75));
        Assert.Null(GoalMilestones.Crossed(0.30m, 0.45m, 25));
        // Dipping under 50% and rising again announces nothing new.
        Assert.Null(GoalMilestones.Crossed(0.48m, 0.52m, 50));
        Assert.Null(GoalMilestones.Crossed(0.60m, 0.40m, 50));
    }

    [Fact]
    public void A_goal_names_every_field_that_breaks_a_rule()
    {
        var today = new DateOnly(2026, 11, 27);
        var good = new GoalDraft("House", GoalCategory.House, 50_00_000m, today, today.AddYears(8), 25_000m, GoalPriority.High, RiskProfile.Moderate,
            0.11m, new Dictionary<string, decimal> { ["equity"] = 0.6m, ["debt"] = 0.3m, ["gold"] = 0.1m }, null);
        Assert.Empty(GoalRules.Validate(good, today, targetMustBeFuture: true));

        var bad = good with
        {
            Name = " ", TargetAmount = 0m, TargetDate = today, MonthlyContribution = -1m, ExpectedReturnRate = 0.45m,
            InvestmentMix = new Dictionary<string, decimal> { ["equity"] = 0.6m, ["debt"] = 0.3m },
        };
        Assert.Equal(["expectedReturnRate", "investmentMix", "monthlyContribution", "name", "targetAmount", "targetDate"],
            GoalRules.Validate(bad, today, targetMustBeFuture: true).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("'stocks' is not an asset class: use equity, debt, gold, crypto.", GoalRules.MixError(new Dictionary<string, decimal> { ["stocks"] = 1m }));
        Assert.Equal("Choose a target date in the future.",
            GoalRules.Validate(good with { StartDate = today.AddYears(-3), TargetDate = today.AddDays(-1) }, today, true)["targetDate"].Single());
        // An edit that keeps a past target date is fine.
        Assert.Empty(GoalRules.Validate(good with { StartDate = today.AddYears(-3), TargetDate = today.AddDays(-1) }, today, false));
    }

    [Fact]
    public void A_contribution_has_a_positive_amount_in_paise_and_a_date_not_in_the_future()
    {
        var today = new DateOnly(2026, 11, 27);
        Assert.Empty(GoalRules.ValidateContribution(5_000.50m, today, "Bonus", today));
        Assert.Equal(["amount", "contributionDate"], GoalRules.ValidateContribution(0m, today.AddDays(1), null, today).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Use at most two decimals (paise).", GoalRules.ValidateContribution(1.005m, today, null, today)["amount"].Single());
    }

    [Fact]
    public void Assumptions_and_mixes_are_configurable_class_by_class()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spark:Goals:Assumptions:Equity:ExpectedReturnRate"] = "0.11",
            ["Spark:Goals:Assumptions:Equity:VolatilityRate"] = "0.2",
            ["Spark:Goals:Mixes:Conservative:debt"] = "0.8",
            ["Spark:Goals:Mixes:Conservative:equity"] = "0.2",
            ["Spark:Goals:Paths"] = "20000",
        }).Build();
        var options = new GoalOptions();
        ConfigurationBinder.Bind(configuration.GetSection(GoalOptions.Section), options);

        Assert.Equal((0.11m, 0.2m), (options.AssumptionFor("equity").ExpectedReturnRate, options.AssumptionFor("equity").VolatilityRate));
        Assert.Equal(0.07m, options.AssumptionFor("debt").ExpectedReturnRate);
        Assert.Equal(0.8m, options.MixFor(RiskProfile.Conservative)["debt"]);
        Assert.Equal(0.6m, options.MixFor(RiskProfile.Moderate)["equity"]);
        Assert.Equal(20_000, options.Paths);
    }

    [Fact]
    public void A_goal_without_a_mix_is_simulated_with_its_risk_profiles_mix_and_a_mix_implies_its_expected_return()
    {
        var options = new GoalOptions();
        var moderate = options.EffectiveMix(null, RiskProfile.Moderate);
        Assert.Equal(0.60m, moderate["equity"]);
        // 0.6 × 12% + 0.3 × 7% + 0.1 × 8% = 10.1%.
        Assert.Equal(0.101m, options.ExpectedReturnOf(moderate));
        var own = new Dictionary<string, decimal> { ["debt"] = 1m };
        Assert.Same(own, options.EffectiveMix(own, RiskProfile.Aggressive));
        Assert.Equal(0.07m, options.ExpectedReturnOf(own));
        foreach (var mix in GoalOptions.DefaultMixes.Values) Assert.Equal(1m, mix.Values.Sum());
    }
}
