using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Spark.Core;
using Spark.Core.Imports;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;
using Spark.Core.Time;
using Spark.Data;
using Spark.Web.Security;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Connections;

/// <summary>
/// Compares the ledger's positions on a connection's platform with what the broker reported at its last completed
/// sync, and on the investor's word writes what closes the gap. Brokers' trade history rarely reaches back to the
/// first purchase (Kite has none; Upstox and Groww go back a few years), so a holding older than the history shows
/// up short. Accepting writes, per instrument:
/// <list type="bullet">
/// <item>ledger short of the broker: an opening balance, a buy of the difference at the broker's average price,
/// dated as the broker reports it or else the day the connection was made, labelled as such;</item>
/// <item>ledger above the broker (a sale Spark never saw, as Kite only lists today's trades): a reconciling sale of
/// the difference today at the broker's last price (or Spark's), labelled as such.</item>
/// </list>
/// Both go through the ledger's import path (locks, replay, lots) keyed by the sync run, so accepting twice writes once.
/// </summary>
public sealed class ReconciliationService(SparkDb db, SecurityCatalog securities, PriceBook prices, LedgerService ledger, AuditTrail audit, TimeProvider clock)
{
    public const string OpeningBalance = "opening_balance";
    public const string ReconcilingSale = "reconciling_sale";
    public const string Unmatched = "unmatched";
    public const string Unpriced = "unpriced";

    /// <returns>Null if the investor has no such connection.</returns>
    public async Task<ReconciliationView?> GetAsync(Guid userId, Guid connectionId, CancellationToken cancellationToken = default)
    {
        var state = await LoadAsync(userId, connectionId, cancellationToken);
        return state is null ? null : new ReconciliationView(connectionId, state.AsOf, state.Lines.Count == 0, state.Lines);
    }

    /// <summary>Writes the entries that bring the ledger to the broker's positions (lines without a security or a price stay for the investor).</summary>
    /// <returns>Null if the investor has no such connection.</returns>
    /// <exception cref="ConflictException">The connection has never completed a sync, so there is nothing to compare with.</exception>
    public async Task<ReconciliationResult?> AcceptAsync(Guid userId, Guid connectionId, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "accept a reconciliation");
        var state = await LoadAsync(userId, connectionId, cancellationToken);
        if (state is null) return null;
        if (state.AsOf is null) throw new ConflictException("Sync this connection first: there are no broker holdings to compare with yet.");
        var name = BrokerNames.Display(state.Platform);
        var rows = new List<CsvRecord<TransactionRow>>();
        var number = 0;
        foreach (var line in state.Lines.Where(l => l.Action is OpeningBalance or ReconcilingSale))
        {
            number++;
            var opening = line.Action == OpeningBalance;
            rows.Add(new CsvRecord<TransactionRow>(new TransactionRow
            {
                RowNumber = number,
                Symbol = line.Symbol,
                Isin = line.Isin,
                Type = opening ? TransactionType.Buy : TransactionType.Sell,
                Quantity = Math.Abs(line.Difference),
                Price = line.Price,
                TransactionDate = line.EntryDate,
                Platform = state.Platform,
                ExternalId = string.Create(CultureInfo.InvariantCulture, $"reconcile:{state.SyncLogId:N}:{line.Symbol}"),
                Description = opening
                    ? $"Opening balance from {name} (reconciliation): units held before the broker's trade history begins, at the broker's average price"
                    : $"Reconciling sale from {name} (reconciliation): units the broker no longer holds, sold at a price Spark did not see (recorded at the last price)",
            }, null));
        }

