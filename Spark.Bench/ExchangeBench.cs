using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Spark.Core.Orders;
using Spark.Core.Orders.Matching;
using Spark.Data.Identity;
using Spark.Web.Services.Cash;
using Spark.Web.Services.Market;
using Spark.Web.Services.Orders;

namespace Spark.Bench;

/// <summary>The paper exchange's timings: in-memory matching, fills persisted, and order placement over HTTP.</summary>
internal static class ExchangeBench
{
    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>
    /// 10,000 resting limit orders across 500 securities; ticks arrive at 1,000 a second (paced), each moving one
    /// security's price by up to ±2 %; crossed orders are replaced so the book stays at 10,000. Measures how long
    /// each tick that fills takes to produce its fills, then the sustained rate of unpaced ticks on one thread.
    /// </summary>
    public static (double P50, double P99, int Fills, double TicksPerSecond) InMemory()
    {
        var random = new Random(5);
        var book = new OrderBook(new MatchingOptions { SlippageBasisPoints = 5m });
        var securities = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid()).ToArray();
        var prices = securities.ToDictionary(s => s, _ => 100m);
        void AddOrder(Guid security)
        {
            var buy = random.Next(2) == 0;
            var offset = Math.Round((decimal)random.NextDouble() * 10m / 0.05m) * 0.05m;
            book.Add(new RestingOrder
            {
                OrderId = Guid.NewGuid(), SecurityId = security, Side = buy ? OrderSide.Buy : OrderSide.Sell, Type = OrderType.Limit,
                Quantity = random.Next(1, 50), LimitPrice = buy ? 100m - offset : 100m + offset, Validity = OrderValidity.Gtc,
                PlacedAt = DateTimeOffset.UtcNow,
            });
        }

        for (var i = 0; i < 10_000; i++) AddOrder(securities[i % securities.Length]);
        var latencies = new List<double>();
        var fills = 0;
        var at = DateTimeOffset.UtcNow;
        var pace = Stopwatch.StartNew();
        for (var t = 0; t < 5_000; t++)
        {
            // 1,000 ticks a second: wait for this tick's moment, as a feed would deliver it.
            while (pace.Elapsed.TotalMilliseconds < t) Thread.SpinWait(50);
            var security = securities[random.Next(securities.Length)];
            var price = Math.Clamp(Math.Round(100m * (1m + ((decimal)random.NextDouble() - 0.5m) * 0.2m) / 0.05m) * 0.05m, 80m, 120m);
            var start = Stopwatch.GetTimestamp();
            var result = book.OnTick(security, price, at.AddMilliseconds(t));
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (result.Fills.Count > 0)
            {
                latencies.Add(elapsed);
                fills += result.Fills.Count;
                foreach (var _ in result.Fills.Where(f => f.Final)) AddOrder(security);
            }

            prices[security] = price;
        }

        var unpaced = Stopwatch.StartNew();
        var ticks = 0;
        while (unpaced.Elapsed < TimeSpan.FromSeconds(2))
        {
            var security = securities[ticks % securities.Length];
            book.OnTick(security, 100m + (ticks % 7 - 3) * 0.05m, at);
            ticks++;
        }

