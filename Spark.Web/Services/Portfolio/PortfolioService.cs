using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.Portfolio;

/// <summary>A holding's identity beside its numbers.</summary>
public sealed record HoldingInfo(Guid InvestmentId, Guid SecurityId, string Symbol, string Name, SecurityType Type, string Platform,
    string? Sector, InvestmentStatus Status);

/// <summary>An investor's ledger as the engine reads it, with the holdings it belongs to.</summary>
public sealed record LoadedLedger(IReadOnlyList<HoldingInfo> Holdings, IReadOnlyList<HoldingLedger> Ledgers, int TransactionCount, DateTimeOffset LoadedAt);

/// <summary>One holding valued: identity, FIFO position and returns.</summary>
public sealed record HoldingView(HoldingInfo Info, HoldingResult Result);

/// <summary>An investor's portfolio valued at the live prices.</summary>
public sealed record PortfolioView(PortfolioResult Result, IReadOnlyList<HoldingView> Holdings, DateOnly ValuationDate)
{
    public bool IsEmpty => Holdings.Count == 0;
}

/// <summary>
/// Each investor's ledger, kept in memory between requests (a heavy investor has tens of thousands of rows,
/// and prices move every second while the ledger does not). Writes on this instance drop the entry at once; an
/// entry also expires after <see cref="Lifetime"/>, which bounds how stale a write on another instance can be.
/// </summary>
public sealed class PortfolioCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, LoadedLedger> _ledgers = new();

    public event Action<Guid>? Changed;

    public LoadedLedger? Get(Guid userId) =>
        _ledgers.TryGetValue(userId, out var ledger) && clock.GetUtcNow() - ledger.LoadedAt < Lifetime ? ledger : null;

    public void Set(Guid userId, LoadedLedger ledger) => _ledgers[userId] = ledger;

    public void Invalidate(Guid userId)
    {
        _ledgers.TryRemove(userId, out _);
        Changed?.Invoke(userId);
    }
}

/// <summary>The portfolio figures of api.md (FIFO, XIRR, TWR, day change) for one investor, at live prices.</summary>
public sealed class PortfolioService(SparkDb db, PriceBook prices, PriceHistory history, PortfolioCache cache, TimeProvider clock)
{
    /// <param name="withSeries">True for the daily value series and the TWR (charts, performance); false for totals only.</param>
    public async Task<PortfolioView> GetAsync(Guid userId, bool withSeries, CancellationToken cancellationToken = default)
    {
        var ledger = cache.Get(userId) ?? await LoadAsync(userId, cancellationToken);
        cache.Set(userId, ledger);
        await prices.EnsureLoadedAsync(cancellationToken);
        if (withSeries) await history.LoadAsync(ledger.Holdings.Select(h => h.SecurityId), cancellationToken);
        return Compute(ledger, withSeries);
    }

    /// <summary>Runs the engine over a loaded ledger: the whole FIFO + XIRR (+ TWR) recompute, no database.</summary>
    public PortfolioView Compute(LoadedLedger ledger, bool withSeries)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var today = IndiaTime.Today(clock);
        var result = PortfolioEngine.Compute(ledger.Ledgers, today, history.Get, prices.Snapshot(), withSeries);
        var info = ledger.Holdings.ToDictionary(h => h.InvestmentId);
        return new PortfolioView(result, [.. result.Holdings.Select(r => new HoldingView(info[r.InvestmentId], r))], today);
    }

    /// <summary>Reads an investor's holdings and completed transactions: the rows the engine needs, nothing more.</summary>
    public async Task<LoadedLedger> LoadAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var holdings = await context.Investments.AsNoTracking()
            .Select(i => new HoldingInfo(i.Id, i.SecurityId, i.Symbol, i.Name, i.Type, i.Platform, i.Sector, i.Status))
            .ToListAsync(cancellationToken);
        var rows = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId != null && t.Status == TransactionStatus.Completed)
            .Select(t => new LedgerRow(t.InvestmentId!.Value, t.Type, t.Quantity, t.Price, t.Amount, t.Fees, t.Tax, t.Gst, t.TransactionDate,
                t.CreatedAt, t.Id, t.Metadata))
            .ToListAsync(cancellationToken);
        var byInvestment = rows.GroupBy(r => r.InvestmentId).ToDictionary(g => g.Key, g => g
            .OrderBy(r => r.TransactionDate).ThenBy(r => LedgerService.Order(r.Type)).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => r.ToEntry())
            .ToList());
        var ledgers = holdings
            .Select(h => new HoldingLedger(h.InvestmentId, h.SecurityId, byInvestment.GetValueOrDefault(h.InvestmentId) ?? []))
            .ToList();
        return new LoadedLedger(holdings, ledgers, rows.Count, clock.GetUtcNow());
    }

    private sealed record LedgerRow(Guid InvestmentId, TransactionType Type, decimal? Quantity, decimal? Price, decimal Amount, decimal Fees,
        decimal Tax, decimal Gst, DateOnly TransactionDate, DateTimeOffset CreatedAt, Guid Id, System.Text.Json.JsonDocument? Metadata)
    {
        public LedgerEntry ToEntry() => LedgerService.ToEntry(new LedgerTransaction
        {
            AssetName = "", Platform = "", Type = Type, Quantity = Quantity, Price = Price, Amount = Amount, Fees = Fees, Tax = Tax, Gst = Gst,
            TransactionDate = TransactionDate, Metadata = Metadata,
        });
    }
}
