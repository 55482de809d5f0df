using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Spark.Web.Services.Connections;

/// <summary>
/// A named PostgreSQL session advisory lock held on a connection of its own: one holder across every Spark process.
/// The lock goes with the session, so a process that dies frees it. (The same pattern as the import guard.)
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
