using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.AutoInvest;
using Spark.Core.Market;
using Spark.Data;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.AutoInvest;

/// <summary>
/// Computes strategies' backtests from the stored daily bars (market_data_daily) and keeps them in
/// auto_invest_strategies.backtesting_data. The bars of every basket instrument are read in one query per run.
/// A stored backtest is current while the strategy's allocation, frequency and baskets are those it was computed
/// for, the same instruments have prices, and no newer common close exists.
/// </summary>
public sealed partial class StrategyBacktester(SparkDb db, SecurityCatalog securities, IOptions<AutoInvestOptions> options, TimeProvider clock,
    MarketHistory history, ILogger<StrategyBacktester> log)
{
    /// <summary>
    /// False while the price history is still being written: until then no backtest is computed (their figures would be
    /// of whichever instruments happened to be written first) and screens say the history is being prepared.
    /// </summary>
    public bool HistoryComplete => history.IsComplete;

    /// <summary>Recomputes the backtests of the active strategies (and <paramref name="strategyId"/>, active or not); returns how many were stored.</summary>
    /// <param name="onlyStale">Only those missing, computed for other inputs, or behind the stored bars.</param>
    /// <returns>How many were stored; 0 while the price history is incomplete (<see cref="HistoryComplete"/>).</returns>
    public async Task<int> RefreshAsync(bool onlyStale, Guid? strategyId = null, CancellationToken cancellationToken = default)
    {
        if (!history.IsComplete)
        {
            LogWaiting(log);
            return 0;
        }

        await using var context = db.Shared();
        var strategies = await context.Strategies.AsNoTracking()
            .Where(s => s.IsActive || s.Id == strategyId)
            .Where(s => strategyId == null || s.Id == strategyId)
            .OrderBy(s => s.Name).ToListAsync(cancellationToken);
        if (strategies.Count == 0) return 0;

        var baskets = options.Value;
        var symbols = strategies.SelectMany(s => s.Allocation.Keys).Distinct(StringComparer.OrdinalIgnoreCase)
            .SelectMany(c => baskets.BasketFor(c)).Select(i => i.Symbol).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var ids = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        foreach (var symbol in symbols)
        {
            if (await securities.FindAsync(symbol, cancellationToken) is { } security) ids[symbol] = security.Id;
        }

        if (onlyStale)
        {
            var wanted = ids.Values.ToList();
            var lastDates = await context.DailyBars.Where(b => wanted.Contains(b.SecurityId))
                .GroupBy(b => b.SecurityId).Select(g => new { g.Key, Last = g.Max(b => b.TradeDate) })
                .ToDictionaryAsync(x => x.Key, x => x.Last, cancellationToken);
            strategies = [.. strategies.Where(s => IsStale(s, ids, lastDates))];
            if (strategies.Count == 0) return 0;
        }

        var closes = await ClosesAsync(context, ids, cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var strategy in strategies)
        {
            var result = Backtest.Run(new BacktestInput(strategy.Allocation, strategy.RebalancingFrequency, c => baskets.BasketFor(c), closes));
            var stored = StoredBacktest.Write(BacktestView.From(strategy.Id, result, strategy.RebalancingFrequency, now), Fingerprint(strategy));
            await context.Strategies.Where(s => s.Id == strategy.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.BacktestingData, stored), cancellationToken);
            LogComputed(log, strategy.Name, result.Status, result.StartDate, result.EndDate);
        }
        return strategies.Count;
    }

    /// <summary>
    /// Keeps the schema's popularity_score (the subscription count) equal to the active and paused plans on each strategy;
    /// screens count live, this is for reports and SQL. Every investor's plans are counted, so it runs as system work.
    /// </summary>
    public async Task<int> RecountSubscribersAsync(CancellationToken cancellationToken = default)
    {
        await using var context = db.ForSystem("strategy popularity");
        return await context.Database.ExecuteSqlRawAsync("""
            UPDATE auto_invest_strategies s SET popularity_score = c.subscribers
            FROM (SELECT s2.id, count(p.id)::int AS subscribers FROM auto_invest_strategies s2
                  LEFT JOIN auto_invest_plans p ON p.strategy_id = s2.id AND p.status IN ('active', 'paused') GROUP BY s2.id) c
            WHERE c.id = s.id AND s.popularity_score IS DISTINCT FROM c.subscribers
            """, cancellationToken);
    }

    /// <summary>What a backtest depends on besides prices: allocation, frequency and each class's basket.</summary>
    public string Fingerprint(AutoInvestStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var text = new StringBuilder().Append(strategy.RebalancingFrequency);
        foreach (var (assetClass, fraction) in strategy.Allocation.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"|{assetClass}={fraction:0.######}:");
            foreach (var item in options.Value.BasketFor(assetClass))
            {
                text.Append(CultureInfo.InvariantCulture, $"{item.Symbol.ToUpperInvariant()}*{item.Weight:0.######},");
            }
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private bool IsStale(AutoInvestStrategy strategy, Dictionary<string, Guid> ids, Dictionary<Guid, DateOnly> lastDates)
    {
        var (view, fingerprint) = StoredBacktest.Read(strategy.BacktestingData);
        if (view is null || fingerprint != Fingerprint(strategy)) return true;
        var priced = strategy.Allocation.Where(p => p.Value > 0m).SelectMany(p => options.Value.BasketFor(p.Key))
            .Where(i => ids.TryGetValue(i.Symbol, out var id) && lastDates.ContainsKey(id)).ToList();
        if (!priced.Select(i => i.Symbol).ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(view.Instruments.Select(i => i.Symbol))) return true;
        if (priced.Count == 0) return false;
        var commonEnd = priced.Min(i => lastDates[ids[i.Symbol]]);
        return view.EndDate is null || commonEnd > view.EndDate;
    }

    private static async Task<Dictionary<string, IReadOnlyList<(DateOnly Date, decimal Close)>>> ClosesAsync(SparkDbContext context,
        Dictionary<string, Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Values.ToList();
        var rows = await context.DailyBars.AsNoTracking().Where(b => wanted.Contains(b.SecurityId))
            .OrderBy(b => b.SecurityId).ThenBy(b => b.TradeDate)
            .Select(b => new { b.SecurityId, b.TradeDate, b.Close }).ToListAsync(cancellationToken);
        var bySecurity = rows.GroupBy(r => r.SecurityId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(DateOnly Date, decimal Close)>)[.. g.Select(r => (r.TradeDate, r.Close))]);
        var closes = new Dictionary<string, IReadOnlyList<(DateOnly Date, decimal Close)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (symbol, id) in ids)
        {
            if (bySecurity.TryGetValue(id, out var series)) closes[symbol] = series;
        }
        return closes;
    }

    [LoggerMessage(LogLevel.Information, "Strategy backtests wait: the price history is still being written")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Backtest of {Strategy}: {Status}, {Start} to {End}")]
    private static partial void LogComputed(ILogger logger, string strategy, BacktestStatus status, DateOnly? start, DateOnly? end);
}
