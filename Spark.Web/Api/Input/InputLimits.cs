namespace Spark.Web.Api.Input;

/// <summary>What any request value may be, before a field's own rule (decision 0037).</summary>
public static class InputLimits
{
    /// <summary>
    /// Dates before and after this window are typing mistakes or probes; outside it, offsets and "a year before" arithmetic can leave
    /// the range .NET and PostgreSQL hold, so they are refused at the door.
    /// </summary>
    public static readonly DateOnly FirstDate = new(1900, 1, 1);

    public static readonly DateOnly LastDate = new(2100, 12, 31);

    public const string DateRange = "Use a date from 1900-01-01 to 2100-12-31.";

    /// <summary>No free-text field holds more; varchar columns carry their own, smaller, limits.</summary>
    public const int MaxText = 4000;

    /// <summary>Query and route values are names, words, numbers and dates: none is longer.</summary>
    public const int MaxQueryValue = 255;

    public const string NoNul = "Remove the NUL character (\\u0000): text cannot hold it.";

    public static bool InRange(DateOnly date) => date >= FirstDate && date <= LastDate;

    public static bool InRange(DateTimeOffset at) => at.Year >= FirstDate.Year && at.Year <= LastDate.Year;

    public static bool InRange(DateTime at) => at.Year >= FirstDate.Year && at.Year <= LastDate.Year;
}
