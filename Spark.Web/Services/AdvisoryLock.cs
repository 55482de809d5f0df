using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Spark.Web.Services;

/// <summary>
/// A named PostgreSQL session advisory lock held on a connection of its own: one holder across every Spark process.
/// The lock goes with the session, so a process that dies frees it. Imports (one per investor) and broker syncs (one per
/// connection) take theirs here.
/// </summary>
public sealed class AdvisoryLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly long key;

    private AdvisoryLock(NpgsqlConnection connection, long key) => (this.connection, this.key) = (connection, key);

    /// <summary>64 bits of a hash of the name, apart from the 32-bit hashtext keys the schema's triggers use.</summary>
    public static long Key(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);

    /// <returns>The held lock, or null when someone else holds it.</returns>
    public static async Task<AdvisoryLock?> TryTakeAsync(string connectionString, string name, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var key = Key(name);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            if (await command.ExecuteScalarAsync(cancellationToken) is true) return new AdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Waits up to <paramref name="wait"/> for the holder to let go, asking again every 100 ms.</summary>
    /// <returns>The held lock, or null if it is still held after the wait.</returns>
    public static async Task<AdvisoryLock?> TakeAsync(string connectionString, string name, TimeSpan wait, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var until = clock.GetUtcNow() + wait;
        while (true)
        {
            if (await TryTakeAsync(connectionString, name, cancellationToken) is { } held) return held;
            if (clock.GetUtcNow() >= until) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
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
