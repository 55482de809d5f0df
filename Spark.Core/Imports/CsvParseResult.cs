namespace Spark.Core.Imports;

/// <summary>
/// What a file parsed into: the rows that passed validation and an error for each problem found. A file with some bad
/// rows still returns its good ones, so the caller can show both and let the user decide.
/// </summary>
public sealed record CsvParseResult<T>(IReadOnlyList<T> Rows, IReadOnlyList<ImportError> Errors)
{
    public bool HasErrors => Errors.Count > 0;
}
