using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>/api/v1/admin/corporate-actions over real HTTP on a real database: preview, record once, every holder's ledger.</summary>
public sealed class CorporateActionApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static readonly DateOnly ExDate = new(2024, 6, 3);

    private async Task<ApiClient> AdminAsync()
    {
        var user = await TestData.UserAsync(fixture.Database, "Corporate Actions Admin", Roles.Admin);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return api;
    }

    private async Task TradeAsync(Guid userId, Security security, TransactionType type, decimal quantity, decimal price, DateOnly date, string platform = "manual")
    {
        using var scope = fixture.App.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
        await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, type, quantity, price, null, 0m, 0m, 0m, date, platform));
    }

    private async Task<List<InvestmentLot>> BuyLotsAsync(Guid userId, Security security)
    {
        await using var db = fixture.Database.Owner();
        return await db.InvestmentLots.AsNoTracking()
            .Where(l => l.UserId == userId && l.Type == LotSide.Buy && db.Investments.Any(i => i.Id == l.InvestmentId && i.SecurityId == security.Id))
            .OrderBy(l => l.TransactionDate).ToListAsync();
    }

    private async Task<Investment?> HoldingAsync(Guid userId, Security security)
    {
        await using var db = fixture.Database.Owner();
        return await db.Investments.AsNoTracking().SingleOrDefaultAsync(i => i.UserId == userId && i.SecurityId == security.Id);
    }

    private async Task<int> LedgerRowsAsync(Guid userId, Security security, TransactionType type)
    {
        await using var db = fixture.Database.Owner();
        return await db.Transactions.CountAsync(t => t.UserId == userId && t.SecurityId == security.Id && t.Type == type);
    }

    [Fact]
    public async Task A_1_to_5_split_recorded_once_gives_every_holder_the_right_lots_and_cost_and_recording_it_again_changes_nothing()
    {
        using var admin = await AdminAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var holder = await TestData.UserAsync(fixture.Database, "Split Holder");
        var soldOut = await TestData.UserAsync(fixture.Database, "Split Sold Out");
        var lateBuyer = await TestData.UserAsync(fixture.Database, "Split Late Buyer");
        await TradeAsync(holder.Id, security, TransactionType.Buy, 10m, 1000m, new DateOnly(2024, 1, 10));
        await TradeAsync(holder.Id, security, TransactionType.Buy, 5m, 1200m, new DateOnly(2024, 2, 12));
        await TradeAsync(soldOut.Id, security, TransactionType.Buy, 8m, 1000m, new DateOnly(2024, 1, 15));
        await TradeAsync(soldOut.Id, security, TransactionType.Sell, 8m, 1100m, new DateOnly(2024, 3, 1));
        await TradeAsync(lateBuyer.Id, security, TransactionType.Buy, 3m, 250m, new DateOnly(2024, 7, 1));
        var split = new { symbol = security.Symbol, type = "split", exDate = ExDate, ratioNew = 5, ratioOld = 1, note = "Face value ₹10 → ₹2" };

        var (previewStatus, preview) = await admin.PostAsync("admin/corporate-actions/preview", split);
        var (recordStatus, recorded) = await admin.PostAsync("admin/corporate-actions", split);
        var lotsAfterFirst = await BuyLotsAsync(holder.Id, security);
        var (againStatus, again) = await admin.PostAsync("admin/corporate-actions", split);
        var id = recorded!["detail"]!["action"]!["id"]!.GetValue<Guid>();
        var (detailStatus, detail) = await admin.GetAsync($"admin/corporate-actions/{id}");
        var (listStatus, list) = await admin.GetAsync($"admin/corporate-actions?symbol={security.Symbol}");

        Assert.Equal(HttpStatusCode.OK, previewStatus);
        Assert.Equal(1, preview!["holders"]!.GetValue<int>());
        var sample = preview["sample"]!.AsArray().Single()!;
        Assert.Equal(holder.Id, sample["userId"]!.GetValue<Guid>());
        Assert.Equal(15m, sample["quantityBefore"]!.GetValue<decimal>());
        Assert.Equal(75m, sample["quantityAfter"]!.GetValue<decimal>());

        Assert.Equal(HttpStatusCode.Created, recordStatus);
        Assert.False(recorded["alreadyRecorded"]!.GetValue<bool>());
        Assert.Equal(1, recorded["created"]!.GetValue<int>());
        Assert.Equal("applied", recorded["detail"]!["action"]!["status"]!.GetValue<string>());
        Assert.Equal(1, recorded["detail"]!["action"]!["holders"]!.GetValue<int>());

        Assert.Collection(lotsAfterFirst,
            l => Assert.Equal((new DateOnly(2024, 1, 10), 50m, 50m, 200m, 10_000m), (l.TransactionDate, l.Quantity, l.RemainingQuantity, l.Price, l.Amount)),
            l => Assert.Equal((new DateOnly(2024, 2, 12), 25m, 25m, 240m, 6_000m), (l.TransactionDate, l.Quantity, l.RemainingQuantity, l.Price, l.Amount)));
        var holding = (await HoldingAsync(holder.Id, security))!;
        Assert.Equal(75m, holding.Quantity);
        Assert.Equal(16_000m, holding.InvestedAmount);
        Assert.Equal(213.3333m, holding.AvgBuyPrice);

        Assert.Equal(0, await LedgerRowsAsync(soldOut.Id, security, TransactionType.Split));
        Assert.Equal(0m, (await HoldingAsync(soldOut.Id, security))!.Quantity);
        Assert.Equal(0, await LedgerRowsAsync(lateBuyer.Id, security, TransactionType.Split));
        var late = Assert.Single(await BuyLotsAsync(lateBuyer.Id, security));
        Assert.Equal((3m, 250m), (late.Quantity, late.Price));

        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.True(again!["alreadyRecorded"]!.GetValue<bool>());
        Assert.Equal(0, again["created"]!.GetValue<int>());
        Assert.Equal(id, again["detail"]!["action"]!["id"]!.GetValue<Guid>());
        Assert.Equal(1, await LedgerRowsAsync(holder.Id, security, TransactionType.Split));
        Assert.Equal(
            lotsAfterFirst.Select(l => (l.TransactionDate, l.Quantity, l.Price, l.Amount)),
            (await BuyLotsAsync(holder.Id, security)).Select(l => (l.TransactionDate, l.Quantity, l.Price, l.Amount)));

        Assert.Equal(HttpStatusCode.OK, detailStatus);
        var entry = detail!["entries"]!.AsArray().Single()!;
        Assert.Equal("Split Holder", entry["name"]!.GetValue<string>());
        Assert.Equal(75m, entry["quantityAfter"]!.GetValue<decimal>());
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Equal(1, list!["total"]!.GetValue<int>());
        Assert.Equal(1, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE action = 'corporate_action_recorded' AND entity_id = $1 AND (changes->>'holders')::int = 1", id));
    }

    [Fact]
    public async Task An_interrupted_run_is_finished_by_recording_the_same_action_again_without_writing_anything_twice()
    {
        using var admin = await AdminAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var first = await TestData.UserAsync(fixture.Database, "Resume First");
        var second = await TestData.UserAsync(fixture.Database, "Resume Second");
        await TradeAsync(first.Id, security, TransactionType.Buy, 4m, 500m, new DateOnly(2024, 1, 10));
        var split = new { symbol = security.Symbol, type = "split", exDate = ExDate, ratioNew = 2, ratioOld = 1 };
        var (_, recorded) = await admin.PostAsync("admin/corporate-actions", split);
        var id = recorded!["detail"]!["action"]!["id"]!.GetValue<Guid>();
        // As if the run had stopped before reaching the second holding: the action is left applying, that holding unsplit.
        await TradeAsync(second.Id, security, TransactionType.Buy, 3m, 500m, new DateOnly(2024, 2, 1));
        await fixture.Database.OwnerExecuteAsync("UPDATE corporate_actions SET status = 'applying', applied_at = NULL WHERE id = $1", id);

        var (status, resumed) = await admin.PostAsync("admin/corporate-actions", split);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(resumed!["alreadyRecorded"]!.GetValue<bool>());
        Assert.Equal(1, resumed["created"]!.GetValue<int>());
        Assert.Equal("applied", resumed["detail"]!["action"]!["status"]!.GetValue<string>());
        Assert.Equal(2, resumed["detail"]!["action"]!["holders"]!.GetValue<int>());
        Assert.Equal(1, await LedgerRowsAsync(first.Id, security, TransactionType.Split));
        Assert.Equal(1, await LedgerRowsAsync(second.Id, security, TransactionType.Split));
        Assert.Equal((8m, 6m), ((await HoldingAsync(first.Id, security))!.Quantity, (await HoldingAsync(second.Id, security))!.Quantity));
    }

    [Fact]
    public async Task A_1_to_1_bonus_adds_a_zero_cost_lot_dated_the_allotment_date()
    {
        using var admin = await AdminAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var holder = await TestData.UserAsync(fixture.Database, "Bonus Holder");
        await TradeAsync(holder.Id, security, TransactionType.Buy, 10m, 100m, new DateOnly(2024, 1, 10));

        var (status, outcome) = await admin.PostAsync("admin/corporate-actions",
            new { symbol = security.Symbol, type = "bonus", exDate = ExDate, ratioNew = 1, ratioOld = 1 });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, outcome!["created"]!.GetValue<int>());
        Assert.Collection(await BuyLotsAsync(holder.Id, security),
            l => Assert.Equal((new DateOnly(2024, 1, 10), 10m, 100m, 1_000m), (l.TransactionDate, l.Quantity, l.Price, l.Amount)),
            l => Assert.Equal((ExDate, 10m, 0m, 0m), (l.TransactionDate, l.Quantity, l.Price, l.Amount)));
        var holding = (await HoldingAsync(holder.Id, security))!;
        Assert.Equal((20m, 1_000m, 50m), (holding.Quantity, holding.InvestedAmount, holding.AvgBuyPrice));
    }

    [Fact]
    public async Task A_bonus_credits_whole_shares_only_and_a_split_that_would_leave_fractions_of_a_share_is_refused()
    {
        using var admin = await AdminAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var holder = await TestData.UserAsync(fixture.Database, "Odd Holder");
        await TradeAsync(holder.Id, security, TransactionType.Buy, 5m, 100m, new DateOnly(2024, 1, 10));

        var (previewStatus, preview) = await admin.PostAsync("admin/corporate-actions/preview",
            new { symbol = security.Symbol, type = "split", exDate = ExDate, ratioNew = 3, ratioOld = 2 });
        var (splitStatus, _) = await admin.PostAsync("admin/corporate-actions",
            new { symbol = security.Symbol, type = "split", exDate = ExDate, ratioNew = 3, ratioOld = 2 });
        var (bonusStatus, _) = await admin.PostAsync("admin/corporate-actions",
            new { symbol = security.Symbol, type = "bonus", exDate = ExDate, ratioNew = 1, ratioOld = 2 });

        Assert.Equal(HttpStatusCode.OK, previewStatus);
        Assert.NotEmpty(preview!["problems"]!.AsArray());
        Assert.Equal((HttpStatusCode)422, splitStatus);
        Assert.Equal(0, await LedgerRowsAsync(holder.Id, security, TransactionType.Split));
        Assert.Equal(0, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM corporate_actions WHERE security_id = $1 AND type = 'split'", security.Id));
        Assert.Equal(HttpStatusCode.Created, bonusStatus);
        Assert.Equal(7m, (await HoldingAsync(holder.Id, security))!.Quantity);
    }

    [Fact]
    public async Task A_dividend_credits_each_holder_the_amount_for_the_units_held_on_each_platform()
    {
        using var admin = await AdminAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var holder = await TestData.UserAsync(fixture.Database, "Dividend Holder");
        await TradeAsync(holder.Id, security, TransactionType.Buy, 10m, 100m, new DateOnly(2024, 1, 10));
        await TradeAsync(holder.Id, security, TransactionType.Buy, 3m, 100m, new DateOnly(2024, 1, 10), platform: "zerodha");

        var (status, outcome) = await admin.PostAsync("admin/corporate-actions",
            new { symbol = security.Symbol, type = "dividend", exDate = ExDate, amountPerShare = 12.5m });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(2, outcome!["created"]!.GetValue<int>());
        Assert.Equal(1, outcome["detail"]!["action"]!["holders"]!.GetValue<int>());
        await using var db = fixture.Database.Owner();
        var dividends = await db.Transactions.AsNoTracking()
            .Where(t => t.UserId == holder.Id && t.SecurityId == security.Id && t.Type == TransactionType.Dividend)
            .OrderBy(t => t.Platform).Select(t => new { t.Platform, t.Amount, t.TransactionDate }).ToListAsync();
        Assert.Equal([("manual", 125.00m), ("zerodha", 37.50m)], dividends.Select(d => (d.Platform, d.Amount)));
        Assert.All(dividends, d => Assert.Equal(ExDate, d.TransactionDate));
        var holdings = await db.Investments.AsNoTracking().Where(i => i.UserId == holder.Id && i.SecurityId == security.Id).ToListAsync();
        Assert.Equal(13m, holdings.Sum(i => i.Quantity));
    }

    [Fact]
    public async Task Bad_input_is_400_with_field_errors_and_never_500()
    {
        using var admin = await AdminAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var future = Spark.Core.Time.IndiaTime.Today(fixture.App.Clock).AddDays(5);

        var answers = new[]
        {
            (await admin.PostAsync("admin/corporate-actions", new { })),
            (await admin.PostAsync("admin/corporate-actions", new { symbol = "NO_SUCH_SYMBOL", type = "merger", exDate = ExDate })),
            (await admin.PostAsync("admin/corporate-actions", new { symbol = security.Symbol, type = "split", exDate = ExDate, ratioNew = 1, ratioOld = 1 })),
            (await admin.PostAsync("admin/corporate-actions", new { symbol = security.Symbol, type = "split", exDate = ExDate, ratioNew = 2.5, ratioOld = 1 })),
            (await admin.PostAsync("admin/corporate-actions", new { symbol = security.Symbol, type = "dividend", exDate = ExDate, amountPerShare = -1 })),
            (await admin.PostAsync("admin/corporate-actions/preview", new { symbol = security.Symbol, type = "bonus", exDate = future, ratioNew = 1, ratioOld = 1 })),
            (await admin.PostAsync("admin/corporate-actions", new { symbol = security.Symbol, type = "split", exDate = "not a date", ratioNew = 2, ratioOld = 1 })),
        };
        var (unknown, _) = await admin.GetAsync($"admin/corporate-actions/{Guid.NewGuid()}");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.Status));
        Assert.NotNull(answers[0].Body!["errors"]!["symbol"]);
        Assert.NotNull(answers[0].Body!["errors"]!["type"]);
        Assert.NotNull(answers[0].Body!["errors"]!["exDate"]);
        Assert.NotNull(answers[1].Body!["errors"]!["symbol"]);
        Assert.NotNull(answers[1].Body!["errors"]!["type"]);
        Assert.NotNull(answers[2].Body!["errors"]!["ratio"]);
        Assert.NotNull(answers[3].Body!["errors"]!["ratio"]);
        Assert.NotNull(answers[4].Body!["errors"]!["amountPerShare"]);
        Assert.NotNull(answers[5].Body!["errors"]!["exDate"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown);
    }
}
