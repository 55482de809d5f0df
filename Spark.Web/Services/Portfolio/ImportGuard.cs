using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Spark.Web.Services.Portfolio;

/// <summary>
/// One import at a time per investor, on every instance: a PostgreSQL session advisory lock keyed by the investor,
/// held on a connection of its own for as long as the import runs. The lock goes with the session, so an instance
/// that dies mid-import frees it.
/// </summary>
public sealed class ImportGuard : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly long key;

    private ImportGuard(NpgsqlConnection connection, long key) => (this.connection, this.key) = (connection, key);

    /// <summary>The lock's key: 64 bits of a hash of the investor's id, apart from the 32-bit hashtext keys the schema's triggers use.</summary>
    public static long Key(Guid userId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("spark_import:" + userId.ToString("D"))), 0);

    /// <returns>The held guard, or null when another import of this investor holds it.</returns>
    public static async Task<ImportGuard?> TryTakeAsync(string connectionString, Guid userId, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var key = Key(userId);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            if (await command.ExecuteScalarAsync(cancellationToken) is true) return new ImportGuard(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the investor's other import (or sync) to finish, asking again every
    /// quarter second; a broker sync uses this, where a person's upload is told to try again instead.
    /// </summary>
    /// <returns>The held guard, or null if the other import still runs after the wait.</returns>
    public static async Task<ImportGuard?> TakeAsync(string connectionString, Guid userId, TimeSpan wait, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var until = clock.GetUtcNow() + wait;
        while (true)
        {
            if (await TryTakeAsync(connectionString, userId, cancellationToken) is { } guard) return guard;
            if (clock.GetUtcNow() >= until) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(250), clock, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A pooled connection outlives this object: the lock must be let go explicitly, not left to the pool.
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
