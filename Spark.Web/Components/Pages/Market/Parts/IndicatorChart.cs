using Spark.Core.Time;
using Spark.Web.Services.Analysis;

namespace Spark.Web.Components.Pages.Market.Parts;

/// <summary>The price chart's indicator overlays (SMA, EMA, Bollinger Bands) and the RSI and MACD panes beneath it (decision 0060).</summary>
public static class IndicatorChart
{
    /// <summary>The chips, in order: key, label, and whether it is drawn over the price (else a pane of its own).</summary>
    public static IReadOnlyList<(string Key, string Label, bool Overlay)> Choices { get; } =
    [
        ("sma20", "SMA 20", true), ("sma50", "SMA 50", true), ("sma200", "SMA 200", true),
        ("ema20", "EMA 20", true), ("ema50", "EMA 50", true), ("bollinger", "Bollinger 20, 2", true),
        ("rsi", "RSI 14", false), ("macd", "MACD 12, 26, 9", false),
    ];

    private static readonly Dictionary<string, string> Colours = new()
    {
        ["sma20"] = "#f9a825", ["sma50"] = "#6a1b9a", ["sma200"] = "#1565c0", ["ema20"] = "#ef6c00", ["ema50"] = "#00897b",
        ["bollingerUpper"] = "#8d6e63", ["bollingerMiddle"] = "#a1887f", ["bollingerLower"] = "#8d6e63",
    };

    /// <summary>The overlay series the chosen chips ask for, as ApexCharts line series, with their colours.</summary>
    public static IReadOnlyList<(object Series, string Colour)> Overlays(IndicatorSeries? series, IReadOnlySet<string> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var result = new List<(object, string)>();
        if (series is null) return result;
        foreach (var (key, label, overlay) in Choices)
        {
            if (!overlay || !chosen.Contains(key)) continue;
            if (key == "bollinger")
            {
                result.Add((Line(series, "bollingerUpper", "Upper band"), Colours["bollingerUpper"]));
                result.Add((Line(series, "bollingerMiddle", "Middle band (SMA 20)"), Colours["bollingerMiddle"]));
                result.Add((Line(series, "bollingerLower", "Lower band"), Colours["bollingerLower"]));
            }
            else
            {
                result.Add((Line(series, key, label), Colours[key]));
            }
        }

        return result;
    }

    /// <summary>The RSI pane: 0–100 with the 30 and 70 lines.</summary>
    public static object RsiOptions(IndicatorSeries series, bool dark, (DateOnly From, DateOnly To)? window) => new
    {
        chart = Chart("line"),
        theme = new { mode = dark ? "dark" : "light" },
        grid = new { borderColor = dark ? "#353a48" : "#e0e3eb" },
        xaxis = Axis(window),
        tooltip = new { x = new { format = "dd MMM yyyy" } },
        series = new[] { Line(series, "rsi14", "RSI 14") },
        colors = new[] { "#6a1b9a" },
        stroke = new { width = 1.5, curve = "straight" },
        dataLabels = new { enabled = false },
        yaxis = new { min = 0, max = 100, tickAmount = 4, decimalsInFloat = 0 },
        annotations = new
        {
            yaxis = new object[]
            {
                new { y = 70, borderColor = ChartData.Loss, label = new { text = "70 overbought", style = new { fontSize = "10px" } } },
                new { y = 30, borderColor = ChartData.Gain, label = new { text = "30 oversold", style = new { fontSize = "10px" } } },
            },
        },
    };

    /// <summary>The MACD pane: the line, its signal and the histogram.</summary>
    public static object MacdOptions(IndicatorSeries series, bool dark, (DateOnly From, DateOnly To)? window) => new
    {
        chart = Chart("line"),
        theme = new { mode = dark ? "dark" : "light" },
        grid = new { borderColor = dark ? "#353a48" : "#e0e3eb" },
        xaxis = Axis(window),
        tooltip = new { x = new { format = "dd MMM yyyy" } },
        series = new[] { Line(series, "macdHistogram", "Histogram", "bar"), Line(series, "macd", "MACD"), Line(series, "macdSignal", "Signal") },
        colors = new[] { "#90a4ae", "#1565c0", "#ef6c00" },
        stroke = new { width = new[] { 0, 1.5, 1.5 }, curve = "straight" },
        dataLabels = new { enabled = false },
        yaxis = new { decimalsInFloat = 2 },
    };

    private static object Chart(string type) => new
    {
        type,
        background = "transparent",
        fontFamily = "inherit",
        animations = new { enabled = false },
        toolbar = new { show = false },
        zoom = new { enabled = false },
    };

    private static Dictionary<string, object> Axis((DateOnly From, DateOnly To)? window)
    {
        var axis = new Dictionary<string, object>
        {
            ["type"] = "datetime",
            ["labels"] = new { datetimeUTC = true, datetimeFormatter = new { year = "yyyy", month = "MMM 'yy", day = "dd MMM" } },
            ["tooltip"] = new { enabled = false },
        };
        if (window is { } w)
        {
            axis["min"] = Millis(w.From);
            axis["max"] = Millis(w.To);
        }

        return axis;
    }

    private static object Line(IndicatorSeries series, string key, string name, string type = "line")
    {
        var values = series.Series.GetValueOrDefault(key) ?? [];
        var points = new List<object[]>(values.Length);
        for (var i = 0; i < values.Length && i < series.Dates.Length; i++)
        {
            if (values[i] is { } v) points.Add([Millis(series.Dates[i]), Math.Round(v, 2)]);
        }

        return new { name, type, data = points };
    }

    // Trade dates at 00:00 written as UTC, as ChartData does, so the chart's UTC labels read as India dates.
    private static long Millis(DateOnly date) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>The window an indicator read covers for a range: its dates, or all history from <paramref name="first"/>.</summary>
    public static (DateOnly From, DateOnly To) Window(ChartRange range, TimeProvider clock, DateOnly? first)
    {
        var today = IndiaTime.Today(clock);
        return (ChartData.Since(range, today) ?? first ?? today.AddYears(-10), today);
    }
}
