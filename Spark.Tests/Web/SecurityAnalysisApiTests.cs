using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Market;

namespace Spark.Tests.Web;

/// <summary>GET /securities/{symbol}/indicators and /analysis over real HTTP, and the admin switch (decision 0060).</summary>
public sealed class SecurityAnalysisApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    /// <summary>A new security with <paramref name="days"/> daily bars rising 0.2 % a day, the last on the day before the clock's today.</summary>
    internal static async Task<Security> SecurityWithBarsAsync(WebAppFixture fixture, int days, DateOnly lastDay)
    {
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var bars = Enumerable.Range(0, days).Select(i =>
        {
            var close = Math.Round(100m * (decimal)Math.Pow(1.002, i), 2);
            return new DayBar(security.Id, lastDay.AddDays(i - days + 1), close, Math.Round(close * 1.005m, 2), Math.Round(close * 0.995m, 2), close, 1_000);
        }).ToList();
        await fixture.App.Services.GetRequiredService<MarketDataService>().WriteDailyAsync(bars, publish: false);
        return security;
    }

    [Fact]
    public async Task Indicators_come_as_one_series_per_indicator_over_the_window_with_earlier_bars_warming_them_up()
    {
        using var api = await SignedInAsync();
        var last = fixture.Clock.Today.AddDays(-1);
        var s = await SecurityWithBarsAsync(fixture, 400, last);
        var from = last.AddDays(-29);
        var (status, body) = await api.GetAsync($"securities/{s.Symbol}/indicators?from={from:yyyy-MM-dd}&to={last:yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(30, body!["dates"]!.AsArray().Count);
        Assert.Equal(from.ToString("yyyy-MM-dd"), body["dates"]![0]!.GetValue<string>());
        var series = body["series"]!.AsObject();
        foreach (var key in new[] { "close", "sma20", "sma50", "sma200", "ema20", "ema200", "bollingerUpper", "rsi14", "macd", "macdSignal", "macdHistogram", "atr14", "stochasticK", "stochasticD" })
        {
            Assert.True(series.ContainsKey(key), key);
            Assert.Equal(30, series[key]!.AsArray().Count);
        }

        // The window's first date already has a 200-day average: 370 bars came before it. All gains: RSI 100.
        Assert.NotNull(series["sma200"]![0]);
        Assert.Equal(100, series["rsi14"]![29]!.GetValue<double>());
    }

    [Fact]
    public async Task Bad_windows_are_422_naming_the_field_and_an_unknown_symbol_is_404()
    {
        using var api = await SignedInAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var (badDate, problem) = await api.GetAsync($"securities/{s.Symbol}/indicators?from=2026-13-01");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badDate);
        Assert.NotNull(problem!["errors"]!["from"]);
        var (badTo, toProblem) = await api.GetAsync($"securities/{s.Symbol}/indicators?to=yesterday");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badTo);
        Assert.NotNull(toProblem!["errors"]!["to"]);
        var (reversed, reversedProblem) = await api.GetAsync($"securities/{s.Symbol}/indicators?from=2026-06-01&to=2026-01-01");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reversed);
        Assert.NotNull(reversedProblem!["errors"]!["from"]);
        var (tooLong, longProblem) = await api.GetAsync($"securities/{s.Symbol}/indicators?from=2000-01-01&to=2026-01-01");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong);
        Assert.NotNull(longProblem!["errors"]!["from"]);
        var (ancient, _) = await api.GetAsync($"securities/{s.Symbol}/indicators?from=0001-01-01&to=0001-01-02");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ancient);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("securities/NOSUCHTHING/indicators")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("securities/NOSUCHTHING/analysis")).Status);
        // Known, but without a single bar: nothing to analyse.
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"securities/{s.Symbol}/analysis")).Status);
    }

    [Fact]
    public async Task The_analysis_carries_scores_recommendation_inputs_rule_version_times_and_the_disclaimer()
    {
        using var api = await SignedInAsync();
        var s = await SecurityWithBarsAsync(fixture, 300, fixture.Clock.Today.AddDays(-1));
        var (status, body) = await api.GetAsync($"securities/{s.Symbol}/analysis");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rules-2026-12", body!["ruleVersion"]!.GetValue<string>());
        Assert.Equal(100, body["scores"]!["health"]!["value"]!.GetValue<double>());
        Assert.Equal("buy", body["recommendation"]!.GetValue<string>());
        Assert.InRange(body["confidence"]!.GetValue<double>(), 0.01, 1);
        Assert.True(body["targetPrice"]!.GetValue<decimal>() > body["stopLoss"]!.GetValue<decimal>());
        Assert.Contains(body["cons"]!.AsArray(), c => c!.GetValue<string>().StartsWith("RSI 100.0: overbought", StringComparison.Ordinal));
        Assert.Equal(100, body["inputs"]!["rsi14"]!.GetValue<double>());
        Assert.True(body["expiresAt"]!.GetValue<DateTimeOffset>() > body["generatedAt"]!.GetValue<DateTimeOffset>());
        Assert.Contains("SEBI", body["disclaimer"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(body["recommendationsShown"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_admin_switch_hides_recommendations_but_keeps_scores_and_only_an_admin_may_flip_it()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var api = await SignedInAsync();
        var s = await SecurityWithBarsAsync(fixture, 300, fixture.Clock.Today.AddDays(-1));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Put, "admin/analysis/settings", new { recommendationsEnabled = false })).Status);
        try
        {
            var (off, offBody) = await admin.SendAsync(HttpMethod.Put, "admin/analysis/settings", new { recommendationsEnabled = false });
            Assert.Equal(HttpStatusCode.OK, off);
            Assert.False(offBody!["recommendationsEnabled"]!.GetValue<bool>());
            var (_, body) = await api.GetAsync($"securities/{s.Symbol}/analysis");
            Assert.False(body!["recommendationsShown"]!.GetValue<bool>());
            foreach (var hidden in new[] { "recommendation", "confidence", "targetPrice", "stopLoss", "reasoning" })
            {
                Assert.False(body.AsObject().ContainsKey(hidden), hidden);
            }

            Assert.Equal(100, body["scores"]!["health"]!["value"]!.GetValue<double>());
            Assert.NotEmpty(body["pros"]!.AsArray());
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"securities/{s.Symbol}/indicators")).Status);
        }
        finally
        {
            await admin.SendAsync(HttpMethod.Put, "admin/analysis/settings", new { recommendationsEnabled = true });
        }

        var (_, again) = await api.GetAsync($"securities/{s.Symbol}/analysis");
        Assert.Equal("buy", again!["recommendation"]!.GetValue<string>());
    }
}
