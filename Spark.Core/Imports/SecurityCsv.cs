using CsvHelper;

namespace Spark.Core.Imports;

/// <summary>One row of a securities-master file as written (cells trimmed, not yet checked).</summary>
public sealed record SecurityCsvRow(int Line, string Symbol, string Name, string Isin, string Type, string Exchange, string Sector,
    string Industry, string LotSize, string MarketCap, string Currency);

/// <summary>
/// The securities master as CSV: <c>symbol,name,isin,type,exchange,sector,industry,lot_size</c> (also <c>market_cap</c>,
/// <c>currency</c>); symbol, name and type are required columns. Rows are returned as written: the back office's
/// rules check them, the same rules as a security created by hand.
/// </summary>
public static class SecurityCsv
{
    public static IReadOnlyList<string> Columns { get; } = ["symbol", "name", "isin", "type", "exchange", "sector", "industry", "lot_size"];

    private static readonly string[] KnownColumns = [.. Columns, "market_cap", "currency"];

    private static readonly string[] Required = ["symbol", "name", "type"];

    public static CsvParseResult<SecurityCsvRow> Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return CsvSheet.Parse(options => CsvSheet.Open(stream, options), KnownColumns, CheckHeader,
            (row, _) => new SecurityCsvRow(row.Number, row["symbol"], row["name"], row["isin"], row["type"], row["exchange"], row["sector"],
                row["industry"], row["lot_size"], row["market_cap"], row["currency"]));
    }

    private static string? CheckHeader(IReadOnlySet<string> present)
    {
        var missing = Required.Where(c => !present.Contains(c)).ToList();
        return missing.Count == 0 ? null : $"The header lacks {string.Join(", ", missing)}: the columns are {string.Join(",", Columns)}.";
    }
}
