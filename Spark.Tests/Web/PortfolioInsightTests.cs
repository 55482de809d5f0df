using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Analysis;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Analysis;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>The portfolio insight (decision 0062) against real PostgreSQL: the ai_analyses cache, row-level security, the API over HTTP.</summary>
public sealed class PortfolioInsightTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    /// <summary>Monday 30 November 2026, 10:00 India time: a trading day, before the close.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(5.5));

    /// <summary>The service on a clock of the test's own (the cache's times); the ledger is valued on the app's clock.</summary>
    private PortfolioInsightService Service(IServiceScope scope, TestClock clock) =>
        ActivatorUtilities.CreateInstance<PortfolioInsightService>(scope.ServiceProvider, clock);

    /// <summary>An investor holding 10 shares of a security of their own, bought 60 days before the app's today, priced by a bar yesterday.</summary>
    private async Task<(Guid UserId, Security Security)> InvestorAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var today = fixture.Clock.Today;
        await fixture.App.Services.GetRequiredService<MarketDataService>()
            .WriteDailyAsync([new DayBar(security.Id, today.AddDays(-1), 120m, 121m, 119m, 120m, 100)], publish: false);
        await TradeAsync(user.Id, security, 10m, 100m, today.AddDays(-60));
        return (user.Id, security);
    }

    private async Task TradeAsync(Guid userId, Security security, decimal quantity, decimal price, DateOnly date)
    {
        using var scope = fixture.App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<LedgerService>()
            .CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Buy, quantity, price, null, 0m, 0m, 0m, date, "manual"));
    }

    [Fact]
    public async Task A_read_computes_on_a_miss_hits_until_the_next_close_and_recomputes_after()
    {
        var (userId, security) = await InvestorAsync();
        var clock = new TestClock(Monday);
        using var scope = fixture.App.Services.CreateScope();
        var service = Service(scope, clock);

        var first = await service.GetAsync(userId);
        Assert.False(first.FromCache);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 30, 0, TimeSpan.FromHours(5.5)), first.ExpiresAt);
        Assert.Equal(security.Symbol, first.Insight.Concentration.Largest!.Label);
        Assert.Equal(1m, first.Insight.Concentration.HhiBySecurity);
        Assert.Equal(1_000m, first.Insight.Index.MoneyIn);

        var second = await service.GetAsync(userId);
        Assert.True(second.FromCache);
        Assert.Equal(first.GeneratedAt, second.GeneratedAt);
        Assert.Equal(first.Insight.Concentration.Largest, second.Insight.Concentration.Largest);
        Assert.Equal(first.Insight.Facts, second.Insight.Facts);

        // One row, the investor's own, of no security.
        await using (var context = fixture.Database.Owner())
        {
            var row = await context.AiAnalyses.AsNoTracking().SingleAsync(a => a.UserId == userId);
            Assert.Null(row.SecurityId);
            Assert.Equal(AnalysisType.PortfolioInsight, row.AnalysisType);
            Assert.NotNull(row.SectorAnalysis);
            Assert.NotNull(row.BenchmarkComparison);
        }

        // Past 16:30 IST: expired, computed again, good until Tuesday's close; still one row.
        clock.Advance(TimeSpan.FromHours(7));
        var third = await service.GetAsync(userId);
        Assert.False(third.FromCache);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 16, 30, 0, TimeSpan.FromHours(5.5)), third.ExpiresAt);
        await using (var context = fixture.Database.Owner())
        {
            Assert.Equal(1, await context.AiAnalyses.CountAsync(a => a.UserId == userId));
        }
    }

    [Fact]
    public async Task A_new_transaction_makes_the_cached_insight_stale()
    {
        var (userId, security) = await InvestorAsync();
        var clock = new TestClock(Monday);
        using var scope = fixture.App.Services.CreateScope();
        var service = Service(scope, clock);
        Assert.False((await service.GetAsync(userId)).FromCache);
        Assert.True((await service.GetAsync(userId)).FromCache);

        await TradeAsync(userId, security, 5m, 110m, fixture.Clock.Today.AddDays(-30));
        var fresh = await service.GetAsync(userId);
        Assert.False(fresh.FromCache);
        Assert.Equal(1_550m, fresh.Insight.Index.MoneyIn);
    }

    [Fact]
    public async Task A_cached_read_is_answered_from_memory_until_the_row_is_computed_again_elsewhere()
    {
        var (userId, _) = await InvestorAsync();
        using var scope = fixture.App.Services.CreateScope();
        var service = Service(scope, new TestClock(Monday));
        var first = await service.GetAsync(userId);
        Assert.Equal(1, first.Inputs.Securities);

        // The row changed behind this process's back, its generated_at kept: the insight kept in memory still answers.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE ai_analyses SET technical_indicators = jsonb_set(technical_indicators, '{inputs,securities}', '99') WHERE user_id = $1", userId);
        var kept = await service.GetAsync(userId);
        Assert.True(kept.FromCache);
        Assert.Equal(1, kept.Inputs.Securities);

        // As another instance's computation leaves the row, with a generated_at of its own: the next read reads the row.
        await fixture.Database.OwnerExecuteAsync("UPDATE ai_analyses SET generated_at = generated_at + interval '1 second' WHERE user_id = $1", userId);
        var read = await service.GetAsync(userId);
        Assert.True(read.FromCache);
        Assert.Equal(99, read.Inputs.Securities);
        Assert.Equal(first.GeneratedAt.AddSeconds(1), read.GeneratedAt);
    }

    [Fact]
    public async Task Another_investor_cannot_read_the_insight_row()
    {
        var (userId, _) = await InvestorAsync();
        using (var scope = fixture.App.Services.CreateScope())
        {
            await Service(scope, new TestClock(Monday)).GetAsync(userId);
        }

        var other = await TestData.UserAsync(fixture.Database);
        await using var context = fixture.Database.App(DataScope.ForUser(other.Id));
        await using var transaction = await context.Database.BeginTransactionAsync();
        Assert.Equal(0, await context.AiAnalyses.CountAsync(a => a.UserId == userId));
        await using var own = fixture.Database.App(DataScope.ForUser(userId));
        await using var ownTransaction = await own.Database.BeginTransactionAsync();
        Assert.Equal(1, await own.AiAnalyses.CountAsync(a => a.UserId == userId && a.AnalysisType == AnalysisType.PortfolioInsight));
    }

    [Fact]
    public async Task The_API_answers_the_callers_own_insight_with_its_times_rule_inputs_and_facts()
    {
        var (userId, security) = await InvestorAsync();
        var email = await fixture.Database.OwnerScalarAsync<string>("SELECT email FROM users WHERE id = $1", userId);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(email, TestData.Password)).Status);

        var (status, body) = await api.GetAsync("analysis/portfolio");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(PortfolioInsights.RuleVersion, body!["ruleVersion"]!.GetValue<string>());
        Assert.NotNull(body["generatedAt"]);
        Assert.NotNull(body["expiresAt"]);
        Assert.Equal(1, body["inputs"]!["securities"]!.GetValue<int>());
        Assert.Equal(0.2m, body["inputs"]!["thresholds"]!["singleHolding"]!.GetValue<decimal>());
        Assert.Equal(security.Symbol, body["concentration"]!["largest"]!["label"]!.GetValue<string>());
        Assert.Equal(1m, body["concentration"]!["hhiBySecurity"]!.GetValue<decimal>());
        Assert.Equal("no_profile", body["riskFit"]!["verdict"]!.GetValue<string>());
        Assert.Equal(1_000m, body["index"]!["moneyIn"]!.GetValue<decimal>());
        Assert.Equal(security.Symbol, body["holdings"]![0]!["symbol"]!.GetValue<string>());
        Assert.Contains(body["facts"]!.AsArray(), f => f!["label"]!.GetValue<string>() == "Holdings value" && f["value"]!.GetValue<decimal>() == 1_200m && f["unit"]!.GetValue<string>() == "INR");
        Assert.Contains("SEBI", body["disclaimer"]!.GetValue<string>(), StringComparison.Ordinal);

        // A refresh within a minute of the last computation, nothing changed since: the same insight, not another
        // computation; a minute later, computed again.
        var (soon, same) = await api.GetAsync("analysis/portfolio?refresh=true");
        Assert.Equal(HttpStatusCode.OK, soon);
        Assert.Equal(body["generatedAt"]!.GetValue<string>(), same!["generatedAt"]!.GetValue<string>());
        fixture.Clock.Advance(PortfolioInsightService.RefreshFloor);
        var (again, cached) = await api.GetAsync("analysis/portfolio?refresh=true");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.NotEqual(body["generatedAt"]!.GetValue<string>(), cached!["generatedAt"]!.GetValue<string>());

        var (bad, problem) = await api.GetAsync("analysis/portfolio?refresh=sometimes");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.NotNull(problem!["errors"]!["refresh"]);
    }

    [Fact]
    public async Task An_investor_without_holdings_gets_an_empty_insight()
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(user.Email!, TestData.Password)).Status);
        var (status, body) = await api.GetAsync("analysis/portfolio");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body!["empty"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_nightly_job_recomputes_every_investors_insight()
    {
        var (userId, _) = await InvestorAsync();
        using var scope = fixture.App.Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<Spark.Web.Jobs.SecurityAnalysisJob>();
        Assert.True(await job.RefreshInsightsAsync() >= 1);
        await using var context = fixture.Database.Owner();
        Assert.Equal(1, await context.AiAnalyses.CountAsync(a => a.UserId == userId && a.AnalysisType == AnalysisType.PortfolioInsight));
    }
}
