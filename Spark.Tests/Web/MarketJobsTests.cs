using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Spark.Core.Market;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;
using Spark.Web.Jobs;
using Spark.Web.Services.Market;

namespace Spark.Tests.Web;

/// <summary>The simulated market and the valuation job, run directly with a controlled clock.</summary>
public sealed class MarketJobsTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task The_simulator_backfills_daily_and_session_bars_and_ticks_what_trades_now()
    {
        // Wednesday 25 November 2026, 10:00 IST: the equity session has run 45 minutes.
        var now = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(5.5));
        var clock = new FakeTimeProvider(now);
        var options = Options.Create(new SparkOptions { Market = { BackfillYears = 1, Seed = SimulatedMarket.DefaultSeed } });
        var feed = fixture.App.Services.GetRequiredService<IMarketFeed>();
        var ticks = new List<PriceTick>();
        using var listening = feed.Subscribe(batch => { lock (ticks) ticks.AddRange(batch); });
        var simulator = ActivatorUtilities.CreateInstance<MarketSimulatorService>(fixture.App.Services, clock, options);

        await simulator.StartAsync(now, CancellationToken.None);
        simulator.Tick(now);

        var infy = await TestData.SecurityAsync(fixture.Database, "INFY");
        var btc = await TestData.SecurityAsync(fixture.Database, "BTCINR");
        var fund = await TestData.SecurityAsync(fixture.Database, "PPFAS-FLEXI-DG");
        await using var context = fixture.Database.Owner();
        var infyDays = await context.DailyBars.Where(b => b.SecurityId == infy.Id).OrderBy(b => b.TradeDate).ToListAsync();
        Assert.Equal(MarketCalendar.TradingDays(new DateOnly(2025, 11, 25), new DateOnly(2026, 11, 24)).Count(), infyDays.Count);
        Assert.Equal(MarketCalendar.PreviousTradingDay(new DateOnly(2026, 11, 25)), infyDays[^1].TradeDate);
        var expected = simulator.Simulator.DailyBars("INFY", SecurityType.Stock, SimulatedMarket.AnchorPrice(infy)!.Value, infyDays[^1].TradeDate, infyDays[^1].TradeDate).Single();
        Assert.Equal(expected.Close, infyDays[^1].Close);
        // Crypto trades every day, so its last finished day is yesterday too, with weekends in between.
        Assert.Equal(365, await context.DailyBars.CountAsync(b => b.SecurityId == btc.Id)); // 2025-11-25 … 2026-11-24
        Assert.Equal(45, await context.MarketData.CountAsync(b => b.SecurityId == infy.Id && b.Timestamp >= now.UtcDateTime.AddHours(-1)));
        Assert.Equal(0, await context.MarketData.CountAsync(b => b.SecurityId == fund.Id));

        lock (ticks)
        {
            Assert.Contains(ticks, t => t.SecurityId == infy.Id && t.PreviousClose == infyDays[^1].Close);
            Assert.Contains(ticks, t => t.SecurityId == btc.Id);
            Assert.DoesNotContain(ticks, t => t.SecurityId == fund.Id);
        }

        // Restarting writes nothing new: the market is a pure function of (seed, symbol, time).
        var again = ActivatorUtilities.CreateInstance<MarketSimulatorService>(fixture.App.Services, clock, options);
        await again.StartAsync(now, CancellationToken.None);
        Assert.Equal(infyDays.Count, await context.DailyBars.CountAsync(b => b.SecurityId == infy.Id));
    }

    [Fact]
    public async Task The_valuation_job_writes_live_prices_into_holdings_and_the_summary_view()
    {
        var investor = await TestData.UserAsync(fixture.Database);
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(investor.Email!, TestData.Password);
        await api.PostAsync("transactions", new { symbol = security.Symbol, type = "buy", quantity = 4, price = 250m, transactionDate = "2025-05-05" });
        using var asAdmin = new ApiClient(fixture.App.CreateHttpClient());
        await asAdmin.LoginAsync(admin.Email!, TestData.Password);
        await asAdmin.PostAsync($"admin/securities/{security.Symbol}/bars", new[]
        {
            new { timestamp = "2026-11-19", open = 300m, high = 300m, low = 300m, close = 300m, volume = 1L },
            new { timestamp = "2026-11-20", open = 310m, high = 315m, low = 305m, close = 312.5m, volume = 1L },
        });

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortfolioValuationJob>().RunAsync();
        }

        await using var context = fixture.Database.App(DataScope.ForUser(investor.Id));
        var holding = await context.Investments.SingleAsync();
        Assert.Equal((312.5m, 1250m, 250m, 0.25m, 50m), (holding.CurrentPrice, holding.CurrentValue, holding.Returns, holding.ReturnsRate, holding.DayChange));
        var summary = await context.Database.SqlQuery<decimal>($"SELECT total_current_value AS \"Value\" FROM my_portfolio_summary()").SingleAsync();
        Assert.Equal(1250m, summary);
    }
}
