using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spark.Data;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>The schema's audit trigger on investments, corrected for DELETE (decision 0008).</summary>
public sealed class AuditTriggerTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Insert_update_and_delete_of_an_investment_are_each_recorded_with_the_row_id()
    {
        var user = await TestData.UserAsync(database);
        var investment = await TestData.SaveAsync(database, user.Id, TestData.Investment(user.Id, await TestData.SecurityAsync(database), quantity: 5m));
        await using (var context = database.App(DataScope.ForUser(user.Id)))
        {
            var row = await context.Investments.SingleAsync(i => i.Id == investment.Id);
            row.Quantity = 7m;
            await context.SaveChangesAsync();
            context.Investments.Remove(row);
            await context.SaveChangesAsync();
        }

        await using var reader = database.App(DataScope.ForUser(user.Id));
        var entries = await reader.AuditLogs.Where(a => a.EntityId == investment.Id).OrderBy(a => a.CreatedAt).ToListAsync();

        Assert.Equal(["INSERT", "UPDATE", "DELETE"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(("investments", user.Id), (e.EntityType, e.UserId)));
        var update = entries.Single(e => e.Action == "UPDATE").Changes!.RootElement;
        Assert.Equal(5m, update.GetProperty("old").GetProperty("quantity").GetDecimal());
        Assert.Equal(7m, update.GetProperty("new").GetProperty("quantity").GetDecimal());
        var delete = entries.Single(e => e.Action == "DELETE").Changes!.RootElement;
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("new").ValueKind);
        Assert.Equal(investment.Id, delete.GetProperty("old").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Deleting_a_user_keeps_the_audit_trail_of_their_holdings_without_the_user()
    {
        var user = await TestData.UserAsync(database);
        var investment = await TestData.SaveAsync(database, user.Id, TestData.Investment(user.Id, await TestData.SecurityAsync(database)));

        await database.OwnerExecuteAsync($"DELETE FROM users WHERE id = '{user.Id}'");

        await using var owner = database.Owner();
        var actions = await owner.AuditLogs.Where(a => a.EntityId == investment.Id).Select(a => new { a.Action, a.UserId }).ToListAsync();
        Assert.Contains(actions, a => a.Action == "DELETE" && a.UserId == null);
        Assert.DoesNotContain(actions, a => a.UserId == user.Id);
    }
}
