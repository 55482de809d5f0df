using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using NpgsqlTypes;
using Spark.Bench;
using Spark.Core.Time;
using Spark.Data.Identity;
using Spark.Web.Hosting;
using Spark.Web.Services.AutoInvest;
using Spark.Web.Services.Market;
using Spark.Web.Services.Portfolio;

// script/load (decision 0067): `Spark.Bench load` or SPARK_LOAD=1 drives live pages against a Spark process script/load started.
if (args.Contains("load") || Environment.GetEnvironmentVariable("SPARK_LOAD") == "1") return await LoadDriver.RunAsync();

// script/bench: generates the heavy investor in a fresh database and prints one table of timings.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Spark:Jobs:Enabled"] = "false",
    ["Spark:Market:SimulatorEnabled"] = "false",
    ["Spark:RateLimits:Enabled"] = "false",
    // The benchmark runs at any hour: the exchange fills on its ticks whether or not NSE is open.
    ["Spark:Exchange:EnforceMarketHours"] = "false",
    ["Logging:LogLevel:Default"] = "Warning",
});
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.AddSpark();
// The sync bench times the Upstox adapter's broker calls apart from Spark's own work (the registry takes the last adapter of a platform).
builder.Services.AddSingleton<Spark.Core.Platforms.Brokers.IBrokerAdapter>(sp =>
    TimedBrokerAdapter.Create(sp.GetRequiredService<Spark.Web.Services.Connections.Brokers.UpstoxAdapter>()));
var app = builder.Build();
app.UseSpark();
var owner = builder.Configuration.GetConnectionString("SparkOwner") ?? throw new InvalidOperationException("ConnectionStrings:SparkOwner is not set.");
var today = IndiaTime.Today(TimeProvider.System);
var results = new List<(string Measure, string Includes, string Result, string Target)>();
void Report(string measure, string includes, string result, string target = "") => results.Add((measure, includes, result, target));
static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
static string ImportLine(ImportBench.Result r) => string.Create(CultureInfo.InvariantCulture,
    $"CSV import, {r.Rows:N0} rows: {r.Seconds:0.0} s, {r.RowsPerSecond:N0} rows/s ({r.Imported:N0} imported, {r.Errors} errors), peak extra memory {r.PeakExtraMb:N0} MB; the same file again: {r.Skipped:N0} duplicates in {r.AgainSeconds:0.0} s");
static string SyncLine(SyncBench.Result r) => string.Create(CultureInfo.InvariantCulture,
    $"broker sync, {r.Fetched:N0} trades ({r.From:yyyy-MM-dd} to {r.To:yyyy-MM-dd}) and {SyncBench.Holdings} holdings from the Upstox stub: {r.FirstSeconds:0.00} s end to end ({r.FirstBrokerSeconds:0.00} s in {r.BrokerCalls} broker calls, {r.FirstSeconds - r.FirstBrokerSeconds:0.00} s Spark's own), {r.Written:N0} written; re-sync {r.ResyncSeconds:0.00} s ({r.ResyncBrokerSeconds:0.00} s broker), {r.ResyncWritten} written; dashboard first view after it {r.FirstViewMs:0.0} ms, cold p95 {r.ColdViewP95Ms:0.0} ms");
static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}

// SPARK_BENCH_ONLY=plans: only the auto-invest run (SPARK_BENCH_PLANS plans, default 10,000), for profiling it alone.
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "plans")
{
    var count = int.TryParse(Environment.GetEnvironmentVariable("SPARK_BENCH_PLANS"), out var n) ? n : PlanBench.Plans;
    var only = await PlanBench.RunAsync(app.Services, owner, Spark.Core.AutoInvest.PlanSchedule.RunDate(today), count);
    Console.WriteLine($"plan execution, {count:N0} due plans: {only.Seconds:0.0} s ({only.First.Executed:N0} executed, {only.First.Failed:N0} failed, {only.Orders:N0} orders, {only.Transactions:N0} ledger rows); again: {only.Second.Executed} in {only.SecondSeconds:0.0} s");
    return 0;
}

