using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Spark.Core.Market;
using Spark.Core.Platforms;
using Spark.Core.Platforms.Brokers;
using Spark.Core.Portfolio;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure.Brokers;

using Spark.Web.Services.Connections;
using Spark.Web.Services.Connections.Brokers;
using Spark.Web.Services.Portfolio;

namespace Spark.Bench;

/// <summary>
/// A broker sync end to end (issue #13): an Upstox account on the stub server with 300 holdings and 10,000 trades,
/// connected through the login code exchange, then synced by Spark's real adapter (HTTP, resilience pipeline, rate
/// budget) and written through the ledger. Upstox's historical trades reach back three financial years, so the
/// trades are spread over that reach. The time spent in broker calls (HTTP to the stub, the stub's work, parsing)
/// is measured by a wrapper around the adapter and reported apart from Spark's own.
/// </summary>
internal static class SyncBench
{
    public const int Trades = 10_000;
    public const int Holdings = 300;

    public sealed record Result(double FirstSeconds, double FirstBrokerSeconds, int Written, int Fetched, double ResyncSeconds, double ResyncBrokerSeconds,
        int ResyncWritten, double FirstViewMs, double ColdViewP95Ms, int BrokerCalls, DateOnly From, DateOnly To);

    public static async Task<Result> RunAsync(IServiceProvider services, IReadOnlyList<Security> securities, DateOnly today)
    {
        using var stub = new UpstoxStub(TimeProvider.System);
        var endpoint = services.GetRequiredService<IOptions<BrokerOptions>>().Value.Upstox;
        endpoint.BaseUrl = stub.BaseUrl;
        endpoint.LoginUrl = stub.LoginUrl;
        var picked = securities.Where(s => s.Type is SecurityType.Stock or SecurityType.Etf).OrderBy(s => s.Symbol, StringComparer.Ordinal).Take(Holdings).ToList();
        var (from, to) = Seed(stub, picked, today);

        Guid userId;
        await using (var scope = services.CreateAsyncScope())
        {
            var email = $"bench-sync-{Guid.NewGuid():N}@spark.local";
            var user = new SparkUser { Name = "Bench Sync", UserName = email, Email = email, EmailConfirmed = true };
            var created = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, "benchmark syncing passphrase 2026", Roles.Investor);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            userId = user.Id;
        }

        _ = services.GetServices<IBrokerAdapter>().ToList();
        var timed = TimedBrokerAdapter.Instance ?? throw new InvalidOperationException("The bench's timed Upstox adapter is not registered.");
        Guid connectionId;
        await using (var scope = services.CreateAsyncScope())
        {
            var connections = scope.ServiceProvider.GetRequiredService<ConnectionService>();
            var connection = await connections.ConnectAsync(userId, new ConnectionRequest(PlatformNames.Upstox, stub.ApiKey, stub.ApiSecret, AutoSyncEnabled: false));
            connectionId = connection.Id;
            var state = System.Web.HttpUtility.ParseQueryString(new Uri(connection.AuthorizationUrl!).Query)["state"];
            var code = stub.IssueCode(connections.Callback(PlatformNames.Upstox));
            timed.Reset();
            var clock = Stopwatch.StartNew();
            await connections.AuthorizeAsync(userId, code, state);
            var first = await FinishAsync(scope.ServiceProvider, userId, connectionId);
            var firstSeconds = clock.Elapsed.TotalSeconds;
            var firstBroker = timed.Elapsed.TotalSeconds;
            var calls = timed.Calls;

            // The dashboard's first view after the sync (the run computed it once after writing; cold: the cache emptied by hand).
            var portfolio = scope.ServiceProvider.GetRequiredService<PortfolioService>();
            var view = Stopwatch.StartNew();
            await portfolio.GetAsync(userId, withSeries: true);
            var firstView = view.Elapsed.TotalMilliseconds;
            var cache = scope.ServiceProvider.GetRequiredService<PortfolioCache>();
            var cold = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                cache.Invalidate(userId);
                view.Restart();
                await portfolio.GetAsync(userId, withSeries: true);
                cold.Add(view.Elapsed.TotalMilliseconds);
            }

