using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Spark.Core.AutoInvest;
using Spark.Core.Market;
using Spark.Web.Services.AutoInvest;
using Spark.Web.Services.Market;

namespace Spark.Bench;

/// <summary>
/// 10,000 due plans of 10,000 investors (the four seeded strategies in turn, ₹10,000 to ₹12,000 a month) executed
/// by the plan executor for one date, orders and ledger included; then the same date again.
/// </summary>
public static class PlanBench
{
    public const int Plans = 10_000;

    public static async Task<(double Seconds, PlanRunResult First, PlanRunResult Second, double SecondSeconds, long Orders, long Transactions)> RunAsync(
        IServiceProvider services, string ownerConnection, DateOnly runDate, int plans = Plans)
    {
        await PriceBasketsAsync(services, runDate);
        await using (var connection = new NpgsqlConnection(ownerConnection))
        {
            await connection.OpenAsync();
            // Investors straight into the tables: PBKDF2 at 210,000 iterations would take longer than the run measured.
            await using var seed = new NpgsqlCommand("""
                INSERT INTO users (id, name, email, normalized_email, user_name, normalized_user_name, password_hash, two_factor_enabled,
                                   lockout_enabled, access_failed_count, kyc_status, security_stamp)
                SELECT gen_random_uuid(), 'Plan investor ' || g, 'plan-' || g || '@bench.spark.local', upper('plan-' || g || '@bench.spark.local'),
                       'plan-' || g || '@bench.spark.local', upper('plan-' || g || '@bench.spark.local'), 'not-a-hash', true, false, 0, 'verified', gen_random_uuid()::text
                FROM generate_series(1, @n) AS g;
                INSERT INTO cash_accounts (id, user_id, currency, balance, blocked, created_at, updated_at)
                SELECT gen_random_uuid(), u.id, 'INR', 100000, 0, now(), now() FROM users u WHERE u.email LIKE 'plan-%@bench.spark.local';
                INSERT INTO auto_invest_plans (id, user_id, strategy_id, status, monthly_investment, execution_day, auto_rebalance, start_date, next_execution_date)
                SELECT gen_random_uuid(), u.id, s.id, 'active', 10000 + (row_number() OVER (ORDER BY u.id) % 5) * 500, @day, true, @run, @run
                FROM users u
                JOIN LATERAL (SELECT id FROM auto_invest_strategies WHERE is_active ORDER BY name
                              OFFSET (abs(hashtext(u.id::text)) % 4) LIMIT 1) s ON true
                WHERE u.email LIKE 'plan-%@bench.spark.local';
                """, connection);
            seed.Parameters.AddWithValue("n", plans);
            seed.Parameters.AddWithValue("day", Math.Min(runDate.Day, PlanSchedule.LastDay));
            seed.Parameters.AddWithValue("run", runDate);
            await seed.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        PlanRunResult first;
        await using (var scope = services.CreateAsyncScope())
        {
            first = await scope.ServiceProvider.GetRequiredService<PlanExecutor>().RunDueAsync(runDate);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        PlanRunResult second;
        await using (var scope = services.CreateAsyncScope())
        {
            second = await scope.ServiceProvider.GetRequiredService<PlanExecutor>().RunDueAsync(runDate);
        }

        var secondSeconds = clock.Elapsed.TotalSeconds;
        await using var count = new NpgsqlConnection(ownerConnection);
        await count.OpenAsync();
        await using var orders = new NpgsqlCommand("SELECT count(*) FROM trading_orders WHERE plan_execution_id IS NOT NULL", count);
        var orderCount = (long)(await orders.ExecuteScalarAsync())!;
        await using var transactions = new NpgsqlCommand("SELECT count(*) FROM transactions WHERE description LIKE 'Auto-invest %'", count);
        var transactionCount = (long)(await transactions.ExecuteScalarAsync())!;
        return (seconds, first, second, secondSeconds, orderCount, transactionCount);
    }

    /// <summary>Every basket instrument gets a close on the run date, so the executor has a price for each.</summary>
    private static async Task PriceBasketsAsync(IServiceProvider services, DateOnly runDate)
    {
        var options = services.GetRequiredService<IOptions<AutoInvestOptions>>().Value;
        var catalog = services.GetRequiredService<SecurityCatalog>();
        var bars = new List<DayBar>();
        foreach (var item in AutoInvestOptions.DefaultBaskets.Keys.SelectMany(options.BasketFor))
        {
            var security = await catalog.FindAsync(item.Symbol) ?? throw new InvalidOperationException($"{item.Symbol} is not in the securities master.");
            var price = security.Symbol switch { "BTCINR" => 88_00_000m, "ETHINR" => 3_00_000m, _ => 250m };
            bars.Add(new DayBar(security.Id, runDate, price, price, price, price, 1));
        }

        await services.GetRequiredService<MarketDataService>().WriteDailyAsync(bars, publish: true);
        await services.GetRequiredService<PriceBook>().ReloadAsync();
    }
}
