namespace Spark.Core.Imports;

/// <summary>
/// The errors of one import: all counted, the first <see cref="Limit"/> by row number kept. A file of 200,000 bad
/// rows is answered with its first thousand problems and the totals, not a response as large as the file.
/// </summary>
public sealed class ImportErrorList(int limit)
{
    private readonly HashSet<int> rows = [];
    private List<ImportError> kept = [];

    public int Limit { get; } = limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit));

    /// <summary>Every error added, kept or not.</summary>
    public int Count { get; private set; }

    /// <summary>How many distinct rows have at least one error.</summary>
    public int Rows => rows.Count;

    public void Add(ImportError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Count++;
        rows.Add(error.Row);
        kept.Add(error);
        // Trimmed now and then rather than on every add: a stable sort keeps a row's messages in the order they came.
        if (kept.Count >= 2 * Limit) kept = [.. kept.OrderBy(e => e.Row).Take(Limit)];
    }

    /// <summary>The first <see cref="Limit"/> errors by row number.</summary>
    public IReadOnlyList<ImportError> First() => [.. kept.OrderBy(e => e.Row).Take(Limit)];
}