// SPARK_BENCH_ONLY=backoffice: the back office over 100,000 users and 1,000,000 audit rows (decision 0044).
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "backoffice")
{
    var office = await BackOfficeBench.RunAsync(app.Services, owner);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"generated {BackOfficeBench.Users:N0} users in {office.UsersSeconds:0.0} s and {BackOfficeBench.AuditRows:N0} audit rows over {BackOfficeBench.Months} monthly partitions in {office.AuditSeconds:0.0} s"));
    Console.WriteLine($"| measure | includes | p50 | p95 | rows (total) | target |");
    Console.WriteLine($"| --- | --- | --- | --- | --- | --- |");
    foreach (var m in office.Measures)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {m.Name} | {m.Includes}; {BackOfficeBench.Runs} runs | {BackOfficeBench.Ms(m.P50)} | {BackOfficeBench.Ms(m.P95)} | {m.Rows} ({m.Total:N0}) | p95 ≤ 100 ms |"));
    }
    return 0;
}

// 0. The goal projection's Monte Carlo, in memory, before anything else loads the machine.
var (monteCarloP50, monteCarloMax, monteCarloPaths, monteCarloMonths) = GoalBench.MonteCarlo();
Report("goal Monte Carlo p50", $"{monteCarloPaths:N0} seeded paths × {monteCarloMonths} months, all four asset classes, fan (p10/p50/p90 every month) + success probability; median of 25",
    GoalBench.Ms(monteCarloP50), "≤ 200 ms");
Report("goal Monte Carlo slowest", "same 25 runs", GoalBench.Ms(monteCarloMax));

// 1. The data.
var generator = new HeavyInvestor(owner, today);
var clock = Stopwatch.StartNew();
var securities = await generator.SecuritiesAsync();

// SPARK_BENCH_ONLY=imports: only the CSV import (SPARK_BENCH_IMPORT_ROWS rows, default 100,000) over HTTP.
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "imports")
{
    await app.StartAsync();
    var at = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    var count = int.TryParse(Environment.GetEnvironmentVariable("SPARK_BENCH_IMPORT_ROWS"), out var n) ? n : ImportBench.Rows;
    var run = await ImportBench.RunAsync(app.Services, at, [.. securities.Select(s => s.Security)], count);
    Console.WriteLine(ImportLine(run));
    await app.StopAsync();
    return 0;
}

// SPARK_BENCH_ONLY=sync: only the broker sync (an Upstox stub with 300 holdings and 10,000 trades).
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "sync")
{
    await app.StartAsync();
    Console.WriteLine(SyncLine(await SyncBench.RunAsync(app.Services, [.. securities.Select(s => s.Security)], today)));
    await app.StopAsync();
    return 0;
}

// SPARK_BENCH_ONLY=orders: placement alone, repeated (SPARK_BENCH_ROUNDS, default 2) with and without Idempotency-Key, for
// profiling it; first the floor under it: an authenticated read of one row (JWT, session check, RLS scope, one query).
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "orders")
{
    await app.StartAsync();
    var at = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    var (traders, _) = await ExchangeBench.TradersAsync(app.Services, owner, at);
    Console.WriteLine($"warm-up until the JIT settled: {await ExchangeBench.WarmUpAsync(traders, ExchangeBench.Tradable(securities)):N0} placements");
    var reads = new System.Collections.Concurrent.ConcurrentBag<double>();
    var readCpu = CpuMeter.Now();
    await Task.WhenAll(traders.Select(async client =>
    {
        for (var i = 0; i < 100; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync("api/v1/cash");
            await response.Content.ReadAsByteArrayAsync();
            reads.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }));
    Console.WriteLine($"GET /api/v1/cash p95 under 16 clients: {ExchangeBench.Ms(Percentile([.. reads], 0.95))}; {readCpu.PerRequest(reads.Count)}");
    var rounds = int.TryParse(Environment.GetEnvironmentVariable("SPARK_BENCH_ROUNDS"), out var r) ? r : 2;
    foreach (var key in Enumerable.Range(0, rounds * 2).Select(i => i % 2 == 0))
    {
        var cpu = CpuMeter.Now();
        var (p95, count, bad) = await ExchangeBench.PlacementAsync(traders, ExchangeBench.Tradable(securities), key, perClient: 100);
        Console.WriteLine($"POST /api/v1/orders p95 under 16 clients, Idempotency-Key {(key ? "on" : "off")}: {ExchangeBench.Ms(p95)} ({count} orders, {bad} failed); {cpu.PerRequest(count)}");
    }

    var paceCpu = CpuMeter.Now();
    var (p95Paced, countPaced, failedPaced) = await ExchangeBench.PacedPlacementAsync(traders, ExchangeBench.Tradable(securities), TimeSpan.FromMilliseconds(50), perClient: 100);
    Console.WriteLine($"POST /api/v1/orders p95 at 320/s (16 clients, one order every 50 ms each): {ExchangeBench.Ms(p95Paced)} ({countPaced} orders, {failedPaced} failed); {paceCpu.PerRequest(countPaced)}");
    await app.StopAsync();
    return 0;
}

// SPARK_BENCH_ONLY=placement2: the orders bench's placements on this instance alone, then split 8/8 with a second Spark
// process on the same database, and the database checked for fills written twice or placements lost (issue #17).
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "placement2")
{
    await app.StartAsync();
    var at = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    var appConnection = builder.Configuration.GetConnectionString("Spark") ?? throw new InvalidOperationException("ConnectionStrings:Spark is not set.");
    var code = await TwoInstanceBench.RunAsync(app, at, appConnection, owner, ExchangeBench.Tradable(securities));
    await app.StopAsync();
    return code;
}

