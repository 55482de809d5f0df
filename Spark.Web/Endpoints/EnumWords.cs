using System.Text.Json;

namespace Spark.Web.Endpoints;

/// <summary>Enum values as the API spells them (snake_case words, as in JSON), for query strings.</summary>
public static class EnumWords
{
    public static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(JsonNamingPolicy.SnakeCaseLower.ConvertName(candidate.ToString()), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
