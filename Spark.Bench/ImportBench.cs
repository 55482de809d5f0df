using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Spark.Core.Market;
using Spark.Data.Identity;

namespace Spark.Bench;

/// <summary>
/// A large generic-CSV import through the real endpoint (multipart upload over HTTP): rows/s, wall time and the
/// app process's peak resident memory above where it stood before the upload (issue #12).
/// </summary>
internal static class ImportBench
{
    public const int Rows = 100_000;
    private const string Password = "benchmark importer passphrase 2026";

    public sealed record Result(int Rows, int Imported, int Errors, double Seconds, double PeakExtraMb, int Skipped, double AgainSeconds)
    {
        public double RowsPerSecond => Imported / Seconds;
    }

    public static async Task<Result> RunAsync(IServiceProvider services, string address, IReadOnlyList<Security> securities, int rows)
    {
        var stocks = securities.Where(s => s.Type == SecurityType.Stock).OrderBy(s => s.Symbol, StringComparer.Ordinal).Take(20).ToList();
        var file = Path.Combine(Path.GetTempPath(), $"spark-import-bench-{Guid.NewGuid():N}.csv");
        var warmFile = file + ".warm.csv";
        try
        {
            // Written to disk first and uploaded from there, so the generator's own memory is not measured.
            Generate(file, stocks, rows, seed: 20261206);
            Generate(warmFile, stocks, 500, seed: 7);
            using var warm = await ClientAsync(services, address);
            await UploadAsync(warm, warmFile);

            using var http = await ClientAsync(services, address);
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var before = Status("VmRSS");
            ResetPeak();
            var clock = Stopwatch.StartNew();
            var first = await UploadAsync(http, file);
            var seconds = clock.Elapsed.TotalSeconds;
            var peak = Status("VmHWM");
            clock.Restart();
            var again = await UploadAsync(http, file);
            return new Result(rows, first["imported"]!.GetValue<int>(), first["errorCount"]?.GetValue<int>() ?? first["errors"]!.AsArray().Count,
                seconds, (peak - before) / 1024.0, again["skippedDuplicates"]!.GetValue<int>(), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            File.Delete(file);
            File.Delete(warmFile);
        }
    }

    /// <summary>
    /// Deterministic rows over several stocks, in file order by date: buys, and sells of at most what is held, so
    /// every row is good.
    /// </summary>
    private static void Generate(string path, IReadOnlyList<Security> stocks, int rows, int seed)
    {
        var random = new Random(seed);
        var held = new decimal[stocks.Count];
        var start = new DateOnly(2015, 1, 1);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write("date,symbol,type,quantity,price,fees,platform\n");
        for (var i = 0; i < rows; i++)
        {
            var h = random.Next(stocks.Count);
            var date = start.AddDays(i / 50);
            var price = 100m + random.Next(0, 90_000) / 100m;
            string type;
            decimal quantity;
            if (held[h] == 0m || random.NextDouble() < 0.6)
            {
                type = "buy";
                quantity = random.Next(1, 50);
                held[h] += quantity;
            }
            else
            {
                type = "sell";
                quantity = Math.Max(1m, Math.Floor(held[h] * (decimal)random.NextDouble()));
                held[h] -= quantity;
            }

            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{date:yyyy-MM-dd},{stocks[h].Symbol},{type},{quantity},{price},{Math.Round(price * quantity * 0.0003m, 2)},zerodha\n"));
        }
    }

    private static async Task<HttpClient> ClientAsync(IServiceProvider services, string address)
    {
        var email = $"bench-importer-{Guid.NewGuid():N}@spark.local";
        await using (var scope = services.CreateAsyncScope())
        {
            var user = new SparkUser { Name = "Bench Importer", UserName = email, Email = email, EmailConfirmed = true };
            var created = await scope.ServiceProvider.GetRequiredService<UserAccounts>().CreateAsync(user, Password, Roles.Investor);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ExchangeBench.LoginAsync(http, email, Password));
        return http;
    }

    private static async Task<JsonNode> UploadAsync(HttpClient http, string path)
    {
        await using var stream = File.OpenRead(path);
        using var content = new MultipartFormDataContent();
        var file = new StreamContent(stream);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "trades.csv");
        using var response = await http.PostAsync("api/v1/transactions/import?format=generic", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"import answered {(int)response.StatusCode}: {text[..Math.Min(500, text.Length)]}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Peak resident size restarts from the current one (Linux: 5 into clear_refs).</summary>
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>A /proc/self/status field in kB.</summary>
    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }

        throw new InvalidOperationException($"/proc/self/status has no {field}.");
    }
}
