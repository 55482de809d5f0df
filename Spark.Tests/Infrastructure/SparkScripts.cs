using System.Diagnostics;
using Npgsql;

namespace Spark.Tests.Infrastructure;

/// <summary>The repository's operator scripts (script/backup, script/restore) run as processes, as an operator runs them.</summary>
public static class SparkScripts
{
    /// <summary>Runs script/NAME to its end (at most three minutes); returns its exit code and stdout followed by stderr.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(TestEnvironment.RepositoryRoot, "script", script));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        PostgresTools.WithOwnFakeTimeState(start);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The integrity checks of script/sql/verify-integrity.sql as (check, value, ok), read through a connection as the owner role.</summary>
    public static async Task<List<(string Check, long Value, bool Ok)>> IntegrityAsync(string ownerConnectionString)
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "script", "sql", "verify-integrity.sql"));
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, bool)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetBoolean(2)));
        return rows;
    }
}
