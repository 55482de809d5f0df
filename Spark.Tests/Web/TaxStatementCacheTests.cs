using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Portfolio;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Portfolio;
using Spark.Web.Services.Tax;

namespace Spark.Tests.Web;

/// <summary>
/// The capital-gains statement kept in memory (decision 0065): served again only while the investor's ledger version and
/// the tax reference version hold, whichever way the ledger or the reference data changed, over real HTTP.
/// </summary>
public sealed class TaxStatementCacheTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(Guid UserId, ApiClient Api, string Symbol)> InvestorWithOneSaleAsync()
    {
        // Manual platform, no charges: 10 bought 4 May 2026 at ₹100 (₹1,000), 10 sold 1 Jun 2026 at ₹150 (₹1,500):
        // a short-term gain of ₹500 in FY 2026-27 (held 28 days, section 111A).
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        using var scope = fixture.App.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
        await ledger.CreateAsync(user.Id, new TransactionDraft(security.Symbol, TransactionType.Buy, 10m, 100m, null, 0m, 0m, 0m, new DateOnly(2026, 5, 4), "manual"));
        await ledger.CreateAsync(user.Id, new TransactionDraft(security.Symbol, TransactionType.Sell, 10m, 150m, null, 0m, 0m, 0m, new DateOnly(2026, 6, 1), "manual"));
        return (user.Id, api, security.Symbol);
    }

    private static async Task<decimal> GainAsync(ApiClient api)
    {
        var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2026-27");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(statement)}");
        return Assert.Single(statement!["items"]!.AsArray())!["gain"]!.GetValue<decimal>();
    }

    private StatementCache Cache => fixture.App.Services.GetRequiredService<StatementCache>();

    [Fact]
    public async Task A_second_read_is_served_from_memory_and_a_ledger_change_made_in_plain_SQL_is_seen_at_the_next_read()
    {
        var (userId, api, _) = await InvestorWithOneSaleAsync();
        using var _ = api;
        Assert.Equal(500m, await GainAsync(api));
        var hits = Cache.Hits;
        Assert.Equal(500m, await GainAsync(api));
        Assert.Equal(hits + 1, Cache.Hits);

        // Behind every service's back, as the owner: the sale's price becomes ₹160, the gain 1,600 − 1,000 = ₹600. The
        // trigger on transactions bumped the ledger's version in the same transaction, so the kept statement is not served.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE transactions SET price = 160, amount = 1600 WHERE user_id = $1 AND type = 'sell'", userId);
        var misses = Cache.Misses;
        Assert.Equal(600m, await GainAsync(api));
        Assert.Equal(misses + 1, Cache.Misses);

        // A sale deleted the same way leaves an empty year.
        await fixture.Database.OwnerExecuteAsync("DELETE FROM transactions WHERE user_id = $1 AND type = 'sell'", userId);
        var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2026-27");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(statement!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_change_to_the_securities_master_or_a_31_January_2018_bar_is_seen_at_the_next_read_and_another_investors_write_is_not_theirs()
    {
        var (userId, api, symbol) = await InvestorWithOneSaleAsync();
        using var _ = api;
        var (otherId, other, _) = await InvestorWithOneSaleAsync();
        using var __ = other;
        Assert.Equal(500m, await GainAsync(api));
        Assert.Equal(500m, await GainAsync(other));

        // Another investor's ledger write bumps only their version: this investor's statement is still served from memory.
        await fixture.Database.OwnerExecuteAsync("UPDATE transactions SET price = 170, amount = 1700 WHERE user_id = $1 AND type = 'sell'", otherId);
        var hits = Cache.Hits;
        Assert.Equal(500m, await GainAsync(api));
        Assert.Equal(hits + 1, Cache.Hits);
        Assert.Equal(700m, await GainAsync(other));

        // The securities master changes (a rename): every kept statement is computed again, with the same figures.
        await fixture.Database.OwnerExecuteAsync("UPDATE securities SET name = name || ' Ltd' WHERE symbol = $1", symbol);
        var misses = Cache.Misses;
        Assert.Equal(500m, await GainAsync(api));
        Assert.Equal(misses + 1, Cache.Misses);

        // A bar of 31 January 2018 (section 55(2)(ac)'s day) is reference data too; a bar of any other day is not.
        await fixture.Database.OwnerExecuteAsync("""
            INSERT INTO market_data_daily (security_id, trade_date, open, high, low, close, volume, created_at)
            SELECT id, DATE '2019-01-31', 1, 1, 1, 1, 0, now() FROM securities WHERE symbol = $1
            """, symbol);
        hits = Cache.Hits;
        Assert.Equal(500m, await GainAsync(api));
        Assert.Equal(hits + 1, Cache.Hits);
        await fixture.Database.OwnerExecuteAsync("""
            INSERT INTO market_data_daily (security_id, trade_date, open, high, low, close, volume, created_at)
            SELECT id, DATE '2018-01-31', 1, 1, 1, 1, 0, now() FROM securities WHERE symbol = $1
            """, symbol);
        misses = Cache.Misses;
        Assert.Equal(500m, await GainAsync(api));
        Assert.Equal(misses + 1, Cache.Misses);
        Assert.Equal(1, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM ledger_versions WHERE user_id = $1 AND version > 0", userId));
    }

    private static async Task<decimal> BroughtForwardAsync(ApiClient api)
    {
        var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2026-27");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(statement)}");
        return Assert.Single(statement!["summary"]!["lossesBroughtForward"]!.AsArray())!["shortTerm"]!.GetValue<decimal>();
    }

    private Task<long> KeptYearsAsync(Guid userId) =>
        fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM tax_year_carried_losses WHERE user_id = $1 AND year_start = '2026-04-01'", userId);

    /// <summary>The investor with one sale, plus FY 2025-26's short-term loss: 10 bought at ₹100, sold at ₹80 (₹200).</summary>
    private async Task<(Guid UserId, ApiClient Api, string Symbol)> InvestorWithALossBroughtForwardAsync()
    {
        var (userId, api, symbol) = await InvestorWithOneSaleAsync();
        using var scope = fixture.App.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
        await ledger.CreateAsync(userId, new TransactionDraft(symbol, TransactionType.Buy, 10m, 100m, null, 0m, 0m, 0m, new DateOnly(2025, 5, 5), "manual"));
        await ledger.CreateAsync(userId, new TransactionDraft(symbol, TransactionType.Sell, 10m, 80m, null, 0m, 0m, 0m, new DateOnly(2025, 6, 2), "manual"));
        return (userId, api, symbol);
    }

    [Fact]
    public async Task The_losses_brought_forward_stay_kept_through_a_write_dated_in_the_year_and_are_computed_again_after_one_dated_before_it()
    {
        var (userId, api, symbol) = await InvestorWithALossBroughtForwardAsync();
        using var _ = api;
        // Section 74: FY 2025-26's ₹200 short-term loss is brought into FY 2026-27 and kept in the database.
        Assert.Equal(200m, await BroughtForwardAsync(api));
        Assert.Equal(1, await KeptYearsAsync(userId));

        // Marked behind Spark's back (no version moves, so memory still serves ₹200): only a read of the stored row can
        // answer ₹199 from here on.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE tax_year_carried_losses SET losses = jsonb_set(losses, '{0,ShortTerm}', '199') WHERE user_id = $1", userId);

        // A buy dated in the year, as a fill today is: the ledger's version moves (memory misses), the stored row stands.
        using (var scope = fixture.App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<LedgerService>().CreateAsync(userId,
                new TransactionDraft(symbol, TransactionType.Buy, 5m, 120m, null, 0m, 0m, 0m, new DateOnly(2026, 7, 1), "manual"));
        }
        Assert.Equal(199m, await BroughtForwardAsync(api));

        // A change dated before the year, in plain SQL: the earlier sale at ₹70 makes the loss ₹300. The trigger deleted the
        // stored row in the same transaction, so the next read computes FY 2025-26 again and keeps the result.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE transactions SET price = 70, amount = 700 WHERE user_id = $1 AND type = 'sell' AND transaction_date = '2025-06-02'", userId);
        Assert.Equal(0, await KeptYearsAsync(userId));
        Assert.Equal(300m, await BroughtForwardAsync(api));
        Assert.Equal(1, await KeptYearsAsync(userId));

        // New tax reference data (a rename of the security): the row kept under the older reference version is not served.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE tax_year_carried_losses SET losses = jsonb_set(losses, '{0,ShortTerm}', '299') WHERE user_id = $1", userId);
        await fixture.Database.OwnerExecuteAsync("UPDATE securities SET name = name || ' Ltd' WHERE symbol = $1", symbol);
        Assert.Equal(300m, await BroughtForwardAsync(api));
    }

    [Fact]
    public async Task Losses_computed_before_a_write_committed_are_not_kept()
    {
        var (userId, api, _) = await InvestorWithALossBroughtForwardAsync();
        using var __ = api;
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Spark.Data.SparkDb>();
        var grandfathering = scope.ServiceProvider.GetRequiredService<IGrandfatheringPrices>();
        var charges = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Spark.Core.Orders.ChargeSchedule>>().Value;
        StatementStamp before;
        await using (var context = db.ForUser(userId)) before = await StatementCache.StampAsync(context, default);

        // A write commits after the versions were read: whatever was computed under them may already be stale, and is
        // returned to this read but never stored (decision 0066).
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE transactions SET price = 70, amount = 700 WHERE user_id = $1 AND type = 'sell' AND transaction_date = '2025-06-02'", userId);
        await using (var context = db.ForUser(userId))
        {
            var statement = await CapitalGainsStatements.ComputeAsync(context, grandfathering, charges, new Spark.Core.Tax.FinancialYear(2026),
                new DateOnly(2027, 3, 31), 1, 50, default, cache: null, stamp: before);
            Assert.Equal(300m, Assert.Single(statement.LossesBroughtForward).ShortTerm);
        }
        Assert.Equal(0, await KeptYearsAsync(userId));

        // Read under the current versions, the same losses are kept.
        await using (var context = db.ForUser(userId))
        {
            await CapitalGainsStatements.ComputeAsync(context, grandfathering, charges, new Spark.Core.Tax.FinancialYear(2026), new DateOnly(2027, 3, 31),
                1, 50, default);
        }
        Assert.Equal(1, await KeptYearsAsync(userId));
    }

    [Fact]
    public async Task A_write_dated_after_a_year_leaves_that_years_kept_statement_served_and_one_dated_in_it_does_not()
    {
        var (userId, api, symbol) = await InvestorWithALossBroughtForwardAsync();
        using var _ = api;
        async Task<decimal> Gain2025Async()
        {
            var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2025-26");
            Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(statement)}");
            return Assert.Single(statement!["items"]!.AsArray())!["gain"]!.GetValue<decimal>();
        }

        // FY 2025-26: 10 sold at ₹80 after buying at ₹100, a ₹200 loss; the second read is served from memory.
        Assert.Equal(-200m, await Gain2025Async());
        Assert.Equal(500m, await GainAsync(api));
        var hits = Cache.Hits;
        Assert.Equal(-200m, await Gain2025Async());
        Assert.Equal(hits + 1, Cache.Hits);

        // A buy dated in FY 2026-27 (as a fill today is): FY 2025-26's kept statement is still served; FY 2026-27's is not.
        using (var scope = fixture.App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<LedgerService>().CreateAsync(userId,
                new TransactionDraft(symbol, TransactionType.Buy, 5m, 120m, null, 0m, 0m, 0m, new DateOnly(2026, 7, 1), "manual"));
        }
        hits = Cache.Hits;
        Assert.Equal(-200m, await Gain2025Async());
        Assert.Equal(hits + 1, Cache.Hits);
        var misses = Cache.Misses;
        Assert.Equal(500m, await GainAsync(api));
        Assert.Equal(misses + 1, Cache.Misses);

        // A change dated in FY 2025-26, in plain SQL: the sale at ₹70 makes the loss ₹300, seen at the next read.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE transactions SET price = 70, amount = 700 WHERE user_id = $1 AND type = 'sell' AND transaction_date = '2025-06-02'", userId);
        Assert.Equal(-300m, await Gain2025Async());
    }
}