// SPARK_BENCH_ONLY=tax: the capital-gains statement of the last complete financial year (decision 0047), no bars needed.
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "tax")
{
    Guid taxUser;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var taxEmail = $"bench-tax-{Guid.NewGuid():N}@spark.local";
        var user = new SparkUser { Name = "Heavy Investor", UserName = taxEmail, Email = taxEmail, EmailConfirmed = true };
        var created = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, "benchmark investor passphrase 2026", Roles.Investor);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        taxUser = user.Id;
        var ledgerRows = generator.Ledger(securities);
        var imported = await scope.ServiceProvider.GetRequiredService<LedgerService>().ImportAsync(taxUser, ledgerRows, []);
        Console.WriteLine($"imported {imported.Imported:N0} ledger rows in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    var year = new Spark.Core.Tax.FinancialYear(Spark.Core.Tax.FinancialYear.Of(today).StartYear - 1);
    var tax = await TaxBench.RunAsync(app.Services, taxUser, year);
    Console.WriteLine("| measure | includes | p50 | p95 | target |");
    Console.WriteLine("| --- | --- | --- | --- | --- |");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| read FY {tax.Year.Label}'s rows | plain query of the year's {tax.YearTransactions:N0} transactions (app role, RLS); {TaxBench.Runs} runs | {Ms(tax.ReadP50)} | {Ms(tax.ReadP95)} | |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| capital-gains statement FY {tax.Year.Label} | ICapitalGainsStatements.GetAsync, {tax.Rows:N0} rows, page of 50, kept statement checked against the ledger's version ({tax.Hits} of {TaxBench.Runs + TaxBench.WarmUp} reads served from memory); {TaxBench.Runs} runs | {Ms(tax.StatementP50)} | {Ms(tax.StatementP95)} | ≤ 200 ms |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| statement ÷ read | p50 / p50, p95 / p95 | {tax.StatementP50 / tax.ReadP50:0.00}× | {tax.StatementP95 / tax.ReadP95:0.00}× | ≤ 1.5× |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| statement after a write dated in a later year | as a fill today: the ledger's and the later year's versions bumped, then the read ({tax.LaterHits} of {TaxBench.Runs} served from memory) | {Ms(tax.LaterP50)} | {Ms(tax.LaterP95)} | ≤ 200 ms |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| statement computed on every read | the same without the statement cache, as after a write dated in the year (openings and losses brought forward kept); {TaxBench.Runs} runs | {Ms(tax.ComputedP50)} | {Ms(tax.ComputedP95)} | |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| of which: rows the statement reads | CapitalGainsStatements.YearHoldingsAsync, {tax.LoadedRows:N0} rows (the year's + lots open at its start, kept in tax_year_openings) | {Ms(tax.LoadP50)} | | |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| of which: the engine alone | CapitalGainsEngine.Compute over those rows, in memory | {Ms(tax.EngineP50)} | | |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| statement after an earlier change | openings and losses brought forward cleared as the triggers do, then rebuilt from the ledger (eight earlier years) and kept; {TaxBench.ColdRuns} runs | {Ms(tax.ColdP50)} | {Ms(tax.ColdP95)} | |"));
    return 0;
}

