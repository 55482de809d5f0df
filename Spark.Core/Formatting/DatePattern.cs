namespace Spark.Core.Formatting;

/// <summary>The date patterns a user can choose in their preferences, as stored in settings.</summary>
public static class DatePattern
{
    public const string DayMonthYear = "DD/MM/YYYY";
    public const string MonthDayYear = "MM/DD/YYYY";
    public const string Iso = "YYYY-MM-DD";
    public const string DayMonthNameYear = "DD-MMM-YYYY";

    /// <summary>Used when a stored preference is missing or not recognised; it is how dates are written in India.</summary>
    public const string Default = DayMonthYear;

    public static IReadOnlyList<string> All { get; } = [DayMonthYear, MonthDayYear, Iso, DayMonthNameYear];
}
