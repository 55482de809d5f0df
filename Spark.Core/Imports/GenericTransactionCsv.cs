using System.Globalization;
using CsvHelper;
using Spark.Core.Portfolio;

namespace Spark.Core.Imports;

/// <summary>
/// Spark's own transaction CSV, for importing from any platform and for exporting the ledger. Columns are matched
/// by name without case and in any order; unknown columns are ignored and only date, symbol and type must be present.
/// Dates may be yyyy-MM-dd, dd-MM-yyyy or dd/MM/yyyy; numbers may carry Indian or international grouping and a ₹ sign.
/// </summary>
public static class GenericTransactionCsv
{
    public const string Date = "date";
    public const string Symbol = "symbol";
    public const string Isin = "isin";
    public const string Type = "type";
    public const string Quantity = "quantity";
    public const string Price = "price";
    public const string Amount = "amount";
    public const string Fees = "fees";
    public const string Tax = "tax";
    public const string Gst = "gst";
    public const string Platform = "platform";
    public const string ExternalId = "external_id";
    public const string Description = "description";
    public const string Ratio = "ratio";

    // The ledger's column sizes (transactions.symbol, platform, transaction_id), so an import fails on the row at
    // fault instead of on the whole batch in the database.
    internal const int MaxSymbolLength = 50;
    internal const int MaxPlatformLength = 50;
    internal const int MaxExternalIdLength = 255;

    /// <summary>The columns in the order <see cref="Write"/> writes them.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        [Date, Symbol, Isin, Type, Quantity, Price, Amount, Fees, Tax, Gst, Platform, ExternalId, Description, Ratio];

    private static readonly string[] RequiredColumns = [Date, Symbol, Type];

    // Enum.TryParse would also take "1" or "buy,sell", so names are matched exactly (without case).
    private static readonly Dictionary<string, TransactionType> TypesByName =
        Enum.GetValues<TransactionType>().ToDictionary(t => t.ToString(), StringComparer.OrdinalIgnoreCase);

    private static readonly string TypeNames = string.Join(", ", Enum.GetValues<TransactionType>().Select(TypeName));