var bars = await generator.BarsAsync(securities);
Report("generate daily bars", $"{securities.Count} securities × {HeavyInvestor.Years} years, binary COPY", $"{bars:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s");

// SPARK_BENCH_ONLY=analysis: indicators over every security's bars on one thread, the rule, a cached analysis read (decision 0060).
var analysisRun = await AnalysisBench.RunAsync(app.Services, owner, [.. securities.Select(s => s.Security)]);
var analysisLines = new[]
{
    ("indicators, all series", string.Create(CultureInfo.InvariantCulture, $"{analysisRun.Securities} securities, {analysisRun.Bars:N0} daily bars; SMA/EMA 20/50/200, RSI, MACD, Bollinger, ATR, stochastic, volatility, drawdown, Sharpe, Sortino, 52-week range; one thread"),
        string.Create(CultureInfo.InvariantCulture, $"{analysisRun.IndicatorsSeconds:0.00} s"), "≤ 2 s"),
    ("security analysis rule", $"SecurityAnalyzer.Analyse over each security's last 520 bars; one thread",
        string.Create(CultureInfo.InvariantCulture, $"{analysisRun.RuleSeconds:0.00} s"), ""),
    ("analysis, computed and stored", "SecurityAnalysisService.RefreshAsync (bars, NIFTY 50 history, rule, two ai_analyses rows)", Ms(analysisRun.MissMs), ""),
    ("analysis, cached read p50 / p95", $"SecurityAnalysisService.GetAsync hit (latest bar, row, JSON); {AnalysisBench.Reads} reads",
        $"{Ms(analysisRun.ReadP50)} / {Ms(analysisRun.ReadP95)}", "≤ 5 ms"),
};
if (Environment.GetEnvironmentVariable("SPARK_BENCH_ONLY") == "analysis")
{
    // The portfolio insight needs the heavy investor's ledger (decision 0062).
    Guid insightUser;
    await using (var scope = app.Services.CreateAsyncScope())
    {
        var insightEmail = $"bench-insight-{Guid.NewGuid():N}@spark.local";
        var user = new SparkUser { Name = "Heavy Investor", UserName = insightEmail, Email = insightEmail, EmailConfirmed = true };
        var created = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, "benchmark investor passphrase 2026", Roles.Investor);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        insightUser = user.Id;
        await scope.ServiceProvider.GetRequiredService<LedgerService>().ImportAsync(insightUser, generator.Ledger(securities), []);
    }

    var insightRun = await AnalysisBench.InsightAsync(app.Services, insightUser);
    Console.WriteLine("| measure | includes | result | target |");
    Console.WriteLine("| --- | --- | --- | --- |");
    foreach (var (measure, includes, result, target) in analysisLines) Console.WriteLine($"| {measure} | {includes} | {result} | {target} |");
    Console.WriteLine(InsightLine(insightRun));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| portfolio insight, cached read p50 / p95 | PortfolioInsightService.GetAsync hit (stamp and row's generated_at, the insight kept in memory); {AnalysisBench.InsightRuns} reads | {Ms(insightRun.ReadP50)} / {Ms(insightRun.ReadP95)} | ≤ 5 ms |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| portfolio insight, cached row read p50 / p95 | the same with nothing kept in memory (another instance, a restart): stamp, row, JSON; {AnalysisBench.InsightRuns} reads | {Ms(insightRun.RowReadP50)} / {Ms(insightRun.RowReadP95)} | |"));
    return 0;
}

foreach (var (measure, includes, result, target) in analysisLines) Report(measure, includes, result, target);

const string Password = "benchmark investor passphrase 2026";
var email = $"bench-{Guid.NewGuid():N}@spark.local";
Guid userId;
await using (var scope = app.Services.CreateAsyncScope())
{
    var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
    var user = new SparkUser { Name = "Heavy Investor", UserName = email, Email = email, EmailConfirmed = true };
    var created = await accounts.CreateAsync(user, Password, Roles.Investor);
    if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
    userId = user.Id;

    var rows = generator.Ledger(securities);
    clock.Restart();
    var report = await scope.ServiceProvider.GetRequiredService<LedgerService>().ImportAsync(userId, rows, []);
    if (report.Errors.Count > 0) throw new InvalidOperationException("The generated ledger has errors: " + string.Join("; ", report.Errors.Take(5)));
    Report("import the ledger", $"{rows.Count:N0} rows through LedgerService.ImportAsync (validate, write, FIFO lots per holding)",
        $"{report.Imported:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s");
}

