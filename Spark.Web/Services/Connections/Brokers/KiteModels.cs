using System.Globalization;
using System.Text.Json;
using Spark.Core.Time;

namespace Spark.Web.Services.Connections.Brokers;

/// <summary>
/// Reading the brokers' JSON by field name (Kite and Groww both answer snake_case objects whose numbers may come as
/// integers, decimals or, now and then, strings). A field that is missing or of the wrong kind reads as null, so the
/// adapters decide what is required and answer <c>Malformed</c> when it is absent.
/// </summary>
internal static class BrokerJson
{
    public static JsonElement? Field(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>A string field; a number is read as its invariant text (Kite's trade ids are strings, but clients accept numbers).</summary>
    public static string? String(JsonElement item, string name) => Field(item, name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    public static decimal? Decimal(JsonElement item, string name) => Field(item, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetDecimal(out var d) => d,
        { ValueKind: JsonValueKind.String } s when decimal.TryParse(s.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    public static bool IsArray(JsonElement? element) => element is { ValueKind: JsonValueKind.Array };

    /// <summary>
    /// An India wall-clock time as the brokers print it ("2021-05-31 09:16:39", "2023-10-01T10:15:30") to UTC; a
    /// text that carries its own offset ("…+05:30", "…Z") keeps it.
    /// </summary>
    public static DateTimeOffset? IndiaTimestamp(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (HasOffset(text))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset)
                ? withOffset.ToUniversalTime()
                : null;
        }

        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local)) return null;
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, IndiaTime.Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z')) return true;
        // An offset follows the time part: "...T10:15:30+05:30" / "... 10:15:30-0100"; the date's own hyphens come before it.
        var timeStart = text.IndexOfAny(['T', ' ']);
        return timeStart > 0 && text.IndexOfAny(['+', '-'], timeStart) > 0;
    }

    /// <summary>The next 06:00 in India after <paramref name="now"/>: when Kite's and Groww's access tokens expire.</summary>
    public static DateTimeOffset NextIndiaSixAm(DateTimeOffset now)
    {
        var ist = IndiaTime.ToIst(now);
        var sixToday = new DateTimeOffset(ist.Year, ist.Month, ist.Day, 6, 0, 0, ist.Offset);
        return (sixToday > ist ? sixToday : sixToday.AddDays(1)).ToUniversalTime();
    }

    /// <summary>At most <paramref name="length"/> characters of a broker's message, for failures shown to the investor.</summary>
    public static string Clip(string? message, int length = 200) =>
        string.IsNullOrWhiteSpace(message) ? "" : message.Length <= length ? message : message[..length] + "…";
}
