using System.Globalization;
using CsvHelper;
using Spark.Core.Portfolio;

namespace Spark.Core.Imports;

/// <summary>
/// The tradebook CSV that Zerodha Console exports (Reports → Tradebook): one row per exchange trade, so an order
/// filled in parts has a row per fill, each with its own trade_id. Equity (segment EQ) and mutual fund (segment MF,
/// same columns, fractional units at the NAV) rows are read; derivative and currency rows are reported as errors.
/// </summary>
public static class ZerodhaTradebookCsv
{
    public const string PlatformName = "zerodha";

    public const string Symbol = "symbol";
    public const string Isin = "isin";
    public const string TradeDate = "trade_date";
    public const string Exchange = "exchange";
    public const string Segment = "segment";
    public const string Series = "series";
    public const string TradeType = "trade_type";
    public const string Auction = "auction";
    public const string Quantity = "quantity";
    public const string Price = "price";
    public const string TradeId = "trade_id";
    public const string OrderId = "order_id";
    public const string OrderExecutionTime = "order_execution_time";

    /// <summary>The export's header, in its order. F&amp;O exports add expiry_date, which is ignored.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        Symbol, Isin, TradeDate, Exchange, Segment, Series, TradeType, Auction, Quantity, Price, TradeId, OrderId,
        OrderExecutionTime,
    ];

    private static readonly string[] RequiredColumns = [Symbol, Isin, TradeDate, Segment, TradeType, Quantity, Price, TradeId];

    /// <summary>Reads a tradebook; bad rows become errors and never stop the good ones.</summary>
    public static CsvParseResult<TransactionRow> Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Parse(options => CsvSheet.Open(stream, options));
    }

    /// <summary><see cref="Parse(Stream)"/> row by row as the stream is read: a good row or one error per record, in row order.</summary>
    public static IEnumerable<CsvRecord<TransactionRow>> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Read(options => CsvSheet.Open(stream, options));
    }

    /// <inheritdoc cref="Parse(Stream)"/>
    public static CsvParseResult<TransactionRow> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Parse(options => CsvSheet.Open(reader, options));
    }

    private static CsvParseResult<TransactionRow> Parse(Func<CsvReaderOptions, CsvReader> open) => CsvSheet.Collect(Read(open));

    private static IEnumerable<CsvRecord<TransactionRow>> Read(Func<CsvReaderOptions, CsvReader> open)
    {
        // Trade ids are unique per exchange and segment; the same id twice is the same trade exported twice (two
        // overlapping downloads pasted together), which would otherwise be imported twice.
        var seen = new Dictionary<(string Exchange, string Segment, string TradeId), int>();
        return CsvSheet.Read(
            open,
            Columns,
            present => CsvSheet.MissingColumns(present, RequiredColumns),
            (row, messages) => ReadRow(row, seen, messages));
    }

    private static TransactionRow? ReadRow(
        SheetRow row,
        Dictionary<(string, string, string), int> seen,
        List<string> messages)
    {
        var segment = row[Segment].ToUpperInvariant();
        var isMutualFund = segment == "MF";
        if (segment.Length == 0)
        {
            messages.Add("segment is required");
            return null;
        }

        if (segment != "EQ" && !isMutualFund)
        {
            // Nothing else in a derivative row can be read into a holding, so its other problems are not worth listing.
            messages.Add($"segment {row[Segment]} is not supported (only EQ and MF)");
            return null;
        }

        var date = CsvValues.Date(row, TradeDate, messages);

        var symbol = row[Symbol].ToUpperInvariant();
        if (symbol.Length == 0)
        {
            messages.Add("symbol is required");
        }
        else if (!isMutualFund && symbol.Length > GenericTransactionCsv.MaxSymbolLength)
        {
            messages.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"symbol must be at most {GenericTransactionCsv.MaxSymbolLength} characters"));
        }

        var isin = GenericTransactionCsv.ReadIsin(row, messages);
        if (isMutualFund && isin is null && row[Isin].Length == 0)
        {
            messages.Add("isin is required for a mutual fund (segment MF)");
        }

        TransactionType? type = row[TradeType].ToUpperInvariant() switch
        {
            "BUY" => TransactionType.Buy,
            "SELL" => TransactionType.Sell,
            _ => null,
        };
        if (type is null)
        {
            messages.Add(row[TradeType].Length == 0
                ? "trade_type is required"
                : $"trade_type '{row[TradeType]}' is not buy or sell");
        }

        var quantity = CsvValues.Number(row, Quantity, positive: true, messages);
        if (row[Quantity].Length == 0)
        {
            messages.Add("quantity is required");
        }
        else if (!isMutualFund && quantity is { } shares && shares != decimal.Truncate(shares))
        {
            // Shares trade in whole units; a fraction here means a shifted column rather than a real trade.
            messages.Add($"quantity {CsvValues.Show(shares)} is not a whole number of shares");
        }

        var price = CsvValues.Number(row, Price, positive: true, messages);
        if (row[Price].Length == 0)
        {
            messages.Add("price is required");
        }

        var tradeId = row[TradeId];
        if (tradeId.Length == 0)
        {
            messages.Add("trade_id is required");
        }
        else if (tradeId.Contains('E', StringComparison.OrdinalIgnoreCase) && decimal.TryParse(
                     tradeId, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            // A spreadsheet shows a long id as 1.23E+15 and saves it that way: the digits, and idempotency, are gone.
            messages.Add($"trade_id '{tradeId}' was turned into a number by a spreadsheet; export the tradebook again");
        }
        else if (tradeId.Length > GenericTransactionCsv.MaxExternalIdLength)
        {
            messages.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"trade_id must be at most {GenericTransactionCsv.MaxExternalIdLength} characters"));
        }

        if (messages.Count > 0 || date is null || type is null)
        {
            return null;
        }

        var key = (row[Exchange].ToUpperInvariant(), segment, tradeId);
        if (seen.TryGetValue(key, out var firstRow))
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture, $"trade_id '{tradeId}' repeats row {firstRow}"));
            return null;
        }

        seen.Add(key, row.Number);

        return new TransactionRow
        {
            RowNumber = row.Number,
            // The symbol column of a mutual fund row holds the scheme name, which is no symbol and can be longer than
            // the ledger's symbol column; the ISIN identifies the scheme and the name is kept as the description.
            Symbol = isMutualFund ? isin! : symbol,
            Isin = isin,
            Type = type.Value,
            Quantity = quantity,
            Price = price,
            TransactionDate = date.Value,
            Platform = PlatformName,
            ExternalId = tradeId,
            Description = isMutualFund ? row[Symbol] : null,
        };
    }
}
