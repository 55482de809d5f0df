using Spark.Core.Imports;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;

namespace Spark.Web.Services.Portfolio;

/// <summary>CSV in and out of the ledger: the generic format both ways, Zerodha's tradebook in.</summary>
public static class TransactionImport
{
    /// <param name="format">generic or zerodha.</param>
    /// <param name="platform">The platform of generic rows that name none (default manual).</param>
    /// <remarks>Rows are read from <paramref name="csv"/> as the import writes them, never the whole file at once.</remarks>
    public static async Task<ImportReport> RunAsync(LedgerService ledger, Guid userId, Stream csv, string format, string? platform,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var records = format == "zerodha"
            ? ZerodhaTradebookCsv.Read(csv)
            : GenericTransactionCsv.Read(csv, string.IsNullOrWhiteSpace(platform) ? PlatformNames.Manual : platform.Trim().ToLowerInvariant());
        return await ledger.ImportAsync(userId, records, cancellationToken);
    }

    /// <summary>A preview of a file before it is imported: what would be read and what is wrong, nothing written.</summary>
    public static CsvParseResult<TransactionRow> Preview(Stream csv, string format, string? platform) =>
        format == "zerodha"
            ? ZerodhaTradebookCsv.Parse(csv)
            : GenericTransactionCsv.Parse(csv, string.IsNullOrWhiteSpace(platform) ? PlatformNames.Manual : platform.Trim().ToLowerInvariant());
}

public static class TransactionExport
{
    /// <summary>
    /// Writes the CSV to a response body. CsvHelper writes synchronously, which Kestrel refuses on the response:
    /// the CSV is buffered (in memory, then a temporary file for a big ledger) and sent asynchronously.
    /// </summary>
    public static async Task SendAsync(Stream body, IAsyncEnumerable<TransactionView> transactions, CancellationToken cancellationToken)
    {
        await using var buffer = new Microsoft.AspNetCore.WebUtilities.FileBufferingWriteStream();
        await using (var writer = new StreamWriter(buffer, new System.Text.UTF8Encoding(false), leaveOpen: true))
        {
            await WriteAsync(writer, transactions);
        }

        await buffer.DrainBufferAsync(body, cancellationToken);
    }

    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<TransactionView> transactions)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var rows = new List<TransactionRow>();
        var number = 2;
        await foreach (var t in transactions)
        {
            rows.Add(new TransactionRow
            {
                RowNumber = number++, Symbol = t.Symbol, Type = t.Type, Quantity = t.Quantity, Price = t.Price,
                Amount = t.Type is TransactionType.Split or TransactionType.Bonus && t.Amount == 0m ? null : t.Amount, Fees = t.Fees,
                Tax = t.Tax, Gst = t.Gst, TransactionDate = t.TransactionDate, Platform = t.Platform,
                ExternalId = t.ExternalId ?? LedgerService.ExportId(t.Id),
                Description = t.Description, RatioNew = (int?)t.RatioNew, RatioOld = (int?)t.RatioOld,
            });
        }

        GenericTransactionCsv.Write(writer, rows);
        await writer.FlushAsync();
    }
}
