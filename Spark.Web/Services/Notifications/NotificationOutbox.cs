using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Core.Accounts;
using Spark.Core.Notifications;
using Spark.Data;

namespace Spark.Web.Services.Notifications;

/// <summary>A notification to send, queued by work that cannot hand over its transaction (plan runs).</summary>
public sealed record PendingNotification(Guid UserId, string Type, string Title, string Message, string? Link);

/// <summary>Spark:Notifications: whether this instance's dispatcher delivers the outbox (every instance may; rows are claimed).</summary>
public sealed class NotificationOutboxOptions
{
    public const string Section = "Spark:Notifications";

    public bool DispatcherEnabled { get; set; } = true;
}

/// <summary>
/// The notification outbox (table notification_outbox, decision 0056). Order events write their row in the same
/// transaction as the placement, fill or cancel that causes them (<see cref="Add"/>), so a crash after the commit loses
/// nothing; work that cannot pass its transaction <see cref="Post"/>s, and the row is written a moment later. A dispatcher
/// on every instance claims unsent rows (FOR UPDATE SKIP LOCKED), stores each as the user's notification with the same
/// id (ON CONFLICT DO NOTHING: a second delivery stores nothing) and pushes it live. Sent rows are deleted after a day.
/// </summary>
public sealed partial class NotificationOutbox : BackgroundService
{
    private readonly SparkDb db;
    private readonly NotificationService notifications;
    private readonly TimeProvider clock;
    private readonly Hosting.BackgroundLoops loops;
    private readonly IOptions<NotificationOutboxOptions> options;
    private readonly ILogger<NotificationOutbox> log;
    private readonly Channel<PendingNotification> _posted = Channel.CreateBounded<PendingNotification>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private double _lagSeconds;
    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    public NotificationOutbox(SparkDb db, NotificationService notifications, TimeProvider clock, Hosting.BackgroundLoops loops,
        IOptions<NotificationOutboxOptions> options, IMeterFactory meters, ILogger<NotificationOutbox> log)
    {
        ArgumentNullException.ThrowIfNull(meters);
        (this.db, this.notifications, this.clock, this.loops, this.options, this.log) = (db, notifications, clock, loops, options, log);
        var meter = meters.Create("Spark"); // SparkTelemetry.MeterName
        meter.CreateObservableGauge("spark.notifications.outbox.lag", () => Volatile.Read(ref _lagSeconds), "s",
            "Age of the oldest notification not yet delivered, as this instance's dispatcher last saw it");
    }

    /// <summary>How many rows one pass claims.</summary>
    public const int BatchSize = 500;

    /// <summary>A row whose delivery failed this often is left in the table for a person to look at.</summary>
    public const int MaxAttempts = 10;

    /// <summary>How long sent rows are kept (what was delivered, for a look back), and how often the dispatcher looks without being woken.</summary>
    public static readonly TimeSpan KeepSent = TimeSpan.FromDays(1);
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    /// <summary>The loop's name in /health/ready and the log.</summary>
    public const string LoopName = "notification-outbox";

    /// <summary>Age of the oldest undelivered row at the last pass (seconds); 0 when none waits.</summary>
    public double LagSeconds => Volatile.Read(ref _lagSeconds);

    /// <summary>Notifications posted and not yet written to the outbox.</summary>
    public int Queued => _posted.Reader.Count;

    /// <summary>
    /// Adds an outbox row to <paramref name="context"/>, to be saved with the caller's own changes in its transaction (the
    /// context's scope must be the user's, or system work). Call <see cref="Wake"/> after the commit.
    /// </summary>
    public void Add(SparkDbContext context, Guid userId, string type, string title, string message, string? link)
    {
        ArgumentNullException.ThrowIfNull(context);
        NotificationService.Check(type, title, message, link);
        context.NotificationOutbox.Add(Entry(userId, type, title, message, link));
    }

    /// <summary>Something was committed to the outbox: deliver it now rather than at the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>For work that cannot pass its transaction: written to the outbox a moment later (lost only if the process dies first).</summary>
    public void Post(Guid userId, string type, string title, string message, string? link)
    {
        NotificationService.Check(type, title, message, link);
        _posted.Writer.TryWrite(new PendingNotification(userId, type, title, message, link));
        Wake();
    }

    private NotificationOutboxEntry Entry(Guid userId, string type, string title, string message, string? link) => new()
    {
        UserId = userId, Type = type, Title = title.Length > 255 ? title[..255] : title, Message = message, Link = link, CreatedAt = clock.GetUtcNow(),
    };

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loops.RunAsync(LoopName, async cancellationToken =>
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await loops.RetryTransientAsync(LoopName, WritePostedAsync, cancellationToken);
            if (options.Value.DispatcherEnabled)
            {
                await loops.RetryTransientAsync(LoopName, async ct =>
                {
                    while (await DispatchOnceAsync(ct) == BatchSize)
                    {
                    }

                    await MeasureLagAsync(ct);
                    await CleanUpAsync(ct);
                }, cancellationToken);
            }

            // Woken by a local commit; otherwise rows written by other instances (or left by a crash) are found within a poll.
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            poll.CancelAfter(PollEvery);
            try
            {
                await _wake.Reader.ReadAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }, stoppingToken);

