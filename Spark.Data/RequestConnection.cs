using Npgsql;

namespace Spark.Data;

/// <summary>
/// One open connection for one API request of one signed-in user, with that user's row-level security scope set once.
/// Every context the request creates for that user (<see cref="SparkDb.ForUser"/>: the session check, the
/// Idempotency-Key claim, the write itself) borrows it in turn, instead of taking a pooled connection, setting the
/// scope again and resetting it on return: one round trip and one reset instead of one of each per context.
/// </summary>
/// <remarks>
/// A context that finds it borrowed (work running in parallel, or work the request started that outlives it) opens
/// its own connection as before, so sharing never makes two commands meet on one connection. A borrower gives it
/// back when it is disposed, transaction ended (EF rolls back one left open); the request's end closes it, or the
/// last borrower does if it is still out then. Contexts of another user or of the system scope never see it.
/// </remarks>
public sealed class RequestConnection : IAsyncDisposable
{
    private const int Unopened = 0, Free = 1, Lent = 2, Closing = 3, Closed = 4;
    private static readonly AsyncLocal<RequestConnection?> Ambient = new();
    private NpgsqlConnection? connection;
    private int state = Unopened;

    private RequestConnection()
    {
    }

    /// <summary>The request's connection, while a request that may share one runs (see <see cref="Begin"/>).</summary>
    public static RequestConnection? Current => Ambient.Value;

    public Guid? UserId { get; private set; }

    /// <summary>Starts sharing for the work that follows in this async flow; nothing is opened until <see cref="OpenAsync"/>.</summary>
    public static RequestConnection Begin()
    {
        var shared = new RequestConnection();
        Ambient.Value = shared;
        return shared;
    }

    /// <summary>Opens the connection for <paramref name="userId"/> and sets their scope on it; once per request.</summary>
    public Task OpenAsync(SparkDb db, Guid userId, CancellationToken cancellationToken) =>
        OpenAsync<bool>(db, userId, null, null, cancellationToken);

    /// <summary>
    /// As <see cref="OpenAsync(SparkDb, Guid, CancellationToken)"/>, and in the same round trip runs <paramref name="first"/>
    /// under the new scope (the request's session check, which every API request makes first), answering what
    /// <paramref name="read"/> makes of its rows.
    /// </summary>
    public async Task<T?> OpenAsync<T>(SparkDb db, Guid userId, NpgsqlBatchCommand? first, Func<NpgsqlDataReader, CancellationToken, Task<T>>? read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Volatile.Read(ref state) != Unopened) throw new InvalidOperationException("The request's connection is already open.");
        var opened = new NpgsqlConnection(db.ConnectionString);
        T? answer = default;
        try
        {
            await opened.OpenAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(opened);
            batch.BatchCommands.Add(DataScopeInterceptor.ScopeCommand(DataScope.ForUser(userId)));
            if (first is not null) batch.BatchCommands.Add(first);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (first is not null && read is not null && await reader.NextResultAsync(cancellationToken)) answer = await read(reader, cancellationToken);
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }

        connection = opened;
        UserId = userId;
        if (Interlocked.CompareExchange(ref state, Free, Unopened) != Unopened) await opened.DisposeAsync();
        return answer;
    }

    /// <summary>The open connection, if it is this user's and nobody has it; give it back with <see cref="Return"/>.</summary>
    internal NpgsqlConnection? TryBorrow(Guid userId)
    {
        if (UserId != userId || Interlocked.CompareExchange(ref state, Lent, Free) != Free) return null;
        if (connection!.FullState == System.Data.ConnectionState.Open) return connection;
        // Broken (the server went away): nobody borrows it again; contexts open their own.
        Interlocked.Exchange(ref state, Closing);
        Return();
        return null;
    }

    internal void Return()
    {
        if (Interlocked.CompareExchange(ref state, Free, Lent) == Lent) return;
        // The request ended (or the connection broke) while it was lent: the borrower closes it.
        if (Interlocked.CompareExchange(ref state, Closed, Closing) == Closing) connection?.Dispose();
    }

    /// <summary>Ends sharing in this flow (not async, so the caller's flow sees it ended) and closes the connection, or leaves that to its borrower.</summary>
    public ValueTask DisposeAsync()
    {
        if (ReferenceEquals(Ambient.Value, this)) Ambient.Value = null;
        return CloseAsync();
    }

    private async ValueTask CloseAsync()
    {
        while (true)
        {
            var now = Volatile.Read(ref state);
            if (now is Unopened or Free && Interlocked.CompareExchange(ref state, Closed, now) == now)
            {
                if (connection is not null) await connection.DisposeAsync();
                return;
            }

            if (now == Lent && Interlocked.CompareExchange(ref state, Closing, Lent) == Lent) return;
            if (now is Closing or Closed) return;
        }
    }
}