await using (var scope = app.Services.CreateAsyncScope())
{
    var portfolio = scope.ServiceProvider.GetRequiredService<PortfolioService>();
    var history = scope.ServiceProvider.GetRequiredService<PriceHistory>();
    var prices = scope.ServiceProvider.GetRequiredService<PriceBook>();
    var cache = scope.ServiceProvider.GetRequiredService<PortfolioCache>();
    await prices.EnsureLoadedAsync();

    var ledger = await portfolio.LoadAsync(userId);
    clock.Restart();
    await history.LoadAsync(ledger.Holdings.Select(h => h.SecurityId));
    Report("load price history (cold)", $"daily closes of {ledger.Holdings.Count} held securities, binary COPY out, once per process",
        Ms(clock.Elapsed.TotalMilliseconds));

    // 2. Recompute: read the investor's rows, then FIFO + XIRR + TWR, side by side.
    var reads = new List<double>();
    var computes = new List<double>();
    var totals = new List<double>();
    PortfolioView? view = null;
    for (var i = 0; i < 25; i++)
    {
        var t = Stopwatch.StartNew();
        ledger = await portfolio.LoadAsync(userId);
        var read = t.Elapsed.TotalMilliseconds;
        view = portfolio.Compute(ledger, withSeries: true);
        var total = t.Elapsed.TotalMilliseconds;
        if (i < 5) continue; // JIT and connection warm-up
        reads.Add(read);
        computes.Add(total - read);
        totals.Add(total);
    }

    var readMedian = Percentile(reads, 0.5);
    var totalMedian = Percentile(totals, 0.5);
    Report("read the investor's rows", $"{ledger.TransactionCount:N0} transactions + {ledger.Holdings.Count} holdings from PostgreSQL (one data reader as the app role under RLS), median of 20",
        Ms(readMedian));
    Report("FIFO + XIRR + TWR (in memory)", $"{ledger.Holdings.Count} FIFO books, {view!.Result.Series.Count:N0}-day series, portfolio + per-holding XIRR, TWR; median of 20",
        Ms(Percentile(computes, 0.5)));
    Report("full recompute", "read rows + FIFO + XIRR + TWR, median of 20 (warm price history)", Ms(totalMedian), "≤ 200 ms");
    Report("full recompute ÷ read", "the two lines above, same runs", (totalMedian / readMedian).ToString("0.00", CultureInfo.InvariantCulture) + "×", "≤ 3×");

    // 3. Dashboard data: portfolio with series (ledger cached between requests as in the app) + recent transactions.
    var ledgerService = scope.ServiceProvider.GetRequiredService<LedgerService>();
    var dashboard = new List<double>();
    for (var i = 0; i < 110; i++)
    {
        var t = Stopwatch.StartNew();
        await portfolio.GetAsync(userId, withSeries: true);
        await ledgerService.ListAsync(userId, new TransactionFilter(), 1, 5);
        if (i >= 10) dashboard.Add(t.Elapsed.TotalMilliseconds);
    }

    Report("dashboard data p50", "PortfolioService.GetAsync(series: cached analysis, live quotes applied) + 5 recent transactions, 100 requests", Ms(Percentile(dashboard, 0.5)));
    Report("dashboard data p95", "same 100 requests", Ms(Percentile(dashboard, 0.95)), "≤ 100 ms");
    var cold = new List<double>();
    for (var i = 0; i < 20; i++)
    {
        cache.Invalidate(userId);
        var t = Stopwatch.StartNew();
        await portfolio.GetAsync(userId, withSeries: true);
        cold.Add(t.Elapsed.TotalMilliseconds);
    }

    Report("dashboard data p95, ledger not cached", "as above, the ledger re-read every time (first view after a write), 20 requests", Ms(Percentile(cold, 0.95)));
}

// The heavy investor's portfolio insight, warm (decision 0062).
var insightFull = await AnalysisBench.InsightAsync(app.Services, userId);
Report("portfolio insight, warm p50 / p95", $"PortfolioInsightService.ComputeOnlyAsync ({insightFull.Securities} securities, {insightFull.Flows:N0} flows), {AnalysisBench.InsightRuns} runs",
    $"{Ms(insightFull.ComputeP50)} / {Ms(insightFull.ComputeP95)}", "≤ 200 ms");
