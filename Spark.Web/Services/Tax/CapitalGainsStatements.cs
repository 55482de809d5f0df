using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Portfolio;
using Spark.Core.Tax;
using Spark.Data;
using Spark.Web.Services.Orders;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Tax;

using Security = Spark.Core.Market.Security;

/// <summary>
/// The capital-gains statement from the user's own ledger (row-level security through <see cref="SparkDb.ForUser"/>):
/// the holdings with a sale in the year are read with their history up to the year's end, the year's dividends by date,
/// and <see cref="CapitalGainsEngine"/> does the rest. Decision 0047.
/// </summary>
public sealed class CapitalGainsStatements(SparkDb db, IGrandfatheringPrices grandfathering, IOptions<ChargeSchedule> schedule)
    : ICapitalGainsStatements
{
    public async Task<CapitalGainsStatement> GetAsync(Guid userId, FinancialYear year, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        return await ComputeAsync(userId, year, year.To, page, pageSize, cancellationToken);
    }

    public Task<CapitalGainsStatement> GetAllAsync(Guid userId, FinancialYear year, CancellationToken cancellationToken = default) =>
        ComputeAsync(userId, year, year.To, 1, int.MaxValue, cancellationToken);

    public async Task<IReadOnlyList<FinancialYear>> YearsAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var months = await context.Transactions.AsNoTracking()
            .Where(t => (t.Type == TransactionType.Sell || t.Type == TransactionType.Dividend) && t.Status == TransactionStatus.Completed)
            .Select(t => new { t.TransactionDate.Year, t.TransactionDate.Month })
            .Distinct()
            .ToListAsync(cancellationToken);
        return [.. months.Select(m => FinancialYear.Of(new DateOnly(m.Year, m.Month, 1))).Distinct().OrderByDescending(y => y.StartYear)];
    }

    /// <summary>
    /// The statement of the sales in <paramref name="year"/> up to <paramref name="until"/> (the order ticket asks for
    /// the year so far), every row.
    /// </summary>
    internal async Task<CapitalGainsStatement> ComputeAsync(Guid userId, FinancialYear year, DateOnly until, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(userId);
        return await ComputeAsync(context, grandfathering, schedule.Value, year, until, page, pageSize, cancellationToken);
    }

    /// <summary>The statement inside the caller's user-scoped context (the order ticket's estimate reads the year so far).</summary>
    internal static async Task<CapitalGainsStatement> ComputeAsync(SparkDbContext context, IGrandfatheringPrices grandfathering, ChargeSchedule charges,
        FinancialYear year, DateOnly until, int page, int pageSize, CancellationToken cancellationToken)
    {
        var from = year.From;
        var to = until < year.To ? until : year.To;
        var sold = await context.Transactions.AsNoTracking()
            .Where(t => t.Type == TransactionType.Sell && t.Status == TransactionStatus.Completed && t.InvestmentId != null
                && t.TransactionDate >= from && t.TransactionDate <= to)
            .Select(t => t.InvestmentId!.Value).Distinct().ToListAsync(cancellationToken);
        var holdings = await YearHoldingsAsync(context, sold, from, to, charges, cancellationToken);

        var dividends = await context.Transactions.AsNoTracking()
            .Where(t => t.Type == TransactionType.Dividend && t.Status == TransactionStatus.Completed && t.TransactionDate >= from && t.TransactionDate <= to)
            .Select(t => new { t.Id, t.TransactionDate, t.SecurityId, t.Symbol, t.AssetName, t.Platform, t.Amount })
            .ToListAsync(cancellationToken);

        var needFmv = holdings.Where(h => h.Security.EquityOriented && h.Rows.Any(r => r.Entry.Date <= CapitalGainsEngine.GrandfatheringDate))
            .Select(h => h.Security.Id).Distinct().ToList();
        var fmv = needFmv.Count == 0 ? new Dictionary<Guid, decimal>() : await grandfathering.GetAsync(needFmv, cancellationToken);

        var statementYear = year;
        return CapitalGainsEngine.Compute(
            statementYear,
            holdings,
            fmv,
            dividends.Select(d => new DividendRow(d.Id, d.TransactionDate, d.SecurityId ?? Guid.Empty, d.Symbol ?? d.AssetName, d.AssetName, d.Platform, d.Amount)),
            charges,
            page,
            pageSize);
    }

    private sealed record Compact(Guid Id, Guid InvestmentId, TransactionType Type, DateOnly Date, decimal Quantity, DateTimeOffset CreatedAt);

    /// <summary>
    /// The holdings' rows the year's FIFO needs, without reading their whole history (the benchmark's heavy investor has
    /// ten years of it): the year's trades and corporate actions, and of the earlier rows only the acquisitions still
    /// open on the year's first day, found by replaying the earlier rows' quantities alone (narrow columns). The first of
    /// those lots is cut to the part of it the earlier sells left, cost and charges in proportion, as
    /// <see cref="FifoBook"/>'s own division would leave them. A holding with a bonus stated as a ratio before the year
    /// (its units depend on the whole holding then) is read whole. Dividends and interest never matter to FIFO.
    /// </summary>
    internal static async Task<List<TaxHolding>> YearHoldingsAsync(SparkDbContext context, IReadOnlyCollection<Guid> investmentIds, DateOnly from,
        DateOnly to, ChargeSchedule charges, CancellationToken cancellationToken)
    {
        if (investmentIds.Count == 0) return [];
        var ids = investmentIds.ToArray();
        var earlier = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId != null && ids.Contains(t.InvestmentId.Value) && t.Status == TransactionStatus.Completed && t.TransactionDate < from
                && t.Type != TransactionType.Dividend && t.Type != TransactionType.Interest)
            .Select(t => new Compact(t.Id, t.InvestmentId!.Value, t.Type, t.TransactionDate, t.Quantity ?? 0m, t.CreatedAt))
            .ToListAsync(cancellationToken);
        var actionIds = earlier.Where(c => c.Type is TransactionType.Split or TransactionType.Bonus).Select(c => c.Id).ToArray();
        var actions = actionIds.Length == 0 ? [] : await context.Transactions.AsNoTracking()
            .Where(t => actionIds.Contains(t.Id) && t.TransactionDate < from).ToListAsync(cancellationToken);
        var ratios = actions.ToDictionary(a => a.Id, a => LedgerService.ToEntry(a));

        var keep = new List<Guid>();
        var whole = new List<Guid>();
        var cut = new Dictionary<Guid, decimal>(); // head lot id → fraction of it still held on the year's first day
        foreach (var group in earlier.GroupBy(c => c.InvestmentId))
        {
            var ordered = group.OrderBy(c => c.Date).ThenBy(c => LedgerService.Order(c.Type)).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id).ToList();
            if (ordered.Any(c => c.Type == TransactionType.Bonus && ratios.TryGetValue(c.Id, out var e) && e.RatioOld > 0m && e.RatioNew > 0m))
            {
                whole.Add(group.Key);
                continue;
            }
            // (id, units acquired restated to now, units left): FifoBook's quantities without the money.
            var lots = new List<(Guid Id, decimal Acquired, decimal Left)>();
            var head = 0;
            foreach (var c in ordered)
            {
                switch (c.Type)
                {
                    case TransactionType.Buy or TransactionType.Sip:
                        lots.Add((c.Id, c.Quantity, c.Quantity));
                        break;
                    case TransactionType.Bonus:
                        var units = ratios.TryGetValue(c.Id, out var b) ? b.Quantity : c.Quantity;
                        if (units > 0m) lots.Add((c.Id, units, units));
                        break;
                    case TransactionType.Split when ratios.TryGetValue(c.Id, out var split) && split.RatioOld > 0m && split.RatioNew > 0m:
                        for (var i = head; i < lots.Count; i++)
                        {
                            lots[i] = (lots[i].Id, lots[i].Acquired * split.RatioNew / split.RatioOld, lots[i].Left * split.RatioNew / split.RatioOld);
                        }
                        keep.Add(c.Id);
                        break;
                    case TransactionType.Sell:
                        var unsold = c.Quantity;
                        while (unsold > 0m && head < lots.Count)
                        {
                            var take = Math.Min(unsold, lots[head].Left);
                            unsold -= take;
                            lots[head] = (lots[head].Id, lots[head].Acquired, lots[head].Left - take);
                            if (lots[head].Left == 0m) head++;
                        }
                        break;
                }
            }
            for (var i = head; i < lots.Count; i++)
            {
                keep.Add(lots[i].Id);
                if (lots[i].Left != lots[i].Acquired) cut[lots[i].Id] = lots[i].Left / lots[i].Acquired;
            }
        }

        var keepIds = keep.ToArray();
        var wholeIds = whole.ToArray();
        var rows = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId != null && ids.Contains(t.InvestmentId.Value) && t.Status == TransactionStatus.Completed && t.TransactionDate <= to
                && t.Type != TransactionType.Dividend && t.Type != TransactionType.Interest
                && (t.TransactionDate >= from || keepIds.Contains(t.Id) || wholeIds.Contains(t.InvestmentId.Value)))
            .ToListAsync(cancellationToken);
        return await AssembleAsync(context, ids, rows, cut, charges, cancellationToken);
    }

    /// <summary>The ledgers of <paramref name="investmentIds"/> up to <paramref name="until"/>, in LedgerService order, with their securities.</summary>
    internal static async Task<List<TaxHolding>> HoldingsAsync(SparkDbContext context, IReadOnlyCollection<Guid> investmentIds, DateOnly until,
        CancellationToken cancellationToken)
    {
        if (investmentIds.Count == 0) return [];
        var ids = investmentIds.ToArray();
        var rows = await context.Transactions.AsNoTracking()
            .Where(t => t.InvestmentId != null && ids.Contains(t.InvestmentId.Value) && t.Status == TransactionStatus.Completed && t.TransactionDate <= until)
            .ToListAsync(cancellationToken);
        return await AssembleAsync(context, ids, rows, new Dictionary<Guid, decimal>(), null, cancellationToken);
    }

    /// <summary>Groups <paramref name="rows"/> into holdings in LedgerService order with their securities; cuts the lots in <paramref name="cut"/>.</summary>
    private static async Task<List<TaxHolding>> AssembleAsync(SparkDbContext context, Guid[] ids, List<LedgerTransaction> rows,
        Dictionary<Guid, decimal> cut, ChargeSchedule? charges, CancellationToken cancellationToken)
    {
        var holdings = await context.Investments.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new { i.Id, i.SecurityId, i.Platform }).ToListAsync(cancellationToken);
        var securityIds = holdings.Select(h => h.SecurityId).Distinct().ToArray();
        var securities = await context.Securities.AsNoTracking().Where(s => securityIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var byHolding = rows.GroupBy(r => r.InvestmentId!.Value).ToDictionary(g => g.Key, g => g.ToList());

        var result = new List<TaxHolding>(holdings.Count);
        foreach (var holding in holdings)
        {
            if (!byHolding.TryGetValue(holding.Id, out var ledger) || !securities.TryGetValue(holding.SecurityId, out var security)) continue;
            var facts = Facts(security);
            var ordered = ledger.OrderBy(t => t.TransactionDate).ThenBy(t => LedgerService.Order(t.Type)).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
                .Select(t => cut.TryGetValue(t.Id, out var fraction) ? Cut(ToRow(t), facts, fraction, charges!) : ToRow(t)).ToList();
            result.Add(new TaxHolding(facts, holding.Platform, ordered));
        }
        return result;
    }

    /// <summary>The part <paramref name="fraction"/> of an acquisition that earlier sells left: units, value and charges in proportion, its STT too.</summary>
    private static TaxLedgerRow Cut(TaxLedgerRow row, TaxSecurity security, decimal fraction, ChargeSchedule charges)
    {
        var stt = CapitalGainsEngine.BuyStt(row, security, charges);
        var e = row.Entry;
        return row with
        {
            Entry = e with { Quantity = e.Quantity * fraction, Amount = e.GrossValue * fraction, Charges = e.Charges * fraction },
            Tax = row.Tax * fraction,
            Stt = stt * fraction,
        };
    }

    /// <summary>What the engine needs of a security.</summary>
    public static TaxSecurity Facts(Security security)
    {
        ArgumentNullException.ThrowIfNull(security);
        // Section 2(42A): shares and ETFs trade on NSE or BSE; fund units are redeemed with the fund house (unlisted);
        // a bond is taken as listed when it has an exchange, which the row then says is a guess.
        var listed = security.Type switch
        {
            SecurityType.Stock or SecurityType.Etf => true,
            SecurityType.Bond => security.Exchange is { Length: > 0 },
            _ => false,
        };
        return new TaxSecurity(security.Id, security.Symbol, security.Name, security.Isin, security.Type, Instruments.IsEquityOriented(security), listed,
            Instruments.Charges(security))
        {
            Words = $"{security.Name} {security.Sector} {security.Industry}",
        };
    }

    /// <summary>A ledger row as the engine replays it, with the STT and TDS its metadata records.</summary>
    public static TaxLedgerRow ToRow(LedgerTransaction t)
    {
        ArgumentNullException.ThrowIfNull(t);
        decimal? stt = null, tds = null;
        if (t.Metadata?.RootElement is { ValueKind: JsonValueKind.Object } metadata)
        {
            if (metadata.TryGetProperty("stt", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetDecimal(out var sv) && sv >= 0m) stt = sv;
            if (metadata.TryGetProperty("tds", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetDecimal(out var dv) && dv >= 0m) tds = dv;
        }
        return new TaxLedgerRow(t.Id, t.Type, LedgerService.ToEntry(t), t.Tax, stt, tds);
    }
}
