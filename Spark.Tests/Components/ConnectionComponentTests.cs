using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Spark.Core.Market;
using Spark.Web.Components.Pages.Portfolio;
using Spark.Web.Components.Pages.Settings.Parts;
using Spark.Web.Services.Connections;
using Spark.Web.Services.Market;

namespace Spark.Tests.Components;

/// <summary>The Connections screen's pieces that need no database, and Sell on a holding synced from a broker.</summary>
public sealed class ConnectionComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(5.5));

    public ConnectionComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(new FixedClock(Now));
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void Sync_frequencies_read_from_every_15_minutes_to_once_a_day()
    {
        Assert.Equal(
            ["Every 15 minutes", "Every 30 minutes", "Every hour", "Every 2 hours", "Every 4 hours", "Every 6 hours", "Every 12 hours", "Once a day"],
            BrokerNames.Frequencies.Select(ConnectionText.Frequency).ToList());
    }

    [Fact]
    public void A_failed_run_that_needs_a_new_login_shows_its_reason_in_red_with_a_reconnect_button()
    {
        var reconnects = 0;
        var log = new SyncLogView(Guid.NewGuid(), Guid.NewGuid(), "manual", "failed", 0, 0, 0, 0, "Kite ended the session: reconnect.",
            Now.AddMinutes(-3), Now.AddMinutes(-3), 1, new SyncFindings([new UnknownInstrument("ZZZ", "NSE", null, "Zed Ltd", 2)], [], []));

        var panel = Render<ConnectionSyncLog>(p => p.Add(c => c.Platform, "zerodha").Add(c => c.Log, log).Add(c => c.ReconnectRequired, true)
            .Add(c => c.OnReconnect, () => reconnects++));

        Assert.Equal("Failed", panel.Find("[data-testid='sync-status-zerodha']").TextContent.Trim());
        Assert.Equal("Kite ended the session: reconnect.", panel.Find("[data-testid='sync-error-zerodha']").TextContent.Trim());
        Assert.Contains("3 min ago", panel.Markup);
        Assert.Contains("1 unknown instrument(s)", panel.Markup);
        panel.Find("[data-testid='sync-reconnect-zerodha']").Click();
        Assert.Equal(1, reconnects);
    }

    [Fact]
    public void A_completed_run_shows_its_counts_and_no_reconnect_button()
    {
        var log = new SyncLogView(Guid.NewGuid(), Guid.NewGuid(), "scheduled", "completed", 2, 5, 4, 1, null, Now.AddHours(-2), Now.AddHours(-2), 75, SyncFindings.None);

        var panel = Render<ConnectionSyncLog>(p => p.Add(c => c.Platform, "groww").Add(c => c.Log, log));

        Assert.Equal("Completed", panel.Find("[data-testid='sync-status-groww']").TextContent.Trim());
        var counts = panel.Find("[data-testid='sync-counts-groww']").TextContent;
        Assert.Contains("2 holdings and 5 trades fetched", counts);
        Assert.Contains("4 created", counts);
        Assert.Contains("1 updated", counts);
        Assert.Contains("1 min 15 s", counts);
        Assert.Empty(panel.FindAll("[data-testid='sync-reconnect-groww']"));
        Assert.Empty(panel.FindAll("[data-testid='sync-findings-groww']"));
    }

    [Fact]
    public void Sell_on_a_holding_synced_from_a_broker_explains_the_sale_happens_there_and_offers_to_record_one()
    {
        var dialogs = Render<MudDialogProvider>();
        var table = Render<HoldingsTable>(p => p.Add(t => t.Rows, [Row("INFY", "zerodha")]).Add(t => t.Today, DateOnly.FromDateTime(Now.Date)));

        table.Find("[data-testid='row-sell-INFY'] button, button[data-testid='row-sell-INFY']").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Spark records the sale at the next sync", dialogs.Markup));
        Assert.Contains("Zerodha (Kite)", dialogs.Markup);
        dialogs.Find("[data-testid='sale-record-zerodha']").Click();
        var navigation = Services.GetRequiredService<NavigationManager>();
        // The manual entry starts as a sale of the whole holding at the last price (decision 0053).
        dialogs.WaitForAssertion(() =>
            Assert.EndsWith("portfolio/transactions?add=1&type=sell&symbol=INFY&platform=zerodha&quantity=10&price=120", navigation.Uri, StringComparison.Ordinal));
    }

    private static HoldingRow Row(string symbol, string platform) => new(
        Guid.NewGuid(), Guid.NewGuid(), symbol, symbol + " Ltd", SecurityType.Stock, platform, "Information Technology", 10m,
        100m, 1000m, 120m, 118m, 1200m, 0m, 0m, 0m, 0m, 1000m, 0.1m, null, new DateOnly(2023, 1, 2));

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
