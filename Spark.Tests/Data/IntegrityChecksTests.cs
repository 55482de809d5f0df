using Npgsql;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>
/// The fill checks of script/sql/verify-integrity.sql that script/restore and script/bench's two-instance section rely on
/// (decisions 0056, 0058): they read the executions themselves, so a fill written twice shows even where the order's own
/// counter does not say so, or where the unique index on the fill key is missing.
/// </summary>
public sealed class IntegrityChecksTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task A_fill_written_twice_fails_the_checks_that_read_the_executions()
    {
        var user = await TestData.UserAsync(database);
        var security = await TestData.NewSecurityAsync(database);
        var order = Guid.NewGuid();
        // An order of 2 filled in two executions, as the exchange writes them (its counter says 2 of 2).
        await database.OwnerExecuteAsync("""
            INSERT INTO trading_orders (id, user_id, security_id, symbol, type, side, quantity, filled_quantity, platform, status, validity)
            VALUES ($1, $2, $3, $4, 'limit', 'buy', 2, 2, 'paper', 'executed', 'gtc')
            """, order, user.Id, security.Id, security.Symbol);
        Task FillAsync(int sequence) => database.OwnerExecuteAsync("""
            INSERT INTO order_executions (id, order_id, user_id, quantity, price, amount, charges, executed_at, created_at, platform_execution_id)
            VALUES (gen_random_uuid(), $1, $2, 1, 99, 99, 0, now(), now(), $3)
            """, order, user.Id, $"paper-{order:N}-{sequence}");
        await FillAsync(1);
        await FillAsync(2);
        var sound = await ChecksAsync();
        Assert.Equal((0L, true), sound["order executions within quantity"]);
        Assert.Equal((0L, true), sound["one execution per order and fill key"]);

        // The second fill again under its own key, with the unique index gone (a copy restored without it): both checks see it,
        // while the order's counter alone still says it filled within its quantity.
        await database.OwnerExecuteAsync("DROP INDEX ux_order_executions_platform_execution");
        await FillAsync(2);
        var doubled = await ChecksAsync();
        Assert.Equal((1L, false), doubled["order executions within quantity"]);
        Assert.Equal((1L, false), doubled["one execution per order and fill key"]);
        Assert.Equal((0L, true), doubled["orders filled within quantity"]);
    }

    private async Task<Dictionary<string, (long Value, bool Ok)>> ChecksAsync()
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "script", "sql", "verify-integrity.sql"));
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var checks = new Dictionary<string, (long, bool)>();
        while (await reader.ReadAsync()) checks[reader.GetString(0)] = (reader.GetInt64(1), reader.GetBoolean(2));
        return checks;
    }
}
