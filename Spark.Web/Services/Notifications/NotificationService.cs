using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Notifications;
using Spark.Data;
using Spark.Web.Services.Portfolio;

namespace Spark.Web.Services.Notifications;

/// <summary>GET /notifications: the list envelope plus how many are unread in all.</summary>
public sealed record NotificationList(IReadOnlyList<NotificationView> Items, int Page, int PageSize, int Total, int UnreadCount);

/// <summary>
/// The in-app notification centre (user_notifications): stores what the user wants to hear about, pushes it live
/// through <see cref="INotificationFeed"/> (open bells and the notification hub), and marks it read.
/// Safe to use as a singleton: one context per call.
/// </summary>
public sealed class NotificationService(SparkDb db, INotificationFeed feed, TimeProvider clock)
{
    /// <returns>The stored notification, or null when the user turned that kind off (nothing stored, nothing pushed).</returns>
    /// <param name="link">An app path such as /orders/{id}; anything that could leave the app is refused.</param>
    public Task<NotificationView?> NotifyAsync(Guid userId, string type, string title, string message, string? link,
        CancellationToken cancellationToken = default) =>
        NotifyAsync(userId, type, title, message, link, null, cancellationToken);

    /// <summary>As above, with details for the code that sent it to read back later (stored as the row's metadata JSON).</summary>
    public async Task<NotificationView?> NotifyAsync(Guid userId, string type, string title, string message, string? link,
        System.Text.Json.JsonDocument? metadata, CancellationToken cancellationToken = default)
    {
        Check(type, title, message, link);

        await using var context = db.ForUser(userId);
        var preferences = await context.UserPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken)
            ?? new UserPreferences { UserId = userId };
        if (!NotificationKinds.IsWanted(type, preferences)) return null;

