using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Spark.Core.Market;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;
using Spark.Web.Services.Market;

namespace Spark.Tests.Web;

/// <summary>The simulated session's close, with a controlled clock (its own database: it writes a day the other simulator test counts).</summary>
public sealed class MarketCloseTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task At_the_close_the_days_bar_is_stored_and_its_close_becomes_the_price()
    {
        var afternoon = new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.FromHours(5.5));
        var clock = new FakeTimeProvider(afternoon);
        var options = Options.Create(new SparkOptions { Market = { BackfillYears = 1 } });
        var simulator = ActivatorUtilities.CreateInstance<MarketSimulatorService>(fixture.App.Services, clock, options);
        await simulator.StartAsync(afternoon, CancellationToken.None);
        var ticks = new List<PriceTick>();
        using var listening = fixture.App.Services.GetRequiredService<IMarketFeed>().Subscribe(batch => { lock (ticks) ticks.AddRange(batch); });

        await simulator.CatchUpAsync(afternoon.AddMinutes(31), CancellationToken.None);

        var infy = await TestData.SecurityAsync(fixture.Database, "INFY");
        var fund = await TestData.SecurityAsync(fixture.Database, "PPFAS-FLEXI-DG");
        await using var context = fixture.Database.Owner();
        var today = new DateOnly(2026, 11, 25);
        var infyClose = await context.DailyBars.SingleAsync(b => b.SecurityId == infy.Id && b.TradeDate == today);
        var nav = await context.DailyBars.SingleAsync(b => b.SecurityId == fund.Id && b.TradeDate == today);
        // The minutes of the whole session are stored and end at the day's close.
        var lastMinute = await context.MarketData.Where(b => b.SecurityId == infy.Id).OrderByDescending(b => b.Timestamp).FirstAsync();
        Assert.Equal(375, await context.MarketData.CountAsync(b => b.SecurityId == infy.Id));
        Assert.Equal(infyClose.Close, lastMinute.Close);
        lock (ticks)
        {
            Assert.Contains(ticks, t => t.SecurityId == infy.Id && t.Price == infyClose.Close);
            Assert.Contains(ticks, t => t.SecurityId == fund.Id && t.Price == nav.Close);
        }
    }
}
