using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Analysis;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Analysis;
using Spark.Web.Services.Market;

namespace Spark.Tests.Web;

/// <summary>The ai_analyses cache of a security's analysis: hit, miss, expiry on a clock of the test's own, new bars, one computation at a time.</summary>
public sealed class SecurityAnalysisCacheTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    /// <summary>Monday 30 November 2026, 10:00 India time: a trading day, before the close.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(5.5));

    private SecurityAnalysisService Service(TestClock clock)
    {
        var db = fixture.App.Services.GetRequiredService<SparkDb>();
        var catalog = fixture.App.Services.GetRequiredService<SecurityCatalog>();
        var options = Microsoft.Extensions.Options.Options.Create(new AnalysisOptions());
        return new SecurityAnalysisService(db, new IndexHistory(db, catalog, clock), options, clock);
    }

    [Fact]
    public async Task A_read_computes_on_a_miss_then_hits_until_the_next_close_and_recomputes_after()
    {
        var clock = new TestClock(Monday);
        var service = Service(clock);
        var s = await SecurityAnalysisApiTests.SecurityWithBarsAsync(fixture, 260, new DateOnly(2026, 11, 27));

        var first = await service.GetAsync(s);
        Assert.False(first!.FromCache);
        // Good until the session's close (15:30 IST) and the hour's margin: 16:30 IST that Monday.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 30, 0, TimeSpan.FromHours(5.5)), first.ExpiresAt);

        var second = await service.GetAsync(s);
        Assert.True(second!.FromCache);
        Assert.Equal(first.GeneratedAt, second.GeneratedAt);
        Assert.Equal(first.Analysis.Recommendation, second.Analysis.Recommendation);

        // Two shared rows: the scores and the verdict.
        await using (var context = fixture.Database.Owner())
        {
            var rows = await context.AiAnalyses.AsNoTracking().Where(a => a.SecurityId == s.Id).ToListAsync();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Null(r.UserId));
            Assert.Equal([AnalysisType.InvestmentAnalysis, AnalysisType.Recommendation], rows.Select(r => r.AnalysisType).Order());
            Assert.Equal(first.Analysis.Recommendation, rows.Single(r => r.AnalysisType == AnalysisType.Recommendation).Recommendation);
        }

        // Past 16:30 IST: expired, computed again, now good until Tuesday's close.
        clock.Advance(TimeSpan.FromHours(7));
        var third = await service.GetAsync(s);
        Assert.False(third!.FromCache);
        Assert.True(third.GeneratedAt > first.GeneratedAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 16, 30, 0, TimeSpan.FromHours(5.5)), third.ExpiresAt);
        await using (var context = fixture.Database.Owner())
        {
            Assert.Equal(2, await context.AiAnalyses.CountAsync(a => a.SecurityId == s.Id));
        }
    }

    [Fact]
    public async Task A_new_bar_makes_the_cached_analysis_stale()
    {
        var clock = new TestClock(Monday);
        var service = Service(clock);
        var s = await SecurityAnalysisApiTests.SecurityWithBarsAsync(fixture, 260, new DateOnly(2026, 11, 26));
        Assert.False((await service.GetAsync(s))!.FromCache);
        Assert.True((await service.GetAsync(s))!.FromCache);
        await fixture.App.Services.GetRequiredService<MarketDataService>()
            .WriteDailyAsync([new DayBar(s.Id, new DateOnly(2026, 11, 27), 170m, 171m, 150m, 151m, 10)], publish: false);
        var fresh = await service.GetAsync(s);
        Assert.False(fresh!.FromCache);
        Assert.Equal(new DateOnly(2026, 11, 27), fresh.Analysis.Indicators.AsOf);
    }

    [Fact]
    public async Task Readers_of_a_cold_security_compute_it_once()
    {
        var clock = new TestClock(Monday);
        var service = Service(clock);
        var s = await SecurityAnalysisApiTests.SecurityWithBarsAsync(fixture, 260, new DateOnly(2026, 11, 27));
        var reads = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => service.GetAsync(s))));
        Assert.Single(reads, r => !r!.FromCache);
        Assert.Single(reads.Select(r => r!.GeneratedAt).Distinct());
    }

    [Fact]
    public async Task An_investor_cannot_write_a_shared_analysis_row()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await using var context = fixture.Database.App(DataScope.ForUser(user.Id));
        await using var transaction = await context.Database.BeginTransactionAsync();
        context.AiAnalyses.Add(new AiAnalysis { SecurityId = s.Id, AnalysisType = AnalysisType.InvestmentAnalysis, ExpiresAt = Monday.AddDays(1).ToUniversalTime() });
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        Assert.Contains("row-level security", refused.InnerException!.Message, StringComparison.Ordinal);
    }
}
