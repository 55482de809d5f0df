using System.Net;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Security;
using Npgsql;
using Spark.Data;
using Spark.Data.Conversions;

namespace Spark.Web.Accounts;

/// <summary>Where a sign-in came from: captured from the HTTP request (circuits have none later).</summary>
public sealed record ClientInfo(string? UserAgent, IPAddress? IpAddress)
{
    public static ClientInfo From(HttpContext? http) =>
        new(http?.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null, http?.Connection.RemoteIpAddress);
}

/// <summary>
/// Every sign-in, web or API, is a row of user_sessions. A session works while it is not revoked, not
/// expired and, for the web, not idle longer than the user's session_timeout_minutes.
/// </summary>
public sealed class SessionService(SparkDb db, TimeProvider clock)
{
    /// <summary>last_activity is written at most this often, not on every request.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// What every authenticated request asks of its session. Inside an API request it rides in the same round trip as
    /// opening the request's connection and setting the user's scope (<see cref="RequestConnection"/>); elsewhere it
    /// runs on the context's connection. Plain SQL either way, so there is one text of it.
    /// </summary>
    private const string StateSql = """
        SELECT s.revoked, s.expires_at, s.last_activity, s.client,
               (SELECT x.session_timeout_minutes FROM user_security x WHERE x.user_id = $1 LIMIT 1)
        FROM user_sessions s
        WHERE s.id = $2 AND s.user_id = $1
        """;

    private static NpgsqlBatchCommand StateCommand(Guid userId, Guid sessionId) =>
        new(StateSql) { Parameters = { new NpgsqlParameter { Value = userId }, new NpgsqlParameter { Value = sessionId } } };

    private static async Task<ActiveSession?> ReadStateAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken)
            ? new ActiveSession(reader.GetBoolean(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2),
                SnakeCaseEnum.FromStored<SessionClient>(reader.GetString(3)), await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetInt32(4))
            : null;

    private async Task<ActiveSession?> StateAsync(Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        if (RequestConnection.Current is { UserId: null } shared)
        {
            return await shared.OpenAsync(db, userId, StateCommand(userId, sessionId), ReadStateAsync, cancellationToken);
        }

        await using var context = db.ForUser(userId);
        await context.Database.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch((NpgsqlConnection)context.Database.GetDbConnection()) { BatchCommands = { StateCommand(userId, sessionId) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadStateAsync(reader, cancellationToken);
    }

    private sealed record ActiveSession(bool Revoked, DateTimeOffset ExpiresAt, DateTimeOffset LastActivity, SessionClient Client, int? IdleMinutes);

    public async Task<UserSession> StartAsync(Guid userId, SessionClient client, ClientInfo info, TimeSpan lifetime,
        string tokenHash, string? refreshTokenHash = null, CancellationToken cancellationToken = default)
    {
        var device = UserAgentParser.Parse(info.UserAgent);
        var now = clock.GetUtcNow();
        var session = new UserSession
        {
            UserId = userId,
            Client = client,
            TokenHash = tokenHash,
            RefreshTokenHash = refreshTokenHash,
            DeviceType = device.DeviceType,
            DeviceName = Truncate(device.DeviceName, 255),
            Browser = Truncate(device.Browser, 100),
            Os = Truncate(device.Os, 100),
            IpAddress = info.IpAddress,
            ExpiresAt = now + lifetime,
            CreatedAt = now,
            LastActivity = now,
        };
        await using var context = db.ForUser(userId);
        context.UserSessions.Add(session);
        await context.SaveChangesAsync(cancellationToken);
        return session;
    }

    /// <summary>Whether the session still works; <paramref name="touch"/> records activity (requests do, revalidation does not).</summary>
    public async Task<bool> IsActiveAsync(Guid userId, Guid sessionId, bool touch, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var session = await StateAsync(userId, sessionId, cancellationToken);
        if (session is null || session.Revoked || session.ExpiresAt <= now) return false;
        if (session.Client == SessionClient.Web && session.IdleMinutes is > 0 and var idle && session.LastActivity.AddMinutes(idle) <= now)
        {
            return false;
        }
        if (touch && now - session.LastActivity >= TouchInterval)
        {
            await using var context = db.ForUser(userId);
            await context.UserSessions.Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastActivity, now), cancellationToken);
        }
        return true;
    }

    public async Task<IReadOnlyList<UserSession>> ListActiveAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var now = clock.GetUtcNow();
        return await context.UserSessions
            .Where(s => s.UserId == userId && !s.Revoked && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastActivity)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Revokes one of the user's sessions; false when there is no such session of theirs.</summary>
    public async Task<bool> RevokeAsync(Guid userId, Guid sessionId, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await context.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId && !s.Revoked)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Revoked, true), cancellationToken) == 1;
    }

    /// <summary>Signs the user out everywhere, optionally except the session they are using.</summary>
    public async Task<int> RevokeAllAsync(Guid userId, Guid? except = null, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        return await context.UserSessions.Where(s => s.UserId == userId && !s.Revoked && s.Id != except)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Revoked, true), cancellationToken);
    }

    public static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
