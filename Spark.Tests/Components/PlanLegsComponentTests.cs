using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Spark.Web.Components.Pages.AutoInvest;
using Spark.Web.Services.AutoInvest;

namespace Spark.Tests.Components;

/// <summary>
/// The plan page's legs (issue 15, item 8): buys waiting for the NAV or the session listed at their amount, and legs not
/// bought listed with the reason, rendered from data passed in.
/// </summary>
public sealed class PlanLegsComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly DateOnly Run = new(2026, 12, 17);

    public PlanLegsComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Render<MudPopoverProvider>();
    }

    private static string Clean(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

    [Fact]
    public void Waiting_buys_show_their_amount_and_what_they_wait_for_and_failed_legs_their_reason()
    {
        PlanLegView[] pending =
        [
            new(Run, "UTI-NIFTY50-DG", "mutual_funds", "buy", 3_000m, PlanLegView.AwaitingNav, null, Guid.NewGuid()),
            new(Run, "ITC", "stocks", "buy", 1_25_000.5m, PlanLegView.AwaitingSession, null, Guid.NewGuid()),
        ];
        PlanLegView[] failed =
        [
            new(Run, "PPFAS-FLEXI-DG", "mutual_funds", "buy", 2_000m, PlanLegView.Failed, "Cancelled by you.", Guid.NewGuid()),
            new(new DateOnly(2026, 11, 17), null, null, "buy", 0m, PlanLegView.Failed, "Not enough cash: this month's ₹5,000 needs ₹5,000.", null),
        ];

        var legs = Render<PlanLegs>(p => p.Add(c => c.Pending, pending).Add(c => c.Failed, failed));

        var waiting = legs.FindAll("[data-testid=plan-leg-pending]").Select(r => Clean(r.TextContent)).ToList();
        Assert.Equal(["17 Dec 2026 UTI-NIFTY50-DG buy ₹3,000.00 Awaiting NAV", "17 Dec 2026 ITC buy ₹1,25,000.50 Awaiting the session"], waiting);
        var notBought = legs.FindAll("[data-testid=plan-leg-failed]").Select(r => Clean(r.TextContent)).ToList();
        Assert.Equal(["17 Dec 2026 PPFAS-FLEXI-DG ₹2,000.00 Cancelled by you.",
            "17 Nov 2026 Every leg — Not enough cash: this month's ₹5,000 needs ₹5,000."], notBought);
        Assert.Contains("next NAV", legs.Find("[data-testid=plan-awaiting-note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_waiting_or_failed_legs_nothing_is_shown()
    {
        var legs = Render<PlanLegs>(p => p.Add(c => c.Pending, []).Add(c => c.Failed, []));

        Assert.Empty(legs.FindAll("table"));
        Assert.Empty(legs.FindAll("[data-testid]"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
