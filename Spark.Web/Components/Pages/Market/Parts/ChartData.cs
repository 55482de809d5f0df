using System.Globalization;
using Spark.Core.Time;
using Spark.Web.Services.Market;

namespace Spark.Web.Components.Pages.Market.Parts;

public enum ChartRange { OneDay, OneWeek, OneMonth, SixMonths, OneYear, FiveYears, Max }

public enum ChartMode { Line, Candles }

/// <summary>Which bars a chart range reads and how they become an ApexCharts figure.</summary>
public static class ChartData
{
    public const string Gain = "#1b7a3a";
    public const string Loss = "#c62828";

    public static IReadOnlyList<ChartRange> Ranges { get; } = Enum.GetValues<ChartRange>();

    public static string Label(ChartRange range) => range switch
    {
        ChartRange.OneDay => "1D",
        ChartRange.OneWeek => "1W",
        ChartRange.OneMonth => "1M",
        ChartRange.SixMonths => "6M",
        ChartRange.OneYear => "1Y",
        ChartRange.FiveYears => "5Y",
        _ => "Max",
    };

    public static string Period(ChartRange range) => range switch
    {
        ChartRange.OneDay => "the latest session",
        ChartRange.OneWeek => "the last week",
        ChartRange.OneMonth => "the last month",
        ChartRange.SixMonths => "the last 6 months",
        ChartRange.OneYear => "the last year",
        ChartRange.FiveYears => "the last 5 years",
        _ => "all its history",
    };

    /// <summary>The first trade date a daily range covers, counted back from <paramref name="today"/>; null for all history.</summary>
    public static DateOnly? Since(ChartRange range, DateOnly today) => range switch
    {
        ChartRange.OneWeek => today.AddDays(-7),
        ChartRange.OneMonth => today.AddMonths(-1),
        ChartRange.SixMonths => today.AddMonths(-6),
        ChartRange.OneYear => today.AddYears(-1),
        ChartRange.FiveYears => today.AddYears(-5),
        ChartRange.OneDay => today,
        _ => null,
    };

    /// <summary>Years of daily bars are more points than a chart can show: those ranges are drawn week by week.</summary>
    public static bool IsWeekly(ChartRange range) => range is ChartRange.FiveYears or ChartRange.Max;

    /// <summary>Daily bars folded into weeks (Monday to Sunday): first open, highest high, lowest low, last close, summed volume.</summary>
    public static IReadOnlyList<BarView> Weekly(IReadOnlyList<BarView> daily)
    {
        ArgumentNullException.ThrowIfNull(daily);
        return [.. daily
            .GroupBy(b => WeekStart(DateOnly.FromDateTime(b.Timestamp.DateTime)))
            .Select(week =>
            {
                var bars = week.ToList();
                return new BarView(bars[0].Timestamp, bars[0].Open, bars.Max(b => b.High), bars.Min(b => b.Low), bars[^1].Close, bars.Sum(b => b.Volume));
            })];
    }

    /// <summary>
    /// The latest minute bar updated by a live price: a tick in the bar's minute moves its close (and widens its range),
    /// a tick in a later minute of the same session opens a new bar. Ticks of another day are ignored.
    /// </summary>
    public static IReadOnlyList<BarView> WithTick(IReadOnlyList<BarView> minutes, decimal price, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        if (minutes.Count == 0) return minutes;
        var last = minutes[^1];
        var ist = IndiaTime.ToIst(at);
        var minute = new DateTimeOffset(ist.Year, ist.Month, ist.Day, ist.Hour, ist.Minute, 0, ist.Offset);
        if (minute.Date != last.Timestamp.Date || minute < last.Timestamp) return minutes;
        if (minute == last.Timestamp)
        {
            return [.. minutes.Take(minutes.Count - 1), last with { High = Math.Max(last.High, price), Low = Math.Min(last.Low, price), Close = price }];
        }

        return [.. minutes, new BarView(minute, last.Close, Math.Max(last.Close, price), Math.Min(last.Close, price), price, 0)];
    }

