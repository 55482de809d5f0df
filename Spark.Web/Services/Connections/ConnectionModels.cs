using Spark.Core.Platforms;

namespace Spark.Web.Services.Connections;

/// <summary>
/// A broker connection as screens and the API show it. Secrets never leave the server: the key is masked and
/// neither the secret nor any token is part of the view.
/// </summary>
/// <param name="Status">connected, syncing, error or disconnected.</param>
/// <param name="ReconnectRequired">The broker's token died (Kite every morning at 06:00 IST) or the connection was never authorised: only reconnecting brings it back.</param>
/// <param name="AuthorizationUrl">Redirect brokers awaiting the investor's login: where to send them.</param>
public sealed record ConnectionView(
    Guid Id,
    string Platform,
    string DisplayName,
    string Status,
    bool ReconnectRequired,
    string? LastError,
    DateTimeOffset? LastSynced,
    int SyncFrequencyMinutes,
    bool AutoSyncEnabled,
    int HoldingsCount,
    decimal TotalValue,
    string ApiKeyMasked,
    string? AccountName,
    string AuthFlow,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisconnectedAt,
    SyncLogView? LastSync,
    string? AuthorizationUrl = null);

/// <summary>Connects a broker. Redirect brokers (zerodha, upstox) answer with an authorisation URL to send the investor to.</summary>
public sealed record ConnectionRequest(string? Platform, string? ApiKey, string? ApiSecret, int? SyncFrequencyMinutes = null, bool? AutoSyncEnabled = null);

/// <summary>Changes how often a connection syncs, or whether it does on its own.</summary>
public sealed record ConnectionUpdate(int? SyncFrequencyMinutes, bool? AutoSyncEnabled);

/// <summary>Finishes a redirect login from an API client: the one-time code the broker returned (Kite's request_token, Upstox's code).</summary>
public sealed record ConnectionAuthorization(string? Code, string? State);

/// <summary>Reconnects: new keys are optional (the stored ones are used if absent).</summary>
public sealed record ReconnectRequest(string? ApiKey = null, string? ApiSecret = null);

/// <summary>One sync run as screens and the API show it.</summary>
/// <param name="SyncType">manual, auto (right after connecting) or scheduled.</param>
/// <param name="Status">pending, in_progress, completed or failed.</param>
public sealed record SyncLogView(
    Guid Id,
    Guid ConnectionId,
    string SyncType,
    string Status,
    int HoldingsFetched,
    int TransactionsFetched,
    int RecordsCreated,
    int RecordsUpdated,
    string? ErrorMessage,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    int? DurationSeconds,
    SyncFindings? Findings);

/// <summary>What a run could not simply write: instruments Spark did not know, securities it created for them, trades the ledger turned away.</summary>
public sealed record SyncFindings(
    IReadOnlyList<UnknownInstrument> UnknownInstruments,
    IReadOnlyList<string> CreatedSecurities,
    IReadOnlyList<RejectedTrade> RejectedTrades)
{
    public static readonly SyncFindings None = new([], [], []);
}

/// <summary>An instrument the broker reported that matched no security and could not safely be created; its trades were not written.</summary>
public sealed record UnknownInstrument(string Symbol, string? Exchange, string? Isin, string? Name, int Trades);

/// <summary>A trade the ledger did not take (for example a sale of shares bought before the broker's history reaches).</summary>
public sealed record RejectedTrade(string TradeId, string Symbol, string Reason);

/// <summary>How the ledger's positions on a connection compare with what the broker reported at its last good sync.</summary>
/// <param name="AsOf">When the broker's holdings were read (the last completed sync); null before the first.</param>
public sealed record ReconciliationView(Guid ConnectionId, DateTimeOffset? AsOf, bool InBalance, IReadOnlyList<ReconciliationLine> Lines);

/// <summary>
/// One instrument whose ledger position differs from the broker's. Accepting writes <see cref="Action"/>:
/// opening_balance (a buy of the difference at the broker's average price, dated <see cref="EntryDate"/>),
/// reconciling_sale (a sale of the difference at <see cref="Price"/>, today), or nothing for unmatched (no
/// security) or unpriced lines, which the investor resolves by hand.
/// </summary>
public sealed record ReconciliationLine(
    string Symbol,
    string Name,
    string? Isin,
    decimal BrokerQuantity,
    decimal LedgerQuantity,
    decimal Difference,
    decimal? Price,
    DateOnly EntryDate,
    string Action,
    string? Note);

/// <summary>What accepting a reconciliation wrote.</summary>
public sealed record ReconciliationResult(int Written, IReadOnlyList<ReconciliationLine> Remaining, IReadOnlyList<string> Errors);

/// <summary>The four brokers as screens name them.</summary>
public static class BrokerNames
{
    public static string Display(string platform) => platform switch
    {
        PlatformNames.Zerodha => "Zerodha (Kite)",
        PlatformNames.Upstox => "Upstox",
        PlatformNames.Binance => "Binance",
        PlatformNames.Groww => "Groww",
        _ => platform,
    };

    /// <summary>How often a connection may sync on its own: every 15 minutes to once a day.</summary>
    public static readonly IReadOnlyList<int> Frequencies = [15, 30, 60, 120, 240, 360, 720, 1440];
}
