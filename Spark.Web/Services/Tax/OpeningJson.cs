using System.Text.Json;
using System.Text.Json.Serialization;
using Spark.Core.Portfolio;
using Spark.Core.Tax;

namespace Spark.Web.Services.Tax;

/// <summary>
/// <c>tax_year_openings.lots</c> (decision 0055, format <see cref="CapitalGainsStatements.OpeningFormat"/>): each
/// <see cref="TaxLedgerRow"/> of an opening with every figure the engine reads, decimals written exactly (System.Text.Json
/// keeps a decimal's digits both ways) and enums by name, so a reordered enum cannot misread a stored row.
/// </summary>
internal static class OpeningJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Lot(
        Guid Id,
        TransactionType Type,
        DateOnly Date,
        LedgerEntryType Kind,
        decimal Quantity,
        decimal Price,
        decimal Charges,
        decimal Amount,
        decimal RatioNew,
        decimal RatioOld,
        decimal Tax,
        decimal? Stt,
        decimal? Tds);

    public static string Write(IEnumerable<TaxLedgerRow> rows) =>
        JsonSerializer.Serialize(rows.Select(r => new Lot(r.Id, r.Type, r.Entry.Date, r.Entry.Type, r.Entry.Quantity, r.Entry.Price, r.Entry.Charges,
            r.Entry.Amount, r.Entry.RatioNew, r.Entry.RatioOld, r.Tax, r.Stt, r.Tds)), Options);

    public static List<TaxLedgerRow> Read(string json) =>
        [.. (JsonSerializer.Deserialize<List<Lot>>(json, Options) ?? []).Select(l => new TaxLedgerRow(l.Id, l.Type,
            new LedgerEntry(l.Date, l.Kind, l.Quantity, l.Price, l.Charges, l.Amount, l.RatioNew, l.RatioOld), l.Tax, l.Stt, l.Tds))];
}
