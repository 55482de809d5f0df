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
        var from = year.From;
        var to = until < year.To ? until : year.To;
        var sold = await context.Transactions.AsNoTracking()
            .Where(t => t.Type == TransactionType.Sell && t.Status == TransactionStatus.Completed && t.InvestmentId != null
                && t.TransactionDate >= from && t.TransactionDate <= to)
            .Select(t => t.InvestmentId!.Value).Distinct().ToListAsync(cancellationToken);
        var holdings = await HoldingsAsync(context, sold, to, cancellationToken);

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
            schedule.Value,
            page,
            pageSize);
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
        var holdings = await context.Investments.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new { i.Id, i.SecurityId, i.Platform }).ToListAsync(cancellationToken);
        var securityIds = holdings.Select(h => h.SecurityId).Distinct().ToArray();
        var securities = await context.Securities.AsNoTracking().Where(s => securityIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var byHolding = rows.GroupBy(r => r.InvestmentId!.Value).ToDictionary(g => g.Key, g => g.ToList());

        var result = new List<TaxHolding>(holdings.Count);
        foreach (var holding in holdings)
        {
            if (!byHolding.TryGetValue(holding.Id, out var ledger) || !securities.TryGetValue(holding.SecurityId, out var security)) continue;
            var ordered = ledger.OrderBy(t => t.TransactionDate).ThenBy(t => LedgerService.Order(t.Type)).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
                .Select(ToRow).ToList();
            result.Add(new TaxHolding(Facts(security), holding.Platform, ordered));
        }
        return result;
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
