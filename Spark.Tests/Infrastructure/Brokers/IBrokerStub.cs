using Spark.Core.Market;
using Spark.Core.Portfolio;

namespace Spark.Tests.Infrastructure.Brokers;

/// <summary>What a stub broker does instead of answering a data call normally.</summary>
public enum StubFault
{
    None,

    /// <summary>The broker's own "token expired/invalid" answer (Kite: 403 TokenException; Upstox: 401 UDAPI100050; Groww: 401).</summary>
    ExpiredToken,

    /// <summary>429 with Retry-After: 120 (longer than Spark retries within a run).</summary>
    RateLimited,

    /// <summary>503 with the broker's error body.</summary>
    ServerError,

    /// <summary>200 with a body that is not the documented JSON.</summary>
    Malformed,

    /// <summary>Paged endpoints: every page says there is another (the same cursor or page after page of nothing new).</summary>
    EndlessPaging,

    /// <summary>The answer takes longer than Spark's attempt timeout.</summary>
    Timeout,
}

/// <summary>
/// A local stub of one broker's API (WireMock.Net) answering the shapes its documentation gives, seeded with an
/// account's holdings and trades. Sync, UI and bench tests seed every broker the same way through this interface.
/// </summary>
public interface IBrokerStub : IDisposable
{
    /// <summary>The API root to put in <c>Spark:Brokers:{Broker}:BaseUrl</c> (ends with '/').</summary>
    Uri BaseUrl { get; }

    /// <summary>The stub's login page for redirect flows (put in <c>LoginUrl</c>); null for key flows.</summary>
    Uri? LoginUrl { get; }

    /// <summary>The credentials the stub accepts (any others get the broker's invalid-credentials answer).</summary>
    string ApiKey { get; }

    string ApiSecret { get; }

    /// <summary>Adds a holding the account reports. <paramref name="symbol"/> is the exchange symbol (or the crypto base asset, "BTC").</summary>
    void AddHolding(string symbol, string? isin, SecurityType type, decimal quantity, decimal averagePrice, decimal lastPrice);

    /// <summary>Adds a fill. For Binance, <paramref name="symbol"/> is the pair ("BTCUSDT") and <paramref name="price"/> is in its quote asset.</summary>
    void AddTrade(string tradeId, string symbol, string? isin, TransactionType side, decimal quantity, decimal price, DateTimeOffset executedAt);

    /// <summary>Data calls after the first <paramref name="afterCalls"/> successful ones answer with <paramref name="fault"/> (None restores).</summary>
    void FailWith(StubFault fault, int afterCalls = 0);

    /// <summary>Data calls answered so far (login and token calls excluded).</summary>
    int DataCalls { get; }
}
