using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Spark.Core.Portfolio;
using Spark.Core.Tax;
using Spark.Data;
using Spark.Web.Services.Tax;

namespace Spark.Bench;

/// <summary>
/// The capital-gains statement of one financial year for the heavy investor (issue #15, decision 0047), beside the time
/// to read that year's rows with a plain query: the statement's floor.
/// </summary>
internal static class TaxBench
{
    public const int Runs = 30;
    public const int WarmUp = 5;

    public sealed record Result(FinancialYear Year, int Rows, int YearTransactions, double StatementP50, double StatementP95, double ReadP50, double ReadP95)
    {
        /// <summary>Where the statement's time goes: reading the holdings' rows it needs, and the engine alone (medians).</summary>
        public double LoadP50 { get; init; }
        public int LoadedRows { get; init; }
        public double EngineP50 { get; init; }

        /// <summary>The statement right after a change to the ledger before the year (its openings cleared, then rebuilt and kept).</summary>
        public double ColdP50 { get; init; }
        public double ColdP95 { get; init; }

        /// <summary>The statement computed on every read (no statement kept in memory), as after a write dated in or after the year:
        /// the openings and the losses brought forward kept in the database (decisions 0055 and 0066).</summary>
        public double ComputedP50 { get; init; }
        public double ComputedP95 { get; init; }

        /// <summary>Of the warm statement reads, how many the cache served.</summary>
        public long Hits { get; init; }

        /// <summary>The statement right after a write dated in a later year (decision 0066), and how many of those reads memory served.</summary>
        public double LaterP50 { get; init; }
        public double LaterP95 { get; init; }
        public long LaterHits { get; init; }
    }

    public const int ColdRuns = 10;

    public static async Task<Result> RunAsync(IServiceProvider services, Guid userId, FinancialYear year)
    {
        var cache = services.GetRequiredService<StatementCache>();
        var hitsBefore = cache.Hits;
        var statements = new List<double>();
        var reads = new List<double>();
        var rows = 0;
        var yearRows = 0;
        for (var i = 0; i < Runs + WarmUp; i++)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SparkDb>();
                var t = Stopwatch.StartNew();
                await using var context = db.ForUser(userId);
                var from = year.From;
                var to = year.To;
                var list = await context.Transactions.AsNoTracking().Where(x => x.TransactionDate >= from && x.TransactionDate <= to).ToListAsync();
                yearRows = list.Count;
                if (i >= WarmUp) reads.Add(t.Elapsed.TotalMilliseconds);
            }