    /// <summary>
    /// Reads a file; rows without a platform get <paramref name="defaultPlatform"/>. Bad rows become errors and never
    /// stop the good ones; a missing required column or an empty file is a single error on row 1.
    /// </summary>
    public static CsvParseResult<TransactionRow> Parse(Stream stream, string defaultPlatform)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var platform = CheckPlatform(defaultPlatform);
        return Parse(options => CsvSheet.Open(stream, options), platform);
    }

    /// <summary>
    /// <see cref="Parse(Stream, string)"/> row by row as the stream is read, for imports that write in batches: a good
    /// row or one error per record, in row order.
    /// </summary>
    public static IEnumerable<CsvRecord<TransactionRow>> Read(Stream stream, string defaultPlatform)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var platform = CheckPlatform(defaultPlatform);
        return Read(options => CsvSheet.Open(stream, options), platform);
    }

    /// <inheritdoc cref="Parse(Stream, string)"/>
    public static CsvParseResult<TransactionRow> Parse(TextReader reader, string defaultPlatform)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var platform = CheckPlatform(defaultPlatform);
        return Parse(options => CsvSheet.Open(reader, options), platform);
    }

    /// <summary>
    /// Writes <paramref name="rows"/> in this format with all <see cref="Columns"/>: invariant numbers, yyyy-MM-dd
    /// dates, CRLF line endings. Text that a spreadsheet would run as a formula (=, +, -, @) gets a leading quote;
    /// numbers are written as numbers. <see cref="Parse(TextReader, string)"/> reads the output back to equal rows.
    /// </summary>
    public static void Write(TextWriter writer, IEnumerable<TransactionRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);

        using var csv = CsvWriter.Create(writer, CsvValues.WriterOptions, leaveOpen: true);
        csv.WriteHeader(Columns.ToArray());
        foreach (var row in rows)
        {
            csv.WriteField(row.TransactionDate, "yyyy-MM-dd");
            csv.WriteField(row.Symbol);
            csv.WriteField(row.Isin);
            csv.WriteField(TypeName(row.Type));
            csv.WriteField(row.Quantity, "");
            csv.WriteField(row.Price, "");
            csv.WriteField(row.Amount, "");
            csv.WriteField(row.Fees, "");
            csv.WriteField(row.Tax, "");
            csv.WriteField(row.Gst, "");
            csv.WriteField(row.Platform);
            csv.WriteField(row.ExternalId);
            csv.WriteField(row.Description);
            csv.WriteField(row is { RatioNew: { } n, RatioOld: { } o }
                ? string.Create(CultureInfo.InvariantCulture, $"{n}:{o}")
                : null);
            csv.EndRecord();
        }

        csv.Flush();
    }

    private static CsvParseResult<TransactionRow> Parse(Func<CsvReaderOptions, CsvReader> open, string defaultPlatform) =>
        CsvSheet.Collect(Read(open, defaultPlatform));

    private static IEnumerable<CsvRecord<TransactionRow>> Read(Func<CsvReaderOptions, CsvReader> open, string defaultPlatform) =>
        CsvSheet.Read(
            open,
            Columns,
            present => CsvSheet.MissingColumns(present, RequiredColumns),
            (row, messages) => ReadRow(row, defaultPlatform, messages));

    private static string CheckPlatform(string defaultPlatform)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(defaultPlatform);
        return defaultPlatform.Trim().ToLowerInvariant();
    }

    /// <summary>"buy", as the file writes types.</summary>
    private static string TypeName(TransactionType type) => type.ToString().ToLowerInvariant();

    private static TransactionRow? ReadRow(SheetRow row, string defaultPlatform, List<string> messages)
    {
        var date = CsvValues.Date(row, Date, messages);

        var symbol = CsvValues.Text(row[Symbol]).ToUpperInvariant();
        if (symbol.Length == 0)
        {
            messages.Add("symbol is required");
        }
        else if (symbol.Length > MaxSymbolLength)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture, $"symbol must be at most {MaxSymbolLength} characters"));
        }

        var isin = ReadIsin(row, messages);

        TransactionType? type = null;
        var typeCell = row[Type];
        if (typeCell.Length == 0)
        {
            messages.Add("type is required");
        }
        else if (TypesByName.TryGetValue(typeCell, out var parsed))
        {
            type = parsed;
        }
        else
        {
            messages.Add($"unknown type '{typeCell}' (use {TypeNames})");
        }

        var quantity = CsvValues.Number(row, Quantity, positive: true, messages);
        var price = CsvValues.Number(row, Price, positive: true, messages);
        var amount = CsvValues.Number(row, Amount, positive: true, messages);
        var fees = CsvValues.Number(row, Fees, positive: false, messages) ?? 0m;
        var tax = CsvValues.Number(row, Tax, positive: false, messages) ?? 0m;
        var gst = CsvValues.Number(row, Gst, positive: false, messages) ?? 0m;

        int? ratioNew = null, ratioOld = null;
        var ratioCell = row[Ratio];
        if (ratioCell.Length > 0)
        {
            if (CsvValues.TryParseRatio(ratioCell, out var n, out var o))
            {
                (ratioNew, ratioOld) = (n, o);
            }
            else
            {
                messages.Add($"ratio '{ratioCell}' is not new:old shares like 2:1");
            }
        }

        var platform = CsvValues.Text(row[Platform]).ToLowerInvariant();
        platform = platform.Length == 0 ? defaultPlatform : platform;
        if (platform.Length > MaxPlatformLength)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture, $"platform must be at most {MaxPlatformLength} characters"));
        }

        var externalId = CsvValues.OptionalText(row[ExternalId]);
        if (externalId?.Length > MaxExternalIdLength)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture, $"external_id must be at most {MaxExternalIdLength} characters"));
        }

        // A value that failed to parse has its message already; asking for it again as "required" would only repeat it.
        bool Given(string column) => row[column].Length > 0;
        if (type is { } t)
        {
            var name = TypeName(t);
            switch (t)
            {
                case TransactionType.Buy or TransactionType.Sell or TransactionType.Sip:
                    if (!Given(Quantity))
                    {
                        messages.Add($"quantity is required for type {name}");
                    }

                    if (!Given(Price) && !Given(Amount))
                    {
                        messages.Add($"price or amount is required for type {name}");
                    }

                    break;
                case TransactionType.Dividend or TransactionType.Interest:
                    if (!Given(Amount))
                    {
                        messages.Add($"amount is required for type {name}");
                    }

                    break;
                case TransactionType.Split:
                    if (!Given(Ratio))
                    {
                        messages.Add("ratio is required for type split (new:old shares like 2:1)");
                    }

                    break;
                case TransactionType.Bonus:
                    if (!Given(Quantity) && !Given(Ratio))
                    {
                        messages.Add("quantity or ratio is required for type bonus");
                    }

                    break;
            }
        }

        if (messages.Count > 0 || date is null || type is null)
        {
            return null;
        }

        return new TransactionRow
        {
            RowNumber = row.Number,
            Symbol = symbol,
            Isin = isin,
            Type = type.Value,
            Quantity = quantity,
            Price = price,
            Amount = amount,
            Fees = fees,
            Tax = tax,
            Gst = gst,
            TransactionDate = date.Value,
            Platform = platform,
            ExternalId = externalId,
            Description = CsvValues.OptionalText(row[Description]),
            RatioNew = ratioNew,
            RatioOld = ratioOld,
        };
    }

    /// <summary>An optional ISIN, upper-cased; a malformed one is an error rather than a silent mismatch later.</summary>
    internal static string? ReadIsin(SheetRow row, List<string> messages)
    {
        var isin = row[Isin].ToUpperInvariant();
        if (isin.Length == 0)
        {
            return null;
        }

        if (!CsvValues.IsIsin(isin))
        {
            messages.Add($"isin '{row[Isin]}' is not a valid ISIN (12 characters like INE002A01018)");
            return null;
        }

        return isin;
    }
}
