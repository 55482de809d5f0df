using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Spark.Core.Imports;
using Spark.Core.Time;

namespace Spark.Web.Endpoints;

/// <summary>Sends the trades CSV (buffered: CsvHelper writes synchronously, which Kestrel refuses on the response).</summary>
public static class TradesExport
{
    public static async Task SendAsync(HttpContext http, IReadOnlyList<TradeRow> trades, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var today = IndiaTime.Today(http.RequestServices.GetRequiredService<TimeProvider>()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"spark-trades-{today}.csv\"";
        http.Response.Headers.CacheControl = "no-store";
        await using var buffer = new FileBufferingWriteStream();
        await using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), leaveOpen: true))
        {
            TradesCsv.Write(writer, trades);
        }

        await buffer.DrainBufferAsync(http.Response.Body, cancellationToken);
    }
}
