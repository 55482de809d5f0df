using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spark.Data;
using Spark.Data.Conversions;
using Spark.Data.Idempotency;

namespace Spark.Web.Api;

/// <summary>
/// The Idempotency-Key a request holds (set by <see cref="IdempotencyMiddleware"/> once it has claimed the key). A
/// write that commits its own unit of work records the key's answer inside that transaction
/// (<see cref="CompleteAsync"/>): the effect and the stored answer then commit together, with one durable commit
/// instead of two, and a crash can never leave an order placed whose key would let a retry place it again.
/// </summary>
public sealed class IdempotencyTicket(IOptions<JsonOptions> json)
{
    private (Guid UserId, string Route, string Key)? held;

    public bool Completed { get; private set; }

    internal void Hold(Guid userId, string route, string key) => held = (userId, route, key);

    /// <summary>Stores the answer this request will give (serialised as the endpoint will), inside the caller's transaction.</summary>
    /// <returns>False when the request holds no key: nothing to store.</returns>
    public async Task<bool> CompleteAsync<T>(SparkDbContext context, int status, T body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (held is not { } h) return false;
        var text = JsonSerializer.Serialize(body, json.Value.SerializerOptions);
        var completed = SnakeCaseEnum.ToStored(IdempotencyState.Completed);
        await context.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE idempotency_keys
            SET state = {completed}, response_status = {status}, response_content_type = {"application/json; charset=utf-8"}, response_body = {text}
            WHERE user_id = {h.UserId} AND route = {h.Route} AND key = {h.Key}
            """, cancellationToken);
        Completed = true;
        return true;
    }
}
