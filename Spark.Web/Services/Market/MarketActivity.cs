using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Data;

namespace Spark.Web.Services.Market;

/// <summary>An instrument's latest session: its India date, the units traded and the traded value (turnover).</summary>
public sealed record SessionActivity(DateOnly Session, long Volume, decimal TradedValue);

/// <summary>
/// Volume and traded value of every instrument's latest session, for sorting the market list and picking the day's
/// movers (decision 0052). A session in progress is summed from its minute bars (Σ close × volume per minute, the
/// turnover to the paisa as far as one-minute bars tell it); a finished one is its daily bar (close × volume, as no
/// VWAP is stored). Read once for all instruments in one statement and kept until a price moves or a minute passes:
/// screens ask when they load or re-sort, not on every tick.
/// </summary>
public sealed class MarketActivity : IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly SparkDb _db;
    private readonly TimeProvider _clock;
    private readonly IDisposable _subscription;
    private volatile Snapshot? _snapshot;

    public MarketActivity(SparkDb db, IMarketFeed feed, TimeProvider clock)
    {
        _db = db;
        _clock = clock;
        _subscription = feed.Subscribe(_ => _snapshot = _snapshot is { } s ? s with { Stale = true } : null);
    }

    public async Task<IReadOnlyDictionary<Guid, SessionActivity>> AllAsync(CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        if (_snapshot is { Stale: false } s && now - s.ReadAt < MaxAge) return s.Activity;
        var activity = await ReadAsync(cancellationToken);
        _snapshot = new Snapshot(activity, now, false);
        return activity;
    }

    private async Task<IReadOnlyDictionary<Guid, SessionActivity>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var context = _db.Shared();
        var rows = await context.Database.SqlQuery<ActivityRow>($"""
            SELECT s.id AS security_id, d.trade_date AS day_date, d.volume AS day_volume, d.close AS day_close,
                   last.session AS minute_date, m.volume AS minute_volume, m.value AS minute_value
            FROM securities s
            LEFT JOIN LATERAL (SELECT trade_date, volume, close FROM market_data_daily WHERE security_id = s.id
                               ORDER BY trade_date DESC LIMIT 1) d ON true
            LEFT JOIN LATERAL (SELECT (timestamp AT TIME ZONE 'Asia/Kolkata')::date AS session FROM market_data
                               WHERE security_id = s.id ORDER BY timestamp DESC LIMIT 1) last ON true
            LEFT JOIN LATERAL (SELECT sum(volume)::bigint AS volume, sum(close * volume) AS value FROM market_data
                               WHERE security_id = s.id AND last.session IS NOT NULL
                                 AND timestamp >= (last.session::timestamp AT TIME ZONE 'Asia/Kolkata')) m ON true
            WHERE s.is_active
            """).ToListAsync(cancellationToken);
        var activity = new Dictionary<Guid, SessionActivity>(rows.Count);
        foreach (var row in rows)
        {
            if (row.MinuteDate is { } minute && (row.DayDate is null || minute > row.DayDate))
            {
                activity[row.SecurityId] = new SessionActivity(minute, row.MinuteVolume ?? 0, Money.Paisa(row.MinuteValue ?? 0m));
            }
            else if (row.DayDate is { } day)
            {
                activity[row.SecurityId] = new SessionActivity(day, row.DayVolume ?? 0, Money.Paisa((row.DayClose ?? 0m) * (row.DayVolume ?? 0)));
            }
        }

        return activity;
    }

    public void Dispose() => _subscription.Dispose();

    private sealed record Snapshot(IReadOnlyDictionary<Guid, SessionActivity> Activity, DateTimeOffset ReadAt, bool Stale);

    private sealed record ActivityRow(Guid SecurityId, DateOnly? DayDate, long? DayVolume, decimal? DayClose, DateOnly? MinuteDate,
        long? MinuteVolume, decimal? MinuteValue);
}
