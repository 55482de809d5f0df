namespace Spark.Web.Components.Shared;

/// <summary>
/// A server-data grid's load that answers for the filters as they are when it finishes. MudBlazor shows whichever
/// load returns last, and a load begun before the filters changed (the first page still out while the user types a
/// search) can return after the new one and put the unfiltered rows back over the search. Each load therefore reads
/// the filters it asked with, and asks again while they changed under it.
/// </summary>
public static class CurrentFilters
{
    /// <param name="filters">The page's filters as a value with value equality (a tuple or a record of scalars).</param>
    /// <param name="load">The query for the filters as they are when it is called.</param>
    public static async Task<T> LoadAsync<TFilters, T>(Func<TFilters> filters, Func<Task<T>> load)
    {
        while (true)
        {
            var asked = filters();
            var result = await load();
            if (EqualityComparer<TFilters>.Default.Equals(asked, filters())) return result;
        }
    }
}
