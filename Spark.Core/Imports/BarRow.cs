namespace Spark.Core.Imports;

/// <summary>
/// One OHLCV bar read from a file: a daily bar has <paramref name="TradeDate"/>, an intraday bar has
/// <paramref name="Timestamp"/>, never both.
/// </summary>
public sealed record BarRow(
    int RowNumber,
    DateOnly? TradeDate,
    DateTimeOffset? Timestamp,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Close,
    long Volume)
{
    public bool IsDaily => TradeDate is not null;
}
