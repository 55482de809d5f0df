namespace Spark.Core.Time;

/// <summary>Asia/Kolkata: the zone of market rules, trade dates and plan runs. Storage stays UTC.</summary>
public static class IndiaTime
{
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    public static DateTimeOffset ToIst(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>Today's date in India (the trade date of anything done now).</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(ToIst(clock.GetUtcNow()).DateTime);
}
