using System.Globalization;
using Spark.Web.Services.Accounts;

namespace Spark.Web.Services.Notifications;

/// <summary>When a notification arrived, said the way people say it, in the user's own time zone.</summary>
public static class NotificationTime
{
    /// <returns>"just now", "12 min ago", "today 14:05", "yesterday 09:30", or the date and time.</returns>
    public static string Relative(DateTimeOffset at, DateTimeOffset now, DisplayPreferences display)
    {
        ArgumentNullException.ThrowIfNull(display);
        var ago = now - at;
        if (ago < TimeSpan.FromMinutes(1)) return "just now";
        if (ago < TimeSpan.FromHours(1)) return string.Create(CultureInfo.InvariantCulture, $"{(int)ago.TotalMinutes} min ago");
        var local = TimeZoneInfo.ConvertTime(at, display.TimeZone);
        var today = TimeZoneInfo.ConvertTime(now, display.TimeZone).Date;
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        if (local.Date == today) return "today " + time;
        if (local.Date == today.AddDays(-1)) return "yesterday " + time;
        return display.DateTime(at);
    }
}
