using Microsoft.EntityFrameworkCore;
using Spark.Core.Platforms;
using Spark.Data;

namespace Spark.Web.Services.Admin;

public sealed record SyncConnectionCount(string Platform, string Status, int Count);

public sealed record SyncPlatformFailures(string Platform, int FailedLast24Hours, string? LastError, DateTimeOffset? LastErrorAt);

public sealed record SyncFailure(Guid SyncLogId, string Email, string Platform, DateTimeOffset At, string? Error);

/// <summary>Broker sync health: connections by platform and status, failures per platform in the last 24 h, the most recent failures.</summary>
public sealed record SyncHealth(IReadOnlyList<SyncConnectionCount> Connections, IReadOnlyList<SyncPlatformFailures> Platforms,
    IReadOnlyList<SyncFailure> RecentFailures, DateTimeOffset Since);

/// <summary>
/// The back office's view of broker syncs (decision 0043), read for admins and support alike: counts and errors from
/// platform_connections and sync_logs across all users (system scope). Never a key, a secret or a token: only the
/// platform, status, the error text Spark wrote and the account's email.
/// </summary>
public sealed class AdminSyncHealthService(SparkDb db, TimeProvider clock)
{
    public const int RecentFailureCount = 20;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public async Task<SyncHealth> GetAsync(CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow() - Window;
        await using var context = db.ForSystem("back office: broker sync health");
        var connections = await context.PlatformConnections.AsNoTracking()
            .GroupBy(c => new { c.Platform, c.Status })
            .Select(g => new { g.Key.Platform, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var failures = from s in context.SyncLogs.AsNoTracking()
                       join c in context.PlatformConnections on s.ConnectionId equals c.Id
                       where s.Status == SyncStatus.Failed
                       select new { s.Id, c.Platform, c.UserId, s.ErrorMessage, At = s.CompletedAt ?? s.StartedAt, s.CreatedAt };
        var perPlatform = await failures.Where(f => f.CreatedAt >= since).GroupBy(f => f.Platform)
            .Select(g => new { Platform = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        // The last error per broker, whenever it was (not only in the window).
        var lastErrors = await failures.GroupBy(f => f.Platform)
            .Select(g => g.OrderByDescending(f => f.CreatedAt).Select(f => new { f.Platform, f.ErrorMessage, f.At }).First())
            .ToListAsync(cancellationToken);
        var recent = await (from f in failures
                            join u in context.Users on f.UserId equals u.Id
                            orderby f.CreatedAt descending, f.Id descending
                            select new { f.Id, Email = u.Email!, f.Platform, f.At, f.ErrorMessage })
            .Take(RecentFailureCount).ToListAsync(cancellationToken);

        var platforms = connections.Select(c => c.Platform).Concat(lastErrors.Select(e => e.Platform)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(p =>
            {
                var last = lastErrors.FirstOrDefault(e => e.Platform == p);
                return new SyncPlatformFailures(p, perPlatform.FirstOrDefault(f => f.Platform == p)?.Count ?? 0, last?.ErrorMessage, last?.At);
            }).ToList();
        return new SyncHealth(
            [.. connections.OrderBy(c => c.Platform, StringComparer.Ordinal).ThenBy(c => c.Status)
                .Select(c => new SyncConnectionCount(c.Platform, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(c.Status.ToString()), c.Count))],
            platforms,
            [.. recent.Select(r => new SyncFailure(r.Id, r.Email, r.Platform, r.At, r.ErrorMessage))],
            since);
    }
}
