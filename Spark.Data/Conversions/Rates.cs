using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Spark.Data.Conversions;

/// <summary>
/// The one place where the schema's percent columns meet the domain's fractions (api.md: every rate is a
/// fraction). 0.1234 in C# is 12.34 in the column.
/// </summary>
public static class Rates
{
    public static decimal ToPercent(decimal fraction) => fraction * 100m;

    public static decimal ToFraction(decimal percent) => percent / 100m;
}

public sealed class PercentColumnConverter() : ValueConverter<decimal, decimal>(
    fraction => Rates.ToPercent(fraction),
    percent => Rates.ToFraction(percent));

/// <summary>An allocation map stored as JSON percents ({"stocks": 50}) and used as fractions ({"stocks": 0.5}).</summary>
public sealed class FractionMapJsonConverter() : ValueConverter<Dictionary<string, decimal>, string>(
    map => Serialize(map),
    json => Deserialize(json))
{
    private static string Serialize(Dictionary<string, decimal> map) =>
        JsonSerializer.Serialize(map.ToDictionary(p => p.Key, p => Rates.ToPercent(p.Value)));

    private static Dictionary<string, decimal> Deserialize(string json) =>
        (JsonSerializer.Deserialize<Dictionary<string, decimal>>(json) ?? [])
            .ToDictionary(p => p.Key, p => Rates.ToFraction(p.Value));
}

public sealed class FractionMapComparer() : ValueComparer<Dictionary<string, decimal>>(
    (a, b) => a == null ? b == null : b != null && a.Count == b.Count && !a.Except(b).Any(),
    map => map.Aggregate(0, (hash, p) => hash ^ HashCode.Combine(p.Key, p.Value)),
    map => new Dictionary<string, decimal>(map));
