using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Playwright;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Data.Seed;
using Spark.Tests.Infrastructure.Circuits;
using Spark.Web.Accounts;

namespace Spark.Bench;

/// <summary>
/// script/load's driver (decisions 0067 and 0069): against ONE running Spark process (its URL and PID from the script), it
/// signs the demo investor in once in Debian's Chromium, then for each N opens N live circuits with that storage state —
/// N Chromium pages (the browser client), or N circuits spoken over the WebSocket by <see cref="ProtocolCircuit"/> without a
/// browser (the protocol client) — and measures, against the same process with no circuit open just before:
/// memory per circuit (RSS from /proc/PID/status and the managed heap after an induced full collection, both as
/// (after − before) ÷ N), app CPU per circuit per tick (utime+stime from /proc/PID/stat over a fixed window with N pages
/// minus the same window with none, ÷ N ÷ ticks), tick-to-DOM (a MutationObserver on the total-value figure in every page,
/// paired with the server time of the tick it shows: the summary's data-tick-at; with the protocol client, tick-to-batch:
/// the arrival of the first render batch carrying a new data-tick-at), and errors.
/// </summary>
internal static class LoadDriver
{
    private const float Patience = 60_000;

    private sealed record Settings(Uri BaseUrl, int Pid, IReadOnlyList<int> Pages, string Path, int TickMilliseconds, int WindowSeconds, int Parallel, string Client)
    {
        public int Ticks => WindowSeconds * 1000 / TickMilliseconds;

        public bool IsProtocol => Client == "protocol";

        /// <summary>What the latency column measures: to the DOM in a browser, to the render batch's arrival without one.</summary>
        public string Latency => IsProtocol ? "tick-to-batch" : "tick-to-DOM";

        public bool IsDashboard => Path.TrimEnd('/').Equals("dashboard", StringComparison.OrdinalIgnoreCase);

