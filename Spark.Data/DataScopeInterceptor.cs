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

    /// <summary>Sets <paramref name="scope"/> on a connection opened outside EF (<see cref="RequestConnection"/>).</summary>
    public static async Task ApplyAsync(DbConnection connection, DataScope scope, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, scope);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand CreateCommand(DbConnection connection, ConnectionEndEventData eventData) =>
        CreateCommand(connection, (eventData.Context as SparkDbContext)?.Scope ?? DataScope.None);

    private static DbCommand CreateCommand(DbConnection connection, DataScope scope)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        AddParameter(command, scope.UserId?.ToString() ?? "");
        AddParameter(command, scope.BypassesRowSecurity ? "on" : "off");
        return command;
    }

    private static void AddParameter(DbCommand command, string value)
    {
        var parameter = command.CreateParameter();
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
