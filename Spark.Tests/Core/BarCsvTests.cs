using System.Text;
using Spark.Core.Imports;

namespace Spark.Tests.Core;

public class BarCsvTests
{
    private static CsvParseResult<BarRow> Parse(params string[] lines) =>
        BarCsv.Parse(new StringReader(string.Join("\n", lines) + "\n"));

    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    [Fact]
    public void A_daily_file_reads_into_daily_bars()
    {
        var result = Parse(
            "date,open,high,low,close,volume",
            "2024-01-01,2590.00,2610.50,2581.05,2604.10,3154210",
            "02-01-2024,2604.10,2615.00,2570.00,2575.35,4101123");

        Assert.Empty(result.Errors);
        Assert.Equal(
            [
                new BarRow(2, new DateOnly(2024, 1, 1), null, 2590m, 2610.5m, 2581.05m, 2604.1m, 3154210),
                new BarRow(3, new DateOnly(2024, 1, 2), null, 2604.1m, 2615m, 2570m, 2575.35m, 4101123),
            ],
            result.Rows);
        Assert.All(result.Rows, r => Assert.True(r.IsDaily));
    }

    [Fact]
    public void Timestamps_with_an_offset_read_into_intraday_bars()
    {
        var result = Parse(
            "timestamp,open,high,low,close,volume",
            "2024-01-05T09:15:00+05:30,100,101,99.5,100.5,1200",
            "2024-01-05T09:16+05:30,100.5,100.5,100,100.25,800",
            "2024-01-05T03:47:00Z,100.25,100.3,100.2,100.3,0");

        Assert.Empty(result.Errors);
        Assert.Equal(
            [
                new DateTimeOffset(2024, 1, 5, 9, 15, 0, Ist),
                new DateTimeOffset(2024, 1, 5, 9, 16, 0, Ist),
                new DateTimeOffset(2024, 1, 5, 3, 47, 0, TimeSpan.Zero),
            ],
            result.Rows.Select(r => r.Timestamp!.Value));
        Assert.All(result.Rows, r => Assert.False(r.IsDaily));
        Assert.All(result.Rows, r => Assert.Null(r.TradeDate));
    }

    [Fact]
    public void A_timestamp_without_an_offset_is_an_error_because_its_zone_is_unknown()
    {
        var result = Parse("timestamp,open,high,low,close,volume", "2024-01-05T09:15:00,100,101,99.5,100.5,1200");

        Assert.Equal(
            new ImportError(2, "timestamp '2024-01-05T09:15:00' has no UTC offset; write it like 2024-01-05T09:15:00+05:30"),
            Assert.Single(result.Errors));
    }

    [Fact]
    public void A_date_given_twice_is_reported_on_its_second_row()
    {
        var result = Parse(
            "date,open,high,low,close,volume",
            "2024-01-01,10,11,9,10,100",
            "2024-01-02,10,11,9,10,100",
            "01/01/2024,10,12,9,11,150");

        Assert.Equal([2, 3], result.Rows.Select(r => r.RowNumber));
        Assert.Equal(new ImportError(4, "date '01/01/2024' repeats row 2"), Assert.Single(result.Errors));
    }

    [Fact]
    public void The_same_instant_written_with_two_offsets_is_a_duplicate()
    {
        var result = Parse(
            "timestamp,open,high,low,close,volume",
            "2024-01-05T09:15:00+05:30,10,11,9,10,100",
            "2024-01-05T03:45:00Z,10,11,9,10,100");

        Assert.Equal(new ImportError(3, "timestamp '2024-01-05T03:45:00Z' repeats row 2"), Assert.Single(result.Errors));
    }

