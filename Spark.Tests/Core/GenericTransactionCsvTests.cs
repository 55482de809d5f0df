using System.Globalization;
using System.Text;
using Spark.Core.Imports;
using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

public class GenericTransactionCsvTests
{
    private const string Header = "date,symbol,isin,type,quantity,price,amount,fees,tax,gst,platform,external_id,description,ratio";

    private static CsvParseResult<TransactionRow> Parse(string text, string defaultPlatform = "Manual") =>
        GenericTransactionCsv.Parse(new StringReader(text), defaultPlatform);

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    private static ImportError SingleError(CsvParseResult<TransactionRow> result)
    {
        Assert.Empty(result.Rows);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void A_complete_row_fills_every_field()
    {
        var result = Parse(Lines(
            Header,
            "2024-04-15,reliance,ine002a01018,Buy,10,2450.50,24505,20,24.51,3.60,Zerodha,T-1001,Bought on the dip,"));

        Assert.Empty(result.Errors);
        Assert.Equal(
            new TransactionRow
            {
                RowNumber = 2,
                Symbol = "RELIANCE",
                Isin = "INE002A01018",
                Type = TransactionType.Buy,
                Quantity = 10m,
                Price = 2450.50m,
                Amount = 24505m,
                Fees = 20m,
                Tax = 24.51m,
                Gst = 3.60m,
                TransactionDate = new DateOnly(2024, 4, 15),
                Platform = "zerodha",
                ExternalId = "T-1001",
                Description = "Bought on the dip",
            },
            Assert.Single(result.Rows));
    }

    [Fact]
    public void Columns_match_in_any_order_and_case_unknown_ones_are_ignored_and_optional_ones_may_be_missing()
    {
        var result = Parse(Lines(
            "Notes, TYPE ,Price,Symbol,Quantity,Date",
            "ignored,sell,101.25,infy,5,2024-05-02"));

        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Rows);
        Assert.Equal(TransactionType.Sell, row.Type);
        Assert.Equal("INFY", row.Symbol);
        Assert.Equal(5m, row.Quantity);
        Assert.Equal(101.25m, row.Price);
        Assert.Null(row.Amount);
        Assert.Null(row.Isin);
        Assert.Equal(0m, row.Fees);
        Assert.Equal(0m, row.Tax);
        Assert.Equal(0m, row.Gst);
        Assert.Null(row.ExternalId);
        Assert.Null(row.Description);
    }

    [Fact]
    public void Rows_without_a_platform_get_the_default_in_lower_case()
    {
        var result = Parse(Lines("date,symbol,type,quantity,price,platform", "2024-01-01,TCS,buy,1,3500,", "2024-01-02,TCS,buy,1,3510,GROWW"), "Manual");

        Assert.Equal(["manual", "groww"], result.Rows.Select(r => r.Platform));
    }

    [Theory]
    [InlineData("2024-03-05")]
    [InlineData("05-03-2024")]
    [InlineData("05/03/2024")]
    [InlineData("5/3/2024")]
    public void Dates_are_iso_or_day_first_as_written_in_india(string date)
    {
        var result = Parse(Lines("date,symbol,type,quantity,price", $"{date},TCS,buy,1,3500"));

        Assert.Empty(result.Errors);
        Assert.Equal(new DateOnly(2024, 3, 5), Assert.Single(result.Rows).TransactionDate);
    }