    private async Task WritePostedAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingNotification>(BatchSize);
        while (batch.Count < BatchSize && _posted.Reader.TryRead(out var n)) batch.Add(n);
        while (batch.Count > 0)
        {
            await using (var context = db.ForSystem("notifications: outbox"))
            {
                context.NotificationOutbox.AddRange(batch.Select(n => Entry(n.UserId, n.Type, n.Title, n.Message, n.Link)));
                await context.SaveChangesAsync(cancellationToken);
            }

            batch.Clear();
            while (batch.Count < BatchSize && _posted.Reader.TryRead(out var n)) batch.Add(n);
        }
    }

    /// <summary>
    /// One pass: claims up to <see cref="BatchSize"/> unsent rows (skipping those another instance holds), stores the
    /// wanted ones as notifications with the outbox row's id, marks them sent, commits, then pushes what was stored.
    /// </summary>
    /// <returns>How many rows the pass claimed.</returns>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default)
    {
        List<NotificationOutboxEntry> batch;
        List<UserNotification> stored;
        await using var context = db.ForSystem("notifications: outbox dispatch");
        await using (var tx = await context.Database.BeginTransactionAsync(cancellationToken))
        {
            batch = await context.NotificationOutbox.FromSql($"""
                SELECT * FROM notification_outbox WHERE sent_at IS NULL AND attempts < {MaxAttempts}
                ORDER BY created_at LIMIT {BatchSize} FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(cancellationToken);
            if (batch.Count == 0) return 0;
            try
            {
                stored = await StoreAsync(context, batch, cancellationToken);
                var ids = batch.Select(e => e.Id).ToArray();
                var now = clock.GetUtcNow();
                await context.NotificationOutbox.Where(e => ids.Contains(e.Id))
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.SentAt, now), cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }
            catch (Exception e) when (!Hosting.BackgroundLoops.IsTransient(e) && e is not OperationCanceledException)
            {
                await tx.RollbackAsync(CancellationToken.None);
                LogFailed(log, e, batch.Count);
                await CountAttemptAsync(batch, cancellationToken);
                throw;
            }
        }

        await notifications.PushAsync(context, stored, cancellationToken);
        return batch.Count;
    }

    /// <summary>Stores the rows their users want as notifications; a row stored before (a delivery repeated after a crash) is skipped.</summary>
    private static async Task<List<UserNotification>> StoreAsync(SparkDbContext context, List<NotificationOutboxEntry> batch, CancellationToken cancellationToken)
    {
        var users = batch.Select(n => n.UserId).Distinct().ToArray();
        var preferences = await context.UserPreferences.AsNoTracking().Where(p => users.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, cancellationToken);
        var wanted = batch.Where(n => NotificationKinds.IsWanted(n.Type, preferences.GetValueOrDefault(n.UserId) ?? new UserPreferences { UserId = n.UserId }))
            .ToList();
        if (wanted.Count == 0) return [];
        var inserted = (await context.Database.SqlQuery<StoredId>($"""
            INSERT INTO user_notifications (id, user_id, type, title, message, link, created_at)
            SELECT * FROM unnest({wanted.Select(n => n.Id).ToArray()}, {wanted.Select(n => n.UserId).ToArray()}, {wanted.Select(n => n.Type).ToArray()},
                                 {wanted.Select(n => n.Title).ToArray()}, {wanted.Select(n => n.Message).ToArray()}, {wanted.Select(n => n.Link).ToArray()},
                                 {wanted.Select(n => n.CreatedAt).ToArray()})
            ON CONFLICT (id) DO NOTHING
            RETURNING id
            """).ToListAsync(cancellationToken)).Select(r => r.Id).ToHashSet();
        return [.. wanted.Where(n => inserted.Contains(n.Id)).Select(NotificationService.FromOutbox)];
    }

    private sealed record StoredId(Guid Id);

    private async Task CountAttemptAsync(List<NotificationOutboxEntry> batch, CancellationToken cancellationToken)
    {
        try
        {
            var ids = batch.Select(e => e.Id).ToArray();
            await using var context = db.ForSystem("notifications: outbox attempt");
            await context.NotificationOutbox.Where(e => ids.Contains(e.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Attempts, e => e.Attempts + 1), cancellationToken);
        }
#pragma warning disable CA1031 // Counting is best effort: the rows are tried again either way.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogFailed(log, e, batch.Count);
        }
    }

    private async Task MeasureLagAsync(CancellationToken cancellationToken)
    {
        await using var context = db.ForSystem("notifications: outbox lag");
        var oldest = await context.NotificationOutbox.Where(e => e.SentAt == null && e.Attempts < MaxAttempts)
            .MinAsync(e => (DateTimeOffset?)e.CreatedAt, cancellationToken);
        Volatile.Write(ref _lagSeconds, oldest is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : 0);
    }

    /// <summary>Sent rows older than <see cref="KeepSent"/> go, at most every ten minutes.</summary>
    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _lastCleanup < TimeSpan.FromMinutes(10) && now >= _lastCleanup) return;
        _lastCleanup = now;
        var before = now - KeepSent;
        await using var context = db.ForSystem("notifications: outbox clean-up");
        await context.NotificationOutbox.Where(e => e.SentAt != null && e.SentAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "A batch of {Count} notifications could not be delivered")]
    private static partial void LogFailed(ILogger logger, Exception exception, int count);
}