        var row = Row(userId, type, title, message, link, metadata);
        context.Notifications.Add(row);
        await context.SaveChangesAsync(cancellationToken);
        var unread = (await UnreadForPushAsync(context, [userId], cancellationToken)).GetValueOrDefault(userId);
        var view = View(row);
        feed.Publish(new NotificationChange(userId, view, unread));
        return view;
    }

    /// <summary>
    /// Many notifications, of many users, in one unit of work: one read of their preferences, one insert, one count of
    /// unread per user, then a push for each. The outbox sends through this; like the outbox, it does not wait for its
    /// own flush to disk (a notification lost to a crash is not worth a second fsync per order).
    /// </summary>
    /// <returns>How many were stored (the rest were turned off by their users).</returns>
    public async Task<int> NotifyManyAsync(IReadOnlyList<PendingNotification> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var n in batch) Check(n.Type, n.Title, n.Message, n.Link);
        if (batch.Count == 0) return 0;
        var users = batch.Select(n => n.UserId).Distinct().ToArray();
        await using var context = db.ForSystem("notifications: outbox");
        var preferences = await context.UserPreferences.AsNoTracking().Where(p => users.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, cancellationToken);
        var rows = batch.Where(n => NotificationKinds.IsWanted(n.Type, preferences.GetValueOrDefault(n.UserId) ?? new UserPreferences { UserId = n.UserId }))
            .Select(n => Row(n.UserId, n.Type, n.Title, n.Message, n.Link, null)).ToList();
        if (rows.Count == 0) return 0;
        await using (var tx = await context.Database.BeginTransactionAsync(cancellationToken))
        {
            await context.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = off", cancellationToken);
            context.Notifications.AddRange(rows);
            await context.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        var notified = rows.Select(r => r.UserId).Distinct().ToArray();
        var unread = await UnreadForPushAsync(context, notified, cancellationToken);
        foreach (var row in rows) feed.Publish(new NotificationChange(row.UserId, View(row), unread.GetValueOrDefault(row.UserId)));
        return rows.Count;
    }

    /// <summary>Pushes notifications the outbox stored (after its commit): each to its user's open bells and hub clients, with the unread count.</summary>
    internal async Task PushAsync(SparkDbContext context, IReadOnlyList<UserNotification> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        var unread = await UnreadForPushAsync(context, [.. rows.Select(r => r.UserId).Distinct()], cancellationToken);
        foreach (var row in rows) feed.Publish(new NotificationChange(row.UserId, View(row), unread.GetValueOrDefault(row.UserId)));
    }

    /// <summary>The notification an outbox row becomes: the same id, so a second delivery of the row stores nothing.</summary>
    internal static UserNotification FromOutbox(NotificationOutboxEntry entry) => new()
    {
        Id = entry.Id, UserId = entry.UserId, Type = entry.Type, Title = entry.Title, Message = entry.Message, Link = entry.Link, CreatedAt = entry.CreatedAt,
    };

    internal static void Check(string type, string title, string message, string? link)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(message);
        if (type.Length > 50) throw new ArgumentException("A notification type has at most 50 characters.", nameof(type));
        if (link is not null && (!link.StartsWith('/') || link.StartsWith("//", StringComparison.Ordinal) || link.Contains('\\', StringComparison.Ordinal) || link.Length > 255))
        {
            throw new ArgumentException("A notification links to a path inside Spark, such as /orders/{id}.", nameof(link));
        }
    }

    private UserNotification Row(Guid userId, string type, string title, string message, string? link, System.Text.Json.JsonDocument? metadata) => new()
    {
        UserId = userId,
        Type = type,
        Title = title.Length > 255 ? title[..255] : title,
        Message = message,
        Link = link,
        Metadata = metadata,
        CreatedAt = clock.GetUtcNow(),
    };

    public async Task<NotificationList> ListAsync(Guid userId, int page, int pageSize, bool unreadOnly, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        await using var context = db.ForUser(userId);
        var mine = context.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        var shown = unreadOnly ? mine.Where(n => !n.IsRead) : mine;
        var total = await shown.CountAsync(cancellationToken);
        var unread = unreadOnly ? total : await mine.CountAsync(n => !n.IsRead, cancellationToken);
        var items = await shown.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new NotificationView(n.Id, n.Type, n.Title, n.Message, n.Link, n.IsRead, n.CreatedAt, n.ReadAt))
            .ToListAsync(cancellationToken);
        return new NotificationList(items, page, pageSize, total, unread);
    }

    public async Task<int> UnreadCountAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await context.Notifications.CountAsync(n => n.UserId == userId && !n.IsRead, cancellationToken);
    }

    /// <returns>False when there is no such notification of this user's (marking a read one again is fine).</returns>
    public async Task<bool> MarkReadAsync(Guid userId, Guid id, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "mark notifications read");
        await using var context = db.ForUser(userId);
        var now = clock.GetUtcNow();
        var found = await context.Notifications.Where(n => n.Id == id && n.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsRead, true).SetProperty(n => n.ReadAt, n => n.ReadAt ?? now), cancellationToken);
        if (found == 0) return false;
        await PublishCountAsync(context, userId, cancellationToken);
        return true;
    }

    /// <returns>How many were unread and are now read.</returns>
    public async Task<int> MarkAllReadAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        Spark.Core.Accounts.Impersonation.EnsureMayWrite(userId, "mark notifications read");
        await using var context = db.ForUser(userId);
        var now = clock.GetUtcNow();
        var marked = await context.Notifications.Where(n => n.UserId == userId && !n.IsRead)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsRead, true).SetProperty(n => n.ReadAt, now), cancellationToken);
        await PublishCountAsync(context, userId, cancellationToken);
        return marked;
    }

    private async Task PublishCountAsync(SparkDbContext context, Guid userId, CancellationToken cancellationToken)
    {
        var unread = (await UnreadForPushAsync(context, [userId], cancellationToken)).GetValueOrDefault(userId);
        feed.Publish(new NotificationChange(userId, null, unread));
    }

    /// <summary>
    /// What a push says is unread: the exact count up to <see cref="PushedUnreadCap"/>, and that cap for anything more
    /// (the bell shows "99+"). Counting stops there, so a push costs the same for a user with ten thousand unread
    /// notifications (an API trader's order events) as for one with ten; the list's <c>unreadCount</c> stays exact.
    /// </summary>
    private static async Task<Dictionary<Guid, int>> UnreadForPushAsync(SparkDbContext context, Guid[] users, CancellationToken cancellationToken) =>
        await context.Database.SqlQuery<UnreadCount>($"""
            SELECT u.id AS user_id,
                   (SELECT count(*) FROM (SELECT 1 FROM user_notifications n WHERE n.user_id = u.id AND NOT n.is_read LIMIT {PushedUnreadCap}) c)::int AS count
            FROM unnest({users}) AS u(id)
            """).ToDictionaryAsync(x => x.UserId, x => x.Count, cancellationToken);

    /// <summary>The most a pushed unread count says (see <see cref="UnreadForPushAsync"/>).</summary>
    public const int PushedUnreadCap = 100;

    private sealed record UnreadCount(Guid UserId, int Count);

    private static NotificationView View(UserNotification n) => new(n.Id, n.Type, n.Title, n.Message, n.Link, n.IsRead, n.CreatedAt, n.ReadAt);
}