        return (Percentile(latencies, 0.5), Percentile(latencies, 0.99), fills, ticks / unpaced.Elapsed.TotalSeconds);
    }

    /// <summary>Tick to fill committed (order, execution, ledger, lots, cash): one crossing order per tick, 200 times.</summary>
    public static async Task<(double P50, double P99)> PersistedAsync(IServiceProvider services, Guid traderId, IReadOnlyList<Spark.Core.Market.Security> securities)
    {
        var exchange = services.GetRequiredService<PaperExchange>();
        await using var scope = services.CreateAsyncScope();
        var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
        var latencies = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var security = securities[i % securities.Count];
            await orders.PlaceAsync(traderId, new OrderRequest(security.Symbol, OrderSide.Buy, OrderType.Limit, 1m, 100m, null, null, OrderValidity.Gtc, null));
            var start = Stopwatch.GetTimestamp();
            var filled = await exchange.ProcessAsync([new PriceTick(security.Id, security.Symbol, 99.95m, 100m, DateTimeOffset.UtcNow)]);
            if (filled != 1) throw new InvalidOperationException($"Expected one fill, got {filled}.");
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return (Percentile(latencies, 0.5), Percentile(latencies, 0.99));
    }

    /// <summary>Where a resting placement's limit sits: far below every security's price, so it never fills.</summary>
    public const decimal RestingPrice = 50m;

    /// <summary>A crossing placement's limit: above <see cref="TwoInstanceBench.TickPrice"/>, so it fills on the owner's next tick.</summary>
    public const decimal CrossingPrice = 60m;

    /// <summary>One placement run: each client's latencies and how many of its answers were not 201, in client order.</summary>
    public sealed record Run(IReadOnlyList<IReadOnlyList<double>> Latencies, IReadOnlyList<int> Failed, IReadOnlyList<int> Crossing)
    {
        public int Count => Latencies.Sum(l => l.Count);

        public int FailedCount => Failed.Sum();

        /// <summary>The p95 over the clients in <paramref name="range"/> (all when null).</summary>
        public double P95(Range? range = null) => Percentile([.. Latencies.Take(range ?? Range.All).SelectMany(l => l)], 0.95);
    }

    /// <summary>
    /// POST /api/v1/orders with an Idempotency-Key from 16 clients, each a different investor (one investor's orders
    /// queue on their cash account by design), placing limit buys that rest far below the price.
    /// </summary>
    public static async Task<(double P95, int Count, int Failed)> PlacementAsync(IReadOnlyList<HttpClient> clients, IReadOnlyList<Spark.Core.Market.Security> securities,
        bool idempotencyKey = true, int perClient = 40)
    {
        var run = await PlaceAsync(clients, securities, perClient, idempotencyKey);
        return (run.P95(), run.Count, run.FailedCount);
    }

    /// <summary>
    /// The same placements paced: each client sends one order every <paramref name="interval"/> (the clients staggered
    /// across it), so the rate is fixed below what the machine can take. Latency counts from each order's scheduled
    /// moment, not from when a late client got round to sending it, so a backlog shows in the numbers.
    /// </summary>
    public static async Task<(double P95, int Count, int Failed)> PacedPlacementAsync(IReadOnlyList<HttpClient> clients,
        IReadOnlyList<Spark.Core.Market.Security> securities, TimeSpan interval, int perClient)
    {
        var run = await PlaceAsync(clients, securities, perClient, idempotencyKey: true, interval);
        return (run.P95(), run.Count, run.FailedCount);
    }

    /// <summary>
    /// The placements of <see cref="PlacementAsync"/> (unpaced when <paramref name="interval"/> is null) or
    /// <see cref="PacedPlacementAsync"/>, per client. With <paramref name="crossingEvery"/> n &gt; 0, every n-th order of
    /// each client is a limit at <see cref="CrossingPrice"/> instead, which the owner fills on its next tick.
    /// </summary>
    public static async Task<Run> PlaceAsync(IReadOnlyList<HttpClient> clients, IReadOnlyList<Spark.Core.Market.Security> securities, int perClient,
        bool idempotencyKey = true, TimeSpan? interval = null, int crossingEvery = 0)
    {
        var latencies = clients.Select(_ => new List<double>(perClient)).ToArray();
        var failed = new int[clients.Count];
        var crossing = new int[clients.Count];
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients.Count).Select(async worker =>
        {
            for (var i = 0; i < perClient; i++)
            {
                var due = interval is { } every ? every * i + every * worker / clients.Count : TimeSpan.Zero;
                if (interval is not null)
                {
                    var wait = due - Stopwatch.GetElapsedTime(start);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait);
                }

                var security = securities[(worker * perClient + i) % securities.Count];
                var crosses = crossingEvery > 0 && i % crossingEvery == crossingEvery - 1;
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders")
                {
                    Content = JsonContent.Create(new { symbol = security.Symbol, side = "buy", type = "limit", quantity = 1, price = crosses ? CrossingPrice : RestingPrice, validity = "gtc" }),
                };
                if (idempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                var sent = Stopwatch.GetTimestamp();
                using var response = await clients[worker].SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                // Paced: from the order's scheduled moment, so a backlog shows; unpaced: from the send.
                latencies[worker].Add(interval is null ? Stopwatch.GetElapsedTime(sent).TotalMilliseconds : (Stopwatch.GetElapsedTime(start) - due).TotalMilliseconds);
                if ((int)response.StatusCode != 201) failed[worker]++;
                else if (crosses) crossing[worker]++;
            }
        }));
        return new Run(latencies, failed, crossing);
    }

    /// <summary>
    /// Places orders, unmeasured, until the JIT has settled: rounds of 800 until one compiles fewer than 20 methods (at
    /// most 40 rounds). Until then tiered compilation is still recompiling hot code and takes a large share of the
    /// CPU (dotnet-counters showed 0.4–0.7 s of JIT per second after 9,000 placements), so what follows measures the
    /// steady state a long-running server is in. Returns how many were placed.
    /// </summary>
    public static async Task<int> WarmUpAsync(IReadOnlyList<HttpClient> clients, IReadOnlyList<Spark.Core.Market.Security> securities)
    {
        var placed = 0;
        for (var round = 0; round < 40; round++)
        {
            var before = System.Runtime.JitInfo.GetCompiledMethodCount();
            placed += (await PlacementAsync(clients, securities, perClient: 50)).Count;
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - before < 20) break;
        }

        return placed;
    }

    public static List<Spark.Core.Market.Security> Tradable(IEnumerable<(Spark.Core.Market.Security Security, decimal Anchor)> securities) =>
        [.. securities.Select(s => s.Security).Where(s => s.Type is Spark.Core.Market.SecurityType.Stock or Spark.Core.Market.SecurityType.Etf)];

    /// <summary>16 signed-in traders (verified, two-factor, ₹10 crore each), one HTTP client each; and the last one's id.</summary>
    public static async Task<(List<HttpClient> Clients, Guid LastTrader)> TradersAsync(IServiceProvider services, string ownerConnection, string address)
    {
        const string TraderPassword = "benchmark trader passphrase 2026";
        var clients = new List<HttpClient>();
        var traderId = Guid.Empty;
        for (var i = 0; i < 16; i++)
        {
            var traderEmail = $"bench-trader-{i}-{Guid.NewGuid():N}@spark.local";
            traderId = await TraderAsync(services, ownerConnection, traderEmail, TraderPassword);
            var http = new HttpClient { BaseAddress = new Uri(address) };
            var token = await LoginAsync(http, traderEmail, TraderPassword);
            await EnableTwoFactorAsync(ownerConnection, traderId);
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            clients.Add(http);
        }

        return (clients, traderId);
    }

    /// <summary>A verified trader with two-factor sign-in and ₹10 crore of paper cash.</summary>
    public static async Task<Guid> TraderAsync(IServiceProvider services, string ownerConnection, string email, string password)
    {
        await using var scope = services.CreateAsyncScope();
        var user = new SparkUser { Name = "Bench Trader", UserName = email, Email = email, EmailConfirmed = true };
        var created = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, password, Roles.Investor);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        await using (var connection = new NpgsqlConnection(ownerConnection))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE users SET kyc_status = 'verified' WHERE id = $1", connection);
            command.Parameters.AddWithValue(user.Id);
            await command.ExecuteNonQueryAsync();
        }

        var cash = scope.ServiceProvider.GetRequiredService<CashService>();
        for (var i = 0; i < 10; i++) await cash.DepositAsync(user.Id, 1_00_00_000m);
        return user.Id;
    }

    public static async Task EnableTwoFactorAsync(string ownerConnection, Guid userId)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE users SET two_factor_enabled = true WHERE id = $1", connection);
        command.Parameters.AddWithValue(userId);
        await command.ExecuteNonQueryAsync();
    }

    public static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    public static async Task<string> LoginAsync(HttpClient http, string email, string password)
    {
        var login = await http.PostAsJsonAsync("api/v1/auth/login", new { email, password });
        return (await login.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
    }
}
