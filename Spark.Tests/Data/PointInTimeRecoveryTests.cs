using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Core.Cash;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>
/// A cluster of the class's own (<see cref="PrivateCluster"/>), refused a base backup while it does not archive its WAL,
/// then archiving (script/backup --enable-archiving) with one base backup (script/backup --base) taken before any test
/// writes. Scripts run as processes with the cluster's SPARK_STATE, so their backups, archive and restored clusters stay
/// under its temporary directory.
/// </summary>
public sealed class PointInTimeRecoveryFixture : IAsyncLifetime
{
    private PrivateCluster? cluster;

    public PrivateCluster Cluster => cluster ?? throw new InvalidOperationException("The fixture is not initialised.");

    public (int Exit, string Output) RefusedWithoutArchiving { get; private set; }

    public (int Exit, string Output) BaseBackup { get; private set; }

    /// <summary>The base backup's directory: the first field of script/backup --base's first line ("DIR\tN bytes (…)").</summary>
    public string BaseDirectory => BaseBackup.Output.Split('\n')[0].Split('\t')[0];

    public Task<(int Exit, string Output)> ScriptAsync(string script, params string[] args) =>
        SparkScripts.RunAsync(script, Cluster.ScriptEnvironment, args);

    public async Task InitializeAsync()
    {
        cluster = await PrivateCluster.CreateAsync("pitr");
        RefusedWithoutArchiving = await ScriptAsync("backup", "--base");
        var enabled = await ScriptAsync("backup", "--enable-archiving");
        if (enabled.Exit != 0) throw new InvalidOperationException($"script/backup --enable-archiving failed: {enabled.Output}");
        BaseBackup = await ScriptAsync("backup", "--base");
        if (BaseBackup.Exit != 0) throw new InvalidOperationException($"script/backup --base failed: {BaseBackup.Output}");
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null) await cluster.DisposeAsync();
    }
}

