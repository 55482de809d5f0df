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
    private const int WarmUp = 5;

    public sealed record Result(FinancialYear Year, int Rows, int YearTransactions, double StatementP50, double StatementP95, double ReadP50, double ReadP95);

    public static async Task<Result> RunAsync(IServiceProvider services, Guid userId, FinancialYear year)
    {
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

        return new Result(year, rows, yearRows, Percentile(statements, 0.5), Percentile(statements, 0.95), Percentile(reads, 0.5), Percentile(reads, 0.95));
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }
}