Report("portfolio insight, cached read p50", "PortfolioInsightService.GetAsync hit (stamp, the insight kept in memory)", Ms(insightFull.ReadP50), "≤ 5 ms");
Report("portfolio insight, cached row read p50", "the same with nothing kept in memory (stamp, row, JSON)", Ms(insightFull.RowReadP50));

// 4. The summary endpoint over HTTP under 32 concurrent clients.
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using (var http = new HttpClient { BaseAddress = new Uri(address) })
{
    var login = await http.PostAsJsonAsync("api/v1/auth/login", new { email, password = Password });
    var token = (await login.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    (await http.GetAsync("api/v1/portfolio/summary")).EnsureSuccessStatusCode();
    var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
    var failures = 0;
    var duration = TimeSpan.FromSeconds(10);
    var run = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
    {
        while (run.Elapsed < duration)
        {
            var t = Stopwatch.StartNew();
            using var response = await http.GetAsync("api/v1/portfolio/summary");
            await response.Content.ReadAsByteArrayAsync();
            latencies.Add(t.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
        }
    }));
    var list = latencies.ToList();
    Report("GET /api/v1/portfolio/summary throughput", $"32 concurrent clients for {duration.TotalSeconds:0} s over HTTP/1.1 on loopback, JWT + session check",
        $"{list.Count / run.Elapsed.TotalSeconds:0} req/s ({failures} failed)");
    Report("GET /api/v1/portfolio/summary p95", "same run", Ms(Percentile(list, 0.95)));
}

// 5. The paper exchange: matching in memory, fills persisted, and order placement over HTTP.
var (matchP50, matchP99, matchFills, ticksPerSecond) = ExchangeBench.InMemory();
Report("exchange tick-to-fill p50 (in memory)", $"10,000 resting orders on 500 securities, 5,000 ticks paced at 1,000/s, {matchFills:N0} fills; OrderBook.OnTick only",
    ExchangeBench.Ms(matchP50));
Report("exchange tick-to-fill p99 (in memory)", "same run", ExchangeBench.Ms(matchP99), "≤ 5 ms");
Report("exchange sustained ticks/s, one core", "unpaced ticks on one thread for 2 s, 10,000 resting orders", $"{ticksPerSecond:N0} ticks/s");
var tradable = ExchangeBench.Tradable(securities);
var (clients, traderId) = await ExchangeBench.TradersAsync(app.Services, owner, address);
// Warm-up, not measured, until the JIT has settled (steady state is what is measured).
var warmedUp = await ExchangeBench.WarmUpAsync(clients, tradable);
var (aloneP95, alonePlaced, _) = await ExchangeBench.PlacementAsync([clients[0]], tradable);
Report("POST /api/v1/orders p95, one client", $"{alonePlaced} limit orders one after another: the same work without contention", ExchangeBench.Ms(aloneP95));
var placeCpu = CpuMeter.Now();
var (placeP95, placed, placeFailed) = await ExchangeBench.PlacementAsync(clients, tradable, perClient: 100);
var placeCost = placeCpu.PerRequest(placed);
Report("POST /api/v1/orders p95", $"{placed} limit orders, 16 concurrent clients (16 investors) over HTTP after {warmedUp:N0} unmeasured (until the JIT settled): Idempotency-Key, session check, rules, cash lock and block, commit, book, notification ({placeFailed} failed)",
    ExchangeBench.Ms(placeP95), "≤ 25 ms");
Report("POST /api/v1/orders cost", "same run; the load generator, Kestrel, Spark and PostgreSQL share this machine's cores", placeCost);
var pacedCpu = CpuMeter.Now();
var (pacedP95, paced, pacedFailed) = await ExchangeBench.PacedPlacementAsync(clients, tradable, TimeSpan.FromMilliseconds(50), perClient: 100);
Report("POST /api/v1/orders p95 at 320/s", $"{paced} limit orders as above, paced: each of the 16 clients sends one every 50 ms, latency from its scheduled moment ({pacedFailed} failed); {pacedCpu.PerRequest(paced)}",
    ExchangeBench.Ms(pacedP95));
foreach (var client in clients) client.Dispose();

