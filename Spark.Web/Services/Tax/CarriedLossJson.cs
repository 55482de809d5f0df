using System.Text.Json;
using Spark.Core.Tax;

namespace Spark.Web.Services.Tax;

/// <summary>
/// <c>tax_year_carried_losses.losses</c> (decision 0066, format <see cref="CapitalGainsStatements.CarriedFormat"/>): each
/// earlier year's loss still unabsorbed, its year by its first calendar year, decimals written exactly.
/// </summary>
internal static class CarriedLossJson
{
    private sealed record Loss(int Origin, decimal ShortTerm, decimal LongTerm);

    public static string Write(IEnumerable<CarriedLoss> losses) =>
        JsonSerializer.Serialize(losses.Select(l => new Loss(l.Origin.StartYear, l.ShortTerm, l.LongTerm)));

    public static List<CarriedLoss> Read(string json) =>
        [.. (JsonSerializer.Deserialize<List<Loss>>(json) ?? []).Select(l => new CarriedLoss(new FinancialYear(l.Origin), l.ShortTerm, l.LongTerm))];
}