            await using (var scope = services.CreateAsyncScope())
            {
                var service = scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>();
                var t = Stopwatch.StartNew();
                var statement = await service.GetAsync(userId, year, 1, 50);
                rows = statement.RowCount;
                if (i >= WarmUp) statements.Add(t.Elapsed.TotalMilliseconds);
            }
        }

        var hits = cache.Hits - hitsBefore;

        // After a write dated in a later year (a fill today): its triggers bump the ledger's version and the later year's
        // version only (decision 0066), as done here by hand; the year's kept statement is still the answer.
        var later = new List<double>();
        var laterHitsBefore = cache.Hits;
        for (var i = 0; i < Runs; i++)
        {
            await using var scope = services.CreateAsyncScope();
            await using (var context = scope.ServiceProvider.GetRequiredService<SparkDb>().ForUser(userId))
            {
                var next = new FinancialYear(year.StartYear + 1).From;
                await context.Database.ExecuteSqlAsync($"UPDATE ledger_versions SET version = version + 1 WHERE user_id = {userId}");
                await context.Database.ExecuteSqlAsync($"""
                    INSERT INTO ledger_year_versions AS v (user_id, year_start, version) VALUES ({userId}, {next}, 1)
                    ON CONFLICT (user_id, year_start) DO UPDATE SET version = v.version + 1
                    """);
            }
            var service = scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>();
            var t = Stopwatch.StartNew();
            await service.GetAsync(userId, year, 1, 50);
            later.Add(t.Elapsed.TotalMilliseconds);
        }
        var laterHits = cache.Hits - laterHitsBefore;

        // The same statement computed on every read: the service without the cache (decision 0065's "before").
        var computed = new List<double>();
        for (var i = 0; i < Runs + WarmUp; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var uncached = new CapitalGainsStatements(scope.ServiceProvider.GetRequiredService<SparkDb>(),
                scope.ServiceProvider.GetRequiredService<IGrandfatheringPrices>(),
                scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Spark.Core.Orders.ChargeSchedule>>());
            var t = Stopwatch.StartNew();
            await uncached.GetAsync(userId, year, 1, 50);
            if (i >= WarmUp) computed.Add(t.Elapsed.TotalMilliseconds);
        }

        // The two halves apart: the rows the statement reads, then the pure engine over them.
        var loads = new List<double>();
        var engine = new List<double>();
        var loaded = 0;
        for (var i = 0; i < Runs + WarmUp; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SparkDb>();
            var charges = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Spark.Core.Orders.ChargeSchedule>>().Value;
            var t = Stopwatch.StartNew();
            await using var context = db.ForUser(userId);
            var from = year.From;
            var to = year.To;
            var sold = await context.Transactions.AsNoTracking()
                .Where(x => x.Type == TransactionType.Sell && x.InvestmentId != null && x.TransactionDate >= from && x.TransactionDate <= to)
                .Select(x => x.InvestmentId!.Value).Distinct().ToListAsync();
            var holdings = await CapitalGainsStatements.YearHoldingsAsync(context, sold, from, to, charges, default);
            var load = t.Elapsed.TotalMilliseconds;
            CapitalGainsEngine.Compute(year, holdings, new Dictionary<Guid, decimal>(), [], charges, 1, 50);
            loaded = holdings.Sum(h => h.Rows.Count);
            if (i >= WarmUp)
            {
                loads.Add(load);
                engine.Add(t.Elapsed.TotalMilliseconds - load);
            }
        }

        // Cold: what the trigger leaves after an earlier row changes (decision 0055): no opening kept for the year.
        var cold = new List<double>();
        for (var i = 0; i < ColdRuns; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SparkDb>();
            await using (var context = db.ForUser(userId))
            {
                // As a ledger write dated before the year does: its triggers clear the openings and the losses brought
                // forward, and bump the ledger's version.
                await context.Database.ExecuteSqlAsync($"DELETE FROM tax_year_openings WHERE user_id = {userId}");
                await context.Database.ExecuteSqlAsync($"DELETE FROM tax_year_carried_losses WHERE user_id = {userId}");
                await context.Database.ExecuteSqlAsync($"UPDATE ledger_versions SET version = version + 1 WHERE user_id = {userId}");
                await context.Database.ExecuteSqlAsync($"""
                    INSERT INTO ledger_year_versions AS v (user_id, year_start, version) VALUES ({userId}, {year.From}, 1)
                    ON CONFLICT (user_id, year_start) DO UPDATE SET version = v.version + 1
                    """);
            }
            var service = scope.ServiceProvider.GetRequiredService<ICapitalGainsStatements>();
            var t = Stopwatch.StartNew();
            await service.GetAsync(userId, year, 1, 50);
            cold.Add(t.Elapsed.TotalMilliseconds);
        }

        return new Result(year, rows, yearRows, Percentile(statements, 0.5), Percentile(statements, 0.95), Percentile(reads, 0.5), Percentile(reads, 0.95))
        {
            LoadP50 = Percentile(loads, 0.5),
            LoadedRows = loaded,
            EngineP50 = Percentile(engine, 0.5),
            ColdP50 = Percentile(cold, 0.5),
            ColdP95 = Percentile(cold, 0.95),
            ComputedP50 = Percentile(computed, 0.5),
            ComputedP95 = Percentile(computed, 0.95),
            Hits = hits,
            LaterP50 = Percentile(later, 0.5),
            LaterP95 = Percentile(later, 0.95),
            LaterHits = laterHits,
        };
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }
}
