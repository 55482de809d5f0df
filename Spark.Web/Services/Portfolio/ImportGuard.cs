namespace Spark.Web.Services.Portfolio;

/// <summary>
/// One import at a time per investor, on every instance: an <see cref="AdvisoryLock"/> named by the investor, held on
/// a connection of its own for as long as the import runs. The lock goes with the session, so an instance that dies
/// mid-import frees it. Broker syncs write through imports, so they queue behind an investor's upload and vice versa.
/// </summary>
public static class ImportGuard
{
    private static string Name(Guid userId) => "spark_import:" + userId.ToString("D");

    /// <summary>The lock's key: 64 bits of a hash of the investor's id, apart from the 32-bit hashtext keys the schema's triggers use.</summary>
    public static long Key(Guid userId) => AdvisoryLock.Key(Name(userId));

    /// <returns>The held guard, or null when another import of this investor holds it.</returns>
    public static Task<AdvisoryLock?> TryTakeAsync(string connectionString, Guid userId, CancellationToken cancellationToken) =>
        AdvisoryLock.TryTakeAsync(connectionString, Name(userId), cancellationToken);

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the investor's other import (or sync) to finish; a broker sync uses this,
    /// where a person's upload is told to try again instead.
    /// </summary>
    /// <returns>The held guard, or null if the other import still runs after the wait.</returns>
    public static Task<AdvisoryLock?> TakeAsync(string connectionString, Guid userId, TimeSpan wait, TimeProvider clock, CancellationToken cancellationToken) =>
        AdvisoryLock.TakeAsync(connectionString, Name(userId), wait, clock, cancellationToken);
}
