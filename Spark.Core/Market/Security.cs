using System.Text.Json;

namespace Spark.Core.Market;

public enum SecurityType { Stock, MutualFund, Etf, Crypto, Bond }

/// <summary>A tradable instrument of the securities master (table securities).</summary>
public class Security
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Symbol { get; set; }
    public required string Name { get; set; }
    public string? Isin { get; set; }
    public SecurityType Type { get; set; }
    public string? Exchange { get; set; }
    public string? Sector { get; set; }
    public string? Industry { get; set; }
    public decimal? MarketCap { get; set; }
    public string Currency { get; set; } = "INR";
    public int LotSize { get; set; } = 1;
    public bool IsActive { get; set; } = true;
    public JsonDocument? Metadata { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
