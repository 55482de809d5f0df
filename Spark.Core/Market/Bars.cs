namespace Spark.Core.Market;

/// <summary>
/// An intraday bar or tick snapshot (table market_data, partitioned by month). Daily bars live in
/// <see cref="DailyBar"/>: the schema's key (security_id, timestamp) cannot tell a day from a minute.
/// </summary>
public class MarketBar
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SecurityId { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public decimal? Open { get; set; }
    public decimal? High { get; set; }
    public decimal? Low { get; set; }
    public decimal? Close { get; set; }
    public long? Volume { get; set; }
    public decimal? Bid { get; set; }
    public decimal? Ask { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One trading day's OHLCV for a security, keyed by the Asia/Kolkata trade date (table market_data_daily).</summary>
public class DailyBar
{
    public Guid SecurityId { get; set; }
    public DateOnly TradeDate { get; set; }
    public decimal Open { get; set; }
    public decimal High { get; set; }
    public decimal Low { get; set; }
    public decimal Close { get; set; }
    public long Volume { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