        public static Settings FromEnvironment()
        {
            static string Need(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
                : throw new InvalidOperationException($"{name} is not set (script/load sets it).");
            static int Int(string name, int fallback) =>
                int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
            var url = Need("SPARK_LOAD_URL").TrimEnd('/') + "/";
            var client = Environment.GetEnvironmentVariable("SPARK_LOAD_CLIENT") is { Length: > 0 } c ? c : "protocol";
            if (client is not ("protocol" or "browser")) throw new InvalidOperationException($"SPARK_LOAD_CLIENT is '{client}': protocol or browser.");
            // Without a browser per circuit the machine holds far more circuits: the protocol client's default goes to 200.
            var pages = (Environment.GetEnvironmentVariable("SPARK_LOAD_PAGES") is { Length: > 0 } list ? list : client == "protocol" ? "10,50,100,200" : "10,25,50")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.Parse(p, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToList();
            return new Settings(new Uri(url), int.Parse(Need("SPARK_LOAD_PID"), CultureInfo.InvariantCulture), pages,
                (Environment.GetEnvironmentVariable("SPARK_LOAD_PATH") ?? "/dashboard").TrimStart('/'),
                Int("SPARK_LOAD_TICK_MS", 1000), Int("SPARK_LOAD_WINDOW_SECONDS", 20), Int("SPARK_LOAD_PARALLEL", client == "protocol" ? 8 : 4), client);
        }
    }

    /// <summary>One N's measurements.</summary>
    private sealed record Row(
        int N, int Opened, int Ticking, double RssPerCircuitKb, double? HeapPerCircuitKb, double CpuMsPerCircuitPerTick, double CpuIdleBeforeMsPerTick, double CpuIdleAfterMsPerTick,
        double? P50, double? P99, double? Max, int Samples, double BytesPerTick, Errors Errors, string? HeapNote, IReadOnlyList<(string Type, double KbPerCircuit, double CountPerCircuit)> Types,
        double ClientCpuMsPerTick, string LoadAverage, double OpenSeconds);

    private sealed class Errors
    {
        public int PageErrors;
        public int ConsoleErrors;
        public int FailedRequests;
        public int Disconnects;
        public int OpenFailures;
        public int CircuitErrors;
        public readonly ConcurrentQueue<string> Examples = new();

        public int Total => PageErrors + ConsoleErrors + FailedRequests + Disconnects + OpenFailures + CircuitErrors;

        public void Note(ref int counter, string what)
        {
            Interlocked.Increment(ref counter);
            if (Examples.Count < 5) Examples.Enqueue(what.Length > 200 ? what[..200] : what);
        }

        /// <summary>The protocol client's errors other than a closed connection: JS.Error, unreadable batches, interop it could not answer, the SignalR client's own warnings.</summary>
        public void NoteCircuit(ProtocolCircuit circuit)
        {
            foreach (var (kind, count) in circuit.Errors)
            {
                if (kind == "closed") Interlocked.Add(ref Disconnects, count);
                else Interlocked.Add(ref CircuitErrors, count);
            }

            foreach (var example in circuit.ErrorExamples)
            {
                if (Examples.Count < 5) Examples.Enqueue(example);
            }
        }

        public override string ToString() => Total == 0 ? "0" : string.Create(CultureInfo.InvariantCulture,
            $"{Total} ({PageErrors} page, {ConsoleErrors} console, {FailedRequests} requests, {CircuitErrors} circuit, {Disconnects} disconnects, {OpenFailures} not opened)");
    }

    /// <summary>
    /// In each page: records [server time of the tick, browser time] the first time the total-value figure changes for a new
    /// data-tick-at. Blazor applies a render batch in one task, so the attribute and the figures change together; the
    /// observer's callback runs as a microtask right after that DOM update (before paint).
    /// </summary>
    private const string ObserverScript = """
        () => {
          const load = window.__sparkLoad = { samples: [], last: null };
          const observer = new MutationObserver(records => {
            const now = Date.now();
            const summary = document.querySelector('[data-testid="dashboard-summary"]');
            const figure = summary && summary.querySelector('[data-testid="stat-value"]');
            if (!figure) return;
            const at = summary.getAttribute('data-tick-at');
            if (!at || at === load.last) return;
            if (!records.some(r => figure.contains(r.target))) return;
            load.last = at;
            load.samples.push([Number(at), now]);
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true });
          return true;
        }
        """;

    public static async Task<int> RunAsync()
    {
        var settings = Settings.FromEnvironment();
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        using var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // As Spark.Tests/Infrastructure/BrowserFixture.cs: Debian's headless Chromium, never a downloaded browser.
            ExecutablePath = File.Exists("/usr/bin/chromium-headless-shell") ? "/usr/bin/chromium-headless-shell" : "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            ],
        });
        try
        {
            Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(Patience);
            var state = await SignInAsync(browser, settings);
            Func<int, Errors, Task<Live>> open;
            if (settings.IsProtocol)
            {
                // The browser was only needed to sign in: close it so no Chromium shares the cores while circuits are measured.
                await browser.DisposeAsync();
                open = (n, errors) => OpenProtocolAsync(settings, state, n, errors);
            }
            else
            {
                open = (n, errors) => OpenBrowserAsync(browser, settings, state, n, errors);
            }

            Console.Error.WriteLine($"signed in the demo investor; warming up with one {settings.Client} circuit");
            var warm = await open(1, new Errors());
            await Task.Delay(TimeSpan.FromSeconds(5));
            await warm.Close();
            await SettleAsync(settings);
            var rows = new List<Row>();
            foreach (var n in settings.Pages)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"N = {n}: baseline, then {n} {settings.Client} circuits"));
                rows.Add(await MeasureAsync(open, settings, n));
            }

            Print(settings, rows, loadBefore, File.ReadAllText("/proc/loadavg").Trim());
            return rows.All(r => r.Opened == r.N) ? 0 : 1;
        }
        finally
        {
            await browser.DisposeAsync();
        }
    }

    /// <summary>
    /// Waits (at least 20 s, at most three minutes) until the process's own CPU with no page open is steady — two 5-second
    /// windows in a row within 20 % of each other and at most 20 % above the lowest seen — so start-up work (tiered JIT,
    /// caches, the market's first minutes: 20–40 s at 370–590 ms a tick here) does not land in a baseline window; prints
    /// each window.
    /// </summary>
    private static async Task SettleAsync(Settings settings)
    {
        var window = TimeSpan.FromSeconds(5);
        double? previous = null;
        var lowest = double.MaxValue;
        for (var i = 0; i < 36; i++)
        {
            var perTick = (await CpuOverAsync(settings.Pid, window)).TotalMilliseconds / (window.TotalMilliseconds / settings.TickMilliseconds);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"settling: app CPU with no page {perTick:0.0} ms per tick"));
            lowest = Math.Min(lowest, perTick);
            if (i >= 3 && previous is { } p && Math.Abs(perTick - p) <= 0.2 * Math.Max(perTick, p) && perTick <= 1.2 * lowest + 2) return;
            previous = perTick;
        }
    }

    private static BrowserNewContextOptions ContextOptions(Settings settings, string? state) => new()
    {
        BaseURL = settings.BaseUrl.ToString(),
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        Locale = "en-IN",
        TimezoneId = "Asia/Kolkata",
        StorageState = state,
    };

    /// <summary>The demo investor's sign-in with its authenticator code, as the E2E tests do it; returns the storage state.</summary>
    private static async Task<string> SignInAsync(IBrowser browser, Settings settings)
    {
        var investor = DemoDataSeeder.Logins.Single(l => l.Role == Roles.Investor);
        await using var context = await browser.NewContextAsync(ContextOptions(settings, null));
        context.SetDefaultTimeout(Patience);
        var page = await context.NewPageAsync();
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(investor.Email);
        await page.GetByLabel("Password").FillAsync(investor.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.GetByLabel("Authenticator code").FillAsync(AuthenticatorCodes.Compute(investor.AuthenticatorKey!, DateTimeOffset.UtcNow));
        await page.GetByTestId("verify-code").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator("#spark-root")).ToHaveAttributeAsync("data-interactive", "true");
        return await context.StorageStateAsync();
    }

    private sealed record LivePage(IBrowserContext Context, IPage Page, Action Closing, Func<long> ReceivedBytes);

    /// <summary>
    /// N open circuits of either client: how many opened, dropping the samples so far, taking the (tick time, seen time)
    /// pairs since, the bytes received so far (WebSocket frames in a browser, render-batch payloads without one), closing.
    /// </summary>
    private sealed record Live(int Count, Func<Task> Discard, Func<Task<List<List<(double TickAt, double SeenAt)>>>> Take, Func<long> Bytes, Func<Task> Close);

    private static async Task<Live> OpenBrowserAsync(IBrowser browser, Settings settings, string state, int n, Errors errors)
    {
        var pages = await OpenAsync(browser, settings, state, n, errors);
        return new Live(pages.Count,
            async () =>
            {
                foreach (var p in pages) await p.Page.EvaluateAsync("() => window.__sparkLoad.samples.splice(0).length");
            },
            async () =>
            {
                var all = new List<List<(double, double)>>();
                foreach (var p in pages)
                {
                    var samples = await p.Page.EvaluateAsync<double[][]>("() => window.__sparkLoad.samples.splice(0)");
                    all.Add([.. samples.Select(x => (x[0], x[1]))]);
                }

                return all;
            },
            () => pages.Sum(p => p.ReceivedBytes()),
            () => CloseAsync(pages));
    }

    /// <summary>
    /// Opens <paramref name="n"/> protocol-level circuits, a few at a time, each with its own copy of the signed-in cookies
    /// (as each browser page has its own context); each is ready once it rendered interactively (and the dashboard's summary).
    /// </summary>
    private static async Task<Live> OpenProtocolAsync(Settings settings, string state, int n, Errors errors)
    {
        var circuits = new ConcurrentBag<ProtocolCircuit>();
        using var gate = new SemaphoreSlim(settings.Parallel);
        await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                circuits.Add(await ProtocolCircuit.OpenAsync(settings.BaseUrl, settings.Path, Cookies(state),
                    settings.IsDashboard ? "dashboard-summary" : null, TimeSpan.FromMilliseconds(Patience)));
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException or IOException
                or System.Net.WebSockets.WebSocketException or Microsoft.AspNetCore.SignalR.HubException)
            {
                errors.Note(ref errors.OpenFailures, $"circuit {i} did not open: {e.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));
        var open = circuits.ToList();
        return new Live(open.Count,
            () =>
            {
                foreach (var c in open) c.TakeSamples();
                return Task.CompletedTask;
            },
            () => Task.FromResult(open.Select(c => c.TakeSamples().Select(x => ((double)x.TickAt, (double)x.ReceivedAt)).ToList()).ToList()),
            () => open.Sum(c => c.BatchBytes),
            async () =>
            {
                foreach (var c in open)
                {
                    errors.NoteCircuit(c);
                    await c.DisposeAsync();
                }
            });
    }

    /// <summary>The storage state's cookies (Playwright's JSON) in a container of their own.</summary>
    private static CookieContainer Cookies(string state)
    {
        var cookies = new CookieContainer();
        using var json = JsonDocument.Parse(state);
        foreach (var c in json.RootElement.GetProperty("cookies").EnumerateArray())
        {
            cookies.Add(new System.Net.Cookie(c.GetProperty("name").GetString()!, c.GetProperty("value").GetString(), c.GetProperty("path").GetString(),
                c.GetProperty("domain").GetString()));
        }

        return cookies;
    }

    /// <summary>Opens <paramref name="n"/> pages, a few at a time, each in its own context (cookies from the storage state).</summary>
    private static async Task<List<LivePage>> OpenAsync(IBrowser browser, Settings settings, string state, int n, Errors errors)
    {
        var pages = new ConcurrentBag<LivePage>();
        using var gate = new SemaphoreSlim(settings.Parallel);
        await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var context = await browser.NewContextAsync(ContextOptions(settings, state));
                context.SetDefaultTimeout(Patience);
                var page = await context.NewPageAsync();
                var closing = false;
                page.PageError += (_, e) => errors.Note(ref errors.PageErrors, "page error: " + e);
                page.Console += (_, m) =>
                {
                    if (m.Type == "error") errors.Note(ref errors.ConsoleErrors, "console: " + m.Text);
                };
                page.RequestFailed += (_, r) =>
                {
                    if (!closing) errors.Note(ref errors.FailedRequests, $"request failed: {r.Method} {r.Url} {r.Failure}");
                };
                page.Response += (_, r) =>
                {
                    if (r.Status >= 400) errors.Note(ref errors.FailedRequests, $"HTTP {r.Status}: {r.Url}");
                };
                // The circuit's WebSocket closing while the page is still meant to be open is a disconnect; what it receives
                // is the render batches (and pings) the server sends this circuit.
                long received = 0;
                page.WebSocket += (_, ws) =>
                {
                    ws.FrameReceived += (_, f) => Interlocked.Add(ref received, f.Binary?.Length ?? f.Text?.Length ?? 0);
                    ws.Close += (_, _) =>
                    {
                        if (!closing) errors.Note(ref errors.Disconnects, "WebSocket closed: " + ws.Url);
                    };
                };
                await page.GotoAsync(settings.Path);
                await Microsoft.Playwright.Assertions.Expect(page.Locator("#spark-root")).ToHaveAttributeAsync("data-interactive", "true");
                // The observer reads the dashboard's total value: another URL is measured for memory, CPU and errors, with no tick-to-DOM.
                if (settings.IsDashboard) await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("stat-value")).ToBeVisibleAsync();
                await page.EvaluateAsync<bool>(ObserverScript);
                pages.Add(new LivePage(context, page, () => closing = true, () => Interlocked.Read(ref received)));
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                errors.Note(ref errors.OpenFailures, $"page {i} did not open: {e.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. pages];
    }

    /// <summary>Leaves each page first (Blazor ends its circuit on unload), then closes its context.</summary>
    private static async Task CloseAsync(List<LivePage> pages)
    {
        foreach (var p in pages)
        {
            p.Closing();
            try
            {
                await p.Page.GotoAsync("about:blank");
            }
            catch (PlaywrightException)
            {
            }

            await p.Context.CloseAsync();
        }
    }

    private static async Task<Row> MeasureAsync(Func<int, Errors, Task<Live>> open, Settings settings, int n)
    {
        // Circuits of the previous N end on unload (or the protocol client's disconnect); give the process a moment before its baseline.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var (heapBefore, rssBefore, noteBefore) = await MemoryAsync(settings.Pid);
        var window = TimeSpan.FromSeconds(settings.WindowSeconds);
        var idleBefore = await CpuOverAsync(settings.Pid, window);

        var errors = new Errors();
        var opening = Stopwatch.StartNew();
        var live = await open(n, errors);
        var openSeconds = opening.Elapsed.TotalSeconds;
        // Idle: no interaction, ticks only, until the first renders' garbage is gone.
        await Task.Delay(TimeSpan.FromSeconds(10));
        await live.Discard();
        var loadFrom = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var bytesFrom = live.Bytes();
        var clientFrom = Process.GetCurrentProcess().TotalProcessorTime;
        var busyCpu = await CpuOverAsync(settings.Pid, window);
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientFrom;
        var to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var loadTo = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var bytesPerCircuitPerTick = (live.Bytes() - bytesFrom) / (double)Math.Max(1, live.Count) / settings.Ticks;
        var latencies = new List<double>();
        var ticking = 0;
        foreach (var samples in await live.Take())
        {
            var inWindow = samples.Where(s => s.TickAt >= from && s.TickAt <= to).Select(s => s.SeenAt - s.TickAt).ToList();
            if (inWindow.Count > 0) ticking++;
            latencies.AddRange(inWindow);
        }

        var (heapAfter, rssAfter, noteAfter) = await MemoryAsync(settings.Pid);
        await live.Close();
        // The idle cost drifts (the process's own background work): bracket the busy window with an idle one after it too.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleAfter = await CpuOverAsync(settings.Pid, window);
        var idleCpu = (idleBefore + idleAfter) / 2;

        var opened = live.Count;
        var per = Math.Max(1, opened);
        var types = new List<(string, double, double)>();
        if (heapBefore is { } hb && heapAfter is { } ha)
        {
            types = [.. ha.ByType.Select(t =>
                {
                    var (bytes, count) = hb.ByType.GetValueOrDefault(t.Key);
                    return (Type: t.Key, Kb: (t.Value.Bytes - bytes) / 1024.0 / per, Count: (t.Value.Count - count) / (double)per);
                })
                .OrderByDescending(t => t.Kb).Take(15)];
            // SPARK_LOAD_TYPES_FILE: every type's difference (not only the 15 largest), e.g. to count live components by type.
            if (Environment.GetEnvironmentVariable("SPARK_LOAD_TYPES_FILE") is { Length: > 0 } typesFile)
            {
                var after = ha.ByType.Concat(ha.ArraysBySize).ToDictionary();
                var before = hb.ByType.Concat(hb.ArraysBySize).ToDictionary();
                var lines = after.Keys.Union(before.Keys)
                    .Select(name =>
                    {
                        var (bytesA, countA) = after.GetValueOrDefault(name);
                        var (bytesB, countB) = before.GetValueOrDefault(name);
                        return (Name: name, Kb: (bytesA - bytesB) / 1024.0 / per, Count: (countA - countB) / (double)per);
                    })
                    .Where(t => Math.Abs(t.Count) >= 0.05 || Math.Abs(t.Kb) >= 0.05)
                    .OrderByDescending(t => t.Kb)
                    .Select(t => string.Create(CultureInfo.InvariantCulture, $"{n}\t{t.Kb:F2}\t{t.Count:F2}\t{t.Name}"));
                File.AppendAllLines(typesFile, lines);
            }
        }

        latencies.Sort();
        return new Row(n, opened, ticking, (rssAfter - rssBefore) / (double)per,
            heapBefore is { } b && heapAfter is { } a ? (a.Bytes - b.Bytes) / 1024.0 / per : null,
            (busyCpu - idleCpu).TotalMilliseconds / per / settings.Ticks, idleBefore.TotalMilliseconds / settings.Ticks, idleAfter.TotalMilliseconds / settings.Ticks,
            latencies.Count > 0 ? Percentile(latencies, 0.50) : null, latencies.Count > 0 ? Percentile(latencies, 0.99) : null,
            latencies.Count > 0 ? latencies[^1] : null, latencies.Count, bytesPerCircuitPerTick, errors, noteBefore ?? noteAfter, types,
            clientCpu.TotalMilliseconds / settings.Ticks, $"{loadFrom}–{loadTo}", openSeconds);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[(int)Math.Min(sorted.Count - 1, Math.Max(0, Math.Ceiling(p * sorted.Count) - 1))];

    /// <summary>The heap after an induced full collection and the resident size right after it (kB).</summary>
    private static async Task<(HeapSnapshot? Heap, long RssKb, string? Note)> MemoryAsync(int pid)
    {
        try
        {
            var heap = await HeapSnapshot.TakeAsync(pid, TimeSpan.FromSeconds(120));
            return (heap, RssKb(pid), null);
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException or ServerNotAvailableException)
        {
            return (null, RssKb(pid), "heap not measured: " + e.Message);
        }
    }

    private static long RssKb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>utime + stime of the process (fields 14 and 15 of /proc/PID/stat, in USER_HZ = 100 a second) over <paramref name="window"/>.</summary>
    private static async Task<TimeSpan> CpuOverAsync(int pid, TimeSpan window)
    {
        var start = CpuTicks(pid);
        await Task.Delay(window);
        return TimeSpan.FromSeconds((CpuTicks(pid) - start) / 100.0);
    }

    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static void Print(Settings settings, List<Row> rows, string loadBefore, string loadAfter)
    {
        static string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
        var now = DateTimeOffset.UtcNow;
        var nseOpen = MarketCalendar.SessionOn(MarketCalendar.IstDate(now)) is { } session && now >= session.Open && now < session.Close;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"script/load: /{settings.Path}, demo investor, {settings.Client} client, one Spark process (PID {settings.Pid}), ticks every {settings.TickMilliseconds} ms, CPU window {settings.WindowSeconds} s ({settings.Ticks} ticks)"));
        Console.WriteLine();
        Console.WriteLine($"| N | client | circuits opened (ticking) | RSS / circuit | heap / circuit | app CPU / circuit / tick | {settings.Latency} p50 | {settings.Latency} p99 (max) | samples | errors | load average in the window |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.N} | {settings.Client} | {r.Opened} ({r.Ticking}) | {F(r.RssPerCircuitKb, "N0")} KB | {F(r.HeapPerCircuitKb, "N0")} KB | {F(r.CpuMsPerCircuitPerTick, "0.00")} ms | {F(r.P50, "0")} ms | {F(r.P99, "0")} ms ({F(r.Max, "0")}) | {r.Samples} | {r.Errors} | {r.LoadAverage} |"));
        }

        Console.WriteLine("| target (issue #17) | | N | | ≤ 250 KB (idle) | ≤ 0.3 ms | | ≤ 250 ms | | 0 | |");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Conditions: {now:yyyy-MM-dd HH:mm} UTC, NSE {(nseOpen ? "open: every listed security ticks" : "closed: only crypto ticks (the demo investor holds BTCINR and ETHINR)")}; {Environment.ProcessorCount} cores shared by Spark, PostgreSQL, {(settings.IsProtocol ? "this load client" : "Chromium")} and anything else running; load average {loadBefore.Split(' ')[0]} before, {loadAfter.Split(' ')[0]} after."));
        Console.WriteLine("RSS and heap: (after − before) ÷ pages opened, each read right after an induced full blocking collection (EventPipe GCHeapSnapshot, as dotnet-gcdump); after = the pages idle 10 s plus the CPU window.");
        Console.WriteLine("App CPU: the Spark process's utime+stime over the window with the pages open minus the mean of the same window with none just before and just after, ÷ pages ÷ ticks; app CPU per tick with no page (before / after): "
            + string.Join(", ", rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"N={r.N} {r.CpuIdleBeforeMsPerTick:0.0} / {r.CpuIdleAfterMsPerTick:0.0} ms"))) + ".");
        Console.WriteLine((settings.IsProtocol ? "Render-batch bytes received per circuit per tick over the window: " : "WebSocket bytes received per circuit per tick over the window (render batches): ")
            + string.Join(", ", rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"N={r.N} {r.BytesPerTick:N0} B"))) + ".");
        Console.WriteLine("Seconds to open the N circuits: " + string.Join(", ", rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"N={r.N} {r.OpenSeconds:0.0} s"))) + ".");
        if (settings.IsProtocol)
        {
            Console.WriteLine("Tick-to-batch: this client's clock when the first render batch carrying a new data-tick-at arrived (decoded from the batch's attribute frames) minus that tick's server time (same machine clock): the server's share of tick-to-DOM plus the socket, without applying the batch to a DOM.");
            Console.WriteLine("The load client's own CPU per tick over the window (it shares the cores with the server): "
                + string.Join(", ", rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"N={r.N} {r.ClientCpuMsPerTick:0.0} ms"))) + ".");
        }
        else
        {
            Console.WriteLine("Tick-to-DOM: browser Date.now() when the total-value figure changed minus the server time of the newest tick it shows (same machine clock); the browsers share the cores with the server.");
        }

        foreach (var r in rows)
        {
            if (r.HeapNote is not null) Console.WriteLine($"N={r.N}: {r.HeapNote}");
            foreach (var example in r.Errors.Examples) Console.WriteLine($"N={r.N} error: {example}");
        }

        foreach (var r in rows.Where(r => r.Types.Count > 0))
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Live managed objects per circuit at N = {r.N}, by type (after − before ÷ {r.Opened}), the 15 largest:"));
            Console.WriteLine();
            Console.WriteLine("| type | KB / circuit | objects / circuit |");
            Console.WriteLine("| --- | --- | --- |");
            foreach (var (type, kb, count) in r.Types)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {kb:N1} | {count:N0} |"));
            }
        }
    }
}
