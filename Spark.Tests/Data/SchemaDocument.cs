using System.Text.RegularExpressions;

namespace Spark.Tests.Data;

/// <summary>
/// What database-schema.md declares, read from its ```sql blocks: the tables with their columns and
/// constraints, and every index, named constraint, view, trigger, function, policy and extension.
/// Example statements in the document (queries, VACUUM, archival SQL) declare nothing and are ignored.
/// </summary>
public sealed partial class SchemaDocument
{
    public sealed record Column(string Table, string Name, string Type, bool NotNull, string? Default,
        bool PrimaryKey, bool Unique, string? References, string? OnDelete, string? Check);

    public sealed record Table(string Name, IReadOnlyList<Column> Columns, IReadOnlyList<string>? PrimaryKey,
        IReadOnlyList<IReadOnlyList<string>> UniqueColumnSets, string? PartitionKey);

    public sealed record Index(string? Name, string Table, IReadOnlyList<string> Columns, bool Unique, string? Predicate);

    public sealed record NamedConstraint(string Name, string Table, string Kind, string Definition, string? Predicate);

    public sealed record Trigger(string Name, string Timing, IReadOnlyList<string> Events, string Table, string Function);

    public List<Table> Tables { get; } = [];
    public List<(string Name, string Parent)> Partitions { get; } = [];
    public List<(string Name, string Source)> LikeTables { get; } = [];
    public List<Index> Indexes { get; } = [];
    public List<NamedConstraint> Constraints { get; } = [];
    public List<string> MaterializedViews { get; } = [];
    public List<Trigger> Triggers { get; } = [];
    public List<string> Functions { get; } = [];
    public List<(string Name, string Table)> Policies { get; } = [];
    public List<string> RowSecurityTables { get; } = [];
    public List<string> Extensions { get; } = [];
    public List<string> EnumTypes { get; } = [];
    public List<string> Roles { get; } = [];
    public List<string> SeededStrategies { get; } = [];
    public List<string> SeededUsers { get; } = [];

    public static SchemaDocument Parse(string markdown)
    {
        var document = new SchemaDocument();
        foreach (Match block in SqlBlock().Matches(markdown))
        {
            var sql = DollarQuoted().Replace(block.Groups[1].Value, "$$BODY$$");
            sql = LineComment().Replace(sql, "");
            foreach (var raw in sql.Split(';'))
            {
                var statement = Whitespace().Replace(raw, " ").Trim();
                if (statement.Length > 0) document.Read(statement);
            }
        }
        return document;
    }

    private void Read(string s)
    {
        Match m;
        if ((m = PartitionOf().Match(s)).Success) Partitions.Add((m.Groups[1].Value, m.Groups[2].Value));
        else if ((m = LikeTable().Match(s)).Success) LikeTables.Add((m.Groups[1].Value, m.Groups[2].Value));
        else if ((m = CreatePartitionedTable().Match(s)).Success) Tables.Add(ReadTable(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value));
        else if ((m = CreateTable().Match(s)).Success) Tables.Add(ReadTable(m.Groups[1].Value, m.Groups[2].Value, null));
        else if ((m = CreateIndex().Match(s)).Success)
        {
            Indexes.Add(new Index(m.Groups[2].Success ? m.Groups[2].Value : null, m.Groups[3].Value,
                SplitTopLevel(m.Groups[4].Value), m.Groups[1].Success, m.Groups[5].Success ? m.Groups[5].Value : null));
        }
        else if ((m = AddConstraint().Match(s)).Success)
        {
            Constraints.Add(new NamedConstraint(m.Groups[2].Value, m.Groups[1].Value, m.Groups[3].Value, m.Groups[4].Value,
                m.Groups[5].Success ? m.Groups[5].Value : null));
        }
        else if ((m = MaterializedView().Match(s)).Success) MaterializedViews.Add(m.Groups[1].Value);
        else if ((m = CreateTrigger().Match(s)).Success)
        {
            Triggers.Add(new Trigger(m.Groups[1].Value, m.Groups[2].Value,
                m.Groups[3].Value.Split(" OR ").Select(e => e.Trim()).ToList(), m.Groups[4].Value, m.Groups[5].Value));
        }
        else if ((m = CreateFunction().Match(s)).Success) Functions.Add(m.Groups[1].Value);
        else if ((m = CreatePolicy().Match(s)).Success) Policies.Add((m.Groups[1].Value, m.Groups[2].Value));
        else if ((m = EnableRowSecurity().Match(s)).Success) RowSecurityTables.Add(m.Groups[1].Value);
        else if ((m = CreateExtension().Match(s)).Success) Extensions.Add(m.Groups[1].Value);
        else if ((m = CreateEnum().Match(s)).Success) EnumTypes.Add(m.Groups[1].Value);
        else if ((m = CreateRole().Match(s)).Success) Roles.Add(m.Groups[1].Value);
        else if (s.StartsWith("INSERT INTO auto_invest_strategies", StringComparison.Ordinal))
        {
            SeededStrategies.AddRange(TupleFirstString().Matches(s).Select(x => x.Groups[1].Value));
        }
        else if (s.StartsWith("INSERT INTO users", StringComparison.Ordinal))
        {
            SeededUsers.AddRange(TupleFirstString().Matches(s).Select(x => x.Groups[1].Value));
        }
    }

