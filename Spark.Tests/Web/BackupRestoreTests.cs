using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>
/// script/backup and script/restore against the test cluster (decision 0058): an investor with cash, trades and orders with
/// fills is dumped, restored into a fresh database, and script/sql/verify-integrity.sql holds there with the source's row counts.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BackupRestoreTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static Task<(int Exit, string Output)> RunAsync(string script, string database, params string[] args) =>
        SparkScripts.RunAsync(script, new Dictionary<string, string>
        {
            ["SPARK_CLUSTER"] = "pg-test",
            ["SPARK_PG_PORT"] = TestEnvironment.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SPARK_DB"] = database,
        }, args);

    private static Task<List<(string Check, long Value, bool Ok)>> VerifyAsync(string database) =>
        SparkScripts.IntegrityAsync(TestEnvironment.OwnerConnectionString(database));

    private async Task<string> SeedAsync()
    {
        var user = await TestData.UserAsync(fixture.Database, "Restored Investor");
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("cash/deposit", new { amount = 1_00_000m })).Status);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var admin = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        using var adminApi = new ApiClient(fixture.App.CreateHttpClient());
        await adminApi.LoginAsync(admin.Email!, TestData.Password);
        async Task PriceAsync(decimal close, string day) => Assert.Equal(HttpStatusCode.NoContent, (await adminApi.PostAsync(
            $"admin/securities/{security.Symbol}/bars", new[] { new { timestamp = day, open = close, high = close, low = close, close, volume = 1L } })).Status);
        // A trade entered by hand, a limit buy that fills, a sell of part of it that fills, and an order left open (cash blocked).
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("transactions",
            new { symbol = security.Symbol, type = "buy", quantity = 3, price = 80m, transactionDate = "2025-06-02", platform = "zerodha" })).Status);
        await PriceAsync(100m, "2026-11-20");
        var (_, buy) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 10, price = 95m, validity = "day" });
        await PriceAsync(94m, "2026-11-23");
        await UntilAsync(api, buy!["id"]!.GetValue<string>(), "executed");
        var (_, sell) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "sell", type = "limit", quantity = 4, price = 96m, validity = "day" });
        await PriceAsync(97m, "2026-11-24");
        await UntilAsync(api, sell!["id"]!.GetValue<string>(), "executed");
        var (open, _) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 5, price = 50m, validity = "gtc" });
        Assert.Equal(HttpStatusCode.Created, open);
        return user.Id.ToString();
    }

    private static async Task UntilAsync(ApiClient api, string id, string status)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var (_, order) = await api.GetAsync($"orders/{id}");
            if (order!["status"]!.GetValue<string>() == status) return;
            if (waited.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"Order {id} is {order["status"]} instead of {status}.");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_backup_restored_into_a_fresh_database_has_the_same_rows_and_its_books_reconcile()
    {
        var userId = await SeedAsync();
        // The host stops first: its background work (fills, the notification outbox) would otherwise write between the
        // dump's snapshot and the counts it is compared with.
        await fixture.App.DisposeAsync();
        var folder = Directory.CreateTempSubdirectory("spark-backup-").FullName;
        var file = Path.Combine(folder, "spark.dump");
        var restored = $"spark_r_{Guid.NewGuid():N}"[..24];
        try
        {
            var source = await VerifyAsync(fixture.Database.Name);
            var (backupExit, backupOutput) = await RunAsync("backup", fixture.Database.Name, file);
            Assert.True(backupExit == 0, backupOutput);
            var (restoreExit, restoreOutput) = await RunAsync("restore", fixture.Database.Name, file, "--into", restored);
            var (againExit, againOutput) = await RunAsync("restore", fixture.Database.Name, file, "--into", restored);

            Assert.True(restoreExit == 0, restoreOutput);
            Assert.Contains(file, backupOutput, StringComparison.Ordinal);
            Assert.Contains("bytes", backupOutput, StringComparison.Ordinal);
            Assert.NotEqual(0, againExit);
            Assert.Contains("--force", againOutput, StringComparison.Ordinal);
            var copy = await VerifyAsync(restored);
            Assert.All(copy, c => Assert.True(c.Ok, $"{c.Check}: {c.Value}"));
            Assert.Equal(source.OrderBy(c => c.Check, StringComparer.Ordinal), copy.OrderBy(c => c.Check, StringComparer.Ordinal));
            Assert.Contains(copy, c => c.Check == "rows order_executions" && c.Value >= 2);
            Assert.Contains(copy, c => c.Check == "rows cash_ledger" && c.Value >= 3);
            await using var connection = new NpgsqlConnection(TestEnvironment.OwnerConnectionString(restored));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT (SELECT balance FROM cash_accounts WHERE user_id = $1)::text || ' ' || (SELECT blocked > 0 FROM cash_accounts WHERE user_id = $1)::text
                       || ' ' || (SELECT quantity FROM investments WHERE user_id = $1 AND platform = 'paper')::text
                """, connection);
            command.Parameters.AddWithValue(Guid.Parse(userId));
            var restoredBooks = (string)(await command.ExecuteScalarAsync())!;
            Assert.EndsWith("true 6.00000000", restoredBooks, StringComparison.Ordinal);
            // Row-level security came back too: the application role sees no user's rows without a user.
            await using var app = new NpgsqlConnection(TestEnvironment.AppConnectionString(restored));
            await app.OpenAsync();
            await using var appCount = new NpgsqlCommand("SELECT count(*) FROM cash_ledger", app);
            Assert.Equal(0L, (long)(await appCount.ExecuteScalarAsync())!);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestEnvironment.OwnerConnectionString("postgres"));
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {restored} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
