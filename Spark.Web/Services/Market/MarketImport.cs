using Spark.Core.Imports;
using Spark.Core.Market;
using Spark.Web.Endpoints;
using Spark.Web.Security;

namespace Spark.Web.Services.Market;

using Security = Spark.Core.Market.Security;

/// <summary>Real price history from a CSV of OHLCV rows: every bad row reported, the good ones stored.</summary>
public sealed class MarketImport(MarketDataService market, AuditTrail audit)
{
    public async Task<BarImportResponse> ImportAsync(Security security, Stream csv, Guid? byUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(security);
        var parsed = BarCsv.Parse(csv);
        var daily = parsed.Rows.Where(r => r.TradeDate is not null)
            .Select(r => new DayBar(security.Id, r.TradeDate!.Value, r.Open, r.High, r.Low, r.Close, r.Volume)).ToList();
        var minutes = parsed.Rows.Where(r => r.TradeDate is null && r.Timestamp is not null)
            .Select(r => new MinuteBar(security.Id, r.Timestamp!.Value.ToUniversalTime(), r.Open, r.High, r.Low, r.Close, r.Volume)).ToList();
        await market.WriteDailyAsync(daily, publish: minutes.Count == 0, cancellationToken);
        await market.WriteMinutesAsync(minutes, publish: true, cancellationToken);
        await audit.RecordAsync(AuditActions.MarketBarsPosted, byUser, entityType: "security", entityId: security.Id,
            details: new { security.Symbol, daily = daily.Count, intraday = minutes.Count, rejected = parsed.Errors.Count, source = "csv" },
            cancellationToken: cancellationToken);
        return new BarImportResponse(daily.Count + minutes.Count, parsed.Errors);
    }
}
