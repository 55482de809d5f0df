namespace Spark.Core.Market;

/// <summary>
/// What a watchlist may hold (decision 0052). Kite keeps 50 instruments per list (historically 5 lists, 250 in all) and
/// Groww a similar number: <see cref="MaxLists"/> lists of <see cref="MaxSymbols"/> symbols each stays within what a
/// screen can tick live and what a phone can scroll, and still allows 500 symbols in all.
/// </summary>
public static class WatchlistRules
{
    public const int MaxLists = 10;
    public const int MaxSymbols = 50;
    public const int MaxNameLength = 40;

    /// <summary>The name as stored: trimmed, inner runs of white space kept as typed.</summary>
    public static string NormaliseName(string? name) => (name ?? "").Trim();

    /// <summary>Field errors of a list's name (camelCase field "name"); empty when the name is acceptable.</summary>
    public static IEnumerable<string> NameErrors(string? name)
    {
        var trimmed = NormaliseName(name);
        if (trimmed.Length == 0) yield return "Give the list a name.";
        else if (trimmed.Length > MaxNameLength) yield return $"Use at most {MaxNameLength} characters (this name has {trimmed.Length}).";
        if (trimmed.Any(char.IsControl)) yield return "Use letters, digits, spaces and punctuation only.";
    }

    /// <summary>
    /// Field errors of an ordered list of symbols, keyed "symbols" (the list as a whole) or "symbols[i]" (one entry):
    /// blanks, repeats (compared as the catalogue does, case-insensitively) and symbols <paramref name="isListed"/> does not
    /// know, each named. The order given is the order kept.
    /// </summary>
    public static Dictionary<string, string[]> SymbolErrors(IReadOnlyList<string?> symbols, Func<string, bool> isListed)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(isListed);
        var errors = new Dictionary<string, string[]>();
        if (symbols.Count > MaxSymbols)
        {
            errors["symbols"] = [$"A watchlist holds at most {MaxSymbols} symbols; this one has {symbols.Count}. Start another list for the rest."];
            return errors;
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < symbols.Count; i++)
        {
            var symbol = symbols[i]?.Trim() ?? "";
            if (symbol.Length == 0) errors[$"symbols[{i}]"] = ["Give a symbol here, or leave the entry out."];
            else if (seen.TryGetValue(symbol, out var first)) errors[$"symbols[{i}]"] = [$"{symbol} is already in the list (entry {first})."];
            else if (symbol.Length > 50 || symbol.Any(char.IsControl) || !isListed(symbol)) errors[$"symbols[{i}]"] = [$"No listed security has the symbol '{Shown(symbol)}'."];
            if (symbol.Length > 0) seen.TryAdd(symbol, i);
        }

        return errors;
    }

    private static string Shown(string symbol) =>
        new string([.. symbol.Take(50).Select(c => char.IsControl(c) ? '?' : c)]) + (symbol.Length > 50 ? "…" : "");
}
