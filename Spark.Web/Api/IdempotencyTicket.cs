using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Spark.Data;
using Spark.Data.Idempotency;

namespace Spark.Web.Api;

/// <summary>
/// The Idempotency-Key a request holds (set by <see cref="IdempotencyMiddleware"/> once it has claimed the key). A
/// write that commits its own unit of work records the key's answer inside that transaction
/// (<see cref="Complete"/>): the effect and the stored answer then commit together, with one durable commit
/// instead of two, and a crash can never leave an order placed whose key would let a retry place it again.
/// </summary>
public sealed class IdempotencyTicket(IOptions<JsonOptions> json)
{
    private (Guid UserId, string Route, string Key)? held;

    public bool Completed { get; private set; }

    internal void Hold(Guid userId, string route, string key) => held = (userId, route, key);

    /// <summary>
    /// Stages the answer this request will give (serialised as the endpoint will) as an update of the key's row, so the
    /// caller's next SaveChanges writes it in the same batch and transaction as the effect.
    /// </summary>
    /// <returns>False when the request holds no key: nothing to store.</returns>
    public bool Complete<T>(SparkDbContext context, int status, T body)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (held is not { } h) return false;
        var record = new IdempotencyRecord { UserId = h.UserId, Route = h.Route, Key = h.Key, RequestHash = "" };
        var entry = context.IdempotencyKeys.Attach(record);
        record.State = IdempotencyState.Completed;
        record.ResponseStatus = status;
        record.ResponseContentType = "application/json; charset=utf-8";
        record.ResponseBody = JsonSerializer.Serialize(body, json.Value.SerializerOptions);
        // Only these columns are written; SaveChanges fails if the claimed row is gone (it expects one row updated).
        foreach (var name in new[] { nameof(IdempotencyRecord.State), nameof(IdempotencyRecord.ResponseStatus), nameof(IdempotencyRecord.ResponseContentType), nameof(IdempotencyRecord.ResponseBody) })
        {
            entry.Property(name).IsModified = true;
        }

        Completed = true;
        return true;
    }
}
