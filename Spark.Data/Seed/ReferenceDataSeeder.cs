using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Spark.Core.Market;

namespace Spark.Data.Seed;

/// <summary>
/// Data every installation needs beyond what migrations insert: the securities universe. Idempotent:
/// instruments are matched by symbol, added when missing and refreshed when present.
/// </summary>
public sealed partial class ReferenceDataSeeder(SparkDb db, ILogger<ReferenceDataSeeder> log)
{
    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var existing = await context.Securities.ToDictionaryAsync(s => s.Symbol, cancellationToken);
        var added = 0;
        foreach (var item in SecurityUniverse.Instruments)
        {
            if (!existing.TryGetValue(item.Symbol, out var security))
            {
                security = new Security { Symbol = item.Symbol, Name = item.Name };
                context.Securities.Add(security);
                added++;
            }
            security.Name = item.Name;
            security.Isin = item.Isin;
            security.Type = item.SecurityType;
            security.Exchange = item.Exchange;
            security.Sector = item.Sector;
            security.Industry = item.Industry;
            security.LotSize = item.LotSize;
            security.Currency = item.Currency;
            security.MarketCap = item.MarketCap;
            security.Metadata = item.MetadataWithReferencePrice();
        }
        await context.SaveChangesAsync(cancellationToken);
        LogSeeded(log, SecurityUniverse.Instruments.Count, added);
    }

    [LoggerMessage(LogLevel.Information, "Securities universe: {Total} instruments, {Added} added")]
    private static partial void LogSeeded(ILogger logger, int total, int added);
}
