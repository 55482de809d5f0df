using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using Npgsql;
using Spark.Core.Analysis;
using Spark.Web.Services.Analysis;

namespace Spark.Bench;

/// <summary>
/// Issue #18's analysis targets (decision 0060): every indicator over 500 securities × 10 years of daily bars on one thread
/// (≤ 2 s), the rule over each security's last two years, and a cached analysis read (≤ 5 ms).
/// </summary>
internal static class AnalysisBench
{
    public const int Reads = 200;

    public sealed record Result(int Securities, long Bars, double IndicatorsSeconds, double RuleSeconds, double ReadP50, double ReadP95, double MissMs);

    public static async Task<Result> RunAsync(IServiceProvider services, string ownerConnectionString, IReadOnlyList<Spark.Core.Market.Security> securities)
    {
        // The bars, in memory first: the target is the arithmetic, not the read.
        var bySecurity = new Dictionary<Guid, List<PriceBar>>();
        await using (var connection = new NpgsqlConnection(ownerConnectionString))
        {
            await connection.OpenAsync();
            await using var reader = await connection.BeginBinaryExportAsync(
                "COPY (SELECT security_id, trade_date, open, high, low, close FROM market_data_daily ORDER BY security_id, trade_date) TO STDOUT (FORMAT BINARY)");
            while (await reader.StartRowAsync() != -1)
            {
                var id = await reader.ReadAsync<Guid>();
                var date = await reader.ReadAsync<DateOnly>();
                var bar = new PriceBar(date, (double)await reader.ReadAsync<decimal>(), (double)await reader.ReadAsync<decimal>(),
                    (double)await reader.ReadAsync<decimal>(), (double)await reader.ReadAsync<decimal>());
                if (!bySecurity.TryGetValue(id, out var list)) bySecurity[id] = list = [];
                list.Add(bar);
            }
        }

        var all = bySecurity.Values.ToList();
        All(all[0]); // JIT
        var clock = Stopwatch.StartNew();
        double sink = 0;
        foreach (var bars in all) sink += All(bars);
        var indicators = clock.Elapsed.TotalSeconds;

        clock.Restart();
        foreach (var bars in all)
        {
            var recent = bars.Count > 520 ? bars[^520..] : bars;
            sink += SecurityAnalyzer.Analyse(new SecurityAnalysisInput(recent, null, 0.055)).Composite ?? 0;
        }

        var rule = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);

        // A cached read: the first read computes and stores; the rest are hits.
        var analyses = services.GetRequiredService<SecurityAnalysisService>();
        var security = securities.First(s => bySecurity.ContainsKey(s.Id));
        clock.Restart();
        await analyses.RefreshAsync(security);
        var miss = clock.Elapsed.TotalMilliseconds;
        var times = new List<double>();
        for (var i = 0; i < Reads + 10; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var read = await analyses.GetAsync(security);
            if (i >= 10) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (read is not { FromCache: true }) throw new InvalidOperationException("The cached analysis was not read from the cache.");
        }

        times.Sort();
        return new Result(all.Count, all.Sum(b => (long)b.Count), indicators, rule, times[times.Count / 2], times[(int)Math.Ceiling(0.95 * times.Count) - 1], miss);
    }

    public const int InsightRuns = 20;

    public sealed record InsightResult(int Securities, int Flows, double ComputeP50, double ComputeP95, double ReadP50, double ReadP95)
    {
        /// <summary>A cached read with nothing kept in this process's memory (another instance, or after a restart): the row and its JSON.</summary>
        public double RowReadP50 { get; init; }
        public double RowReadP95 { get; init; }
    }

    /// <summary>
    /// The heavy investor's portfolio insight (decision 0062), warm: the ledger, price history, NIFTY 50 history and the
    /// statement's openings already loaded by a first computation, then <see cref="InsightRuns"/> computations (everything the
    /// insight reads and computes, without the cache), as many cached reads (the stamp, then the insight kept in memory) and
    /// as many with nothing in memory (the stamp, the row, JSON).
    /// </summary>
    public static async Task<InsightResult> InsightAsync(IServiceProvider services, Guid userId)
    {
        await using var scope = services.CreateAsyncScope();
        var insights = scope.ServiceProvider.GetRequiredService<PortfolioInsightService>();
        var first = await insights.GetAsync(userId, refresh: true);
        var computes = new List<double>();
        for (var i = 0; i < InsightRuns + 3; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await insights.ComputeOnlyAsync(userId);
            if (i >= 3) computes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var reads = new List<double>();
        for (var i = 0; i < InsightRuns + 3; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var read = await insights.GetAsync(userId);
            if (i >= 3) reads.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (!read.FromCache) throw new InvalidOperationException("The portfolio insight was not read from the cache.");
        }

        var memory = scope.ServiceProvider.GetRequiredService<PortfolioInsightMemory>();
        var rowReads = new List<double>();
        for (var i = 0; i < InsightRuns + 3; i++)
        {
            memory.Forget(userId);
            var start = Stopwatch.GetTimestamp();
            var read = await insights.GetAsync(userId);
            if (i >= 3) rowReads.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (!read.FromCache) throw new InvalidOperationException("The portfolio insight was not read from its row.");
        }

        computes.Sort();
        reads.Sort();
        rowReads.Sort();
        return new InsightResult(first.Inputs.Securities, first.Inputs.Flows, computes[computes.Count / 2], computes[(int)Math.Ceiling(0.95 * computes.Count) - 1],
            reads[reads.Count / 2], reads[(int)Math.Ceiling(0.95 * reads.Count) - 1])
        {
            RowReadP50 = rowReads[rowReads.Count / 2],
            RowReadP95 = rowReads[(int)Math.Ceiling(0.95 * rowReads.Count) - 1],
        };
    }

    /// <summary>Every indicator series the API serves, and the statistics of the snapshot.</summary>
    private static double All(List<PriceBar> bars)
    {
        var closes = new double[bars.Count];
        for (var i = 0; i < closes.Length; i++) closes[i] = bars[i].Close;
        double sum = 0;
        foreach (var period in (int[])[20, 50, 200])
        {
            sum += Last(Indicators.Sma(closes, period)) + Last(Indicators.Ema(closes, period));
        }

        sum += Last(Indicators.Rsi(closes));
        var macd = Indicators.Macd(closes);
        sum += Last(macd.Histogram);
        sum += Last(Indicators.Bollinger(closes).Upper);
        sum += Last(Indicators.Atr(bars));
        sum += Last(Indicators.Stochastic(bars).D);
        sum += (Indicators.AnnualisedVolatility(closes) ?? 0) + (Indicators.MaxDrawdown(closes) ?? 0)
            + (Indicators.Sharpe(closes, 0.055) ?? 0) + (Indicators.Sortino(closes, 0.055) ?? 0);
        sum += Indicators.Range52Weeks(bars)?.High ?? 0;
        return sum;
    }

    private static double Last(double[] series) => series.Length == 0 || double.IsNaN(series[^1]) ? 0 : series[^1];
}
