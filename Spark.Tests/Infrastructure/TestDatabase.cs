using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Data;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// A fresh database cloned from the migrated template (spark_template), so test classes run in parallel
/// and never share data. Dropped when the class is done.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    // CREATE DATABASE ... TEMPLATE fails while anything is connected to the template: clone one at a time.
    private static readonly SemaphoreSlim CloneLock = new(1, 1);

    public string Name { get; } = $"spark_t_{Guid.NewGuid():N}"[..24];

    public string OwnerConnectionString => TestEnvironment.OwnerConnectionString(Name);

    public string AppConnectionString => TestEnvironment.AppConnectionString(Name);

    public async Task InitializeAsync()
    {
        await CloneLock.WaitAsync();
        try
        {
            await using var connection = new NpgsqlConnection(TestEnvironment.OwnerConnectionString("postgres"));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {Name} TEMPLATE {TestEnvironment.TemplateDatabase}", connection);
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            CloneLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        // Idle pooled connections would otherwise hold the database open (a test that needs a pool of its
        // own builds an NpgsqlDataSource, which this does not clear).
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(TestEnvironment.OwnerConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A context as the application role (subject to row-level security) in the given scope.</summary>
    public SparkDbContext App(DataScope scope, TimeProvider? clock = null) => Context(AppConnectionString, scope, clock);

    /// <summary>A context as the owner role (migrations' role; not subject to row-level security).</summary>
    public SparkDbContext Owner(TimeProvider? clock = null) => Context(OwnerConnectionString, DataScope.None, clock);

    public SparkDb AppDb(TimeProvider? clock = null) => new(new Factory(AppConnectionString, clock));

    public async Task<T> OwnerScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task OwnerExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A context on any Spark database, this class's or one on a cluster of a test's own.</summary>
    public static SparkDbContext Context(string connectionString, DataScope? scope = null, TimeProvider? clock = null)
    {
        var options = new DbContextOptionsBuilder<SparkDbContext>();
        options.UseSpark(connectionString);
        return new SparkDbContext(options.Options, clock) { Scope = scope ?? DataScope.None };
    }

    private sealed class Factory(string connectionString, TimeProvider? clock) : IDbContextFactory<SparkDbContext>
    {
        public SparkDbContext CreateDbContext() => Context(connectionString, DataScope.None, clock);
    }
}
