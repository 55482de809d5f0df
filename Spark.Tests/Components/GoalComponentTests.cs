using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Spark.Core.Accounts;
using Spark.Core.Goals;
using Spark.Data;
using Spark.Web.Components.Pages.Goals.Parts;
using Spark.Web.Services.Goals;
using Spark.Web.Shell;

namespace Spark.Tests.Components;

/// <summary>The goal card and the projection panel, rendered from data passed in (no database, no circuit).</summary>
public sealed class GoalComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    public GoalComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<SparkDbContext>, UnusedDatabase>();
        Services.AddSingleton<SparkDb>();
        Services.AddScoped<ThemeState>();
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void A_card_shows_the_goal_its_progress_in_rupees_the_time_left_and_whether_it_is_on_track()
    {
        var goal = Goal(current: 12_50_000m, onTrack: true, months: 50);

        var card = Render<GoalCard>(p => p.Add(c => c.Goal, goal));

        Assert.Equal($"goals/{goal.Id}", card.Find("[data-testid=goal-card]").GetAttribute("href"));
        Assert.Equal("Home down payment", card.Find("[data-testid=goal-name]").TextContent);
        Assert.Contains("House · by 27/01/2031", card.Markup, StringComparison.Ordinal);
        Assert.Equal("₹12,50,000.00 of ₹25,00,000.00", Squash(card.Find("[data-testid=goal-amounts]").TextContent));
        Assert.Equal("50 %", card.Find("[data-testid=goal-progress]").TextContent);
        Assert.Equal("4 years 2 months left", card.Find("[data-testid=goal-time-left]").TextContent);
        Assert.Equal("On track", card.Find("[data-testid=goal-badge]").TextContent);
        Assert.Equal("success", card.Find("[data-testid=goal-badge]").GetAttribute("data-color"));

        var behind = Render<GoalCard>(p => p.Add(c => c.Goal, goal with { OnTrack = false }));
        Assert.Equal(("Behind", "error"), (behind.Find("[data-testid=goal-badge]").TextContent, behind.Find("[data-testid=goal-badge]").GetAttribute("data-color")));
        var achieved = Render<GoalCard>(p => p.Add(c => c.Goal, goal with { Status = GoalStatus.Achieved, OnTrack = false }));
        Assert.Equal("Achieved", achieved.Find("[data-testid=goal-badge]").TextContent);
    }

    [Fact]
    public void The_projection_panel_shows_the_corpus_the_monthly_need_and_the_chance_of_success_each_explained_in_a_sentence()
    {
        var goal = Goal(current: 0m, onTrack: false, months: 120);
        var projection = new ProjectionView(23_23_390.76m, 10_760.14m, 0.1834m, 120,
            [new FanPoint(0, 0m, 0m, 0m), new FanPoint(120, 15_00_000m, 20_00_000m, 27_00_000m)], 0m, 25_00_000m, 25_00_000m, null, false, 0.12m,
            GoalOptions.DefaultMixes[RiskProfile.Moderate], 0.101m, true);

        var panel = Render<GoalProjectionPanel>(p => p.Add(c => c.Goal, goal).Add(c => c.Projection, projection).Add(c => c.Today, Today)
            .Add(c => c.InflationRate, 0.06m));

        Assert.Contains("₹23,23,390.76", panel.Find("[data-testid=projected-amount]").TextContent, StringComparison.Ordinal);
        Assert.Contains("₹10,760.14", panel.Find("[data-testid=required-monthly]").TextContent, StringComparison.Ordinal);
        Assert.Contains("18 %", panel.Find("[data-testid=success-probability]").TextContent, StringComparison.Ordinal);
        Assert.Equal("About Chance of success: In 10,000 simulated markets built from your mix's usual returns and swings, the share in which you reach the target by its date.",
            panel.Find("[data-testid=success-probability] [aria-label]").GetAttribute("aria-label"));
        Assert.Contains("₹10,000.00 a month at 12.00 %", panel.Find("[data-testid=projected-amount] [aria-label]").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Contains("In future rupees (6 % inflation)", panel.Markup, StringComparison.Ordinal);
        var note = panel.Find("[data-testid=projection-note]").TextContent;
        Assert.Contains("equity 60 %, debt 30 %, gold 10 % (your risk profile's mix)", note, StringComparison.Ordinal);
        Assert.Contains("the projected corpus uses the 12.00 % you expect", note, StringComparison.Ordinal);
        Assert.NotEmpty(panel.FindAll("[data-testid=fan-chart]"));
    }

    [Theory]
    [InlineData(0, "Target date reached")]
    [InlineData(1, "1 month left")]
    [InlineData(11, "11 months left")]
    [InlineData(12, "1 year left")]
    [InlineData(13, "1 year 1 month left")]
    [InlineData(120, "10 years left")]
    [InlineData(50, "4 years 2 months left")]
    public void Time_left_is_said_in_years_and_months(int months, string text) => Assert.Equal(text, GoalText.TimeLeft(months));

    private static GoalView Goal(decimal current, bool onTrack, int months) => new(
        Guid.NewGuid(), "Home down payment", GoalCategory.House, 25_00_000m, current, current / 25_00_000m, current, 0m,
        Today, Today.AddMonths(months), 10_000m, GoalPriority.High, GoalStatus.Active, null, RiskProfile.Moderate, 0.12m, null, [], null,
        months, 23_23_390.76m, onTrack, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private static string Squash(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private sealed class UnusedDatabase : IDbContextFactory<SparkDbContext>
    {
        public SparkDbContext CreateDbContext() => throw new InvalidOperationException("The goal parts must not query while rendered.");
    }
}
