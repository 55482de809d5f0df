using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Spark.Core.Market;
using Spark.Core.Time;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Jobs;

namespace Spark.Tests.Data;

/// <summary>Range partitions are there for any date the app writes (decision 0003).</summary>
public sealed class PartitionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_2008_transaction_and_one_dated_next_year_are_stored_in_their_years_partitions()
    {
        var user = await TestData.UserAsync(database);
        var security = await TestData.SecurityAsync(database);
        var nextYear = IndiaTime.Today(TimeProvider.System).Year + 1; // partitions follow the database's clock, the machine's (faketime moves both)
        var old = await TestData.SaveAsync(database, user.Id, TestData.Transaction(user.Id, security, new DateOnly(2008, 3, 14)));
        var future = await TestData.SaveAsync(database, user.Id, TestData.Transaction(user.Id, security, new DateOnly(nextYear, 1, 2)));

        Assert.Equal("transactions_2008", await PartitionOfAsync("transactions", old.Id));
        Assert.Equal($"transactions_{nextYear}", await PartitionOfAsync("transactions", future.Id));
        await using var asUser = database.App(DataScope.ForUser(user.Id));
        Assert.Equal(2, await asUser.Transactions.CountAsync());
    }

    [Fact]
    public async Task Rows_outside_every_partition_wait_in_the_default_partition_until_maintenance_gives_them_their_own()
    {
        var user = await TestData.UserAsync(database);
        var security = await TestData.SecurityAsync(database);
        var farFuture = IndiaTime.Today(TimeProvider.System).Year + 3; // the database's clock, as above (faketime moves both)
        var ancient = await TestData.SaveAsync(database, user.Id, TestData.Transaction(user.Id, security, new DateOnly(1998, 6, 1)));
        var ahead = await TestData.SaveAsync(database, user.Id, TestData.Transaction(user.Id, security, new DateOnly(farFuture, 2, 1)));
        var barTime = new DateTimeOffset(farFuture, 5, 4, 4, 0, 0, TimeSpan.Zero);
        await using (var system = database.App(DataScope.System("test")))
        {
            system.MarketData.Add(new MarketBar { SecurityId = security.Id, Timestamp = barTime, Open = 1, High = 2, Low = 1, Close = 2, Volume = 10 });
            await system.SaveChangesAsync();
        }
        Assert.Equal("transactions_default", await PartitionOfAsync("transactions", ancient.Id));

        var job = new PartitionMaintenanceJob(database.AppDb(), NullLogger<PartitionMaintenanceJob>.Instance);
        var created = await job.RunAsync();

        Assert.True(created >= 3, $"created {created}");
        Assert.Equal("transactions_1998", await PartitionOfAsync("transactions", ancient.Id));
        Assert.Equal($"transactions_{farFuture}", await PartitionOfAsync("transactions", ahead.Id));
        Assert.Equal($"market_data_{farFuture}_05", await database.OwnerScalarAsync<string>(
            "SELECT tableoid::regclass::text FROM market_data WHERE security_id = $1", security.Id));
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("SELECT count(*) FROM transactions_default"));
        Assert.Equal(0, await job.RunAsync());
    }

    [Fact]
    public async Task The_coming_months_are_partitioned_before_anything_is_written()
    {
        await new PartitionMaintenanceJob(database.AppDb(), NullLogger<PartitionMaintenanceJob>.Instance).RunAsync();
        var inThreeMonths = DateTime.UtcNow.AddMonths(3); // the database's clock, as above (faketime moves both)

        var expected = new[] { $"market_data_{inThreeMonths:yyyy_MM}", $"audit_logs_{inThreeMonths:yyyy_MM}", $"transactions_{inThreeMonths.Year}" };
        foreach (var partition in expected)
        {
            Assert.True(await database.OwnerScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", partition), $"{partition} is missing");
        }
    }

    private Task<string> PartitionOfAsync(string table, Guid id) =>
        database.OwnerScalarAsync<string>($"SELECT tableoid::regclass::text FROM {table} WHERE id = $1", id);
}
