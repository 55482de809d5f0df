using System.Text.Json;

namespace Spark.Core.Platforms;

public enum ConnectionStatus { Connected, Disconnected, Syncing, Error }

public enum SyncType { Manual, Auto, Scheduled }

public enum SyncStatus { Pending, InProgress, Completed, Failed }

/// <summary>Names of the brokers and sources a holding or trade can come from (free text in the schema).</summary>
public static class PlatformNames
{
    public const string Manual = "manual";
    public const string Paper = "paper";
    public const string Zerodha = "zerodha";
    public const string Groww = "groww";
    public const string Upstox = "upstox";
    public const string Binance = "binance";

    public static readonly IReadOnlyList<string> Connectable = [Zerodha, Groww, Upstox, Binance];
}

/// <summary>A connected broker account (table platform_connections); credentials are stored encrypted.</summary>
public class PlatformConnection
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string Platform { get; set; }
    public ConnectionStatus Status { get; set; } = ConnectionStatus.Connected;
    public required string ApiKey { get; set; }
    public required string ApiSecret { get; set; }
    public JsonDocument? AdditionalAuth { get; set; }
    public DateTimeOffset? LastSynced { get; set; }
    public int SyncFrequencyMinutes { get; set; } = 60;
    public bool AutoSyncEnabled { get; set; } = true;
    public int HoldingsCount { get; set; }
    public decimal TotalValue { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DisconnectedAt { get; set; }

    /// <summary>The broker's account id and name, as the broker reported them when the investor connected (shown on screens).</summary>
    public string? AccountId { get; set; }

    public string? AccountName { get; set; }

    /// <summary>The broker's token died (Kite every morning) or was revoked: only the investor can bring it back by reconnecting.</summary>
    public bool ReconnectRequired { get; set; }

    /// <summary>Why the last run failed (shown beside the status); null after a good run.</summary>
    public string? LastError { get; set; }

    /// <summary>The adapter's cursor after the last successful run: where the next one resumes.</summary>
    public string? SyncCursor { get; set; }
}

/// <summary>One synchronisation attempt of a connection (table sync_logs).</summary>
public class SyncLog
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ConnectionId { get; set; }
    public SyncType SyncType { get; set; }
    public SyncStatus Status { get; set; }
    public int HoldingsFetched { get; set; }
    public int TransactionsFetched { get; set; }
    public string? ErrorMessage { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int? DurationSeconds { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Ledger transactions the run wrote (trades not seen before).</summary>
    public int RecordsCreated { get; set; }

    /// <summary>Holdings on the connection whose position the run changed.</summary>
    public int RecordsUpdated { get; set; }

    /// <summary>
    /// What the run found that the investor should see: instruments Spark did not know (and those it created),
    /// trades the ledger turned away, and the broker's holdings at the end of the run (what reconciliation compares).
    /// </summary>
    public JsonDocument? Details { get; set; }
}
