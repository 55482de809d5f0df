using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Spark.Data.Conversions;

/// <summary>Enums are stored as the schema's snake_case words (StopLoss ↔ "stop_loss").</summary>
public static class SnakeCaseEnum
{
    public static string ToStored<TEnum>(TEnum value) where TEnum : struct, Enum => ToSnakeCase(value.ToString());

    public static TEnum FromStored<TEnum>(string stored) where TEnum : struct, Enum =>
        Lookup<TEnum>.ByStored.TryGetValue(stored, out var value)
            ? value
            : throw new InvalidOperationException($"'{stored}' is not a stored value of {typeof(TEnum).Name}.");

    public static IReadOnlyList<string> StoredValues(Type enumType) =>
        Enum.GetNames(enumType).Select(ToSnakeCase).ToArray();

    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    private static class Lookup<TEnum> where TEnum : struct, Enum
    {
        public static readonly Dictionary<string, TEnum> ByStored =
            Enum.GetValues<TEnum>().ToDictionary(v => ToSnakeCase(v.ToString()), StringComparer.Ordinal);
    }
}

public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => SnakeCaseEnum.ToStored(v),
    v => SnakeCaseEnum.FromStored<TEnum>(v))
    where TEnum : struct, Enum;
