using System.Text;
using Spark.Core.Imports;
using Spark.Core.Portfolio;

namespace Spark.Tests.Core;

public class ZerodhaTradebookCsvTests
{
    // The header of a Console tradebook export (Reports → Tradebook → CSV). No column reference from Zerodha was
    // found; this exact line is what open-source importers of the file match (a Beancount importer compares the whole
    // line; Prabu Anand K's beangulp Zerodha importer reads symbol and trade_date as %Y-%m-%d). Rows are shaped like
    // the real ones quoted in such projects' fixtures: six-decimal quantity and price, execution time without an
    // offset, and mutual fund rows on BSE with segment MF, an empty series and the scheme name as symbol.
    private const string Header =
        "symbol,isin,trade_date,exchange,segment,series,trade_type,auction,quantity,price,trade_id,order_id,order_execution_time";

    private static CsvParseResult<TransactionRow> Parse(params string[] rows) =>
        ZerodhaTradebookCsv.Parse(new StringReader(string.Join("\n", [Header, .. rows]) + "\n"));

    [Fact]
    public void Equity_buys_and_sells_become_zerodha_transactions_keyed_by_trade_id()
    {
        var result = Parse(
            "RELIANCE,INE002A01018,2024-04-15,NSE,EQ,EQ,buy,false,10.000000,2450.500000,603052659,1300000021339012,2024-04-15T10:22:33",
            "RELIANCE,INE002A01018,2024-06-12,BSE,EQ,A,SELL,false,4.000000,2900.000000,605366350,1300000042576567,2024-06-12T12:04:50");

        Assert.Empty(result.Errors);
        Assert.Equal(
            [
                new TransactionRow
                {
                    RowNumber = 2, Symbol = "RELIANCE", Isin = "INE002A01018", Type = TransactionType.Buy,
                    Quantity = 10m, Price = 2450.5m, TransactionDate = new DateOnly(2024, 4, 15),
                    Platform = "zerodha", ExternalId = "603052659",
                },
                new TransactionRow
                {
                    RowNumber = 3, Symbol = "RELIANCE", Isin = "INE002A01018", Type = TransactionType.Sell,
                    Quantity = 4m, Price = 2900m, TransactionDate = new DateOnly(2024, 6, 12),
                    Platform = "zerodha", ExternalId = "605366350",
                },
            ],
            result.Rows);
    }

    [Fact]
    public void Every_fill_of_one_order_is_kept_even_at_the_same_price()
    {
        var result = Parse(
            "INFY,INE009A01021,2024-05-02,NSE,EQ,EQ,buy,false,3.000000,1401.000000,1001,1300000011112222,2024-05-02T09:20:01",
            "INFY,INE009A01021,2024-05-02,NSE,EQ,EQ,buy,false,3.000000,1401.000000,1002,1300000011112222,2024-05-02T09:20:01",
            "INFY,INE009A01021,2024-05-02,NSE,EQ,EQ,buy,false,1.000000,1403.000000,1003,1300000011112222,2024-05-02T09:20:02");

        Assert.Empty(result.Errors);
        Assert.Equal(["1001", "1002", "1003"], result.Rows.Select(r => r.ExternalId));
        Assert.Equal(7m, result.Rows.Sum(r => r.Quantity));
    }

    [Fact]
    public void The_same_trade_exported_twice_is_reported_on_its_second_row()
    {
        var line = "INFY,INE009A01021,2024-05-02,NSE,EQ,EQ,buy,false,3.000000,1401.000000,1001,1300000011112222,2024-05-02T09:20:01";
        var result = Parse(line, line);

        Assert.Equal(2, Assert.Single(result.Rows).RowNumber);
        Assert.Equal(new ImportError(3, "trade_id '1001' repeats row 2"), Assert.Single(result.Errors));
    }