    /// <summary>ApexCharts options for the bars (IST wall-clock times, since the chart labels its axis in UTC).</summary>
    /// <param name="window">The dates the range covers, so a range with few bars still reads as that range; null to fit the bars.</param>
    public static object Options(IReadOnlyList<BarView> bars, ChartMode mode, bool intraday, bool dark, string seriesName,
        (DateOnly From, DateOnly To)? window = null, Spark.Core.Formatting.NumberGrouping grouping = Spark.Core.Formatting.NumberGrouping.Indian,
        IReadOnlyList<(object Series, string Colour)>? overlays = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        overlays ??= [];
        var rising = bars.Count == 0 || bars[^1].Close >= bars[0].Open;
        var chart = new
        {
            type = mode == ChartMode.Candles ? "candlestick" : "area",
            background = "transparent",
            fontFamily = "inherit",
            animations = new { enabled = false },
            toolbar = new { show = false },
            zoom = new { enabled = false },
        };
        var xaxis = new Dictionary<string, object>
        {
            ["type"] = "datetime",
            ["labels"] = new { datetimeUTC = true, datetimeFormatter = new { year = "yyyy", month = "MMM 'yy", day = "dd MMM", hour = "HH:mm" } },
            ["tooltip"] = new { enabled = false },
        };
        if (window is { } w)
        {
            // ApexCharts reads a null bound as the epoch: bounds are given or left out, never null.
            xaxis["min"] = Millis(w.From);
            xaxis["max"] = Millis(w.To);
        }

        // Paise matter on a ₹95 share, not on a ₹3,00,000 coin.
        var decimals = bars.Count > 0 && bars.Max(b => b.High) >= 1000m ? 0 : 2;
        // Axis labels in the reader's compact form ("₹96.74 L", "₹9.67 M"): decision 0054.
        var axisFormatter = grouping == Spark.Core.Formatting.NumberGrouping.International ? "compact-intl" : "compact";
        var tooltip = new { x = new { format = intraday ? "dd MMM, HH:mm" : "dd MMM yyyy" } };
        var theme = new { mode = dark ? "dark" : "light" };
        var grid = new { borderColor = dark ? "#353a48" : "#e0e3eb" };
        if (mode == ChartMode.Candles)
        {
            return new
            {
                chart,
                theme,
                grid,
                xaxis,
                tooltip,
                series = new object[] { new { name = seriesName, type = "candlestick", data = bars.Select(b => new { x = Millis(b.Timestamp), y = new[] { b.Open, b.High, b.Low, b.Close } }).ToArray() } }
                    .Concat(overlays.Select(o => o.Series)).ToArray(),
                colors = new[] { Gain }.Concat(overlays.Select(o => o.Colour)).ToArray(),
                stroke = new { width = new[] { 1.0 }.Concat(overlays.Select(_ => 1.5)).ToArray() },
                plotOptions = new { candlestick = new { colors = new { upward = Gain, downward = Loss }, wick = new { useFillColor = true } } },
                yaxis = new { decimalsInFloat = decimals, tooltip = new { enabled = true }, labels = new { formatter = axisFormatter } },
            };
        }

        return new
        {
            chart,
            theme,
            grid,
            xaxis,
            tooltip,
            series = new object[] { new { name = seriesName, type = "area", data = bars.Select(b => new object[] { Millis(b.Timestamp), b.Close }).ToArray() } }
                .Concat(overlays.Select(o => o.Series)).ToArray(),
            colors = new[] { rising ? Gain : Loss }.Concat(overlays.Select(o => o.Colour)).ToArray(),
            stroke = new { width = new[] { 2.0 }.Concat(overlays.Select(_ => 1.5)).ToArray(), curve = "straight" },
            fill = new { type = new[] { "gradient" }.Concat(overlays.Select(_ => "solid")).ToArray(), gradient = new { opacityFrom = 0.35, opacityTo = 0.02 } },
            dataLabels = new { enabled = false },
            yaxis = new { decimalsInFloat = decimals, labels = new { formatter = axisFormatter } },
        };
    }

    public static string Describe(IReadOnlyList<BarView> bars, ChartRange range, string name)
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (bars.Count == 0) return $"{name}: no prices for {Period(range)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{name} over {Period(range)}: from {Spark.Core.Formatting.IndianFormat.Money(bars[0].Open)} to {Spark.Core.Formatting.IndianFormat.Money(bars[^1].Close)}");
    }

    // The wall-clock time in India written as if it were UTC, so the chart's UTC labels read as IST.
    private static long Millis(DateTimeOffset timestamp) =>
        new DateTimeOffset(IndiaTime.ToIst(timestamp).DateTime, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static long Millis(DateOnly date) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
}
