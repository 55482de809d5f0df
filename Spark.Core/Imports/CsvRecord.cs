namespace Spark.Core.Imports;

/// <summary>One item of a file read row by row: a good row, or one problem with a row (a row may yield several).</summary>
public readonly record struct CsvRecord<T>(T? Row, ImportError? Error)
    where T : class;
