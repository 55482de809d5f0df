using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Hosting;
using Spark.Web.Jobs;

namespace Spark.Tests.Web;

/// <summary>
/// The retention rules on the test clock (Friday 27 November 2026, 04:30 UTC): a row just outside each window goes, one just
/// inside stays, and a second run does nothing (decision 0058).
/// </summary>
public sealed class RetentionJobTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TestClock clock = new();
    private readonly string state = Directory.CreateTempSubdirectory("spark-retention-").FullName;
    private readonly ServiceProvider meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        meters.Dispose();
        Directory.Delete(state, recursive: true);
    }

    private RetentionService Service() => new(database.AppDb(clock), clock,
        Microsoft.Extensions.Options.Options.Create(new SparkOptions { StateDirectory = state }),
        new SparkMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<RetentionService>.Instance);

    private Task<long> CountAsync(string sql, params object[] parameters) => database.OwnerScalarAsync<long>(sql, parameters);

    [Fact]
    public async Task Sessions_ended_more_than_90_days_ago_are_deleted_and_newer_ones_kept()
    {
        var user = await TestData.UserAsync(database);
        var cutoff = clock.GetUtcNow().AddDays(-90);
        foreach (var (expires, revoked, lastActivity) in new[]
        {
            (cutoff.AddMinutes(-5), false, cutoff.AddMinutes(-5)), // expired 90 days and 5 minutes ago: goes
            (cutoff.AddMinutes(5), false, cutoff.AddMinutes(5)), // expired 5 minutes short of 90 days ago: stays
            (clock.GetUtcNow().AddDays(30), true, cutoff.AddMinutes(-5)), // revoked, last used before the cutoff: goes
            (clock.GetUtcNow().AddDays(30), false, cutoff.AddMinutes(-5)), // still valid: stays
        })
        {
            await database.OwnerExecuteAsync("INSERT INTO user_sessions (user_id, token_hash, expires_at, revoked, last_activity) VALUES ($1, $2, $3, $4, $5)",
                user.Id, Guid.NewGuid().ToString("N"), expires, revoked, lastActivity);
        }

        var first = await Service().RunAsync(RetentionRules.Sessions);
        var second = await Service().RunAsync(RetentionRules.Sessions);

        Assert.Equal(2, first.Rows);
        Assert.Equal(0, second.Rows);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM user_sessions WHERE user_id = $1", user.Id));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM user_sessions WHERE user_id = $1 AND (revoked OR expires_at < $2)", user.Id, cutoff));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM retention_runs WHERE rule = 'sessions' AND outcome = 'succeeded'"));
    }

    [Fact]
    public async Task Notifications_older_than_30_days_sync_logs_older_than_6_months_and_expired_analyses_are_deleted()
    {
        var user = await TestData.UserAsync(database);
        var now = clock.GetUtcNow();
        foreach (var created in new[] { now.AddDays(-30).AddMinutes(-1), now.AddDays(-30).AddMinutes(1) })
        {
            await database.OwnerExecuteAsync("INSERT INTO user_notifications (user_id, type, title, message, created_at) VALUES ($1, 'test', 'Old', 'Old', $2)",
                user.Id, created);
        }
        var connection = await database.OwnerScalarAsync<Guid>(
            "INSERT INTO platform_connections (user_id, platform, api_key, api_secret, status) VALUES ($1, 'zerodha', 'k', 's', 'disconnected') RETURNING id", user.Id);
        foreach (var created in new[] { now.AddMonths(-6).AddMinutes(-1), now.AddMonths(-6).AddMinutes(1) })
        {
            await database.OwnerExecuteAsync("INSERT INTO sync_logs (connection_id, sync_type, status, started_at, created_at) VALUES ($1, 'scheduled', 'completed', $2, $2)",
                connection, created);
        }
        var kind = $"retention-{Guid.NewGuid():N}"[..40];
        foreach (var expires in new[] { now.AddMinutes(-1), now.AddMinutes(1) })
        {
            await database.OwnerExecuteAsync("INSERT INTO ai_analyses (analysis_type, expires_at, explanation) VALUES ('sentiment', $1, $2)",
                expires, kind);
        }

        var notifications = await Service().RunAsync(RetentionRules.Notifications);
        var syncLogs = await Service().RunAsync(RetentionRules.SyncLogs);
        var analyses = await Service().RunAsync(RetentionRules.Analyses);

        Assert.Equal((1, 1, 1), (notifications.Rows, syncLogs.Rows, analyses.Rows));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM user_notifications WHERE user_id = $1 AND created_at > $2", user.Id, now.AddDays(-30)));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM user_notifications WHERE user_id = $1 AND created_at < $2", user.Id, now.AddDays(-30)));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM sync_logs WHERE connection_id = $1 AND created_at > $2", connection, now.AddMonths(-6)));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM sync_logs WHERE connection_id = $1 AND created_at < $2", connection, now.AddMonths(-6)));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM ai_analyses WHERE explanation = $1 AND expires_at > $2", kind, now));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM ai_analyses WHERE explanation = $1", kind));
    }

    [Fact]
    public async Task Audit_months_wholly_older_than_three_years_are_detached_into_the_archive_schema_and_newer_months_stay()
    {
        // Three years before 27 November 2026 is 27 November 2023: October 2023 is wholly older, November 2023 is not.
        var user = await TestData.UserAsync(database);
        await database.OwnerExecuteAsync("SELECT spark_ensure_partitions('audit_logs', '2023-10-01', '2023-11-01')");
        await database.OwnerExecuteAsync("INSERT INTO audit_logs (user_id, action, entity_type, created_at) VALUES ($1, 'retention_test', 'test', '2023-10-31 23:59:00+00')", user.Id);
        await database.OwnerExecuteAsync("INSERT INTO audit_logs (user_id, action, entity_type, created_at) VALUES ($1, 'retention_test', 'test', '2023-11-01 00:01:00+00')", user.Id);

        var first = await Service().RunAsync(RetentionRules.AuditLogs);
        var second = await Service().RunAsync(RetentionRules.AuditLogs);

        Assert.Equal(1, first.Rows);
        Assert.Contains("archive.audit_logs_2023_10", first.Detail, StringComparison.Ordinal);
        Assert.Equal(0, second.Rows);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM audit_logs WHERE user_id = $1", user.Id));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM archive.audit_logs_2023_10 WHERE user_id = $1", user.Id));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM audit_logs_2023_11 WHERE user_id = $1", user.Id));
    }

    [Fact]
    public async Task Market_data_months_older_than_five_years_are_archived_to_a_file_then_dropped()
    {
        // Five years before 27 November 2026: October 2021 goes, November 2021 stays.
        var security = await TestData.NewSecurityAsync(database);
        await database.OwnerExecuteAsync("SELECT spark_ensure_partitions('market_data', '2021-10-01', '2021-11-01')");
        await database.OwnerExecuteAsync("INSERT INTO market_data (security_id, timestamp, open, high, low, close, volume) VALUES ($1, '2021-10-29 10:00+00', 10, 10, 10, 10, 5)", security.Id);
        await database.OwnerExecuteAsync("INSERT INTO market_data (security_id, timestamp, open, high, low, close, volume) VALUES ($1, '2021-11-01 10:00+00', 11, 11, 11, 11, 5)", security.Id);
        var others = await CountAsync("SELECT count(*) FROM market_data WHERE timestamp >= '2021-10-01' AND timestamp < '2021-11-01'");

        var first = await Service().RunAsync(RetentionRules.MarketData);
        var second = await Service().RunAsync(RetentionRules.MarketData);

        var file = Path.Combine(state, "archive", "market_data", "market_data_2021_10.csv.gz");
        Assert.True(File.Exists(file));
        await using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(file), System.IO.Compression.CompressionMode.Decompress);
        var lines = (await new StreamReader(gzip).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,security_id,timestamp,", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains(security.Id.ToString(), StringComparison.Ordinal));
        Assert.Equal(others + 1, lines.Length);
        Assert.True(first.Rows >= others);
        Assert.Equal(0, second.Rows);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM pg_class WHERE relname = 'market_data_2021_10'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM market_data WHERE security_id = $1", security.Id));
    }

    [Fact]
    public async Task Transactions_older_than_seven_years_move_to_the_archive_only_where_no_open_lot_depends_on_them()
    {
        // Seven years before 2026: the cutoff is 1 January 2019. A position opened and closed in 2017 moves whole; a 2018 buy
        // still held (its lot is open) stays, with the dividend it paid moving (income carries no lot); a 2019 trade stays.
        var user = await TestData.UserAsync(database);
        var closed = await TestData.NewSecurityAsync(database);
        var held = await TestData.NewSecurityAsync(database);
        async Task AddAsync(Spark.Core.Market.Security security, string type, decimal quantity, string date)
        {
            await database.OwnerExecuteAsync("""
                INSERT INTO transactions (user_id, security_id, symbol, type, asset_name, platform, quantity, price, amount, net_amount, transaction_date)
                VALUES ($1, $2, $3, $4, 'Test', 'manual', $5, 100, $6, $6, $7::date)
                """, user.Id, security.Id, security.Symbol, type, quantity, quantity * 100m, date);
        }
        await AddAsync(closed, "buy", 10m, "2017-03-01");
        await AddAsync(closed, "sell", 10m, "2017-09-01");
        await AddAsync(closed, "buy", 5m, "2019-01-01");
        await AddAsync(held, "buy", 4m, "2018-02-01");
        await AddAsync(held, "dividend", 0m, "2018-06-01");
        await AddAsync(held, "sell", 1m, "2018-12-31");

        var first = await Service().RunAsync(RetentionRules.Transactions);
        var second = await Service().RunAsync(RetentionRules.Transactions);

        Assert.Equal(3, first.Rows);
        Assert.Equal(0, second.Rows);
        var archived = await database.OwnerScalarAsync<string[]>(
            "SELECT array_agg(type || ' ' || transaction_date::text ORDER BY transaction_date) FROM transactions_archive WHERE user_id = $1", user.Id);
        Assert.Equal(["buy 2017-03-01", "sell 2017-09-01", "dividend 2018-06-01"], archived);
        var kept = await database.OwnerScalarAsync<string[]>(
            "SELECT array_agg(type || ' ' || transaction_date::text ORDER BY transaction_date) FROM transactions WHERE user_id = $1", user.Id);
        Assert.Equal(["buy 2018-02-01", "sell 2018-12-31", "buy 2019-01-01"], kept);
    }

    [Fact]
    public async Task The_status_lists_every_rule_with_its_last_run()
    {
        await Service().RunAsync(RetentionRules.Notifications);
        var status = new Spark.Web.Services.Admin.RetentionStatusService(new ServiceCollection().BuildServiceProvider(), database.AppDb(clock));

        var rows = await status.ListAsync();

        Assert.Equal(RetentionRules.All.Select(r => r.Name), rows.Select(r => r.Rule));
        var notifications = rows.Single(r => r.Rule == RetentionRules.Notifications);
        Assert.Equal("succeeded", notifications.Outcome);
        Assert.NotNull(notifications.LastRunAt);
        Assert.Null(notifications.NextRunAt);
    }
}
