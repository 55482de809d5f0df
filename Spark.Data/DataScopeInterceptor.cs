using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Spark.Data;

/// <summary>
/// Hands the context's <see cref="DataScope"/> to PostgreSQL each time EF opens a connection, where
/// current_user_id() and rls_bypassed() read it. Setting it on every open (not once per pooled
/// connection) means a connection never carries another unit of work's user.
/// </summary>
public sealed class DataScopeInterceptor : DbConnectionInterceptor
{
    private const string Sql = "SELECT set_config('app.user_id', $1, false), set_config('app.rls_bypass', $2, false)";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = CreateCommand(connection, eventData);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = CreateCommand(connection, eventData);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The statement that sets <paramref name="scope"/>, for a batch on a connection opened outside EF (<see cref="RequestConnection"/>).</summary>
    public static Npgsql.NpgsqlBatchCommand ScopeCommand(DataScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var command = new Npgsql.NpgsqlBatchCommand(Sql);
        foreach (var value in Values(scope)) command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = value });
        return command;
    }

    private static DbCommand CreateCommand(DbConnection connection, ConnectionEndEventData eventData) =>
        CreateCommand(connection, (eventData.Context as SparkDbContext)?.Scope ?? DataScope.None);

    private static DbCommand CreateCommand(DbConnection connection, DataScope scope)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        foreach (var value in Values(scope))
        {
            var parameter = command.CreateParameter();
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>The two settings' values: the user's id (empty for none) and whether row-level security is bypassed.</summary>
    private static string[] Values(DataScope scope) => [scope.UserId?.ToString() ?? "", scope.BypassesRowSecurity ? "on" : "off"];
}
