using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spark.Core.Tax;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Cluster;
using Spark.Web.Services.Market;
using Spark.Web.Services.Notifications;
using Spark.Web.Services.Tax;

namespace Spark.Tests.Web;

/// <summary>Replica reads (decision 0057): where reads go with no replica, an unreachable one, and a reachable one.</summary>
public sealed class ScaleOutReplicaTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task One_instance_without_Redis_or_a_replica_runs_in_process_and_reads_the_primary()
    {
        await using var app = new SparkAppFactory(database);
        using var http = app.CreateHttpClient();
        using var live = await http.GetAsync("health/live");
        Assert.False(live.Headers.Contains("X-Spark-Instance"));
        Assert.IsType<InProcessMarketFeed>(app.Services.GetRequiredService<IMarketFeed>());
        Assert.IsType<InProcessNotificationFeed>(app.Services.GetRequiredService<INotificationFeed>());
        Assert.IsType<LocalClusterBus>(app.Services.GetRequiredService<IClusterBus>());
        Assert.Null(app.Services.GetService<SparkReadDb>());
        Assert.Null(app.Services.GetService<CacheInvalidation>());

        var user = await TestData.UserAsync(database);
        using var scope = app.Services.CreateScope();
        var statement = await scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>().GetAsync(user.Id, FinancialYear.Of(new DateOnly(2026, 6, 1)), 1, 50);
        Assert.Empty(statement.Rows);
    }

    [Fact]
    public async Task A_replica_on_an_unreachable_port_is_left_alone_and_reads_succeed_on_the_primary()
    {
        await using var app = new SparkAppFactory(database, new Dictionary<string, string?>
        {
            ["ConnectionStrings:SparkReplica"] = new NpgsqlConnectionStringBuilder(database.AppConnectionString) { Port = PostgresTools.FreePort(), Timeout = 2 }.ConnectionString,
        });
        _ = app.BaseAddress;
        var reads = app.Services.GetRequiredService<SparkReadDb>();
        await reads.ProbeAsync();
        Assert.Null(reads.LagSeconds);

        var user = await TestData.UserAsync(database);
        await using (var context = reads.ForUser(user.Id))
        {
            Assert.Equal(Port(app.Services.GetRequiredService<Spark.Data.SparkDb>().ConnectionString), Port(context.Database.GetConnectionString()!));
        }

        Assert.Equal((int)await database.OwnerScalarAsync<long>("SELECT count(*) FROM securities"), await reads.ReadAsync(null, c => c.Securities.CountAsync()));
        using var scope = app.Services.CreateScope();
        var statement = await scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>().GetAsync(user.Id, FinancialYear.Of(new DateOnly(2026, 6, 1)), 1, 50);
        Assert.Empty(statement.Rows);
        using var http = app.CreateHttpClient();
        using var ready = await http.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task A_reachable_replica_serves_reads_but_a_user_who_just_wrote_reads_the_primary_and_its_lag_is_a_metric()
    {
        // The primary itself stands in for a streaming replica here (a real one is script/server --instances 2's):
        // its own application name makes it a separate pool this test can tell apart.
        var replica = new NpgsqlConnectionStringBuilder(database.AppConnectionString) { ApplicationName = "spark-replica-test" }.ConnectionString;
        var lags = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Spark" && instrument.Name == "spark.db.replica.lag") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (lags) lags.Add(value);
        });
        listener.Start();

        await using var app = new SparkAppFactory(database, new Dictionary<string, string?> { ["ConnectionStrings:SparkReplica"] = replica });
        _ = app.BaseAddress;
        var reads = app.Services.GetRequiredService<SparkReadDb>();
        await reads.ProbeAsync();
        Assert.Equal(0d, reads.LagSeconds);
        listener.RecordObservableInstruments();
        lock (lags) Assert.Contains(0d, lags);

        var user = await TestData.UserAsync(database);
        await using (var context = reads.ForUser(user.Id))
        {
            Assert.Contains("spark-replica-test", context.Database.GetConnectionString(), StringComparison.Ordinal);
        }

        // A write of the user's (a notification row, through their row-level-security context) sends their reads to the primary.
        await app.Services.GetRequiredService<NotificationService>()
            .NotifyAsync(user.Id, NotificationKinds.OrderExecuted, "Bought", "Bought 10 TCS at ₹3,600.00.", null);
        Assert.True(app.Services.GetRequiredService<RecentWriters>().WroteRecently(user.Id));
        await using (var context = reads.ForUser(user.Id))
        {
            Assert.DoesNotContain("spark-replica-test", context.Database.GetConnectionString(), StringComparison.Ordinal);
        }

        var other = await TestData.UserAsync(database);
        await using (var context = reads.ForUser(other.Id))
        {
            Assert.Contains("spark-replica-test", context.Database.GetConnectionString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await reads.ReadAsync(other.Id, c => c.Transactions.CountAsync()));
    }

    private static int Port(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Port;
}
