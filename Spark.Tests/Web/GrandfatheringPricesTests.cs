using Spark.Core.Market;
using Spark.Web.Components.Pages.Admin;
using Spark.Web.Services.Tax;

namespace Spark.Tests.Web;

/// <summary>
/// The Explanation to section 55(2)(ac) of the Income-tax Act 1961 as <see cref="GrandfatheringPrices.Detail"/> applies it:
/// (a) a listed share or ETF unit at the highest price quoted on 31 January 2018, (b) an unlisted fund unit at its NAV
/// that day; an admin's value first; later splits and bonuses divide it into today's units.
/// </summary>
public sealed class GrandfatheringPricesTests
{
    private static Security Of(SecurityType type, string name = "Test Co", string? sector = "Information Technology") =>
        new() { Id = Guid.NewGuid(), Symbol = "T" + Guid.NewGuid().ToString("N")[..8], Name = name, Type = type, Sector = sector, Exchange = "NSE" };

    private static DailyBar Bar(Security s, decimal high, decimal close) =>
        new() { SecurityId = s.Id, TradeDate = new DateOnly(2018, 1, 31), Open = close, High = high, Low = close - 1m, Close = close, Volume = 10 };

    [Fact]
    public void A_share_takes_the_days_high_and_a_fund_unit_its_nav()
    {
        var share = Of(SecurityType.Stock);
        var etf = Of(SecurityType.Etf, "Nifty 50 ETF");
        var fund = Of(SecurityType.MutualFund, "Flexi Cap Fund", "Equity");

        var shareValue = GrandfatheringPrices.Detail(share, Bar(share, 150m, 148m), null, 1m);
        var etfValue = GrandfatheringPrices.Detail(etf, Bar(etf, 110.25m, 109m), null, 1m);
        var fundValue = GrandfatheringPrices.Detail(fund, Bar(fund, 46m, 45.6789m), null, 1m);

        Assert.Equal((GrandfatheringSource.Bar, "high", 150m), (shareValue.Source, shareValue.BarField, shareValue.Value));
        Assert.Equal(110.25m, etfValue.Value);
        Assert.Equal((GrandfatheringSource.Bar, "close", 45.6789m), (fundValue.Source, fundValue.BarField, fundValue.Value));
        Assert.Contains("close (the NAV), ₹45.68", GrandfatheringPanel.Describe(Status(fundValue)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_admin_value_comes_first_and_none_at_all_is_missing()
    {
        var share = Of(SecurityType.Stock);

        var admin = GrandfatheringPrices.Detail(share, Bar(share, 150m, 148m), 120m, 1m);
        var missing = GrandfatheringPrices.Detail(share, null, null, 1m);

        Assert.Equal((GrandfatheringSource.Admin, 120m, 150m), (admin.Source, admin.Value, admin.BarValue));
        Assert.Equal((GrandfatheringSource.Missing, (decimal?)null), (missing.Source, missing.Value));
        Assert.StartsWith("Missing", GrandfatheringPanel.Describe(Status(missing)), StringComparison.Ordinal);
    }

    [Fact]
    public void Later_splits_and_bonuses_divide_the_value_into_todays_units()
    {
        // A 1:1 bonus (1 new for every 1 held) doubles the units: factor (1 + 1) / 1 = 2. A 5-for-1 split: factor 5.
        // A 1:2 bonus (1 for every 2): (2 + 1) / 2 = 1.5. All three: 2 × 5 × 1.5 = 15, so ₹150 is ₹10 a unit today.
        var share = Of(SecurityType.Stock);
        var factor = GrandfatheringPrices.Factor("bonus", 1m, 1m) * GrandfatheringPrices.Factor("split", 5m, 1m) * GrandfatheringPrices.Factor("bonus", 1m, 2m);

        var detail = GrandfatheringPrices.Detail(share, Bar(share, 150m, 148m), null, factor);

        Assert.Equal((15m, 10m), (factor, detail.Value));
    }

    [Fact]
    public void Section_55_2_ac_does_not_apply_to_gold_etfs_debt_funds_or_crypto()
    {
        var gold = Of(SecurityType.Etf, "Gold BeES", "Commodities");
        var debt = Of(SecurityType.MutualFund, "Liquid Fund", "Debt");
        var coin = Of(SecurityType.Crypto, "Bitcoin", null);

        foreach (var security in new[] { gold, debt, coin })
        {
            var detail = GrandfatheringPrices.Detail(security, Bar(security, 150m, 148m), 100m, 1m);
            Assert.Equal((GrandfatheringSource.NotApplicable, (decimal?)null), (detail.Source, detail.Value));
        }
    }

    private static Spark.Web.Services.Admin.GrandfatheringStatus Status(GrandfatheringDetail d) =>
        new(d.SecurityId, d.Symbol, "Test", d.Isin, d.Source, null, d.BarValue, d.BarField, d.UnitFactor, d.Value);
}
