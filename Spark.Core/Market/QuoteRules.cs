using Spark.Core.Time;

namespace Spark.Core.Market;

/// <summary>How a quote follows from stored bars.</summary>
public static class QuoteRules
{
    private static readonly TimeOnly Close = new(15, 30);

    /// <summary>
    /// The price is the newest close, daily (stamped at the 15:30 IST close) or intraday. The day's change is
    /// measured from the last daily close before the price's own IST date, so on a Saturday the quote still shows
    /// Friday's move, as brokers' screens do.
    /// </summary>
    public static Quote? FromBars(DateOnly? lastDailyDate, decimal? lastDailyClose, decimal? priorDailyClose,
        DateTimeOffset? lastMinuteAt, decimal? lastMinuteClose)
    {
        DateTimeOffset? dailyAt = lastDailyDate is { } d && lastDailyClose is not null
            ? new DateTimeOffset(d.ToDateTime(Close), IndiaTime.Zone.BaseUtcOffset)
            : null;
        var useMinute = lastMinuteAt is { } m && lastMinuteClose is not null && (dailyAt is null || m > dailyAt);
        if (useMinute)
        {
            var minuteDate = DateOnly.FromDateTime(IndiaTime.ToIst(lastMinuteAt!.Value).DateTime);
            var previous = lastDailyDate is { } ld && ld < minuteDate ? lastDailyClose : priorDailyClose;
            return new Quote(lastMinuteClose!.Value, previous, lastMinuteAt.Value);
        }

        return dailyAt is { } at ? new Quote(lastDailyClose!.Value, priorDailyClose, at) : null;
    }
}
