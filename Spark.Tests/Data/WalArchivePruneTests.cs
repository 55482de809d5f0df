using System.Globalization;
using System.Text.RegularExpressions;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>
/// script/backup --prune (decision 0058): on a cluster of its own that archives its WAL, two base backups with writes and
/// archived segments before, between and after them; pruning to the newest one deletes the older backup and every
/// archived segment written before the kept backup started, keeps the rest, and the kept backup still recovers to the
/// end of the archive with everything written.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class WalArchivePruneTests : IAsyncLifetime
{
    private PrivateCluster cluster = default!;

    public async Task InitializeAsync() => cluster = await PrivateCluster.CreateAsync("prune");

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    private Task<(int Exit, string Output)> ScriptAsync(string script, params string[] args) =>
        SparkScripts.RunAsync(script, cluster.ScriptEnvironment, args);

    [Fact]
    public async Task Pruning_keeps_the_newest_base_backups_and_exactly_the_WAL_they_need()
    {
        var enabled = await ScriptAsync("backup", "--enable-archiving");
        Assert.True(enabled.Exit == 0, enabled.Output);
        var archive = Path.Combine(cluster.StateDirectory, "wal", cluster.Name);

        // Nothing to prune against yet: the archive would be all there is.
        var (noneExit, noneOutput) = await ScriptAsync("backup", "--prune");
        Assert.NotEqual(0, noneExit);
        Assert.Contains("no base backup of", noneOutput, StringComparison.Ordinal);

        await cluster.PsqlAsync("postgres", "CREATE TABLE pruned (step text)");
        await cluster.PsqlAsync("postgres", "INSERT INTO pruned VALUES ('before the first backup')");
        var beforeFirst = await cluster.ArchiveWrittenWalAsync();
        var first = await BaseBackupAsync("base-first");
        await cluster.PsqlAsync("postgres", "INSERT INTO pruned VALUES ('between the backups')");
        var between = await cluster.ArchiveWrittenWalAsync();
        var second = await BaseBackupAsync("base-second");
        await cluster.PsqlAsync("postgres", "INSERT INTO pruned VALUES ('after the second backup')");
        await cluster.ArchiveWrittenWalAsync();
        var secondStart = StartSegment(second);
        Assert.True(string.CompareOrdinal(between, secondStart) < 0, $"{between} was written before {secondStart}");

        var (zeroExit, zeroOutput) = await ScriptAsync("backup", "--prune", "--keep", "0");
        Assert.NotEqual(0, zeroExit);
        Assert.Contains("1 or more", zeroOutput, StringComparison.Ordinal);
        // Keeping both touches no backup and no segment either needs.
        var (bothExit, bothOutput) = await ScriptAsync("backup", "--prune", "--keep", "2");
        Assert.True(bothExit == 0, bothOutput);
        Assert.True(Directory.Exists(first) && Directory.Exists(second), bothOutput);
        Assert.Contains(StartSegment(first), Segments(archive));
        Assert.Contains(between, Segments(archive));

        var (exit, output) = await ScriptAsync("backup", "--prune", "--keep", "1");

        Assert.True(exit == 0, output);
        Assert.Contains("kept 1 base backup(s), deleted 1", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(first), output);
        Assert.True(Directory.Exists(second), output);
        var left = Segments(archive);
        Assert.DoesNotContain(beforeFirst, left);
        Assert.DoesNotContain(between, left);
        Assert.All(left, s => Assert.True(string.CompareOrdinal(s[8..], secondStart[8..]) >= 0, $"{s} is older than {secondStart}"));
        Assert.Contains(secondStart, left);

        // What is left still recovers: the kept backup replayed to the end of the archive has every write.
        var port = PostgresTools.FreePort();
        var directory = Path.Combine(cluster.StateDirectory, $"pruned-{port}");
        var (restoreExit, restoreOutput) = await ScriptAsync("restore", "--pitr", second, "--latest",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--dir", directory);
        try
        {
            Assert.True(restoreExit == 0, restoreOutput);
            var steps = await PostgresTools.PsqlAsync(directory, port, "postgres", "SELECT string_agg(step, ',' ORDER BY step) FROM pruned");
            Assert.Equal("after the second backup,before the first backup,between the backups", steps.Trim());
        }
        finally
        {
            if (File.Exists(Path.Combine(directory, "data", "postmaster.pid"))) await PrivateCluster.StopAsync(Path.Combine(directory, "data"));
        }
    }

    /// <summary>
    /// A base backup into .spark/backups/NAME, where --prune looks. Named here rather than by the script's default
    /// (base-YYYYMMDD-HHMMSS): under script/test --date every process's clock starts at the same moved instant, so two
    /// backups in a row would get one name.
    /// </summary>
    private async Task<string> BaseBackupAsync(string name)
    {
        var (exit, output) = await ScriptAsync("backup", "--base", Path.Combine(cluster.StateDirectory, "backups", name));
        Assert.True(exit == 0, output);
        return output.Split('\n')[0].Split('\t')[0];
    }

    /// <summary>The segment a base backup's recovery starts from, as its backup_label names it.</summary>
    private static string StartSegment(string backup) =>
        StartLine().Match(File.ReadAllText(Path.Combine(backup, "backup_label"))).Groups[1].Value;

    /// <summary>The archived WAL segments (24 hex digits), not the .backup and .history files beside them.</summary>
    private static List<string> Segments(string archive) =>
        Directory.GetFiles(archive).Select(Path.GetFileName).Where(n => n is not null && SegmentName().IsMatch(n)).Select(n => n!).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"^START WAL LOCATION: .* \(file ([0-9A-F]{24})\)$", RegexOptions.Multiline)]
    private static partial Regex StartLine();

    [GeneratedRegex("^[0-9A-F]{24}$")]
    private static partial Regex SegmentName();
}