    [Fact]
    public void A_trade_id_used_by_both_exchanges_is_two_trades()
    {
        var result = Parse(
            "INFY,INE009A01021,2024-05-02,NSE,EQ,EQ,buy,false,1,1401,1001,1,2024-05-02T09:20:01",
            "INFY,INE009A01021,2024-05-02,BSE,EQ,A,buy,false,1,1402,1001,2,2024-05-02T09:20:01");

        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Rows.Count);
    }

    [Fact]
    public void Mutual_fund_rows_keep_fractional_units_and_are_identified_by_isin()
    {
        var result = Parse(
            "PARAG PARIKH FLEXI CAP FUND - DIRECT PLAN - GROWTH,INF879O01027,2024-01-03,BSE,MF,,buy,false,1741.770000,14.352500,1582636286,1582636286,2024-01-03T00:00:00");

        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Rows);
        Assert.Equal("INF879O01027", row.Symbol);
        Assert.Equal("INF879O01027", row.Isin);
        Assert.Equal("PARAG PARIKH FLEXI CAP FUND - DIRECT PLAN - GROWTH", row.Description);
        Assert.Equal(1741.77m, row.Quantity);
        Assert.Equal(14.3525m, row.Price);
        Assert.Equal(TransactionType.Buy, row.Type);
    }

    [Theory]
    [InlineData("FO")]
    [InlineData("CDS")]
    [InlineData("COM")]
    public void Rows_of_other_segments_are_reported_as_not_supported(string segment)
    {
        var result = Parse(
            $"NIFTY24APR22500CE,,2024-04-18,NFO,{segment},,buy,false,50,120.5,77,88,2024-04-18T09:30:00",
            "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1,3800,78,89,2024-04-18T09:31:00");

        Assert.Equal(new ImportError(2, $"segment {segment} is not supported (only EQ and MF)"), Assert.Single(result.Errors));
        Assert.Equal("TCS", Assert.Single(result.Rows).Symbol);
    }

    public static TheoryData<string, string> BadRows => new()
    {
        { "TCS,INE467B01029,2024-04-31,NSE,EQ,EQ,buy,false,1,3800,1,1,", "trade_date '2024-04-31' is not a valid date (use yyyy-MM-dd, dd-MM-yyyy or dd/MM/yyyy)" },
        { "TCS,INE467B01029,,NSE,EQ,EQ,buy,false,1,3800,1,1,", "trade_date is required" },
        { ",INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1,3800,1,1,", "symbol is required" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,short,false,1,3800,1,1,", "trade_type 'short' is not buy or sell" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,,false,1,3800,1,1,", "trade_type is required" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,0,3800,1,1,", "quantity must be a positive number" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,,3800,1,1,", "quantity is required" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1.5,3800,1,1,", "quantity 1.5 is not a whole number of shares" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1,abc,1,1,", "price 'abc' is not a number" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1,,1,1,", "price is required" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1,3800,,1,", "trade_id is required" },
        { "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1,3800,1.30E+15,1,", "trade_id '1.30E+15' was turned into a number by a spreadsheet; export the tradebook again" },
        { "TCS,INE467B0102,2024-04-18,NSE,EQ,EQ,buy,false,1,3800,1,1,", "isin 'INE467B0102' is not a valid ISIN (12 characters like INE002A01018)" },
        { "TCS,INE467B01029,2024-04-18,NSE,,EQ,buy,false,1,3800,1,1,", "segment is required" },
        { "SOME FUND - DIRECT PLAN,,2024-04-18,BSE,MF,,buy,false,1.5,38,1,1,", "isin is required for a mutual fund (segment MF)" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void Each_problem_is_reported_on_its_row_naming_the_column(string row, string message)
    {
        var result = Parse(row);

        Assert.Empty(result.Rows);
        Assert.Equal(new ImportError(2, message), Assert.Single(result.Errors));
    }

    [Fact]
    public void One_bad_row_among_good_ones_is_reported_and_the_good_ones_are_kept()
    {
        var result = Parse(
            "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1,3800,1,1,2024-04-18T09:30:00",
            "TCS,INE467B01029,2024-04-19,NSE,EQ,EQ,hold,false,1,3800,2,2,2024-04-19T09:30:00",
            "TCS,INE467B01029,2024-04-22,NSE,EQ,EQ,sell,false,1,3900,3,3,2024-04-22T09:30:00");

        Assert.Equal([2, 4], result.Rows.Select(r => r.RowNumber));
        Assert.Equal(3, Assert.Single(result.Errors).Row);
    }

    [Fact]
    public void A_file_that_is_not_a_tradebook_is_one_error_on_row_1()
    {
        var result = ZerodhaTradebookCsv.Parse(new StringReader("date,symbol,type,quantity,price\n2024-01-01,TCS,buy,1,3500\n"));

        Assert.Empty(result.Rows);
        Assert.Equal(
            new ImportError(1, "missing required columns: isin, trade_date, segment, trade_type, trade_id"),
            Assert.Single(result.Errors));
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_endings_are_read()
    {
        var text = Header + "\r\n"
            + "TCS,INE467B01029,2024-04-18,NSE,EQ,EQ,buy,false,1.000000,3800.000000,1,1,2024-04-18T09:30:00\r\n";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var result = ZerodhaTradebookCsv.Parse(new MemoryStream(bytes));

        Assert.Empty(result.Errors);
        Assert.Equal(new DateOnly(2024, 4, 18), Assert.Single(result.Rows).TransactionDate);
    }

    [Fact]
    public void A_tradebook_re_saved_by_a_spreadsheet_with_title_case_headers_and_indian_dates_is_read()
    {
        var result = ZerodhaTradebookCsv.Parse(new StringReader(
            "Symbol,ISIN,Trade Date,Exchange,Segment,Series,Trade Type,Auction,Quantity,Price,Trade ID,Order ID,Order Execution Time\n"
            + "TCS,INE467B01029,18/04/2024,NSE,EQ,EQ,Buy,FALSE,\"1,000\",\"3,800.00\",1,1,18/04/2024 09:30\n"));

        Assert.Empty(result.Errors);
        var row = Assert.Single(result.Rows);
        Assert.Equal(new DateOnly(2024, 4, 18), row.TransactionDate);
        Assert.Equal(1000m, row.Quantity);
        Assert.Equal(3800m, row.Price);
    }

    [Fact]
    public void A_scheme_name_with_a_comma_in_quotes_is_read_whole()
    {
        var result = Parse(
            "\"SBI BANKING & FINANCIAL SERVICES FUND, DIRECT PLAN\",INF200KA1507,2023-08-14,BSE,MF,,buy,FALSE,163.584000,30.563800,799259193,799259193,2023-08-14T00:00:00");

        Assert.Empty(result.Errors);
        Assert.Equal("SBI BANKING & FINANCIAL SERVICES FUND, DIRECT PLAN", Assert.Single(result.Rows).Description);
    }
}
