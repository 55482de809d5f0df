namespace Spark.Data.Idempotency;

public enum IdempotencyState { InProgress, Completed }

/// <summary>
/// One Idempotency-Key a user sent to one route (table idempotency_keys): the normalised request's hash and,
/// once the first request finished, its answer, replayed to every retry for at least 24 hours.
/// </summary>
public class IdempotencyRecord
{
    public Guid UserId { get; set; }
    public required string Route { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public IdempotencyState State { get; set; }
    public int? ResponseStatus { get; set; }
    public string? ResponseContentType { get; set; }
    public string? ResponseBody { get; set; }

    /// <summary>While in progress, the first request owns the key until then; after it, a crashed request's key is taken over.</summary>
    public DateTimeOffset LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