// The placements above queued thousands of notifications: let the outbox send them before timing fills beside it.
var outbox = app.Services.GetRequiredService<Spark.Web.Services.Notifications.NotificationOutbox>();
while (outbox.Queued > 0) await Task.Delay(50);
var (persistP50, persistP99) = await ExchangeBench.PersistedAsync(app.Services, traderId, tradable);
Report("exchange tick-to-fill committed p50", "one crossing order per tick, 200 ticks: match + order, execution, ledger, lots, cash in one transaction", ExchangeBench.Ms(persistP50));
Report("exchange tick-to-fill committed p99", "same run", ExchangeBench.Ms(persistP99));

// 6. Auto-invest: 10,000 due plans executed by the job's executor for one date, then the same date again.
var planDate = Spark.Core.AutoInvest.PlanSchedule.RunDate(today);
var plansRun = await PlanBench.RunAsync(app.Services, owner, planDate);
Report("plan execution, 10,000 due plans", $"claim + allocate + orders + fills + ledger + cash + executions, batches of {PlanExecutor.BatchSize}: {plansRun.First.Executed:N0} executed, {plansRun.First.Failed:N0} failed, {plansRun.Orders:N0} orders, {plansRun.Transactions:N0} ledger rows (fund orders wait for the NAV)",
    $"{plansRun.Seconds:0.0} s", "≤ 60 s");
Report("plan execution, same date again", "the same run repeated: every plan's (plan, nominal date) is already claimed",
    $"{plansRun.Second.Executed} executions in {plansRun.SecondSeconds:0.0} s", "0 executions");

// 7. A 100,000-row generic CSV imported over HTTP by a fresh investor, then the same file again.
var imports = await ImportBench.RunAsync(app.Services, address, [.. securities.Select(s => s.Security)], ImportBench.Rows);
Report("CSV import, 100,000 rows", $"POST /api/v1/transactions/import (multipart, generic, 20 stocks): stream parse, batches, FIFO once per holding; {imports.Imported:N0} imported, {imports.Errors} errors",
    $"{imports.Seconds:0.0} s ({imports.RowsPerSecond:N0} rows/s)", "≤ 10 s");
Report("CSV import peak extra memory", "the app process's peak resident size during the upload above its size before it (VmHWM − VmRSS)", $"{imports.PeakExtraMb:N0} MB", "≤ 200 MB");
Report("CSV import, same file again", $"{imports.Skipped:N0} rows reported as duplicates", $"{imports.AgainSeconds:0.0} s");

// 8. A broker sync from the Upstox stub: connect (code exchange), sync, the dashboard after it, a re-sync.
var syncRun = await SyncBench.RunAsync(app.Services, [.. securities.Select(s => s.Security)], today);
Report("broker sync, first", string.Create(CultureInfo.InvariantCulture,
        $"Upstox stub, {syncRun.Fetched:N0} trades {syncRun.From:yyyy-MM-dd}..{syncRun.To:yyyy-MM-dd}, {SyncBench.Holdings} holdings: code exchange, holdings, {syncRun.BrokerCalls} broker calls, match, ledger write; {syncRun.Written:N0} written"),
    string.Create(CultureInfo.InvariantCulture, $"{syncRun.FirstSeconds:0.00} s (broker calls {syncRun.FirstBrokerSeconds:0.00} s, Spark {syncRun.FirstSeconds - syncRun.FirstBrokerSeconds:0.00} s)"), "≤ 10 s");
Report("broker sync, nothing new", "the same connection again: resumes from its cursor", string.Create(CultureInfo.InvariantCulture,
    $"{syncRun.ResyncSeconds:0.00} s (broker {syncRun.ResyncBrokerSeconds:0.00} s), {syncRun.ResyncWritten} written"), "≤ 1 s");
Report("dashboard first view after the sync", "PortfolioService.GetAsync(series) right after the run (which computed it once after writing); cold p95: 20 more with the cache emptied each time",
    string.Create(CultureInfo.InvariantCulture, $"{syncRun.FirstViewMs:0.0} ms (cold p95 {syncRun.ColdViewP95Ms:0.0} ms)"), "≤ 100 ms");

await app.StopAsync();

