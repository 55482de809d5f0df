using Spark.Core.Market;
using Spark.Core.Portfolio;

namespace Spark.Core.Platforms.Brokers;

/// <summary>How a broker lets Spark in: by sending the investor to the broker's login page, or by keys they paste.</summary>
public enum BrokerAuthFlow
{
    /// <summary>Spark redirects to the broker's login, which comes back to Spark's callback with a one-time code (Kite, Upstox).</summary>
    Redirect,

    /// <summary>The investor pastes an API key (and secret); Spark checks them and, where the broker issues one, takes a token (Binance, Groww).</summary>
    Keys,
}

/// <summary>Why a broker call did not give an answer Spark can use. Each maps to what the investor is told and whether a later run may succeed.</summary>
public enum BrokerFailureKind
{
    /// <summary>The access token expired or was revoked (Kite's morning expiry, a 401/403 token error): the investor must reconnect.</summary>
    AuthExpired,

    /// <summary>The credentials are wrong (bad key, bad secret, bad request token or code).</summary>
    InvalidCredentials,

    /// <summary>The key can do more than read (Binance trading or withdrawal enabled): Spark refuses it.</summary>
    PermissionRefused,

    /// <summary>429 (or Binance's 418 ban): <see cref="BrokerFailure.RetryAfter"/> says when to try again if the broker said so.</summary>
    RateLimited,

    /// <summary>5xx, a refused connection or a timeout, after the resilience pipeline's retries.</summary>
    Unavailable,

    /// <summary>The body was not what the broker documents (bad JSON, missing fields, a page that never ends).</summary>
    Malformed,
}

/// <summary>A failed broker call: a kind Spark acts on and a message safe to show the investor (no secrets, no tokens).</summary>
public sealed record BrokerFailure(BrokerFailureKind Kind, string Message, TimeSpan? RetryAfter = null);

