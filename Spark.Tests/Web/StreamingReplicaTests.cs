using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spark.Core.Tax;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Cluster;
using Spark.Web.Services.Tax;

namespace Spark.Tests.Web;

/// <summary>
/// Replica reads against a real streaming replica (issue #17, decision 0057): a primary and its physical standby of their
/// own (<see cref="StreamingReplicaPair"/>). A row written on the primary is read from the standby once replayed; with
/// the standby stopped, reads fall back to the primary and the app stays ready; started again, reads return to it and it
/// has caught up with what was written meanwhile.
/// </summary>
public sealed class StreamingReplicaTests(StreamingReplicaPair pair) : IClassFixture<StreamingReplicaPair>
{
    private async Task<int> InsertSecurityAsync()
    {
        await using var connection = new NpgsqlConnection(pair.OwnerConnectionString);
        await connection.OpenAsync();
        var symbol = $"REPL{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO securities (id, symbol, name, type, exchange) VALUES (gen_random_uuid(), $1, 'Replica Test Ltd', 'stock', 'NSE')
            """, connection))
        {
            insert.Parameters.AddWithValue(symbol);
            await insert.ExecuteNonQueryAsync();
        }
        await using var count = new NpgsqlCommand("SELECT count(*) FROM securities", connection);
        return (int)(long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>Where a read ran (true: a server in recovery, the standby) and what it counted there.</summary>
    private static Task<(bool OnStandby, int Securities)> ReadAsync(SparkReadDb reads) => reads.ReadAsync(null, async c =>
        (await c.Database.SqlQuery<bool>($"SELECT pg_is_in_recovery() AS \"Value\"").SingleAsync(), await c.Securities.CountAsync()));

    [Fact]
    public async Task Reads_go_to_the_streaming_replica_fall_back_to_the_primary_while_it_is_stopped_and_return_when_it_is_back()
    {
        await using var app = new SparkAppFactory(new TestDatabase(), new Dictionary<string, string?>
        {
            ["ConnectionStrings:Spark"] = pair.AppConnectionString,
            ["ConnectionStrings:SparkOwner"] = pair.OwnerConnectionString,
            ["ConnectionStrings:SparkReplica"] = pair.ReplicaConnectionString,
        });
        using var http = app.CreateHttpClient();
        var reads = app.Services.GetRequiredService<SparkReadDb>();

        // Written on the primary, replayed by the standby, read there.
        var securities = await InsertSecurityAsync();
        await ExchangeWait.UntilAsync(pair.CaughtUpAsync, "the standby to replay the insert");
        await reads.ProbeAsync();
        Assert.NotNull(reads.LagSeconds);
        Assert.Equal((true, securities), await ReadAsync(reads));
        using (var scope = app.Services.CreateScope())
        {
            // The statement's own writes (openings it would keep) are refused by the standby and skipped, not failed.
            var statement = await scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>()
                .GetAsync(Guid.NewGuid(), new FinancialYear(2025), 1, 50);
            Assert.Empty(statement.Rows);
        }

        // The standby stops: the read that meets it is answered by the primary, and the probe keeps later reads there.
        await pair.StopReplicaAsync();
        Assert.Equal((false, securities), await ReadAsync(reads));
        await reads.ProbeAsync();
        Assert.Null(reads.LagSeconds);
        Assert.Equal((false, securities), await ReadAsync(reads));
        using (var ready = await http.GetAsync("health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // Written while it was down; started again, it catches up and the next probe sends reads back to it.
        var more = await InsertSecurityAsync();
        await pair.StartReplicaAsync();
        await ExchangeWait.UntilAsync(pair.CaughtUpAsync, "the restarted standby to catch up");
        await ExchangeWait.UntilAsync(async () =>
        {
            await reads.ProbeAsync();
            return reads.LagSeconds is not null;
        }, "the probe to find the standby again");
        Assert.Equal((true, more), await ReadAsync(reads));
    }
}
