using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Spark.Data;
using Spark.Data.Conversions;
using Spark.Data.Idempotency;
using Spark.Web.Shell;

namespace Spark.Web.Api;

/// <summary>Endpoint metadata: this write honours an Idempotency-Key (api.md, Conventions).</summary>
public sealed record IdempotentWrite;

public static class IdempotentWriteExtensions
{
    public static TBuilder Idempotent<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotentWrite());
}

/// <summary>
/// Idempotency-Key for writes that move money or place orders, scoped to the user and the request's method and
/// path, kept at least 24 hours: the same key with the same normalised body answers the first response again;
/// with a different body, 422; while the first is still running, 409; a key whose request crashed is taken over
/// once its lease ends instead of staying stuck. 5xx answers and exceptions release the key for a retry.
/// </summary>
public sealed partial class IdempotencyMiddleware(RequestDelegate next, ILogger<IdempotencyMiddleware> log)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Canonical = new() { WriteIndented = false };

    public async Task InvokeAsync(HttpContext http, SparkDb db, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.GetEndpoint()?.Metadata.GetMetadata<IdempotentWrite>() is null
            || !http.Request.Headers.TryGetValue(Header, out var values) || http.User.UserId() is not { } userId)
        {
            await next(http);
            return;
        }

        var key = values.ToString();
        if (string.IsNullOrWhiteSpace(key) || key.Length > 255)
        {
            await Results.ValidationProblem(new Dictionary<string, string[]> { [Header] = ["Send a key of 1 to 255 characters."] }).ExecuteAsync(http);
            return;
        }

        var route = $"{http.Request.Method} {http.Request.Path}";
        var hash = await HashAsync(http.Request);
        var now = clock.GetUtcNow();
        // Contexts live only around their own statements: the request's shared connection is free for the write meanwhile.
        await using (var context = db.ForUser(userId))
        {
            if (!await ClaimAsync(http, context, userId, route, key, hash, now)) return;
        }

        var ticket = http.RequestServices.GetRequiredService<IdempotencyTicket>();
        ticket.Hold(userId, route, key);
        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            await ReleaseAsync(db, userId, route, key);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }

        if (http.Response.StatusCode >= 500)
        {
            await ReleaseAsync(db, userId, route, key);
        }
        else if (ticket.Completed && http.Response.StatusCode < 400)
        {
            // The write stored its answer in its own transaction: nothing more to record.
        }
        else
        {
            var body = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            var completed = SnakeCaseEnum.ToStored(IdempotencyState.Completed);
            await using var context = db.ForUser(userId);
            await context.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE idempotency_keys
                SET state = {completed}, response_status = {http.Response.StatusCode}, response_content_type = {http.Response.ContentType},
                    response_body = {body}
                WHERE user_id = {userId} AND route = {route} AND key = {key}
                """);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    /// <summary>Claims the key for this request; false when the answer (replay, 409 or 422) has been written instead.</summary>
    private async Task<bool> ClaimAsync(HttpContext http, SparkDbContext context, Guid userId, string route, string key, string hash, DateTimeOffset now)
    {
        var state = SnakeCaseEnum.ToStored(IdempotencyState.InProgress);
        // The claim need not wait for its own disk flush: the request's own commit comes later and flushes it
        // too, and a claim lost to a crash before that protected nothing yet. (One batch is one implicit
        // transaction, so the setting is local to it.)
        var claimed = await context.Database.ExecuteSqlInterpolatedAsync($"""
            SELECT set_config('synchronous_commit', 'off', true);
            INSERT INTO idempotency_keys (user_id, route, key, request_hash, state, locked_until, created_at)
            VALUES ({userId}, {route}, {key}, {hash}, {state}, {now + Lease}, {now})
            ON CONFLICT (user_id, route, key) DO NOTHING
            """) == 1;
        if (!claimed)
        {
            var record = await context.IdempotencyKeys.AsNoTracking().SingleAsync(r => r.UserId == userId && r.Route == route && r.Key == key);
            if (record.RequestHash != hash)
            {
                await Results.Problem("This Idempotency-Key was already used with a different request. Use a new key for a new request.",
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused").ExecuteAsync(http);
                return false;
            }

            if (record.State == IdempotencyState.Completed)
            {
                await ReplayAsync(http, record);
                return false;
            }

            // Still running, unless its lease ran out (the request crashed): then this retry takes the key over.
            var takenOver = record.LockedUntil <= now && await context.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE idempotency_keys SET locked_until = {now + Lease}
                WHERE user_id = {userId} AND route = {route} AND key = {key} AND state = {state} AND locked_until <= {now}
                """) == 1;
            if (!takenOver)
            {
                http.Response.Headers.RetryAfter = "1";
                await Results.Problem("The first request with this Idempotency-Key is still being processed. Retry in a moment.",
                    statusCode: StatusCodes.Status409Conflict, title: "Request in progress").ExecuteAsync(http);
                return false;
            }

            LogTakenOver(log, route);
        }

        return true;
    }

    /// <summary>The body's hash after normalising JSON (property order and spacing do not make a different request).</summary>
    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        var text = await reader.ReadToEndAsync();
        request.Body.Position = 0;
        string normalised;
        try
        {
            normalised = text.Length == 0 ? "" : Sort(JsonNode.Parse(text))?.ToJsonString(Canonical) ?? "null";
        }
        catch (JsonException)
        {
            normalised = text;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised + "\n" + request.QueryString.Value)));
    }

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sort)]),
        _ => node?.DeepClone(),
    };

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord record)
    {
        http.Response.StatusCode = record.ResponseStatus ?? StatusCodes.Status200OK;
        if (record.ResponseContentType is { } type) http.Response.ContentType = type;
        http.Response.Headers[ReplayedHeader] = "true";
        if (!string.IsNullOrEmpty(record.ResponseBody)) await http.Response.WriteAsync(record.ResponseBody);
    }

    private static async Task ReleaseAsync(SparkDb db, Guid userId, string route, string key)
    {
        try
        {
            await using var context = db.ForUser(userId);
            await context.IdempotencyKeys.Where(r => r.UserId == userId && r.Route == route && r.Key == key).ExecuteDeleteAsync();
        }
        catch (Exception e) when (Hosting.BackgroundLoops.IsTransient(e))
        {
            // The database is away (most likely what failed the request too): the claim's lease frees the key instead,
            // and the request's own error, not this one, is what the client should see.
        }
    }

    [LoggerMessage(LogLevel.Warning, "Idempotency key on {Route} taken over after its first request's lease ran out")]
    private static partial void LogTakenOver(ILogger logger, string route);
}
