using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Data;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>Row-level security of watchlists and their items (decision 0052): a user sees and writes only their own.</summary>
public sealed class WatchlistSecurityTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private async Task<Guid> ListAsync(Guid userId, string name, string symbol)
    {
        var id = Guid.NewGuid();
        await database.OwnerExecuteAsync("INSERT INTO watchlists (id, user_id, name) VALUES ($1, $2, $3)", id, userId, name);
        await database.OwnerExecuteAsync(
            "INSERT INTO watchlist_items (watchlist_id, security_id, position) SELECT $1, id, 0 FROM securities WHERE symbol = $2", id, symbol);
        return id;
    }

    [Fact]
    public async Task A_user_sees_only_their_own_lists_and_items()
    {
        var (alice, bob) = (await TestData.UserAsync(database, "Alice"), await TestData.UserAsync(database, "Bob"));
        var alices = await ListAsync(alice.Id, "Mine", "INFY");
        await ListAsync(bob.Id, "Mine", "TCS");

        await using var asAlice = database.App(DataScope.ForUser(alice.Id));
        var lists = await asAlice.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM watchlists").ToListAsync();
        var items = await asAlice.Database.SqlQuery<Guid>($"SELECT watchlist_id AS \"Value\" FROM watchlist_items").ToListAsync();
        await using var nobody = database.App(DataScope.None);
        var unscoped = await nobody.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM watchlist_items").SingleAsync();

        Assert.Equal([alices], lists);
        Assert.Equal([alices], items);
        Assert.Equal(0, unscoped);
    }

    [Fact]
    public async Task A_user_cannot_put_an_item_into_anothers_list_nor_create_a_list_for_them()
    {
        var (alice, bob) = (await TestData.UserAsync(database), await TestData.UserAsync(database));
        var bobs = await ListAsync(bob.Id, "Bob's", "TCS");
        await using var asAlice = database.App(DataScope.ForUser(alice.Id));

        var intoBobs = await Assert.ThrowsAsync<PostgresException>(() => asAlice.Database.ExecuteSqlAsync(
            $"INSERT INTO watchlist_items (watchlist_id, security_id, position) SELECT {bobs}, id, 1 FROM securities WHERE symbol = 'INFY'"));
        var forBob = await Assert.ThrowsAsync<PostgresException>(() => asAlice.Database.ExecuteSqlAsync(
            $"INSERT INTO watchlists (user_id, name) VALUES ({bob.Id}, 'Planted')"));
        var removed = await asAlice.Database.ExecuteSqlAsync($"DELETE FROM watchlist_items WHERE watchlist_id = {bobs}");

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, intoBobs.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, forBob.SqlState);
        Assert.Equal(0, removed);
        Assert.Equal(1L, await database.OwnerScalarAsync<long>("SELECT count(*) FROM watchlist_items WHERE watchlist_id = $1", bobs));
    }

    [Fact]
    public async Task Deleting_a_list_deletes_its_items_and_names_are_unique_per_user_whatever_the_case()
    {
        var user = await TestData.UserAsync(database);
        var id = await ListAsync(user.Id, "Banks", "HDFCBANK");

        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => ListAsync(user.Id, "BANKS", "INFY"));
        await database.OwnerExecuteAsync("DELETE FROM watchlists WHERE id = $1", id);

        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("SELECT count(*) FROM watchlist_items WHERE watchlist_id = $1", id));
    }
}