    private static Table ReadTable(string name, string body, string? partitionKey)
    {
        var columns = new List<Column>();
        IReadOnlyList<string>? primaryKey = null;
        var uniques = new List<IReadOnlyList<string>>();
        foreach (var part in SplitTopLevel(body))
        {
            Match m;
            if ((m = TablePrimaryKey().Match(part)).Success) primaryKey = SplitTopLevel(m.Groups[1].Value);
            else if ((m = TableUnique().Match(part)).Success) uniques.Add(SplitTopLevel(m.Groups[1].Value));
            else if ((m = ColumnDefinition().Match(part)).Success)
            {
                var rest = m.Groups[3].Value;
                var reference = References().Match(rest);
                var check = ColumnCheck().Match(rest);
                var column = new Column(name, m.Groups[1].Value, m.Groups[2].Value.ToUpperInvariant(),
                    rest.Contains("NOT NULL", StringComparison.Ordinal),
                    DefaultValue().Match(rest) is { Success: true } d ? d.Groups[1].Value : null,
                    rest.Contains("PRIMARY KEY", StringComparison.Ordinal),
                    UniqueWord().IsMatch(rest),
                    reference.Success ? reference.Groups[1].Value : null,
                    reference.Success ? (reference.Groups[3].Success ? reference.Groups[3].Value : "NO ACTION") : null,
                    check.Success ? check.Groups[1].Value : null);
                columns.Add(column);
                if (column.PrimaryKey) primaryKey = [column.Name];
                if (column.Unique) uniques.Add([column.Name]);
            }
            else
            {
                throw new FormatException($"Unrecognised part of table {name}: {part}");
            }
        }
        return new Table(name, columns, primaryKey, uniques, partitionKey);
    }

    /// <summary>Splits "a, b(c, d), e" at the commas outside parentheses.</summary>
    public static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    parts.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }
        if (text[start..].Trim() is { Length: > 0 } last) parts.Add(last);
        return parts;
    }

    [GeneratedRegex(@"```sql\s*\n(.*?)```", RegexOptions.Singleline)] private static partial Regex SqlBlock();
    [GeneratedRegex(@"\$\$.*?\$\$", RegexOptions.Singleline)] private static partial Regex DollarQuoted();
    [GeneratedRegex(@"--[^\n]*")] private static partial Regex LineComment();
    [GeneratedRegex(@"\s+")] private static partial Regex Whitespace();
    [GeneratedRegex(@"^CREATE TABLE (\w+) PARTITION OF (\w+)")] private static partial Regex PartitionOf();
    [GeneratedRegex(@"^CREATE TABLE (\w+) \(LIKE (\w+)")] private static partial Regex LikeTable();
    [GeneratedRegex(@"^CREATE TABLE (\w+) \((.*)\) PARTITION BY RANGE \((\w+)\)$")] private static partial Regex CreatePartitionedTable();
    [GeneratedRegex(@"^CREATE TABLE (\w+) \((.*)\)$")] private static partial Regex CreateTable();
    [GeneratedRegex(@"^CREATE (UNIQUE )?INDEX (?:(?!ON\b)(\w+) )?ON (\w+)\s*\((.*?)\)(?: WHERE (.*))?$")] private static partial Regex CreateIndex();
    [GeneratedRegex(@"^ALTER TABLE (\w+) ADD CONSTRAINT (\w+) (CHECK|UNIQUE) \((.*?)\)(?: WHERE (.*))?$")] private static partial Regex AddConstraint();
    [GeneratedRegex(@"^CREATE MATERIALIZED VIEW (\w+)")] private static partial Regex MaterializedView();
    [GeneratedRegex(@"^CREATE TRIGGER (\w+) (AFTER|BEFORE) (.*?) ON (\w+) FOR EACH ROW EXECUTE FUNCTION (\w+)\(\)")] private static partial Regex CreateTrigger();
    [GeneratedRegex(@"^CREATE (?:OR REPLACE )?FUNCTION (\w+)\(")] private static partial Regex CreateFunction();
    [GeneratedRegex(@"^CREATE POLICY (\w+) ON (\w+)")] private static partial Regex CreatePolicy();
    [GeneratedRegex(@"^ALTER TABLE (\w+) ENABLE ROW LEVEL SECURITY$")] private static partial Regex EnableRowSecurity();
    [GeneratedRegex(@"^CREATE EXTENSION IF NOT EXISTS ""?([\w-]+)""?")] private static partial Regex CreateExtension();
    [GeneratedRegex(@"^CREATE TYPE (\w+) AS ENUM")] private static partial Regex CreateEnum();
    [GeneratedRegex(@"^CREATE ROLE (\w+)")] private static partial Regex CreateRole();
    [GeneratedRegex(@"\(\s*'([^']+)'")] private static partial Regex TupleFirstString();
    [GeneratedRegex(@"^PRIMARY KEY \((.*)\)$")] private static partial Regex TablePrimaryKey();
    [GeneratedRegex(@"^UNIQUE\s*\((.*)\)$")] private static partial Regex TableUnique();
    [GeneratedRegex(@"^(\w+) (UUID\[\]|UUID|VARCHAR\(\d+\)|TEXT\[\]|TEXT|INET|DATE|TIMESTAMP|BOOLEAN|INT|BIGINT|DECIMAL\(\d+, ?\d+\)|JSONB)(.*)$", RegexOptions.IgnoreCase)] private static partial Regex ColumnDefinition();
    [GeneratedRegex(@"REFERENCES (\w+)\((\w+)\)(?: ON DELETE (CASCADE|SET NULL|RESTRICT|NO ACTION))?")] private static partial Regex References();
    [GeneratedRegex(@"CHECK \((.*)\)")] private static partial Regex ColumnCheck();
    [GeneratedRegex(@"DEFAULT ('[^']*'|[\w.]+\(\)|[\w.]+)")] private static partial Regex DefaultValue();
    [GeneratedRegex(@"\bUNIQUE\b")] private static partial Regex UniqueWord();
}
