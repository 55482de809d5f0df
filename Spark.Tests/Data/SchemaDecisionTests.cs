using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Core.Accounts;
using Spark.Core.AutoInvest;
using Spark.Core.Cash;
using Spark.Core.Goals;
using Spark.Core.Market;
using Spark.Core.Orders;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;
using Spark.Data;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>Each contradiction of the schema document, resolved as its decision record says.</summary>
public sealed class SchemaDecisionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Theory]
    [InlineData("transactions", "id,transaction_date")]
    [InlineData("audit_logs", "id,created_at")]
    public async Task Partitioned_tables_carry_their_partition_key_in_the_primary_key(string table, string columns)
    {
        var key = await database.OwnerScalarAsync<string>("""
            SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(num, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
            WHERE c.conrelid = $1::regclass AND c.contype = 'p'
            """, table);
        Assert.Equal(columns, key);
    }

    [Fact]
    public async Task Only_one_connection_per_platform_can_be_connected_but_disconnected_ones_may_pile_up()
    {
        var user = await TestData.UserAsync(database);
        PlatformConnection Connection(ConnectionStatus status) =>
            new() { UserId = user.Id, Platform = PlatformNames.Zerodha, Status = status, ApiKey = "k", ApiSecret = "s" };
        await TestData.SaveAsync(database, user.Id, Connection(ConnectionStatus.Disconnected));
        await TestData.SaveAsync(database, user.Id, Connection(ConnectionStatus.Disconnected));
        await TestData.SaveAsync(database, user.Id, Connection(ConnectionStatus.Connected));

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => TestData.SaveAsync(database, user.Id, Connection(ConnectionStatus.Connected)));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, SqlState(error));
    }

    [Fact]
    public async Task Goal_names_are_unique_among_a_users_live_goals_only()
    {
        var user = await TestData.UserAsync(database);
        Goal Named(string name, DateTimeOffset? deleted = null) => new()
        {
            UserId = user.Id, Name = name, Category = GoalCategory.House, TargetAmount = 50_00_000m,
            StartDate = new DateOnly(2025, 1, 1), TargetDate = new DateOnly(2032, 1, 1), DeletedAt = deleted,
        };
        await TestData.SaveAsync(database, user.Id, Named("Home", TestClock.DefaultStart.ToUniversalTime()));
        await TestData.SaveAsync(database, user.Id, Named("Home"));

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => TestData.SaveAsync(database, user.Id, Named("Home")));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, SqlState(error));
    }

    [Fact]
    public async Task A_sold_out_investment_keeps_its_row_at_zero_quantity_but_an_active_one_cannot()
    {
        var user = await TestData.UserAsync(database);
        var security = await TestData.SecurityAsync(database);
        var sold = TestData.Investment(user.Id, security, quantity: 0m);
        sold.Status = InvestmentStatus.Sold;
        await TestData.SaveAsync(database, user.Id, sold);

        var active = TestData.Investment(user.Id, await TestData.SecurityAsync(database, "TCS"), quantity: 0m);
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => TestData.SaveAsync(database, user.Id, active));

        Assert.Equal(PostgresErrorCodes.CheckViolation, SqlState(error));
        Assert.Equal("check_investments_quantity_positive", ((PostgresException)error.InnerException!).ConstraintName);
    }

    [Fact]
    public async Task Order_fills_belong_to_their_order_and_go_with_it()
    {
        var user = await TestData.UserAsync(database);
        var security = await TestData.SecurityAsync(database);
        var order = await TestData.SaveAsync(database, user.Id, new TradingOrder
        {
            UserId = user.Id, SecurityId = security.Id, Symbol = security.Symbol, Type = OrderType.StopLoss,
            Side = OrderSide.Buy, Quantity = 10m, FilledQuantity = 4m, Platform = PlatformNames.Paper, Status = OrderStatus.PartiallyFilled,
        });
        await TestData.SaveAsync(database, user.Id, new OrderExecution
        {
            OrderId = order.Id, UserId = user.Id, Quantity = 4m, Price = 1284.5m, Amount = 5138m, ExecutedAt = TestClock.DefaultStart.ToUniversalTime(),
        });

        Assert.Equal("stop_loss", await database.OwnerScalarAsync<string>("SELECT type FROM trading_orders WHERE id = $1", order.Id));
        await database.OwnerExecuteAsync($"DELETE FROM trading_orders WHERE id = '{order.Id}'");
        Assert.Equal(0L, await database.OwnerScalarAsync<long>("SELECT count(*) FROM order_executions WHERE order_id = $1", order.Id));
    }

    [Theory]
    [InlineData(-0.01, 0)]
    [InlineData(100, 100.01)]
    public async Task Cash_can_neither_go_below_zero_nor_block_more_than_the_balance(double balance, double blocked)
    {
        var user = await TestData.UserAsync(database);
        var account = new CashAccount { UserId = user.Id, Balance = (decimal)balance, Blocked = (decimal)blocked };

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => TestData.SaveAsync(database, user.Id, account));

        Assert.Equal(PostgresErrorCodes.CheckViolation, SqlState(error));
    }

    [Fact]
    public async Task A_pan_is_unique_through_its_keyed_hash_not_its_randomised_ciphertext()
    {
        var ciphertext = "v1:" + new string('x', 120);
        await database.OwnerExecuteAsync($"UPDATE users SET pan_card = '{ciphertext}', pan_card_hash = 'hash-of-ABCDE1234F' WHERE id = '{(await TestData.UserAsync(database)).Id}'");
        var second = await TestData.UserAsync(database);
        await database.OwnerExecuteAsync($"UPDATE users SET pan_card = '{ciphertext}' WHERE id = '{second.Id}'");

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            database.OwnerExecuteAsync($"UPDATE users SET pan_card_hash = 'hash-of-ABCDE1234F' WHERE id = '{second.Id}'"));

        Assert.Equal(("23505", "users_pan_card_hash_key"), (error.SqlState, error.ConstraintName));
    }

    [Fact]
    public async Task A_days_bar_and_the_minute_bars_of_that_day_are_kept_apart()
    {
        var security = await TestData.SecurityAsync(database, "INFY");
        var openingMinute = new DateTimeOffset(2025, 3, 3, 9, 15, 0, TimeSpan.FromHours(5.5));
        await using (var system = database.App(DataScope.System("test")))
        {
            system.DailyBars.Add(new DailyBar { SecurityId = security.Id, TradeDate = new DateOnly(2025, 3, 3), Open = 1610, High = 1650, Low = 1601.5m, Close = 1642.1m, Volume = 5_400_000 });
            system.MarketData.Add(new MarketBar { SecurityId = security.Id, Timestamp = openingMinute.ToUniversalTime(), Open = 1610, High = 1612, Low = 1609, Close = 1611, Volume = 40_000 });
            await system.SaveChangesAsync();
        }

        await using var reader = database.App(DataScope.None);
        Assert.Equal(1642.1m, await reader.DailyBars.Where(b => b.SecurityId == security.Id).Select(b => b.Close).SingleAsync());
        Assert.Equal(1611m, await reader.MarketData.Where(b => b.SecurityId == security.Id).Select(b => b.Close).SingleAsync());
        var impossible = await Assert.ThrowsAsync<PostgresException>(() => database.OwnerExecuteAsync(
            $"INSERT INTO market_data_daily (security_id, trade_date, open, high, low, close, volume) VALUES ('{security.Id}', '2025-03-04', 10, 9, 11, 10, 1)"));
        Assert.Equal("ck_market_data_daily_range", impossible.ConstraintName);
    }

    [Fact]
    public async Task An_investment_counts_toward_at_most_one_goal_and_only_its_owners()
    {
        var (owner, stranger) = (await TestData.UserAsync(database), await TestData.UserAsync(database));
        var holding = await TestData.SaveAsync(database, owner.Id, TestData.Investment(owner.Id, await TestData.SecurityAsync(database)));
        var strangers = await TestData.SaveAsync(database, stranger.Id, TestData.Investment(stranger.Id, await TestData.SecurityAsync(database)));
        Goal GoalWith(string name, params Guid[] links) => new()
        {
            UserId = owner.Id, Name = name, Category = GoalCategory.Retirement, TargetAmount = 1_00_00_000m,
            StartDate = new DateOnly(2025, 1, 1), TargetDate = new DateOnly(2045, 1, 1), LinkedInvestmentIds = links,
        };
        var retirement = await TestData.SaveAsync(database, owner.Id, GoalWith("Retirement", holding.Id));

        var twice = await Assert.ThrowsAsync<DbUpdateException>(() => TestData.SaveAsync(database, owner.Id, GoalWith("Early retirement", holding.Id)));
        var foreign = await Assert.ThrowsAsync<DbUpdateException>(() => TestData.SaveAsync(database, owner.Id, GoalWith("Car", strangers.Id)));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, SqlState(twice));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, SqlState(foreign));
        await using (var context = database.App(DataScope.ForUser(owner.Id)))
        {
            (await context.Goals.SingleAsync(g => g.Id == retirement.Id)).DeletedAt = TestClock.DefaultStart.ToUniversalTime();
            await context.SaveChangesAsync();
        }
        await TestData.SaveAsync(database, owner.Id, GoalWith("Early retirement", holding.Id));
    }

    [Fact]
    public async Task Rates_are_fractions_in_code_and_percents_in_the_schemas_columns()
    {
        var user = await TestData.UserAsync(database);
        var investment = TestData.Investment(user.Id, await TestData.SecurityAsync(database));
        investment.ReturnsRate = 0.1234m;
        await TestData.SaveAsync(database, user.Id, investment);

        Assert.Equal(12.34m, await database.OwnerScalarAsync<decimal>("SELECT returns_percentage FROM investments WHERE id = $1", investment.Id));
        await using var context = database.App(DataScope.None);
        var aggressive = await context.Strategies.SingleAsync(s => s.Name == "Aggressive Growth");
        Assert.Equal(0.20m, aggressive.ExpectedReturnRate);
        Assert.Equal(new Dictionary<string, decimal> { ["stocks"] = 0.5m, ["mutual_funds"] = 0.25m, ["crypto"] = 0.25m }, aggressive.Allocation);
        Assert.Equal(StrategyRiskLevel.High, aggressive.RiskLevel);
    }

    [Fact]
    public async Task An_explicit_false_is_stored_even_where_the_column_defaults_to_true()
    {
        var user = await TestData.UserAsync(database);
        var settings = await TestData.SaveAsync(database, user.Id, new UserSecurity { UserId = user.Id, LoginAlertsEnabled = false });

        Assert.False(await database.OwnerScalarAsync<bool>("SELECT login_alerts_enabled FROM user_security WHERE id = $1", settings.Id));
        Assert.True(await database.OwnerScalarAsync<bool>(
            $"INSERT INTO user_security (user_id) VALUES ('{(await TestData.UserAsync(database)).Id}') RETURNING login_alerts_enabled"));
    }

    [Fact]
    public async Task Enumerated_columns_refuse_values_outside_their_list()
    {
        var user = await TestData.UserAsync(database);

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            database.OwnerExecuteAsync($"UPDATE users SET kyc_status = 'approved' WHERE id = '{user.Id}'"));

        Assert.Equal("ck_users_kyc_status", error.ConstraintName);
    }

    private static string? SqlState(DbUpdateException error) => (error.InnerException as PostgresException)?.SqlState;
}
