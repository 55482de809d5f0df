using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Spark.Core.Accounts;
using Spark.Data;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>created_at and updated_at come from the injected clock, so tests control time (decision 0002).</summary>
public sealed class TimestampTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Rows_are_stamped_by_the_clock_when_created_and_again_when_changed()
    {
        var user = await TestData.UserAsync(database);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 3, 45, 0, TimeSpan.Zero));
        Guid id;
        await using (var context = database.App(DataScope.ForUser(user.Id), clock))
        {
            var preferences = new UserPreferences { UserId = user.Id };
            context.UserPreferences.Add(preferences);
            await context.SaveChangesAsync();
            id = preferences.Id;
        }

        clock.Advance(TimeSpan.FromHours(2));
        await using (var context = database.App(DataScope.ForUser(user.Id), clock))
        {
            (await context.UserPreferences.SingleAsync(p => p.Id == id)).Theme = Theme.Dark;
            await context.SaveChangesAsync();
        }

        await using var reader = database.App(DataScope.ForUser(user.Id));
        var stored = await reader.UserPreferences.SingleAsync(p => p.Id == id);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 3, 45, 0, TimeSpan.Zero), stored.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 5, 45, 0, TimeSpan.Zero), stored.UpdatedAt);
    }
}
