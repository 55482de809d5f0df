using System.Globalization;
using CsvHelper;
using Spark.Core.Orders;
using Spark.Core.Time;

namespace Spark.Core.Imports;

/// <summary>One fill of an order, as the trades export lists it.</summary>
public sealed record TradeRow(DateTimeOffset ExecutedAt, Guid OrderId, string Symbol, OrderSide Side, OrderType Type, decimal Quantity, decimal Price,
    decimal Amount, decimal Charges);

/// <summary>The trades (fills) export: one row per fill, times in Asia/Kolkata as a contract note shows them.</summary>
public static class TradesCsv
{
    public static IReadOnlyList<string> Columns { get; } =
        ["executed_at_ist", "order_id", "symbol", "side", "order_type", "quantity", "price", "amount", "charges"];

    public static void Write(TextWriter writer, IEnumerable<TradeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        using var csv = CsvWriter.Create(writer, CsvValues.WriterOptions, leaveOpen: true);
        csv.WriteHeader(Columns.ToArray());
        foreach (var row in rows)
        {
            csv.WriteField(IndiaTime.ToIst(row.ExecutedAt).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            csv.WriteField(row.OrderId.ToString("D", CultureInfo.InvariantCulture));
            csv.WriteField(row.Symbol);
            csv.WriteField(row.Side == OrderSide.Buy ? "buy" : "sell");
            csv.WriteField(row.Type switch { OrderType.StopLoss => "stop_loss", _ => row.Type.ToString().ToLowerInvariant() });
            csv.WriteField(row.Quantity, "0.########");
            csv.WriteField(row.Price, "0.00##");
            csv.WriteField(row.Amount, "");
            csv.WriteField(row.Charges, "");
            csv.EndRecord();
        }

        csv.Flush();
    }
}