// 5. market_data ingest through MarketDataService beside raw binary COPY of the same rows.
var ingest = app.Services.GetRequiredService<MarketDataService>();
var minutes = new List<MinuteBar>();
var session = new DateTimeOffset(2026, 12, 1, 3, 45, 0, TimeSpan.Zero);
foreach (var (security, _) in securities.Take(200))
{
    for (var m = 0; m < 500; m++)
    {
        var price = 100m + (m % 37);
        minutes.Add(new MinuteBar(security.Id, session.AddMinutes(m), price, price + 1m, price - 1m, price + 0.5m, 100 + m));
    }
}

async Task<double> RawCopyAsync()
{
    await using var connection = new NpgsqlConnection(builder.Configuration.GetConnectionString("Spark"));
    await connection.OpenAsync();
    var t = Stopwatch.StartNew();
    await using (var writer = await connection.BeginBinaryImportAsync(
        "COPY market_data (id, security_id, timestamp, open, high, low, close, volume, created_at) FROM STDIN (FORMAT BINARY)"))
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var b in minutes)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await writer.WriteAsync(b.SecurityId, NpgsqlDbType.Uuid);
            await writer.WriteAsync(b.Timestamp, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(b.Open, NpgsqlDbType.Numeric);
            await writer.WriteAsync(b.High, NpgsqlDbType.Numeric);
            await writer.WriteAsync(b.Low, NpgsqlDbType.Numeric);
            await writer.WriteAsync(b.Close, NpgsqlDbType.Numeric);
            await writer.WriteAsync(b.Volume, NpgsqlDbType.Bigint);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
        }

        await writer.CompleteAsync();
    }

    return t.Elapsed.TotalSeconds;
}

async Task ClearAsync()
{
    await using var connection = new NpgsqlConnection(owner);
    await connection.OpenAsync();
    await using var delete = new NpgsqlCommand("DELETE FROM market_data WHERE timestamp >= '2026-12-01' AND timestamp < '2026-12-02'", connection);
    await delete.ExecuteNonQueryAsync();
    await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE market_data", connection);
    await vacuum.ExecuteNonQueryAsync();
}

var raw = new List<double>();
var service = new List<double>();
for (var i = 0; i < 3; i++)
{
    await ClearAsync();
    raw.Add(await RawCopyAsync());
    await ClearAsync();
    var t = Stopwatch.StartNew();
    await ingest.WriteMinutesAsync(minutes, publish: false);
    service.Add(t.Elapsed.TotalSeconds);
}

await ClearAsync();
var rawRate = minutes.Count / Percentile(raw, 0.5);
var serviceRate = minutes.Count / Percentile(service, 0.5);
Report("market_data ingest, raw binary COPY", $"{minutes.Count:N0} minute bars, one COPY, median of 3", $"{rawRate:N0} rows/s");
Report("market_data ingest, MarketDataService", "same rows through the service: one COPY (its upsert fallback unused), median of 3", $"{serviceRate:N0} rows/s");
Report("ingest ÷ raw COPY", "the two lines above", (serviceRate / rawRate).ToString("0.00", CultureInfo.InvariantCulture) + "×", "≥ 0.8×");

var widths = new[] { results.Max(r => r.Measure.Length), results.Max(r => r.Result.Length), results.Max(r => r.Target.Length), results.Max(r => r.Includes.Length) };
Console.WriteLine();
Console.WriteLine($"{"measure".PadRight(widths[0])} | {"result".PadRight(widths[1])} | {"target".PadRight(widths[2])} | what the timing includes");
Console.WriteLine(new string('-', widths.Sum() + 9));
foreach (var (measure, includes, result, target) in results)
{
    Console.WriteLine($"{measure.PadRight(widths[0])} | {result.PadRight(widths[1])} | {target.PadRight(widths[2])} | {includes}");
}

Console.WriteLine();
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
return 0;

static string InsightLine(AnalysisBench.InsightResult r) => string.Create(CultureInfo.InvariantCulture,
    $"| portfolio insight, warm, p50 / p95 | PortfolioInsightService.ComputeOnlyAsync for the heavy investor ({r.Securities} securities, {r.Flows:N0} flows): portfolio with series, NIFTY 50 comparison, per-holding returns, the year's statement, breadth; {AnalysisBench.InsightRuns} runs | {r.ComputeP50:0.0} ms / {r.ComputeP95:0.0} ms | ≤ 200 ms |");