/// <summary>
/// Point-in-time recovery as decision 0058 scripts it: script/backup --base, then writes on the source, then
/// script/restore --pitr into a new cluster stopped at a restore point, at a time read from the server's clock, or at the
/// end of the archive; each case asserts the deposit written before the target is there, the one after it is not, and
/// that script/sql/verify-integrity.sql holds on the recovered database.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PointInTimeRecoveryTests(PointInTimeRecoveryFixture fixture) : IClassFixture<PointInTimeRecoveryFixture>
{
    private PrivateCluster Source => fixture.Cluster;

    [Fact]
    public void A_base_backup_is_refused_while_the_cluster_does_not_archive_its_WAL()
    {
        var (exit, output) = fixture.RefusedWithoutArchiving;

        Assert.NotEqual(0, exit);
        Assert.Contains("WAL archiving is off", output, StringComparison.Ordinal);
        Assert.Contains("--enable-archiving", output, StringComparison.Ordinal);
        // Only the backup taken after archiving was turned on exists.
        Assert.Equal(new[] { fixture.BaseDirectory }, Directory.GetDirectories(Path.Combine(Source.StateDirectory, "backups")));
    }

    [Fact]
    public async Task Recovery_to_a_restore_point_has_the_deposit_made_before_it_and_not_the_one_after()
    {
        var user = await InvestorAsync();
        await DepositAsync(user, 1_000m, "before the restore point");
        var point = $"pitr-{Guid.NewGuid():N}"[..16];
        await Source.PsqlAsync("postgres", $"SELECT pg_create_restore_point('{point}')");
        await DepositAsync(user, 500m, "after the restore point");
        await ArchiveWrittenWalAsync();
        var port = PostgresTools.FreePort();
        var directory = Path.Combine(Source.StateDirectory, $"restored-{port}");

        var (exit, output) = await fixture.ScriptAsync("restore", "--pitr", fixture.BaseDirectory, "--restore-point", point,
            "--port", Port(port), "--dir", directory);
        try
        {
            Assert.True(exit == 0, output);
            Assert.Contains($"recovery stopping at restore point \"{point}\"", output, StringComparison.Ordinal);
            Assert.Contains("every check holds", output, StringComparison.Ordinal);
            Assert.Contains($"pg_ctl -D {directory}/data -m fast stop", output, StringComparison.Ordinal);
            await AssertRecoveredAsync(port, user, ["before the restore point"], 1_000m);

            // Never over a running cluster, even with --force; and the source's own directory never at all.
            var (againExit, againOutput) = await fixture.ScriptAsync("restore", "--pitr", fixture.BaseDirectory, "--restore-point", point,
                "--port", Port(PostgresTools.FreePort()), "--dir", directory, "--force");
            Assert.NotEqual(0, againExit);
            Assert.Contains("a cluster is running in", againOutput, StringComparison.Ordinal);
            var (overSourceExit, overSourceOutput) = await fixture.ScriptAsync("restore", "--pitr", fixture.BaseDirectory, "--latest",
                "--port", Port(PostgresTools.FreePort()), "--dir", Source.Directory, "--force");
            Assert.NotEqual(0, overSourceExit);
            Assert.Contains("is the backed-up cluster itself", overSourceOutput, StringComparison.Ordinal);
        }
        finally
        {
            await StopAsync(directory);
        }
    }

    [Fact]
    public async Task Recovery_until_a_time_read_from_the_server_has_the_deposit_committed_before_it_and_not_the_one_after()
    {
        var user = await InvestorAsync();
        await DepositAsync(user, 2_000m, "before the instant");
        // The server's clock, not the test's: the commit records recovery compares with carry the server's time, and
        // the test must hold whatever date the machine (or faketime) says. Microseconds, as both deposits may fall in
        // the same second.
        var instant = await Source.PsqlAsync("postgres",
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
        await DepositAsync(user, 700m, "after the instant");
        await ArchiveWrittenWalAsync();
        var port = PostgresTools.FreePort();

        // No --dir: the default, .spark/pitr-P (here under the fixture's SPARK_STATE).
        var (exit, output) = await fixture.ScriptAsync("restore", "--pitr", fixture.BaseDirectory, "--until", instant, "--port", Port(port));
        var directory = Path.Combine(Source.StateDirectory, $"pitr-{port}");
        try
        {
            Assert.True(exit == 0, output);
            Assert.Contains("recovery stopping before commit of transaction", output, StringComparison.Ordinal);
            Assert.Contains("every check holds", output, StringComparison.Ordinal);
            await AssertRecoveredAsync(port, user, ["before the instant"], 2_000m);
            // The restored cluster is addressable by the scripts like any other in the state directory.
            Assert.True(File.Exists(Path.Combine(Source.StateDirectory, $"pitr-{port}.secrets")));
        }
        finally
        {
            await StopAsync(directory);
        }
    }

    [Fact]
    public async Task Recovery_to_the_latest_archived_WAL_has_every_deposit_and_times_it_cannot_honour_are_refused()
    {
        var user = await InvestorAsync();
        await DepositAsync(user, 300m, "first");
        await DepositAsync(user, 400m, "second");
        await ArchiveWrittenWalAsync();
        var port = PostgresTools.FreePort();
        var directory = Path.Combine(Source.StateDirectory, $"latest-{port}");
        // An hour before now on the server's clock is before the fixture's base backup: PostgreSQL would stop at the
        // backup's end and report success, so the script refuses it. A time without its offset is ambiguous.
        var beforeBackup = await Source.PsqlAsync("postgres",
            "SELECT to_char((clock_timestamp() - interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00'");

        var (earlyExit, earlyOutput) = await fixture.ScriptAsync("restore", "--pitr", fixture.BaseDirectory, "--until", beforeBackup,
            "--port", Port(port), "--dir", directory);
        var (zonelessExit, zonelessOutput) = await fixture.ScriptAsync("restore", "--pitr", fixture.BaseDirectory, "--until", beforeBackup[..^3],
            "--port", Port(port), "--dir", directory);
        var (exit, output) = await fixture.ScriptAsync("restore", "--pitr", fixture.BaseDirectory, "--latest", "--port", Port(port), "--dir", directory);
        try
        {
            Assert.NotEqual(0, earlyExit);
            Assert.Contains("is before this base backup ended", earlyOutput, StringComparison.Ordinal);
            Assert.NotEqual(0, zonelessExit);
            Assert.Contains("with its UTC offset", zonelessOutput, StringComparison.Ordinal);
            Assert.True(exit == 0, output);
            await AssertRecoveredAsync(port, user, ["first", "second"], 700m);
        }
        finally
        {
            await StopAsync(directory);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private async Task<Guid> InvestorAsync() => (await TestData.UserAsync(() => TestDatabase.Context(Source.OwnerConnectionString), "Recovered Investor")).Id;

    /// <summary>One deposit as the cash service books it: the ledger row and the account's balance in one transaction.</summary>
    private async Task DepositAsync(Guid userId, decimal amount, string description)
    {
        await using var context = TestDatabase.Context(Source.OwnerConnectionString);
        var account = await context.CashAccounts.SingleOrDefaultAsync(a => a.UserId == userId);
        if (account is null) context.CashAccounts.Add(account = new CashAccount { UserId = userId });
        account.Balance += amount;
        context.CashLedger.Add(new CashLedgerEntry
        {
            UserId = userId, EntryType = CashEntryType.Deposit, Amount = amount, BalanceAfter = account.Balance,
            SettlesOn = new DateOnly(2026, 11, 27), Description = description,
        });
        await context.SaveChangesAsync();
    }

    private Task ArchiveWrittenWalAsync() => Source.ArchiveWrittenWalAsync();

    private static async Task AssertRecoveredAsync(int port, Guid userId, string[] deposits, decimal balance)
    {
        var owner = PrivateCluster.Connection(port, "spark_owner", TestEnvironment.OwnerPassword);
        await using (var context = TestDatabase.Context(owner))
        {
            var ledger = await context.CashLedger.Where(e => e.UserId == userId).Select(e => e.Description!).ToListAsync();
            Assert.Equal(deposits.Order(StringComparer.Ordinal), ledger.Order(StringComparer.Ordinal));
            Assert.Equal(balance, (await context.CashAccounts.SingleAsync(a => a.UserId == userId)).Balance);
        }
        var checks = await SparkScripts.IntegrityAsync(owner);
        Assert.All(checks, c => Assert.True(c.Ok, $"{c.Check}: {c.Value}"));
        Assert.Contains(checks, c => c.Check == "rows cash_ledger" && c.Value >= deposits.Length);
        // Promoted, and not archiving into the source's archive (its new timeline's segments would land among the source's).
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()::text || ' ' || current_setting('archive_mode')", connection);
        Assert.Equal("false off", (string)(await command.ExecuteScalarAsync())!);
    }

    private static async Task StopAsync(string directory)
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(directory, "data", "postmaster.pid"))) await PrivateCluster.StopAsync(Path.Combine(directory, "data"));
    }
}
