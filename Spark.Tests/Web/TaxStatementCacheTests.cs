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
}
