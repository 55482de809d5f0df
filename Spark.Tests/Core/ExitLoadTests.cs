using System.Text.Json;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Web.Services.Orders;

namespace Spark.Tests.Core;

/// <summary>A fund's exit load: on the units (oldest first) redeemed within the scheme's period, as a share of their value.</summary>
public sealed class ExitLoadTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    [Fact]
    public void Units_leave_the_oldest_lots_first_and_only_those_held_less_than_the_period_pay()
    {
        // 50 units from January 2025 (held almost two years), 30 from June 2026 and 20 from November 2026.
        (DateOnly, decimal)[] lots = [(new(2025, 1, 10), 50m), (new(2026, 6, 1), 30m), (new(2026, 11, 1), 20m)];

        Assert.Equal(0m, ExitLoads.UnitsUnderLoad(lots, 50m, Today, 365));
        Assert.Equal(20m, ExitLoads.UnitsUnderLoad(lots, 70m, Today, 365));
        Assert.Equal(50m, ExitLoads.UnitsUnderLoad(lots, 100m, Today, 365));
        // A 7-day period (liquid funds): only the units bought on 1 November 2026 are out of it too.
        Assert.Equal(0m, ExitLoads.UnitsUnderLoad(lots, 100m, Today, 7));
    }

    [Fact]
    public void A_unit_held_exactly_the_period_pays_no_load()
    {
        (DateOnly, decimal)[] lots = [(Today.AddDays(-365), 10m), (Today.AddDays(-364), 5m)];

        Assert.Equal(5m, ExitLoads.UnitsUnderLoad(lots, 15m, Today, 365));
    }

    [Fact]
    public void One_percent_on_the_units_under_load_comes_on_top_of_the_stt()
    {
        // 1,000 units at ₹100 (₹1,00,000), 600 of them within the year: load 1 % × 600 × ₹100 = ₹600.00; STT on the
        // whole redemption value of an equity fund 0.001 % = ₹1.00.
        var charges = ChargesCalculator.CalculateMutualFundRedemption(new ChargeSchedule(), 1_000m, 100m, Today, equityOriented: true,
            new ExitLoadTerms(0.01m, 365), unitsUnderLoad: 600m);

        Assert.Equal((600.00m, 1.00m, 601.00m), (charges.ExitLoad, charges.Stt, charges.Total));
    }

    [Fact]
    public void Equity_funds_default_to_one_percent_within_a_year_debt_funds_to_none_and_a_funds_own_terms_win()
    {
        var schedule = new ChargeSchedule();
        Security Fund(string sector, string? metadata = null) => new()
        {
            Symbol = "FUND", Name = $"A {sector} fund", Type = SecurityType.MutualFund, Sector = sector,
            Metadata = metadata is null ? null : JsonDocument.Parse(metadata),
        };

        Assert.Equal(new ExitLoadTerms(0.01m, 365), Instruments.ExitLoad(Fund("Equity"), schedule, Today));
        Assert.Equal(ExitLoadTerms.None, Instruments.ExitLoad(Fund("Debt"), schedule, Today));
        Assert.Equal(new ExitLoadTerms(0.0007m, 7), Instruments.ExitLoad(Fund("Liquid", """{ "exitLoad": { "rate": 0.0007, "withinDays": 7 } }"""), schedule, Today));
        Assert.False(Instruments.ExitLoad(Fund("Equity", """{ "exitLoad": { "rate": 0 } }"""), schedule, Today).Applies);
        Assert.Equal(ExitLoadTerms.None, Instruments.ExitLoad(new Security { Symbol = "TCS", Name = "TCS", Type = SecurityType.Stock }, schedule, Today));
    }
}
