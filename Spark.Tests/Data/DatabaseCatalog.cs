using Npgsql;

namespace Spark.Tests.Data;

/// <summary>A snapshot of the public schema's catalog: what the migrated database actually holds.</summary>
public sealed class DatabaseCatalog
{
    public sealed record Column(string Table, string Name, string Type, bool NotNull, string? Default);

    public sealed record Index(string Name, string Table, bool Unique, bool Primary, string? Predicate, IReadOnlyList<string> Columns);

    public sealed record Constraint(string Name, string Table, char Kind, string Definition, IReadOnlyList<string> Columns,
        string? ReferencedTable, char DeleteRule);

    public Dictionary<string, char> Relations { get; } = [];
    public Dictionary<string, bool> RowSecurity { get; } = [];
    public Dictionary<string, string> PartitionKeys { get; } = [];
    public Dictionary<string, string> PartitionParents { get; } = [];
    public List<Column> Columns { get; } = [];
    public List<Index> Indexes { get; } = [];
    public List<Constraint> Constraints { get; } = [];
    public List<string> TriggerDefinitions { get; } = [];
    public HashSet<string> Functions { get; } = [];
    public HashSet<(string Name, string Table)> Policies { get; } = [];
    public HashSet<string> Extensions { get; } = [];

    public static async Task<DatabaseCatalog> LoadAsync(string connectionString)
    {
        var catalog = new DatabaseCatalog();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        await ReadAsync(connection, """
            SELECT c.relname, c.relkind, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm', 'v')
            """, r =>
        {
            catalog.Relations[r.GetString(0)] = r.GetChar(1);
            catalog.RowSecurity[r.GetString(0)] = r.GetBoolean(2);
        });
        await ReadAsync(connection, """
            SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
            """, r => catalog.PartitionKeys[r.GetString(0)] = r.GetString(1));
        await ReadAsync(connection, """
            SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE c.relkind IN ('r', 'p')
            """, r => catalog.PartitionParents[r.GetString(0)] = r.GetString(1));
        await ReadAsync(connection, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm')
            """, r => catalog.Columns.Add(new Column(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3),
                r.IsDBNull(4) ? null : r.GetString(4))));
        await ReadAsync(connection, """
            SELECT i.relname, t.relname, ix.indisunique, ix.indisprimary, pg_get_expr(ix.indpred, ix.indrelid),
                   array(SELECT pg_get_indexdef(ix.indexrelid, k + 1, true) || CASE WHEN ix.indoption[k] & 1 = 1 THEN ' DESC' ELSE '' END
                         FROM generate_series(0, ix.indnkeyatts - 1) k ORDER BY k)
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND NOT t.relispartition
            """, r => catalog.Indexes.Add(new Index(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetBoolean(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<string[]>(5))));
        await ReadAsync(connection, """
            SELECT con.conname, t.relname, con.contype, pg_get_constraintdef(con.oid),
                   array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
                   f.relname, con.confdeltype
            FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_class f ON f.oid = con.confrelid
            WHERE n.nspname = 'public' AND NOT t.relispartition
            """, r => catalog.Constraints.Add(new Constraint(r.GetString(0), r.GetString(1), r.GetChar(2), r.GetString(3),
                r.GetFieldValue<string[]>(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetChar(6))));
        await ReadAsync(connection, """
            SELECT pg_get_triggerdef(tg.oid) FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND NOT tg.tgisinternal
            """, r => catalog.TriggerDefinitions.Add(r.GetString(0)));
        await ReadAsync(connection, """
            SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
            """, r => catalog.Functions.Add(r.GetString(0)));
        await ReadAsync(connection, "SELECT policyname, tablename FROM pg_policies WHERE schemaname = 'public'",
            r => catalog.Policies.Add((r.GetString(0), r.GetString(1))));
        await ReadAsync(connection, "SELECT extname FROM pg_extension", r => catalog.Extensions.Add(r.GetString(0)));
        return catalog;
    }

    private static async Task ReadAsync(NpgsqlConnection connection, string sql, Action<NpgsqlDataReader> row)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) row(reader);
    }
}