    [Theory]
    [InlineData("\"1,23,456.78\"", "123456.78")]
    [InlineData("\"₹1,23,456.78\"", "123456.78")]
    [InlineData("\"₹ 12,34,567\"", "1234567")]
    [InlineData("\"12,345\"", "12345")]
    [InlineData("\"123,456.5\"", "123456.5")]
    [InlineData("\"1,234,567.25\"", "1234567.25")]
    [InlineData("0.5", "0.5")]
    [InlineData("₹999", "999")]
    public void Amounts_may_have_indian_or_international_grouping_and_a_rupee_sign(string cell, string expected)
    {
        var result = Parse(Lines("date,symbol,type,amount", $"2024-06-01,ITC,dividend,{cell}"));

        Assert.Empty(result.Errors);
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), Assert.Single(result.Rows).Amount);
    }

    [Theory]
    [InlineData("\"12,5\"")]
    [InlineData("\"1,2345\"")]
    [InlineData("\"1,23,4567\"")]
    [InlineData("1e5")]
    [InlineData("12.5.1")]
    [InlineData("Rs 100")]
    public void Numbers_with_misplaced_commas_or_other_text_are_not_numbers(string cell)
    {
        var error = SingleError(Parse(Lines("date,symbol,type,amount", $"2024-06-01,ITC,dividend,{cell}")));

        Assert.Equal(2, error.Row);
        Assert.Equal($"amount '{cell.Trim('"')}' is not a number", error.Message);
    }

    [Fact]
    public void Quoted_fields_keep_their_commas_quotes_and_line_breaks()
    {
        var result = Parse(Lines(
            "date,symbol,type,amount,description",
            "2024-06-01,ITC,dividend,\"1,250.00\",\"Final dividend, FY24 \"\"special\"\"\nsecond line\""));

        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Rows);
        Assert.Equal(1250m, row.Amount);
        Assert.Equal("Final dividend, FY24 \"special\"\nsecond line", row.Description);
    }

    [Fact]
    public void A_byte_order_mark_at_the_start_does_not_hide_the_first_column()
    {
        var bytes = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes("date,symbol,type,quantity,price\r\n2024-01-01,TCS,buy,1,3500\r\n"))
            .ToArray();

        var fromStream = GenericTransactionCsv.Parse(new MemoryStream(bytes), "manual");
        var fromText = Parse("\uFEFFdate,symbol,type,quantity,price\n2024-01-01,TCS,buy,1,3500\n");

        Assert.Empty(fromStream.Errors);
        Assert.Empty(fromText.Errors);
        Assert.Equal(new DateOnly(2024, 1, 1), Assert.Single(fromStream.Rows).TransactionDate);
        Assert.Equal(new DateOnly(2024, 1, 1), Assert.Single(fromText.Rows).TransactionDate);
    }

    [Fact]
    public void Crlf_line_endings_read_like_lf_ones()
    {
        var result = Parse("date,symbol,type,quantity,price\r\n2024-01-01,TCS,buy,1,3500\r\n2024-01-02,TCS,sell,1,3600\r\n");

        Assert.Empty(result.Errors);
        Assert.Equal([2, 3], result.Rows.Select(r => r.RowNumber));
        Assert.Equal(3600m, result.Rows[1].Price);
    }

    [Fact]
    public void Row_numbers_are_those_a_spreadsheet_shows_counting_blank_lines_and_skipping_empty_rows()
    {
        var result = Parse(Lines(
            "date,symbol,type,quantity,price",
            "2024-01-01,TCS,buy,1,3500",
            "",
            ",,,,",
            "2024-01-04,TCS,buy,0,3500"));

        Assert.Equal(2, Assert.Single(result.Rows).RowNumber);
        var error = Assert.Single(result.Errors);
        Assert.Equal(new ImportError(5, "quantity must be a positive number"), error);
        Assert.Equal("Row 5: quantity must be a positive number", error.ToString());
    }

    [Fact]
    public void One_bad_row_among_good_ones_is_reported_and_the_good_ones_are_kept()
    {
        var result = Parse(Lines(
            "date,symbol,type,quantity,price",
            "2024-01-01,TCS,buy,1,3500",
            "2024-01-02,TCS,swap,1,3500",
            "2024-01-03,INFY,buy,2,1500"));

        Assert.Equal(["TCS", "INFY"], result.Rows.Select(r => r.Symbol));
        Assert.Equal([2, 4], result.Rows.Select(r => r.RowNumber));
        Assert.Equal(3, Assert.Single(result.Errors).Row);
        Assert.True(result.HasErrors);
    }

    public static TheoryData<string, string> BadRows => new()
    {
        { "2024-02-31,TCS,buy,1,3500,,,", "date '2024-02-31' is not a valid date (use yyyy-MM-dd, dd-MM-yyyy or dd/MM/yyyy)" },
        { "31-02-2024,TCS,buy,1,3500,,,", "date '31-02-2024' is not a valid date (use yyyy-MM-dd, dd-MM-yyyy or dd/MM/yyyy)" },
        { ",TCS,buy,1,3500,,,", "date is required" },
        { "2024-01-01,,buy,1,3500,,,", "symbol is required" },
        { $"2024-01-01,{new string('A', 51)},buy,1,3500,,,", "symbol must be at most 50 characters" },
        { "2024-01-01,TCS,,1,3500,,,", "type is required" },
        { "2024-01-01,TCS,swap,1,3500,,,", "unknown type 'swap' (use buy, sell, sip, dividend, bonus, split, interest)" },
        { "2024-01-01,TCS,1,1,3500,,,", "unknown type '1' (use buy, sell, sip, dividend, bonus, split, interest)" },
        { "2024-01-01,TCS,purchase,1,3500,,,", "unknown type 'purchase' (use buy, sell, sip, dividend, bonus, split, interest)" },
        { "2024-01-01,TCS,buy,ten,3500,,,", "quantity 'ten' is not a number" },
        { "2024-01-01,TCS,buy,-1,3500,,,", "quantity must be a positive number" },
        { "2024-01-01,TCS,buy,1,0,,,", "price must be a positive number" },
        { "2024-01-01,TCS,buy,,3500,,,", "quantity is required for type buy" },
        { "2024-01-01,TCS,sell,1,,,,", "price or amount is required for type sell" },
        { "2024-01-01,TCS,sip,1,,,,", "price or amount is required for type sip" },
        { "2024-01-01,ITC,dividend,,,,,", "amount is required for type dividend" },
        { "2024-01-01,SBIN,interest,,,-5,,", "amount must be a positive number" },
        { "2024-01-01,TCS,split,,,,,", "ratio is required for type split (new:old shares like 2:1)" },
        { "2024-01-01,TCS,bonus,,,,,", "quantity or ratio is required for type bonus" },
        { "2024-01-01,TCS,split,,,,2-1,", "ratio '2-1' is not new:old shares like 2:1" },
        { "2024-01-01,TCS,split,,,,0:1,", "ratio '0:1' is not new:old shares like 2:1" },
        { "2024-01-01,TCS,buy,1,3500,,,-20", "fees must be zero or a positive number" },
        { "2024-01-01,TCS,buy,1,3500,,,x", "fees 'x' is not a number" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void Each_problem_is_reported_on_its_row_naming_the_column(string row, string message)
    {
        var error = SingleError(Parse(Lines("date,symbol,type,quantity,price,amount,ratio,fees", row)));

        Assert.Equal(new ImportError(2, message), error);
    }

    [Fact]
    public void Every_problem_of_a_row_is_reported_not_only_the_first()
    {
        var result = Parse(Lines("date,symbol,type,quantity,price", "someday,,buy,-1,x"));

        Assert.Empty(result.Rows);
        Assert.Equal(
            [
                "date 'someday' is not a valid date (use yyyy-MM-dd, dd-MM-yyyy or dd/MM/yyyy)",
                "symbol is required",
                "quantity must be a positive number",
                "price 'x' is not a number",
            ],
            result.Errors.Select(e => e.Message));
        Assert.All(result.Errors, e => Assert.Equal(2, e.Row));
    }

    [Fact]
    public void A_malformed_isin_is_an_error()
    {
        var error = SingleError(Parse(Lines("date,symbol,isin,type,quantity,price", "2024-01-01,TCS,INE467B0102,buy,1,3500")));

        Assert.Equal("isin 'INE467B0102' is not a valid ISIN (12 characters like INE002A01018)", error.Message);
    }

    [Fact]
    public void Split_and_bonus_ratios_are_read_as_new_and_old_shares()
    {
        var result = Parse(Lines(
            "date,symbol,type,quantity,ratio",
            "2024-01-01,IRCTC,split,,5:1",
            "2024-01-02,TCS,bonus,,1 : 1",
            "2024-01-03,INFY,bonus,25,"));

        Assert.Empty(result.Errors);
        Assert.Equal([(5, 1), (1, 1), ((int?)null, (int?)null)], result.Rows.Select(r => (r.RatioNew, r.RatioOld)));
        Assert.Equal(25m, result.Rows[2].Quantity);
    }

    [Fact]
    public void A_missing_required_column_is_one_error_on_row_1_and_no_rows_are_read()
    {
        var error = SingleError(Parse(Lines("symbol,quantity,price", "TCS,1,3500")));

        Assert.Equal(new ImportError(1, "missing required columns: date, type"), error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    public void An_empty_file_is_one_error_on_row_1(string text)
    {
        Assert.Equal(new ImportError(1, "the file is empty"), SingleError(Parse(text)));
    }

    [Fact]
    public void A_header_without_data_rows_reads_as_nothing()
    {
        var result = Parse(Header + "\n");

        Assert.Empty(result.Rows);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void A_known_column_given_twice_is_an_error()
    {
        var error = SingleError(Parse(Lines("date,symbol,type,Date,quantity,price", "2024-01-01,TCS,buy,2024-01-02,1,3500")));

        Assert.Equal(new ImportError(1, "column 'date' appears more than once"), error);
    }

    [Fact]
    public void An_unquoted_comma_that_shifts_columns_is_reported_instead_of_misread()
    {
        var result = Parse(Lines(
            "date,symbol,type,quantity,price",
            "2024-01-01,TCS,buy,1,3,500",
            "2024-01-02,TCS,buy,1,3500,,"));

        Assert.Equal(
            new ImportError(2, "the row has 6 values but the header has 5 columns; put values that contain commas in double quotes"),
            Assert.Single(result.Errors));
        Assert.Equal(3, Assert.Single(result.Rows).RowNumber);
    }

    [Fact]
    public void A_quote_that_is_never_closed_is_reported()
    {
        var result = Parse(Lines(
            "date,symbol,type,quantity,price,description",
            "2024-01-01,TCS,buy,1,3500,fine",
            "2024-01-02,TCS,buy,1,3500,\"oops",
            "2024-01-03,TCS,buy,1,3500,lost"));

        Assert.Equal(2, Assert.Single(result.Rows).RowNumber);
        Assert.Equal(new ImportError(3, "a quoted value is never closed; check the quotes in this row"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_row_too_long_to_be_real_is_reported_and_the_rows_before_it_are_kept()
    {
        var result = Parse(Lines(
            "date,symbol,type,quantity,price,description",
            "2024-01-01,TCS,buy,1,3500,fine",
            "2024-01-02,TCS,buy,1,3500,\"" + new string('x', 2 * 1024 * 1024)));

        Assert.Equal(2, Assert.Single(result.Rows).RowNumber);
        Assert.Equal(
            new ImportError(3, "the row is too long to be read; a quote may be missing its closing quote"),
            Assert.Single(result.Errors));
    }

    [Fact]
    public void Bad_data_never_throws()
    {
        var result = Parse("\"\"\"\n,,\"\n\u0000,\uFFFF\n");

        Assert.Empty(result.Rows);
    }

    private static readonly TransactionRow[] Ledger =
    [
        new()
        {
            RowNumber = 2, Symbol = "RELIANCE", Isin = "INE002A01018", Type = TransactionType.Buy, Quantity = 10m,
            Price = 2450.5m, Amount = 24505m, Fees = 20m, Tax = 24.51m, Gst = 3.6m,
            TransactionDate = new DateOnly(2024, 4, 15), Platform = "zerodha", ExternalId = "T-1001",
            Description = "Bought, \"carefully\"\nin two lines",
        },
        new()
        {
            RowNumber = 3, Symbol = "ITC", Type = TransactionType.Dividend, Amount = 1250m,
            TransactionDate = new DateOnly(2024, 6, 1), Platform = "manual",
        },
        new()
        {
            RowNumber = 4, Symbol = "IRCTC", Type = TransactionType.Split, RatioNew = 5, RatioOld = 1,
            TransactionDate = new DateOnly(2021, 10, 28), Platform = "manual",
        },
        new()
        {
            RowNumber = 5, Symbol = "PPFAS", Type = TransactionType.Sip, Quantity = 12.3456m, Amount = 1000m,
            TransactionDate = new DateOnly(2024, 7, 5), Platform = "kuvera", Description = "=HYPERLINK(\"http://x\")",
            ExternalId = "-42",
        },
    ];

    [Fact]
    public void An_export_imports_back_to_the_same_rows()
    {
        var writer = new StringWriter();
        GenericTransactionCsv.Write(writer, Ledger);

        var result = Parse(writer.ToString(), "other");

        Assert.Empty(result.Errors);
        Assert.Equal(Ledger, result.Rows);
    }

    [Fact]
    public void An_export_uses_the_invariant_culture_iso_dates_and_crlf_whatever_the_current_culture()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var writer = new StringWriter();
            GenericTransactionCsv.Write(writer, [Ledger[0], Ledger[2]]);

            Assert.Equal(
                Header + "\r\n"
                + "2024-04-15,RELIANCE,INE002A01018,buy,10,2450.5,24505,20,24.51,3.6,zerodha,T-1001,\"Bought, \"\"carefully\"\"\nin two lines\",\r\n"
                + "2021-10-28,IRCTC,,split,,,,0,0,0,manual,,,5:1\r\n",
                writer.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("=SUM(A1:A9)")]
    [InlineData("+91 98")]
    [InlineData("-2+3")]
    [InlineData("@cmd")]
    [InlineData("\tindent")]
    public void Text_that_a_spreadsheet_would_run_as_a_formula_is_exported_with_a_leading_quote(string text)
    {
        var writer = new StringWriter();
        GenericTransactionCsv.Write(writer, [Ledger[1] with { Description = text }]);

        var line = writer.ToString().Split("\r\n")[1];
        Assert.EndsWith(",\"'" + text + "\",", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_are_exported_as_numbers_even_when_negative()
    {
        var writer = new StringWriter();
        GenericTransactionCsv.Write(writer, [Ledger[1] with { Amount = -5m }]);

        Assert.StartsWith("2024-06-01,ITC,,dividend,,,-5,", writer.ToString().Split("\r\n")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_export_with_a_rupee_sign_reads_back()
    {
        using var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true))
        {
            GenericTransactionCsv.Write(writer, [Ledger[1] with { Description = "₹ dividend" }]);
        }

        stream.Position = 0;
        var result = GenericTransactionCsv.Parse(stream, "manual");

        Assert.Equal("₹ dividend", Assert.Single(result.Rows).Description);
    }
}
