using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Market;
using Spark.Data;

namespace Spark.Web.Services.Market;

/// <summary>
/// The latest price of every security and the close its day change is measured from. Filled from the stored
/// bars at start, then kept current by everything published on the <see cref="IMarketFeed"/>.
/// </summary>
public sealed class PriceBook : IDisposable
{
    private readonly ConcurrentDictionary<Guid, Quote> _quotes = new();
    private readonly IDisposable _subscription;
    private readonly SparkDb _db;
    private Task? _loading;

    public PriceBook(IMarketFeed feed, SparkDb db)
    {
        _db = db;
        _subscription = feed.Subscribe(ticks =>
        {
            foreach (var tick in ticks)
            {
                _quotes[tick.SecurityId] = tick.ToQuote();
            }
        });
    }

    public bool TryGet(Guid securityId, out Quote quote) => _quotes.TryGetValue(securityId, out quote);

    public decimal? PriceOf(Guid securityId) => _quotes.TryGetValue(securityId, out var q) ? q.Price : null;

    /// <summary>The quotes as they are now (a copy, so a computation sees one consistent set).</summary>
    public IReadOnlyDictionary<Guid, Quote> Snapshot() => new Dictionary<Guid, Quote>(_quotes);

    /// <summary>Loads the quotes from the stored bars once; later calls wait for the first.</summary>
    public Task EnsureLoadedAsync(CancellationToken cancellationToken = default) =>
        LazyInitializer.EnsureInitialized(ref _loading, () => ReloadAsync(cancellationToken));

    /// <summary>Recomputes the quotes of <paramref name="securityIds"/> (or all) from the stored bars.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default, IReadOnlyCollection<Guid>? securityIds = null)
    {
        await using var context = _db.Shared();
        var ids = securityIds?.ToArray() ?? [];
        var rows = await context.Database.SqlQuery<QuoteRow>($"""
            SELECT s.id AS security_id, d1.trade_date AS last_date, d1.close AS last_close,
                   d2.close AS prior_close, m.timestamp AS minute_at, m.close AS minute_close
            FROM securities s
            LEFT JOIN LATERAL (SELECT trade_date, close FROM market_data_daily WHERE security_id = s.id
                               ORDER BY trade_date DESC LIMIT 1) d1 ON true
            LEFT JOIN LATERAL (SELECT close FROM market_data_daily WHERE security_id = s.id AND trade_date < d1.trade_date
                               ORDER BY trade_date DESC LIMIT 1) d2 ON true
            LEFT JOIN LATERAL (SELECT timestamp, close FROM market_data WHERE security_id = s.id AND close IS NOT NULL
                               ORDER BY timestamp DESC LIMIT 1) m ON true
            WHERE cardinality({ids}) = 0 OR s.id = ANY({ids})
            """).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            if (QuoteRules.FromBars(row.LastDate, row.LastClose, row.PriorClose, row.MinuteAt, row.MinuteClose) is { } quote)
            {
                _quotes[row.SecurityId] = quote;
            }
            else
            {
                _quotes.TryRemove(row.SecurityId, out _);
            }
        }
    }

    public void Dispose() => _subscription.Dispose();

    private sealed record QuoteRow(Guid SecurityId, DateOnly? LastDate, decimal? LastClose, decimal? PriorClose,
        DateTimeOffset? MinuteAt, decimal? MinuteClose);
}
