using Spark.Core.Formatting;
using Spark.Web.Services.Accounts;

namespace Spark.Web.Components.Shared;

/// <summary>
/// The names of the browser-side formatters a chart's options use (wwwroot/js/apexChart.js), chosen by the reader's
/// number grouping: axes in the compact form of <see cref="IndianFormat.Compact"/> ("₹20 L", "₹1.2 Cr"; "₹2 M", "₹1.2 B"),
/// tooltips in full ("₹12,34,567.89"; "₹1,234,567.89"). Options travel as JSON, so they name a formatter rather than carry one.
/// </summary>
public static class ChartFormat
{
    public static string Axis(DisplayPreferences? display) =>
        (display ?? DisplayPreferences.Default).Grouping == NumberGrouping.International ? "compact-intl" : "compact";

    public static string Money(DisplayPreferences? display) =>
        (display ?? DisplayPreferences.Default).Grouping == NumberGrouping.International ? "inr-intl" : "inr";
}
