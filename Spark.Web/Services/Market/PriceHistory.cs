using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Core.Market;
using Spark.Data;

namespace Spark.Web.Services.Market;

/// <summary>
/// Daily closes per security, cached in memory: market data is shared by every investor, so valuing a
/// portfolio day by day reads only the investor's own rows. A bar import for a security drops its entry.
/// </summary>
public sealed class PriceHistory
{
    public const string CacheName = "price-history";
    private readonly ConcurrentDictionary<Guid, PriceSeries> _series = new();
    private readonly SparkDb db;
    private readonly Cluster.CacheInvalidation? invalidation;
    private readonly Cluster.SparkReadDb? reads;
    private long _version;

    /// <param name="invalidation">A bar import on another instance drops the series here too (decision 0057).</param>
    /// <param name="reads">Charts' history is a read-heavy query: it may come from the replica (decision 0057).</param>
    public PriceHistory(SparkDb db, Cluster.CacheInvalidation? invalidation = null, Cluster.SparkReadDb? reads = null)
    {
        this.db = db;
        this.reads = reads;
        this.invalidation = invalidation;
        invalidation?.OnRemote(CacheName, key =>
        {
            if (Guid.TryParse(key, out var id)) Drop(id);
            else DropAll();
        });
    }

    /// <summary>Changes whenever a cached series is dropped, so analyses built on the old closes can tell they are stale.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The cached series of a security loaded by <see cref="LoadAsync"/>; null if not loaded.</summary>
    public PriceSeries? Get(Guid securityId) => _series.GetValueOrDefault(securityId);

    /// <summary>Makes sure the series of <paramref name="securityIds"/> are in memory, reading the missing ones in one query.</summary>
    public async Task LoadAsync(IEnumerable<Guid> securityIds, CancellationToken cancellationToken = default)
    {
        var missing = securityIds.Distinct().Where(id => !_series.ContainsKey(id)).ToArray();
        if (missing.Length == 0) return;

        var closes = reads is not null
            ? await reads.ReadAsync(null, context => ReadClosesAsync(context, missing, cancellationToken))
            : await ReadWithPrimaryAsync(missing, cancellationToken);
        foreach (var (id, list) in closes)
        {
            _series.TryAdd(id, new PriceSeries(list));
        }
    }

    private async Task<Dictionary<Guid, List<(DateOnly, decimal)>>> ReadWithPrimaryAsync(Guid[] missing, CancellationToken cancellationToken)
    {
        await using var context = db.Shared();
        return await ReadClosesAsync(context, missing, cancellationToken);
    }

    private static async Task<Dictionary<Guid, List<(DateOnly, decimal)>>> ReadClosesAsync(SparkDbContext context, Guid[] missing,
        CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken);
        var closes = missing.ToDictionary(id => id, _ => new List<(DateOnly, decimal)>());

        // Binary COPY out: the fastest way PostgreSQL hands over ~2,500 rows per security.
        var sql = "COPY (SELECT security_id, trade_date, close FROM market_data_daily WHERE security_id = ANY('{"
            + string.Join(',', missing) + "}'::uuid[]) ORDER BY security_id, trade_date) TO STDOUT (FORMAT BINARY)";
        // Read synchronously: an await per field costs more than the data itself for ~750,000 values.
        await Task.Run(() =>
        {
            using var reader = connection.BeginBinaryExport(sql);
            while (reader.StartRow() != -1)
            {
                var id = reader.Read<Guid>();
                var date = reader.Read<DateOnly>();
                var close = reader.Read<decimal>();
                closes[id].Add((date, close));
            }
        }, cancellationToken);
        return closes;
    }

    public void Invalidate(Guid securityId)
    {
        Drop(securityId);
        invalidation?.Announce(CacheName, securityId.ToString());
    }

    public void InvalidateAll()
    {
        DropAll();
        invalidation?.Announce(CacheName);
    }

    private void Drop(Guid securityId)
    {
        reads?.SharedDataChanged();
        _series.TryRemove(securityId, out _);
        Interlocked.Increment(ref _version);
    }

    private void DropAll()
    {
        reads?.SharedDataChanged();
        _series.Clear();
        Interlocked.Increment(ref _version);
    }
}
