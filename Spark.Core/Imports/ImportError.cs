using System.Globalization;

namespace Spark.Core.Imports;

/// <summary>A problem with one row of an import file; <paramref name="Row"/> is 1 for the header or the file as a whole.</summary>
public sealed record ImportError(int Row, string Message)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Row {Row}: {Message}");
}
