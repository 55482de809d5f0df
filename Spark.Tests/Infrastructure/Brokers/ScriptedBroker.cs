using System.Collections.Concurrent;
using System.Globalization;
using Spark.Core.Platforms.Brokers;

namespace Spark.Tests.Infrastructure.Brokers;

/// <summary>
/// A broker adapter whose answers a test writes: holdings, trades served in pages of <see cref="BrokerScript.PageSize"/>
/// with a numeric cursor, and failures on a chosen page. One script per API key, so the tests of a class share the
/// adapter without sharing an account. For the sync service's own behaviour (what it writes, when it writes nothing,
/// how it pages); the adapters themselves are tested against stub servers of each broker.
/// </summary>
public sealed class ScriptedBroker(string platform, BrokerAuthFlow flow = BrokerAuthFlow.Keys) : IBrokerAdapter
{
    private readonly ConcurrentDictionary<string, BrokerScript> scripts = new(StringComparer.Ordinal);

    public string Platform { get; } = platform;

    public BrokerAuthFlow Flow { get; } = flow;

    /// <summary>A new account at this broker; connect with its <see cref="BrokerScript.ApiKey"/>.</summary>
    public BrokerScript NewAccount()
    {
        var script = new BrokerScript("key-" + Guid.NewGuid().ToString("N"));
        scripts[script.ApiKey] = script;
        return script;
    }

    public Uri LoginUrl(BrokerCredentials credentials, Uri callback, string state) =>
        new($"https://broker.invalid/login?api_key={Uri.EscapeDataString(credentials.ApiKey)}&state={Uri.EscapeDataString(state)}");

    public Task<BrokerResult<BrokerSession>> ConnectAsync(BrokerCredentials credentials, string? authorizationCode, Uri? callback,
        CancellationToken cancellationToken)
    {
        if (!scripts.TryGetValue(credentials.ApiKey, out var script))
        {
            return Task.FromResult(BrokerResult<BrokerSession>.Fail(BrokerFailureKind.InvalidCredentials, "API key invalid."));
        }

        if (script.CanTrade)
        {
            return Task.FromResult(BrokerResult<BrokerSession>.Fail(BrokerFailureKind.PermissionRefused,
                "This key can trade; create a read-only key for Spark."));
        }

        if (Flow == BrokerAuthFlow.Redirect && authorizationCode != "good-code")
        {
            return Task.FromResult(BrokerResult<BrokerSession>.Fail(BrokerFailureKind.InvalidCredentials, "Invalid request token."));
        }

        return Task.FromResult(BrokerResult<BrokerSession>.Ok(new BrokerSession(credentials, "access-token-" + credentials.ApiKey, script.ExpiresAt,
            AccountId: "AB1234", AccountName: "Test Investor")));
    }

    public async Task<BrokerResult<IReadOnlyList<BrokerHolding>>> GetHoldingsAsync(BrokerSession session, CancellationToken cancellationToken)
    {
        var script = scripts[session.Credentials.ApiKey];
        Interlocked.Increment(ref script.HoldingsCallCount);
        script.PageInRun = 0;
        if (script.Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        if (script.HoldingsFailure is { } failure) return BrokerResult<IReadOnlyList<BrokerHolding>>.Fail(failure);
        return BrokerResult<IReadOnlyList<BrokerHolding>>.Ok(script.Holdings.ToList());
    }

    public Task<BrokerResult<BrokerTradePage>> GetTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken)
    {
        var script = scripts[session.Credentials.ApiKey];
        script.CursorsAsked.Enqueue(query.Cursor);
        script.PageInRun++;
        if (script.FailOnPage == script.PageInRun) return Task.FromResult(BrokerResult<BrokerTradePage>.Fail(script.PageFailure));
        if (script.Endless) return Task.FromResult(BrokerResult<BrokerTradePage>.Ok(new BrokerTradePage([], "same", true)));
        var from = query.Cursor is null ? 0 : int.Parse(query.Cursor, CultureInfo.InvariantCulture);
        var page = script.Trades.Skip(from).Take(script.PageSize).ToList();
        var next = from + page.Count;
        return Task.FromResult(BrokerResult<BrokerTradePage>.Ok(new BrokerTradePage(page, next.ToString(CultureInfo.InvariantCulture), next < script.Trades.Count)));
    }
}

/// <summary>One account at a <see cref="ScriptedBroker"/>.</summary>
public sealed class BrokerScript(string apiKey)
{
    public string ApiKey { get; } = apiKey;

    public List<BrokerHolding> Holdings { get; } = [];

    public List<BrokerTrade> Trades { get; } = [];

    public int PageSize { get; set; } = 2;

    /// <summary>The page (1-based, counted within a run from its cursor) that answers <see cref="PageFailure"/>.</summary>
    public int? FailOnPage { get; set; }

    public BrokerFailure PageFailure { get; set; } = new(BrokerFailureKind.Unavailable, "The broker answered 503 Service Unavailable.");

    /// <summary>When set, every holdings call answers this.</summary>
    public BrokerFailure? HoldingsFailure { get; set; }

    /// <summary>When set, the holdings call waits for it (a test holds a run open with it).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Every page answers "there is more" with the same cursor.</summary>
    public bool Endless { get; set; }

    /// <summary>The key may trade: a key broker refuses it.</summary>
    public bool CanTrade { get; set; }

    /// <summary>Tokens expire at this instant (null: never).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public int HoldingsCalls => HoldingsCallCount;

    public ConcurrentQueue<string?> CursorsAsked { get; } = new();

    internal int HoldingsCallCount;
    internal int PageInRun;
}