        var report = rows.Count == 0
            ? new ImportReport(0, 0, [], 0, 0)
            : await ledger.ImportAsync(userId, rows, TimeSpan.FromSeconds(30), cancellationToken);
        await audit.RecordAsync(AuditActions.ReconciliationAccepted, userId, entityType: "platform_connection", entityId: connectionId,
            details: new { written = report.Imported, lines = state.Lines.Count }, cancellationToken: cancellationToken);
        var after = await LoadAsync(userId, connectionId, cancellationToken);
        return new ReconciliationResult(report.Imported, after?.Lines ?? [], report.Errors.Select(e => e.Message).ToList());
    }

    private async Task<State?> LoadAsync(Guid userId, Guid connectionId, CancellationToken cancellationToken)
    {
        await using var context = db.ForUser(userId);
        var connection = await context.PlatformConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        if (connection is null) return null;
        var last = await context.SyncLogs.AsNoTracking().Where(l => l.ConnectionId == connectionId && l.Status == SyncStatus.Completed)
            .OrderByDescending(l => l.CompletedAt).ThenByDescending(l => l.Id).FirstOrDefaultAsync(cancellationToken);
        if (last is null) return new State(connection.Platform, null, Guid.Empty, []);
        var broker = SyncService.Holdings(last);
        var ledgerPositions = await context.Investments.AsNoTracking().Where(i => i.Platform == connection.Platform && i.Quantity != 0m)
            .Select(i => new { i.SecurityId, i.Symbol, i.Name, i.Quantity }).ToListAsync(cancellationToken);
        var today = IndiaTime.Today(clock);
        var connectedOn = DateOnly.FromDateTime(IndiaTime.ToIst(connection.CreatedAt).DateTime);
        var lines = new List<ReconciliationLine>();
        var seen = new HashSet<Guid>();
        foreach (var group in broker.GroupBy(h => h.SecurityId))
        {
            var brokerQuantity = group.Sum(h => h.Quantity);
            var first = group.First();
            if (group.Key is not { } securityId)
            {
                if (brokerQuantity != 0m)
                {
                    lines.Add(new ReconciliationLine(first.Symbol, first.Name ?? first.Symbol, first.Isin, brokerQuantity, 0m, brokerQuantity, null, today, Unmatched,
                        "Spark does not know this instrument, so it cannot hold it; ask us to add it, then sync again."));
                }

                continue;
            }

            seen.Add(securityId);
            var security = await securities.GetAsync(securityId, cancellationToken);
            var held = ledgerPositions.Where(p => p.SecurityId == securityId).Sum(p => p.Quantity);
            var difference = brokerQuantity - held;
            if (difference == 0m || security is null) continue;
            if (difference > 0m)
            {
                var average = group.Sum(h => h.Quantity) == 0m ? 0m : group.Sum(h => h.Quantity * h.AveragePrice) / brokerQuantity;
                var date = first.AsOf is { } asOf && asOf <= today ? asOf : connectedOn <= today ? connectedOn : today;
                lines.Add(average > 0m
                    ? new ReconciliationLine(security.Symbol, security.Name, security.Isin, brokerQuantity, held, difference,
                        decimal.Round(average, 4, MidpointRounding.AwayFromZero), date, OpeningBalance, $"A buy of {difference.ToString("0.########", CultureInfo.InvariantCulture)} at the broker's average price, dated {date:dd MMM yyyy}.")
                    : new ReconciliationLine(security.Symbol, security.Name, security.Isin, brokerQuantity, held, difference, null, date, Unpriced,
                        "The broker gives no average price for this holding; add its purchase by hand."));
            }
            else
            {
                var price = first.LastPrice ?? await PriceAsync(security.Id, cancellationToken);
                lines.Add(price is > 0m
                    ? new ReconciliationLine(security.Symbol, security.Name, security.Isin, brokerQuantity, held, difference,
                        decimal.Round(price.Value, 4, MidpointRounding.AwayFromZero), today, ReconcilingSale, "A sale Spark did not see; recorded today at the last price.")
                    : new ReconciliationLine(security.Symbol, security.Name, security.Isin, brokerQuantity, held, difference, null, today, Unpriced,
                        "No price is known for this sale; record it by hand."));
            }
        }

        // What the ledger holds on this platform that the broker no longer does.
        foreach (var position in ledgerPositions.Where(p => !seen.Contains(p.SecurityId)).GroupBy(p => p.SecurityId))
        {
            var held = position.Sum(p => p.Quantity);
            var security = await securities.GetAsync(position.Key, cancellationToken);
            if (security is null || held == 0m) continue;
            var price = await PriceAsync(security.Id, cancellationToken);
            lines.Add(price is > 0m
                ? new ReconciliationLine(security.Symbol, security.Name, security.Isin, 0m, held, -held, decimal.Round(price.Value, 4, MidpointRounding.AwayFromZero),
                    today, ReconcilingSale, "The broker no longer holds this: a sale Spark did not see, recorded today at the last price.")
                : new ReconciliationLine(security.Symbol, security.Name, security.Isin, 0m, held, -held, null, today, Unpriced,
                    "The broker no longer holds this and no price is known; record the sale by hand."));
        }

        return new State(connection.Platform, last.CompletedAt, last.Id, lines.OrderBy(l => l.Symbol, StringComparer.Ordinal).ToList());
    }

    private async Task<decimal?> PriceAsync(Guid securityId, CancellationToken cancellationToken)
    {
        await prices.EnsureLoadedAsync(cancellationToken);
        return prices.PriceOf(securityId);
    }

    private sealed record State(string Platform, DateTimeOffset? AsOf, Guid SyncLogId, List<ReconciliationLine> Lines);
}