            timed.Reset();
            clock.Restart();
            var sync = scope.ServiceProvider.GetRequiredService<SyncService>();
            var again = await sync.RequestAsync(userId, connectionId, SyncType.Manual) ?? throw new InvalidOperationException("No connection.");
            var second = await FinishAsync(scope.ServiceProvider, userId, connectionId, again.Id);
            return new Result(firstSeconds, firstBroker, first.RecordsCreated, first.TransactionsFetched, clock.Elapsed.TotalSeconds, timed.Elapsed.TotalSeconds,
                second.RecordsCreated, firstView, cold.Order().ElementAt(18), calls, from, to);
        }
    }

    /// <summary>Runs the connection's pending run here (if the app's queue has not already taken it) and answers it once it has finished.</summary>
    private static async Task<SyncLogView> FinishAsync(IServiceProvider services, Guid userId, Guid connectionId, Guid? logId = null)
    {
        var sync = services.GetRequiredService<SyncService>();
        var logs = await sync.LogsAsync(userId, connectionId, 1, 1) ?? throw new InvalidOperationException("No connection.");
        var run = logId is { } id ? await sync.LogAsync(userId, connectionId, id) : logs.Items.Single();
        await sync.RunAsync(new SyncWork(run!.Id, userId, connectionId));
        var watch = Stopwatch.StartNew();
        while (true)
        {
            run = await sync.LogAsync(userId, connectionId, run.Id);
            if (run!.Status is "completed") return run;
            if (run.Status is "failed") throw new InvalidOperationException($"The sync failed: {run.ErrorMessage}");
            if (watch.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("The sync did not finish in 5 minutes.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// 10,000 fills over Upstox's reach (from 1 April two financial years back to yesterday) on 300 instruments: every
    /// instrument is bought first, later fills alternate buys and sells of at most what is held; the holdings are what
    /// the fills leave.
    /// </summary>
    private static (DateOnly From, DateOnly To) Seed(UpstoxStub stub, IReadOnlyList<Security> picked, DateOnly today)
    {
        var from = new DateOnly(today.Month >= 4 ? today.Year - 2 : today.Year - 3, 4, 1);
        var to = today.AddDays(-1);
        var days = to.DayNumber - from.DayNumber;
        var random = new Random(20261206);
        var held = new decimal[picked.Count];
        var cost = new decimal[picked.Count];
        for (var i = 0; i < Trades; i++)
        {
            var h = i < picked.Count ? i : random.Next(picked.Count);
            var date = from.AddDays((int)((long)i * days / Trades));
            var at = new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(5.5)).AddSeconds(i % 3600);
            var price = Math.Round(100m + h + (i % 50), 2);
            var sell = held[h] > 5 && random.Next(3) == 0;
            var quantity = sell ? Math.Max(1, Math.Floor(held[h] / 3)) : 1 + random.Next(10);
            stub.AddTrade("BT" + i.ToString("D6", CultureInfo.InvariantCulture), picked[h].Symbol, picked[h].Isin, sell ? TransactionType.Sell : TransactionType.Buy,
                quantity, price, at);
            if (sell)
            {
                cost[h] -= cost[h] / held[h] * quantity;
                held[h] -= quantity;
            }
            else
            {
                cost[h] += quantity * price;
                held[h] += quantity;
            }
        }

        for (var h = 0; h < picked.Count; h++)
        {
            if (held[h] > 0) stub.AddHolding(picked[h].Symbol, picked[h].Isin, held[h], 0m, Math.Round(cost[h] / held[h], 2), 150m);
        }

        return (from, to);
    }
}

/// <summary>Wraps Spark's Upstox adapter and adds up the time its broker calls take (HTTP, the stub's work, parsing).</summary>
internal sealed class TimedBrokerAdapter(IBrokerAdapter inner) : IBrokerAdapter
{
    public static TimedBrokerAdapter? Instance { get; private set; }

    private long ticks;
    private int calls;

    public static TimedBrokerAdapter Create(IBrokerAdapter inner) => Instance = new TimedBrokerAdapter(inner);

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref ticks));

    public int Calls => calls;

    public void Reset()
    {
        Interlocked.Exchange(ref ticks, 0);
        calls = 0;
    }

    public string Platform => inner.Platform;

    public BrokerAuthFlow Flow => inner.Flow;

    public Uri LoginUrl(BrokerCredentials credentials, Uri callback, string state) => inner.LoginUrl(credentials, callback, state);

    public Task<BrokerResult<BrokerSession>> ConnectAsync(BrokerCredentials credentials, string? authorizationCode, Uri? callback,
        CancellationToken cancellationToken) => TimeAsync(() => inner.ConnectAsync(credentials, authorizationCode, callback, cancellationToken));

    public Task<BrokerResult<IReadOnlyList<BrokerHolding>>> GetHoldingsAsync(BrokerSession session, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.GetHoldingsAsync(session, cancellationToken));

    public Task<BrokerResult<BrokerTradePage>> GetTradesAsync(BrokerSession session, BrokerTradeQuery query, CancellationToken cancellationToken) =>
        TimeAsync(() => inner.GetTradesAsync(session, query, cancellationToken));

    private async Task<T> TimeAsync<T>(Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            Interlocked.Add(ref ticks, Stopwatch.GetElapsedTime(start).Ticks);
            Interlocked.Increment(ref calls);
        }
    }
}
