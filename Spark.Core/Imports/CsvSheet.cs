using System.Globalization;
using CsvHelper;

namespace Spark.Core.Imports;

/// <summary>One data row of a sheet: trimmed cells looked up by normalized column name.</summary>
internal sealed class SheetRow(int number, string[] cells, IReadOnlyDictionary<string, int> columns)
{
    /// <summary>The row as a spreadsheet shows it (the header is row 1).</summary>
    public int Number => number;

    /// <summary>The trimmed cell, or "" when the column is not in the file or the row is short.</summary>
    public string this[string column] =>
        columns.TryGetValue(column, out var index) && index < cells.Length ? cells[index] : "";

    public bool HasColumn(string column) => columns.ContainsKey(column);
}

/// <summary>
/// Reads a CSV file as a header and data rows for the import formats, turning every problem into an
/// <see cref="ImportError"/> instead of an exception, so one bad row never hides the rest of the file.
/// </summary>
internal static class CsvSheet
{
    /// <summary>
    /// A real row is well under a kilobyte; the cap stops a quote that is never closed from buffering the whole
    /// upload as one field.
    /// </summary>
    private const int MaxRecordBytes = 1024 * 1024;

    public static CsvReader Open(Stream stream, CsvReaderOptions options) =>
        CsvReader.Create(stream, options, leaveOpen: true);

    public static CsvReader Open(TextReader text, CsvReaderOptions options) =>
        CsvReader.Create(text, options, leaveOpen: true);

    /// <summary>
    /// Reads the file that <paramref name="open"/> opens, all of it. <paramref name="checkHeader"/> gets the normalized
    /// column names and returns what is wrong with them, if anything; <paramref name="readRow"/> turns a row into a
    /// <typeparamref name="T"/> or adds messages to the list it is given (a row with messages is rejected).
    /// </summary>
    public static CsvParseResult<T> Parse<T>(
        Func<CsvReaderOptions, CsvReader> open,
        IReadOnlyCollection<string> knownColumns,
        Func<IReadOnlySet<string>, string?> checkHeader,
        Func<SheetRow, List<string>, T?> readRow)
        where T : class => Collect(Read(open, knownColumns, checkHeader, readRow));

    /// <summary>Gathers what <see cref="Read"/> yields: the good rows and every error.</summary>
    public static CsvParseResult<T> Collect<T>(IEnumerable<CsvRecord<T>> records)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(records);
        var rows = new List<T>();
        var errors = new List<ImportError>();
        foreach (var record in records)
        {
            if (record.Error is { } error) errors.Add(error);
            else if (record.Row is { } row) rows.Add(row);
        }

        return new CsvParseResult<T>(rows, errors);
    }

    /// <summary>
    /// <see cref="Parse"/> one row at a time, as the file is read: a caller that writes rows in batches holds one
    /// batch, not the file. Errors come in row order, one record per message.
    /// </summary>
    public static IEnumerable<CsvRecord<T>> Read<T>(
        Func<CsvReaderOptions, CsvReader> open,
        IReadOnlyCollection<string> knownColumns,
        Func<IReadOnlySet<string>, string?> checkHeader,
        Func<SheetRow, List<string>, T?> readRow)
        where T : class
    {
        var unterminated = new HashSet<long>();
        var options = CsvReaderOptions.Default with
        {
            // Detection could pick ';' or a tab from a description; every format here is comma separated.
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            // Blank lines are rows in a spreadsheet, so they must count for row numbers to match what users see.
            SkipEmptyLines = false,
            AllowLineBreaksInQuotes = true,
            DetectSeparatorHint = false,
            MaxRecordSize = MaxRecordBytes,
            IncludeValuesInExceptions = false,
            FormatProvider = CultureInfo.InvariantCulture,
            OnMalformedRecord = record =>
            {
                // Other quoting slips (a stray quote in 5" screen) read as the text the user meant.
                if (record.Reason == CsvMalformedReason.UnterminatedQuote)
                {
                    unterminated.Add(record.RecordNumber);
                }
            },
        };

        using var reader = open(options);
        if (!TryRead(reader.ReadHeader))
        {
            yield return Fault<T>(2);
            yield break;
        }

        var header = reader.Headers;
        if (header.Count == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            yield return new CsvRecord<T>(null, new ImportError(1, "the file is empty"));
            yield break;
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var headerErrors = new List<ImportError>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = NormalizeColumn(header[i]);
            if (columns.TryAdd(name, i) || !knownColumns.Contains(name))
            {
                continue;
            }

            headerErrors.Add(new ImportError(1, $"column '{name}' appears more than once"));
        }

        var headerProblem = checkHeader(columns.Keys.ToHashSet(StringComparer.Ordinal));
        if (headerProblem is not null)
        {
            headerErrors.Add(new ImportError(1, headerProblem));
        }

        if (headerErrors.Count > 0)
        {
            foreach (var error in headerErrors) yield return new CsvRecord<T>(null, error);
            yield break;
        }

        var messages = new List<string>();
        var lastRow = 1;
        while (true)
        {
            bool more;
            var tooLong = false;
            try
            {
                more = reader.Read();
            }
            catch (CsvFormatException)
            {
                // Only the record-size cap throws with these options; what was read before it stands.
                more = false;
                tooLong = true;
            }

            if (tooLong)
            {
                yield return Fault<T>(lastRow + 1);
                yield break;
            }

            if (!more) yield break;

            // RowNumber counts data records from 1 and the header is row 1 in a spreadsheet.
            var number = checked((int)reader.RowNumber + 1);
            lastRow = number;
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = reader.GetString(i).Trim();
            }

            if (cells.All(c => c.Length == 0))
            {
                continue;
            }

            if (unterminated.Remove(number))
            {
                yield return new CsvRecord<T>(null, new ImportError(number, "a quoted value is never closed; check the quotes in this row"));
                continue;
            }

            // An unquoted comma inside a value (1,234 or "Dividend, final") shifts every later column; trailing
            // empty cells are only what spreadsheets add when a row is shorter than another.
            if (cells.Skip(header.Count).Any(c => c.Length > 0))
            {
                yield return new CsvRecord<T>(null, new ImportError(number, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the row has {cells.Length} values but the header has {header.Count} columns; put values that contain commas in double quotes")));
                continue;
            }

            messages.Clear();
            var row = readRow(new SheetRow(number, cells, columns), messages);
            if (messages.Count > 0)
            {
                foreach (var message in messages) yield return new CsvRecord<T>(null, new ImportError(number, message));
            }
            else if (row is not null)
            {
                yield return new CsvRecord<T>(row, null);
            }
        }
    }

    private static CsvRecord<T> Fault<T>(int row) where T : class =>
        new(null, new ImportError(row, "the row is too long to be read; a quote may be missing its closing quote"));

    private static bool TryRead(Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (CsvFormatException)
        {
            return false;
        }
    }

    /// <summary>"missing required column: date" or "missing required columns: date, type".</summary>
    public static string? MissingColumns(IReadOnlySet<string> present, IEnumerable<string> required)
    {
        var missing = required.Where(c => !present.Contains(c)).ToList();
        return missing.Count switch
        {
            0 => null,
            1 => $"missing required column: {missing[0]}",
            _ => $"missing required columns: {string.Join(", ", missing)}",
        };
    }

    /// <summary>"Trade Date", "trade-date" and "TRADE_DATE" all name the column trade_date.</summary>
    private static string NormalizeColumn(string name) =>
        name.Trim().TrimStart('\uFEFF').Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
}
