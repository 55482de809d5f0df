using System.Globalization;
using CsvHelper;

namespace Spark.Core.Imports;

/// <summary>
/// OHLCV bars of one security: <c>date,open,high,low,close,volume</c>, or <c>timestamp</c> in place of <c>date</c>.
/// A plain date makes a daily bar; an ISO 8601 timestamp with a UTC offset (2024-01-05T09:15:00+05:30) makes an
/// intraday bar. A file holds one kind, and each date or timestamp once.
/// </summary>
public static class BarCsv
{
    public const string Date = "date";
    public const string Timestamp = "timestamp";
    public const string Open = "open";
    public const string High = "high";
    public const string Low = "low";
    public const string Close = "close";
    public const string Volume = "volume";

    /// <summary>The columns of a daily file, in the usual order.</summary>
    public static IReadOnlyList<string> Columns { get; } = [Date, Open, High, Low, Close, Volume];

    private static readonly string[] KnownColumns = [Date, Timestamp, Open, High, Low, Close, Volume];

    private static readonly string[] PriceColumns = [Open, High, Low, Close];

    // An offset is required: without one a timestamp could be IST or UTC, five and a half hours apart.
    private static readonly string[] OffsetPatterns =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mmzzz"];

    private static readonly string[] UtcPatterns =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm'Z'"];

    private static readonly string[] LocalPatterns =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm"];

    /// <summary>Reads a bar file; bad rows become errors and never stop the good ones.</summary>
    public static CsvParseResult<BarRow> Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Parse(options => CsvSheet.Open(stream, options));
    }

    /// <inheritdoc cref="Parse(Stream)"/>
    public static CsvParseResult<BarRow> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Parse(options => CsvSheet.Open(reader, options));
    }

    private static CsvParseResult<BarRow> Parse(Func<CsvReaderOptions, CsvReader> open)
    {
        var state = new FileState();
        return CsvSheet.Parse(open, KnownColumns, CheckHeader, (row, messages) => ReadRow(row, state, messages));
    }

    private static string? CheckHeader(IReadOnlySet<string> present)
    {
        if (present.Contains(Date) && present.Contains(Timestamp))
        {
            return "the file has both a date and a timestamp column; keep one";
        }

        var timeColumn = present.Contains(Timestamp) ? Timestamp : Date;
        return CsvSheet.MissingColumns(present, [timeColumn, .. PriceColumns, Volume]);
    }

    private static BarRow? ReadRow(SheetRow row, FileState state, List<string> messages)
    {
        var column = row.HasColumn(Timestamp) ? Timestamp : Date;
        var when = ReadWhen(row, column, messages);

        var prices = new decimal?[PriceColumns.Length];
        for (var i = 0; i < PriceColumns.Length; i++)
        {
            prices[i] = CsvValues.Number(row, PriceColumns[i], positive: true, messages);
            if (row[PriceColumns[i]].Length == 0)
            {
                messages.Add($"{PriceColumns[i]} is required");
            }
        }

        var volume = ReadVolume(row, messages);

        if (prices is [{ } open, { } high, { } low, { } close])
        {
            if (low > Math.Min(open, close))
            {
                var (name, value) = low > open ? (Open, open) : (Close, close);
                messages.Add($"low {CsvValues.Show(low)} is above {name} {CsvValues.Show(value)}");
            }

            if (high < Math.Max(open, close))
            {
                var (name, value) = high < open ? (Open, open) : (Close, close);
                messages.Add($"high {CsvValues.Show(high)} is below {name} {CsvValues.Show(value)}");
            }
        }

        if (when is not { } w)
        {
            return null;
        }

        // The kind and the duplicates are judged on the date alone, so a row with a bad price still marks its date.
        state.IsDaily ??= w.Date is not null;
        if (state.IsDaily != (w.Date is not null))
        {
            messages.Add(state.IsDaily == true
                ? $"{column} '{row[column]}' is a timestamp but the file's earlier bars are daily; a file holds one kind"
                : $"{column} '{row[column]}' is a date but the file's earlier bars are intraday; a file holds one kind");
            return null;
        }

        if (state.Claim(w.Date, w.Timestamp, row.Number) is { } firstRow)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture, $"{column} '{row[column]}' repeats row {firstRow}"));
            return null;
        }

        if (messages.Count > 0)
        {
            return null;
        }

        return new BarRow(
            row.Number, w.Date, w.Timestamp, prices[0]!.Value, prices[1]!.Value, prices[2]!.Value, prices[3]!.Value, volume!.Value);
    }

    private static (DateOnly? Date, DateTimeOffset? Timestamp)? ReadWhen(SheetRow row, string column, List<string> messages)
    {
        var cell = row[column];
        if (cell.Length == 0)
        {
            messages.Add($"{column} is required");
            return null;
        }

        if (CsvValues.TryParseDate(cell, out var date))
        {
            return (date, null);
        }

        if (DateTimeOffset.TryParseExact(cell, OffsetPatterns, CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamp)
            || DateTimeOffset.TryParseExact(cell, UtcPatterns, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out stamp))
        {
            return (null, stamp);
        }

        messages.Add(DateTime.TryParseExact(cell, LocalPatterns, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? $"{column} '{cell}' has no UTC offset; write it like 2024-01-05T09:15:00+05:30"
            : $"{column} '{cell}' is neither a date ({CsvValues.DateFormats}) nor a timestamp like 2024-01-05T09:15:00+05:30");
        return null;
    }

    private static long? ReadVolume(SheetRow row, List<string> messages)
    {
        var cell = row[Volume];
        if (cell.Length == 0)
        {
            messages.Add("volume is required");
            return null;
        }

        if (!CsvValues.TryParseNumber(cell, out var value))
        {
            messages.Add($"volume '{cell}' is not a number");
            return null;
        }

        if (value < 0m || value != decimal.Truncate(value) || value > long.MaxValue)
        {
            messages.Add("volume must be a whole number of 0 or more");
            return null;
        }

        return (long)value;
    }

    /// <summary>What earlier rows of the file decided: the kind of bar and the dates already used.</summary>
    private sealed class FileState
    {
        private readonly Dictionary<DateOnly, int> days = [];

        // DateTimeOffset keys compare instants, so 09:15+05:30 and 03:45Z are the same bar.
        private readonly Dictionary<DateTimeOffset, int> instants = [];

        public bool? IsDaily { get; set; }

        /// <summary>Records the bar's date or instant for <paramref name="row"/>; returns the earlier row that has it.</summary>
        public int? Claim(DateOnly? date, DateTimeOffset? timestamp, int row)
        {
            if (date is { } day)
            {
                return days.TryAdd(day, row) ? null : days[day];
            }

            var instant = timestamp!.Value;
            return instants.TryAdd(instant, row) ? null : instants[instant];
        }
    }
}
