using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Spark.Data;

/// <summary>
/// Batch writes for the batch paths (plan executions): PostgreSQL's binary COPY (into a temporary table, then one set-based statement), driven by the EF model, so the
/// columns, value converters (snake-case enums, percent columns, JSON) and store types are exactly those EF
/// would write. Runs on the context's own connection inside its current transaction (open one first). Entities
/// written this way are not tracked: the caller owns them.
/// </summary>
public static class BulkCopy
{
    /// <summary>Inserts every row with one COPY.</summary>
    public static async Task InsertAsync<T>(this SparkDbContext context, IReadOnlyCollection<T> rows, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return;
        var (table, columns) = Columns<T>(context);
        // COPY cannot write a table under row-level security: it fills a temporary table, and one INSERT … SELECT
        // moves the rows, checked by the table's policies like any insert.
        var temp = await TempAsync(context, table, columns, cancellationToken);
        await CopyAsync(context, temp, columns, rows, cancellationToken);
        var list = string.Join(", ", columns.Select(c => Quote(c.Name)));
        var insert = $"INSERT INTO {Quote(table)} ({list}) SELECT {list} FROM {temp}; DROP TABLE {temp}";
        await context.Database.ExecuteSqlRawAsync(insert, cancellationToken);
    }

    private static async Task<string> TempAsync(SparkDbContext context, StoreObjectIdentifier table, List<Column> columns, CancellationToken cancellationToken)
    {
        var temp = "bulk_" + table.Name + "_" + Guid.NewGuid().ToString("N")[..8];
        var list = string.Join(", ", columns.Select(c => Quote(c.Name)));
        // Identifiers come from the EF model, never from input.
        var create = $"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {list} FROM {Quote(table)} WITH NO DATA";
        await context.Database.ExecuteSqlRawAsync(create, cancellationToken);
        return temp;
    }

    /// <summary>
    /// Updates the rows' <paramref name="properties"/> by primary key with one COPY into a temporary table and one
    /// UPDATE … FROM it.
    /// </summary>
    public static async Task UpdateAsync<T>(this SparkDbContext context, IReadOnlyCollection<T> rows, IReadOnlyCollection<string> properties,
        CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(properties);
        if (rows.Count == 0) return;
        var (table, all) = Columns<T>(context);
        var key = context.Model.FindEntityType(typeof(T))!.FindPrimaryKey()!.Properties.Single().Name;
        var columns = all.Where(c => c.Property.Name == key || properties.Contains(c.Property.Name)).ToList();
        if (columns.Count != properties.Count + 1) throw new ArgumentException($"Unknown properties of {typeof(T).Name}.", nameof(properties));
        var keyColumn = columns.Single(c => c.Property.Name == key).Name;
        var temp = await TempAsync(context, table, columns, cancellationToken);
        await CopyAsync(context, temp, columns, rows, cancellationToken);
        var set = string.Join(", ", columns.Where(c => c.Name != keyColumn).Select(c => $"{Quote(c.Name)} = s.{Quote(c.Name)}"));
        var update = $"UPDATE {Quote(table)} AS t SET {set} FROM {temp} AS s WHERE t.{Quote(keyColumn)} = s.{Quote(keyColumn)}; DROP TABLE {temp}";
        await context.Database.ExecuteSqlRawAsync(update, cancellationToken);
    }

    private sealed record Column(IProperty Property, string Name, string StoreType);

    private static (StoreObjectIdentifier Table, List<Column> Columns) Columns<T>(SparkDbContext context)
    {
        var entity = context.Model.FindEntityType(typeof(T)) ?? throw new ArgumentException($"{typeof(T).Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Where(p => p.GetColumnName(table) is not null && p.GetComputedColumnSql(table) is null)
            .Select(p => new Column(p, p.GetColumnName(table)!, BaseType(p.GetColumnType(table))))
            .ToList();
        return (table, columns);
    }

    private static async Task CopyAsync<T>(SparkDbContext context, string target, List<Column> columns, IReadOnlyCollection<T> rows,
        CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await context.Database.OpenConnectionAsync(cancellationToken);
        var list = string.Join(", ", columns.Select(c => Quote(c.Name)));
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {target} ({list}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var column in columns)
            {
                var value = column.Property.GetGetter().GetClrValue(row!);
                var converter = column.Property.GetTypeMapping().Converter;
                if (value is not null && converter is not null) value = converter.ConvertToProvider(value);
                if (value is null) await importer.WriteNullAsync(cancellationToken);
                else await importer.WriteAsync(value, column.StoreType, cancellationToken);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>"numeric(15,2)" → "numeric", "character varying(50)" → "character varying": COPY takes the type without facets.</summary>
    private static string BaseType(string storeType)
    {
        var paren = storeType.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? storeType : storeType[..paren].TrimEnd() + storeType[(storeType.IndexOf(')', paren) + 1)..];
    }

    private static string Quote(StoreObjectIdentifier table) =>
        table.Schema is null ? Quote(table.Name) : $"{Quote(table.Schema)}.{Quote(table.Name)}";

    private static string Quote(string name) => new StringBuilder("\"").Append(name.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
}