    public static TheoryData<string, string> BadRows => new()
    {
        { "2024-02-30,10,11,9,10,100", "date '2024-02-30' is neither a date (yyyy-MM-dd, dd-MM-yyyy or dd/MM/yyyy) nor a timestamp like 2024-01-05T09:15:00+05:30" },
        { ",10,11,9,10,100", "date is required" },
        { "2024-01-01,0,11,9,10,100", "open must be a positive number" },
        { "2024-01-01,10,11,-9,10,100", "low must be a positive number" },
        { "2024-01-01,10,11,9,x,100", "close 'x' is not a number" },
        { "2024-01-01,10,,9,10,100", "high is required" },
        { "2024-01-01,10,12.5,10.5,12,100", "low 10.5 is above open 10" },
        { "2024-01-01,12,13,11,10.5,100", "low 11 is above close 10.5" },
        { "2024-01-01,10,11,9,11.5,100", "high 11 is below close 11.5" },
        { "2024-01-01,12,11.5,9,10,100", "high 11.5 is below open 12" },
        { "2024-01-01,10,11,9,10,-1", "volume must be a whole number of 0 or more" },
        { "2024-01-01,10,11,9,10,1.5", "volume must be a whole number of 0 or more" },
        { "2024-01-01,10,11,9,10,", "volume is required" },
        { "2024-01-01,10,11,9,10,many", "volume 'many' is not a number" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void Each_problem_is_reported_on_its_row_naming_the_column(string row, string message)
    {
        var result = Parse("date,open,high,low,close,volume", row);

        Assert.Empty(result.Rows);
        Assert.Equal(new ImportError(2, message), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_bar_equal_at_open_high_low_and_close_is_valid()
    {
        var result = Parse("date,open,high,low,close,volume", "2024-01-01,10,10,10,10,0");

        Assert.Empty(result.Errors);
        Assert.Equal(0, Assert.Single(result.Rows).Volume);
    }

    [Fact]
    public void One_bad_row_among_good_ones_is_reported_and_the_good_ones_are_kept()
    {
        var result = Parse(
            "date,open,high,low,close,volume",
            "2024-01-01,10,11,9,10,100",
            "2024-01-02,10,9,9,10,100",
            "2024-01-03,10,11,9,10,100");

        Assert.Equal([2, 4], result.Rows.Select(r => r.RowNumber));
        Assert.Equal(new ImportError(3, "high 9 is below open 10"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_file_mixing_daily_and_intraday_bars_reports_the_rows_of_the_other_kind()
    {
        var result = Parse(
            "date,open,high,low,close,volume",
            "2024-01-01,10,11,9,10,100",
            "2024-01-02T09:15:00+05:30,10,11,9,10,100");

        Assert.Equal(
            new ImportError(3, "date '2024-01-02T09:15:00+05:30' is a timestamp but the file's earlier bars are daily; a file holds one kind"),
            Assert.Single(result.Errors));
    }

    [Fact]
    public void Volumes_and_prices_may_have_indian_grouping_in_quotes_and_columns_any_order()
    {
        var result = Parse(
            "Volume,Close,Low,High,Open,Date",
            "\"1,23,45,678\",\"1,250.50\",\"1,240.00\",\"1,255.75\",\"₹1,245.00\",2024-01-01");

        Assert.Empty(result.Errors);
        Assert.Equal(new BarRow(2, new DateOnly(2024, 1, 1), null, 1245m, 1255.75m, 1240m, 1250.5m, 12345678), Assert.Single(result.Rows));
    }

    [Fact]
    public void A_file_with_both_date_and_timestamp_columns_is_one_error_on_row_1()
    {
        var result = Parse("date,timestamp,open,high,low,close,volume", "2024-01-01,,10,11,9,10,100");

        Assert.Empty(result.Rows);
        Assert.Equal(new ImportError(1, "the file has both a date and a timestamp column; keep one"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_missing_column_is_one_error_on_row_1()
    {
        var result = Parse("date,open,high,low,close", "2024-01-01,10,11,9,10");

        Assert.Equal(new ImportError(1, "missing required column: volume"), Assert.Single(result.Errors));
    }

    [Fact]
    public void An_empty_file_is_one_error_on_row_1()
    {
        var result = BarCsv.Parse(new MemoryStream([]));

        Assert.Equal(new ImportError(1, "the file is empty"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_endings_are_read()
    {
        var bytes = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes("date,open,high,low,close,volume\r\n2024-01-01,10,11,9,10,100\r\n2024-01-02,10,11,9,10,100\r\n"))
            .ToArray();

        var result = BarCsv.Parse(new MemoryStream(bytes));

        Assert.Empty(result.Errors);
        Assert.Equal([new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2)], result.Rows.Select(r => r.TradeDate!.Value));
    }
}
