using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Market;
using Spark.Core.Platforms.Brokers;
using Spark.Data;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.Connections;

using Security = Spark.Core.Market.Security;

/// <summary>
/// Matches what brokers report to Spark's securities master: by ISIN first (the one id every Indian exchange and
/// registrar shares), then by exchange symbol. An instrument that matches nothing is created from the broker's
/// metadata only where that is safe: a crypto asset in rupees, a listed security with a well-formed Indian ISIN
/// on NSE or BSE, or a mutual fund with its ISIN and name. Anything else is reported back, never guessed.
/// </summary>
public sealed partial class InstrumentMatcher(SparkDb db, SecurityCatalog catalog, TimeProvider clock)
{
    /// <summary>What the broker's instruments matched, and the securities created for them.</summary>
    public sealed class Matches
    {
        internal Dictionary<BrokerInstrument, Security> Found { get; } = [];

        public List<string> Created { get; } = [];

        public Security? Security(BrokerInstrument instrument) => Found.GetValueOrDefault(instrument);
    }

    public async Task<Matches> MatchAsync(string platform, IEnumerable<BrokerInstrument> reported, CancellationToken cancellationToken)
    {
        var result = new Matches();
        var distinct = reported.Distinct().ToList();
        if (distinct.Count == 0) return result;
        var all = await catalog.AllAsync(cancellationToken);
        var first = Index(all);
        if (distinct.Any(i => Find(i, first.ByIsin, first.BySymbol) is null))
        {
            // The catalog is a snapshot: a security added since (by an admin, or another instance's sync) is read afresh.
            catalog.Invalidate();
            all = await catalog.AllAsync(cancellationToken);
        }

        var byIsin = all.Where(s => s.Isin is { Length: > 0 }).GroupBy(s => s.Isin!.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.First());
        var bySymbol = all.ToDictionary(s => s.Symbol.ToUpperInvariant());
        var toCreate = new Dictionary<string, Security>(StringComparer.Ordinal);
        foreach (var instrument in distinct)
        {
            if (Find(instrument, byIsin, bySymbol) is { } known)
            {
                result.Found[instrument] = known;
                continue;
            }

            if (Creatable(platform, instrument) is { } created && !toCreate.ContainsKey(created.Symbol)) toCreate[created.Symbol] = created;
        }

        if (toCreate.Count > 0)
        {
            await using (var context = db.Shared())
            {
                foreach (var security in toCreate.Values)
                {
                    // Another sync may create the same one at the same moment: the unique symbol (and ISIN) decide, quietly.
                    await context.Database.ExecuteSqlInterpolatedAsync($"""
                        INSERT INTO securities (id, symbol, name, isin, type, exchange, sector, industry, currency, lot_size, is_active, metadata, created_at, updated_at)
                        VALUES ({security.Id}, {security.Symbol}, {security.Name}, {security.Isin}, {Spark.Data.Conversions.SnakeCaseEnum.ToStored(security.Type)},
                                {security.Exchange}, {security.Sector}, {security.Industry}, 'INR', 1, true, {security.Metadata!.RootElement.GetRawText()}::jsonb,
                                {clock.GetUtcNow()}, {clock.GetUtcNow()})
                        ON CONFLICT DO NOTHING
                        """, cancellationToken);
                }
            }

            catalog.Invalidate();
            all = await catalog.AllAsync(cancellationToken);
            byIsin = all.Where(s => s.Isin is { Length: > 0 }).GroupBy(s => s.Isin!.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.First());
            bySymbol = all.ToDictionary(s => s.Symbol.ToUpperInvariant());
            foreach (var instrument in distinct.Where(i => !result.Found.ContainsKey(i)))
            {
                if (Find(instrument, byIsin, bySymbol) is not { } found) continue;
                result.Found[instrument] = found;
                if (toCreate.ContainsKey(found.Symbol) && !result.Created.Contains(found.Symbol)) result.Created.Add(found.Symbol);
            }
        }

        return result;
    }

    private static (Dictionary<string, Security> ByIsin, Dictionary<string, Security> BySymbol) Index(IReadOnlyList<Security> all) =>
        (all.Where(s => s.Isin is { Length: > 0 }).GroupBy(s => s.Isin!.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.First()),
         all.ToDictionary(s => s.Symbol.ToUpperInvariant()));

