using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spark.Web.Api.Input;

/// <summary>
/// The API's JSON reading of the scalar types every request is made of: a value that no column could hold fails here with a
/// JsonException, which carries the field's path into the 400 answer (DomainExceptionHandler).
/// </summary>
public static class InputConverters
{
    public static void AddTo(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new TextConverter());
        options.Converters.Add(new DecimalConverter());
        // DateTimeOffset is left to the serializer: bodies carry timestamps only where a client echoes a resource back (a
        // fresh user's preferences say createdAt 0001-01-01), and nothing computes with them.
        options.Converters.Add(new DateConverter());
    }

    /// <summary>PostgreSQL text cannot hold NUL (SQLSTATE 22021), and no field is meant to hold a novel.</summary>
    private sealed class TextConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("Send a string.");
            return Check(reader.GetString());
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Check(reader.GetString())!;

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

        private static string? Check(string? text)
        {
            if (text is null) return null;
            if (text.Contains('\0', StringComparison.Ordinal)) throw new JsonException(InputLimits.NoNul);
            if (text.Length > InputLimits.MaxText) throw new JsonException($"Use at most {InputLimits.MaxText} characters.");
            return text;
        }
    }

    private sealed class DecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string text;
            if (reader.TokenType == JsonTokenType.Number)
            {
                text = Encoding.ASCII.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray());
            }
            else if (reader.TokenType == JsonTokenType.String && (options.NumberHandling & JsonNumberHandling.AllowReadingFromString) != 0)
            {
                // The web defaults read "12.5" as a number; the same exactness applies (and "NaN" is no decimal).
                text = reader.GetString()!;
            }
            else
            {
                throw new JsonException(ExactDecimal.NotANumber);
            }

            var why = ExactDecimal.TryRead(text, out var value);
            return why is null ? value : throw new JsonException(why);
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    private sealed class DateConverter : JsonConverter<DateOnly>
    {
        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String
                || !DateOnly.TryParseExact(reader.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new JsonException("Use a date as YYYY-MM-DD.");
            }
            return InputLimits.InRange(date) ? date : throw new JsonException(InputLimits.DateRange);
        }

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
