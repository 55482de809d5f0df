using System.Text.Json;
using System.Text.Json.Serialization;
using Spark.Core.Market;
using Spark.Data.Conversions;

namespace Spark.Data.Seed;

/// <summary>One instrument of securities.json: real NSE/BSE/AMFI instruments with their real ISINs.</summary>
public sealed record SeedSecurity(
    string Symbol,
    string Name,
    string? Isin,
    string Type,
    string? Exchange,
    string? Sector,
    string? Industry,
    int LotSize,
    string Currency,
    decimal ReferencePrice,
    decimal? MarketCap,
    JsonElement? Metadata)
{
    public SecurityType SecurityType => SnakeCaseEnum.FromStored<SecurityType>(Type);

    /// <summary>The instrument's metadata plus the reference price the market simulator starts from.</summary>
    public JsonDocument MetadataWithReferencePrice()
    {
        var map = Metadata is { ValueKind: JsonValueKind.Object } m
            ? m.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value)
            : [];
        map["referencePrice"] = ReferencePrice;
        return JsonSerializer.SerializeToDocument(map);
    }
}

public static class SecurityUniverse
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
    };

    private static readonly Lazy<IReadOnlyList<SeedSecurity>> All = new(Load);

    public static IReadOnlyList<SeedSecurity> Instruments => All.Value;

    public static SeedSecurity Get(string symbol) =>
        Instruments.FirstOrDefault(s => s.Symbol == symbol) ?? throw new KeyNotFoundException($"{symbol} is not in securities.json");

    private static IReadOnlyList<SeedSecurity> Load()
    {
        var assembly = typeof(SecurityUniverse).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Seed.securities.json", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        return JsonSerializer.Deserialize<List<SeedSecurity>>(stream, Options)
            ?? throw new InvalidOperationException("securities.json is empty");
    }
}