    private static Security? Find(BrokerInstrument instrument, Dictionary<string, Security> byIsin, Dictionary<string, Security> bySymbol)
    {
        if (instrument.Isin is { Length: > 0 } isin && byIsin.TryGetValue(isin.ToUpperInvariant(), out var byId)) return byId;
        if (!bySymbol.TryGetValue(instrument.Symbol.ToUpperInvariant(), out var bySym)) return null;
        // A symbol names the same thing on NSE and BSE, and crypto by its INR pair; a symbol on another market is not it.
        var same = instrument.Exchange is null || bySym.Exchange is null
            || string.Equals(instrument.Exchange, bySym.Exchange, StringComparison.OrdinalIgnoreCase)
            || (IsIndianExchange(instrument.Exchange) && IsIndianExchange(bySym.Exchange));
        // Two different ISINs under one symbol are two different securities.
        var isinsAgree = instrument.Isin is not { Length: > 0 } || bySym.Isin is not { Length: > 0 }
            || string.Equals(instrument.Isin, bySym.Isin, StringComparison.OrdinalIgnoreCase);
        return same && isinsAgree && bySym.Type == instrument.Type || same && isinsAgree && instrument.Type == SecurityType.Stock && bySym.Type is SecurityType.Etf
            ? bySym
            : null;
    }

    /// <summary>The security Spark may create for an unknown instrument, or null where the broker's word is not enough.</summary>
    internal static Security? Creatable(string platform, BrokerInstrument i)
    {
        var symbol = i.Symbol.Trim().ToUpperInvariant();
        var metadata = new JsonObject { ["source"] = platform, ["createdBySync"] = true };
        switch (i.Type)
        {
            case SecurityType.Crypto when CryptoSymbol().Match(symbol) is { Success: true } m:
                metadata["baseAsset"] = m.Groups[1].Value;
                metadata["quoteAsset"] = "INR";
                metadata["decimals"] = 8;
                return new Security
                {
                    Symbol = symbol, Name = Name(i.Name, m.Groups[1].Value), Type = SecurityType.Crypto, Exchange = "CRYPTO", Sector = "Crypto",
                    Industry = "Cryptocurrency", Metadata = System.Text.Json.JsonDocument.Parse(metadata.ToJsonString()),
                };
            case SecurityType.MutualFund when i.Isin is { } isin && FundIsin().IsMatch(isin.ToUpperInvariant()) && !string.IsNullOrWhiteSpace(i.Name):
                return new Security
                {
                    Symbol = isin.ToUpperInvariant(), Name = Name(i.Name, isin), Isin = isin.ToUpperInvariant(), Type = SecurityType.MutualFund, Exchange = "AMFI",
                    Metadata = System.Text.Json.JsonDocument.Parse(metadata.ToJsonString()),
                };
            case SecurityType.Stock or SecurityType.Etf or SecurityType.Bond
                when i.Isin is { } isin && ListedIsin().IsMatch(isin.ToUpperInvariant()) && IsIndianExchange(i.Exchange) && ExchangeSymbol().IsMatch(symbol):
                return new Security
                {
                    Symbol = symbol, Name = Name(i.Name, symbol), Isin = isin.ToUpperInvariant(), Type = i.Type, Exchange = i.Exchange!.ToUpperInvariant(),
                    Metadata = System.Text.Json.JsonDocument.Parse(metadata.ToJsonString()),
                };
            default:
                return null;
        }
    }

    private static string Name(string? given, string fallback) =>
        string.IsNullOrWhiteSpace(given) ? fallback : given.Trim().Length > 255 ? given.Trim()[..255] : given.Trim();

    private static bool IsIndianExchange(string? exchange) =>
        string.Equals(exchange, "NSE", StringComparison.OrdinalIgnoreCase) || string.Equals(exchange, "BSE", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^([A-Z0-9]{2,15})INR$")]
    private static partial Regex CryptoSymbol();

    // ISIN: country, 9 alphanumerics, a check digit. Listed Indian equities and ETFs are INE…/INF…, bonds IN0…/INE….
    [GeneratedRegex("^IN[A-Z0-9]{9}[0-9]$")]
    private static partial Regex ListedIsin();

    [GeneratedRegex("^INF[A-Z0-9]{8}[0-9]$")]
    private static partial Regex FundIsin();

    [GeneratedRegex("^[A-Z0-9][A-Z0-9&._-]{0,49}$")]
    private static partial Regex ExchangeSymbol();
}