/// <summary>The answer of a broker call: a value, or a failure. Adapters return failures instead of throwing (cancellation still throws).</summary>
public readonly record struct BrokerResult<T>
{
    private BrokerResult(T? value, BrokerFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public BrokerFailure? Failure { get; }

    public bool Succeeded => Failure is null;

    public static BrokerResult<T> Ok(T value) => new(value, null);

    public static BrokerResult<T> Fail(BrokerFailure failure) => new(default, failure ?? throw new ArgumentNullException(nameof(failure)));

    public static BrokerResult<T> Fail(BrokerFailureKind kind, string message, TimeSpan? retryAfter = null) => Fail(new BrokerFailure(kind, message, retryAfter));

    public static implicit operator BrokerResult<T>(BrokerFailure failure) => Fail(failure);
}

/// <summary>What the investor gave Spark: the API key and secret of their broker app (the secret is empty where the broker has none).</summary>
public sealed record BrokerCredentials(string ApiKey, string ApiSecret)
{
    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"BrokerCredentials {{ ApiKey = {Mask(ApiKey)} }}";

    /// <summary>The last four characters, the rest as dots: what screens and logs may show of a key.</summary>
    public static string Mask(string? value) =>
        string.IsNullOrEmpty(value) ? "" : value.Length <= 4 ? new string('•', value.Length) : new string('•', 4) + value[^4..];
}

/// <summary>
/// A signed-in session with a broker: the credentials and the token the broker issued (none for Binance, whose
/// calls are signed with the secret instead). <see cref="ExpiresAt"/> is when the broker says the token dies (Kite
/// and Groww at 06:00 IST the next morning, Upstox at 03:30 IST).
/// </summary>
public sealed record BrokerSession(BrokerCredentials Credentials, string? AccessToken, DateTimeOffset? ExpiresAt, string? RefreshToken = null,
    string? AccountId = null, string? AccountName = null)
{
    /// <summary>Never prints the secret or the tokens.</summary>
    public override string ToString() => $"BrokerSession {{ ApiKey = {BrokerCredentials.Mask(Credentials.ApiKey)}, ExpiresAt = {ExpiresAt}, AccountId = {AccountId} }}";
}

/// <summary>
/// An instrument as a broker names it. Spark matches it to its securities master by ISIN, then by exchange symbol;
/// the rest (name, type) is what Spark may use to create a security it does not know.
/// </summary>
/// <param name="Symbol">The exchange's trading symbol (INFY, NIFTYBEES) or, for crypto, Spark's INR symbol (BTCINR).</param>
/// <param name="Exchange">NSE, BSE, CRYPTO; null when the broker does not say (mutual funds).</param>
public sealed record BrokerInstrument(string Symbol, string? Exchange, string? Isin, SecurityType Type, string? Name = null);

/// <summary>
/// What the account owns now in one instrument, as the broker reports it. <see cref="Quantity"/> counts every unit
/// the investor owns, settled or not (Kite's quantity + t1_quantity, today's delivery buys from positions): after a
/// sync the ledger's position on the connection must equal it.
/// </summary>
/// <param name="AveragePrice">The broker's average buy price in rupees per unit (what an opening balance is written at).</param>
/// <param name="LastPrice">The broker's last traded price in rupees, if it gives one.</param>
/// <param name="AsOf">The date the broker says the holding dates from, if it says (most do not).</param>
public sealed record BrokerHolding(BrokerInstrument Instrument, decimal Quantity, decimal AveragePrice, decimal? LastPrice, DateOnly? AsOf = null);

/// <summary>
/// One executed trade (a fill) as the broker reports it, in rupees. <see cref="TradeId"/> is the broker's own id
/// for the fill: the ledger keys the transaction by it, so a re-sync or a tradebook import of the same trade adds
/// nothing. For Binance the id is "SYMBOL:id" (ids are unique per symbol only).
/// </summary>
/// <param name="Side">Buy or Sell only.</param>
/// <param name="Price">Rupees per unit. A trade priced in another currency is converted by the adapter; <see cref="Note"/> says how.</param>
/// <param name="ExecutedAt">When it filled (UTC); the ledger dates it by the India date of this instant.</param>
/// <param name="Fees">Charges the broker reports for the fill in rupees (Binance's commission; zero where the broker reports none per trade).</param>
/// <param name="Note">How the price was derived when it was converted ("BTCUSDT 61,000.00 USDT × ₹84.20 per USDT"), else null.</param>
public sealed record BrokerTrade(string TradeId, string? OrderId, BrokerInstrument Instrument, TransactionType Side, decimal Quantity, decimal Price,
    DateTimeOffset ExecutedAt, decimal Fees = 0m, string? Note = null);

/// <summary>
/// Which trades to fetch. <see cref="Cursor"/> is what the adapter returned at the end of the last successful run
/// (null on the first run, when it fetches from <see cref="Since"/>). <see cref="Today"/> is the India date of the
/// run, from Spark's clock (adapters must not read the machine's clock).
/// </summary>
public sealed record BrokerTradeQuery(string? Cursor, DateOnly Since, DateOnly Today);

/// <summary>
/// One page of trades. The sync asks again with <see cref="NextCursor"/> while <see cref="HasMore"/>; the last page's
/// <see cref="NextCursor"/> is stored as where the next run resumes. The cursor is the adapter's own text (opaque to Spark).
/// </summary>
public sealed record BrokerTradePage(IReadOnlyList<BrokerTrade> Trades, string? NextCursor, bool HasMore);

/// <summary>
/// One broker behind one interface. Adapters only talk HTTP: they never touch the database, never log secrets or
/// tokens, read time only through the <see cref="TimeProvider"/> they are given, and return failures (a
/// <see cref="BrokerResult{T}"/>) instead of throwing; only cancellation throws.
/// </summary>
public interface IBrokerAdapter
{
    /// <summary>The ledger platform this broker writes (<see cref="PlatformNames"/>).</summary>
    string Platform { get; }

    BrokerAuthFlow Flow { get; }

    /// <summary>Redirect flows: the broker's login page for these credentials; <paramref name="state"/> must come back to <paramref name="callback"/>.</summary>
    /// <exception cref="NotSupportedException">The broker uses <see cref="BrokerAuthFlow.Keys"/>.</exception>
    Uri LoginUrl(BrokerCredentials credentials, Uri callback, string state);

    /// <summary>
    /// Redirect flows: exchanges the one-time <paramref name="authorizationCode"/> (Kite's request_token, Upstox's
    /// code) for a session. Key flows: checks the keys (Binance refuses keys that can trade or withdraw) and takes a
    /// token where the broker issues one; <paramref name="authorizationCode"/> and <paramref name="callback"/> are null.
    /// </summary>
    Task<BrokerResult<BrokerSession>> ConnectAsync(BrokerCredentials credentials, string? authorizationCode, Uri? callback,
        CancellationToken cancellationToken);

    /// <summary>Everything the account owns now, stocks, funds and crypto alike, one entry per instrument.</summary>
    Task<BrokerResult<IReadOnlyList<BrokerHolding>>> GetHoldingsAsync(BrokerSession session, CancellationToken cancellationToken);

    /// <summary>One page of trades from the query's cursor (or its start date).</summary>
    Task<BrokerResult<BrokerTradePage>> GetTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// Rupees per unit of a quote asset on a date, for trades a broker prices in another currency (Binance's USDT
/// pairs). Spark values crypto in rupees (BTCINR), so a BTCUSDT fill becomes a BTCINR fill at price × this rate,
/// and the trade's note records the rate used. Implemented by Spark, outside the adapters.
/// </summary>
public interface IQuoteRates
{
    /// <summary>Rupees per one <paramref name="asset"/> (USDT, USDC, FDUSD) on <paramref name="date"/>; null if Spark has no rate for it.</summary>
    ValueTask<decimal?> InrPerUnitAsync(string asset, DateOnly date, CancellationToken cancellationToken);
}
