using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Portfolio;
using Spark.Core.Tax;
using Spark.Tests.Infrastructure;
using Spark.Web.Jobs;
using Spark.Web.Services.Portfolio;
using Spark.Web.Services.Tax;

namespace Spark.Tests.Web;

/// <summary>
/// Retention moves a closed position's trades older than seven years to transactions_archive (decision 0058); the figures
/// computed over all of history read the archive too (decision 0066), so moving them changes no number an investor sees.
/// Its own class: the retention rule moves every user's old rows in the database it runs on.
/// </summary>
public sealed class ArchivedLedgerTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task Moving_old_closed_positions_to_the_archive_changes_neither_realised_pnl_xirr_nor_the_tax_statements()
    {
        // On the app's clock (27 November 2026) the cutoff is 1 January 2019. Manual platform, no charges:
        //  - A: 10 bought 1 Mar 2017 at ₹100, a ₹50 dividend, 10 sold 1 Sep 2017 at ₹150: ₹500 short-term gain, FY 2017-18;
        //  - C: 10 bought 2 May 2018 at ₹100, sold 1 Oct 2018 at ₹70: ₹300 short-term loss, FY 2018-19, brought forward
        //    (section 74) into the eight years after it;
        //  - B: 5 bought 2 Jan 2020 at ₹200, still held: stays in the live ledger.
        var user = await TestData.UserAsync(fixture.Database);
        var a = await TestData.NewSecurityAsync(fixture.Database);
        var b = await TestData.NewSecurityAsync(fixture.Database);
        var c = await TestData.NewSecurityAsync(fixture.Database);
        using (var scope = fixture.App.Services.CreateScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
            TransactionDraft Trade(string symbol, TransactionType type, decimal units, decimal price, DateOnly date) =>
                new(symbol, type, units, price, null, 0m, 0m, 0m, date, "manual");
            await ledger.CreateAsync(user.Id, Trade(a.Symbol, TransactionType.Buy, 10m, 100m, new DateOnly(2017, 3, 1)));
            await ledger.CreateAsync(user.Id, new TransactionDraft(a.Symbol, TransactionType.Dividend, null, null, 50m, 0m, 0m, 0m, new DateOnly(2017, 6, 1), "manual"));
            await ledger.CreateAsync(user.Id, Trade(a.Symbol, TransactionType.Sell, 10m, 150m, new DateOnly(2017, 9, 1)));
            await ledger.CreateAsync(user.Id, Trade(c.Symbol, TransactionType.Buy, 10m, 100m, new DateOnly(2018, 5, 2)));
            await ledger.CreateAsync(user.Id, Trade(c.Symbol, TransactionType.Sell, 10m, 70m, new DateOnly(2018, 10, 1)));
            await ledger.CreateAsync(user.Id, Trade(b.Symbol, TransactionType.Buy, 5m, 200m, new DateOnly(2020, 1, 2)));
        }

        async Task<(decimal Realised, decimal Income, decimal? Xirr, decimal Gain2017, decimal BroughtInto2025)> FiguresAsync()
        {
            using var scope = fixture.App.Services.CreateScope();
            var portfolio = scope.ServiceProvider.GetRequiredService<PortfolioService>();
            var view = portfolio.Compute(await portfolio.LoadAsync(user.Id), withSeries: false);
            var statements = scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>();
            var fy2017 = await statements.GetAsync(user.Id, new FinancialYear(2017), 1, 50);
            var fy2025 = await statements.GetAsync(user.Id, new FinancialYear(2025), 1, 50);
            return (view.Result.RealizedPnl, view.Result.Income, view.Result.Xirr.Rate, Assert.Single(fy2017.Rows).Gain,
                Assert.Single(fy2025.LossesBroughtForward).ShortTerm);
        }

        var before = await FiguresAsync();
        Assert.Equal((200m, 50m, 500m, 300m), (before.Realised, before.Income, before.Gain2017, before.BroughtInto2025));
        Assert.NotNull(before.Xirr);

        using (var scope = fixture.App.Services.CreateScope())
        {
            var moved = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(RetentionRules.Transactions);
            Assert.True(moved.Rows >= 5, $"moved {moved.Rows}");
        }
        Assert.Equal(5, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM transactions_archive WHERE user_id = $1", user.Id));
        Assert.Equal(1, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM transactions WHERE user_id = $1", user.Id));

        Assert.Equal(before, await FiguresAsync());
    }
}
