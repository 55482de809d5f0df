using System.Globalization;
using Microsoft.Extensions.Options;
using Spark.Core.Platforms.Brokers;

namespace Spark.Web.Services.Connections;

/// <summary>
/// Rupees per unit of the quote assets brokers price crypto in (Binance's USDT, USDC and FDUSD pairs). Spark has no
/// rupee market for them, so the rate is configuration (<c>Spark:Sync:InrRates</c>): per asset, a list of rates
/// with the date each applies from. A trade uses the last rate dated on or before its day, and its note records
/// the rate used, so a corrected table can be applied by re-importing. With no rate for a day, the sync fails and
/// says so instead of guessing.
/// </summary>
public sealed class QuoteRates(IOptionsMonitor<SyncOptions> options) : IQuoteRates
{
    public ValueTask<decimal?> InrPerUnitAsync(string asset, DateOnly date, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (string.Equals(asset, "INR", StringComparison.OrdinalIgnoreCase)) return ValueTask.FromResult<decimal?>(1m);
        if (!options.CurrentValue.InrRates.TryGetValue(asset.ToUpperInvariant(), out var table)) return ValueTask.FromResult<decimal?>(null);
        decimal? rate = null;
        var from = DateOnly.MinValue;
        foreach (var (since, value) in table)
        {
            if (!DateOnly.TryParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) || d > date || d < from) continue;
            from = d;
            rate = value;
        }

        return ValueTask.FromResult(rate);
    }
}
