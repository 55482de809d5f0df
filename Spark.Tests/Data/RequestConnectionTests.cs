using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Data;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>An API request's contexts share one scoped connection in turn, and never across users, scopes or parallel work.</summary>
public sealed class RequestConnectionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static Task<int> PidAsync(SparkDbContext context) =>
        context.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync();

    private static Task<string> ScopeAsync(SparkDbContext context) =>
        context.Database.SqlQueryRaw<string>("SELECT current_setting('app.user_id', true) AS \"Value\"").SingleAsync();

    [Fact]
    public async Task The_users_contexts_take_turns_on_one_connection_with_the_users_scope()
    {
        var user = await TestData.UserAsync(database);
        var db = database.AppDb();
        await using var shared = RequestConnection.Begin();
        await shared.OpenAsync(db, user.Id, CancellationToken.None);

        int first, second;
        await using (var context = db.ForUser(user.Id))
        {
            first = await PidAsync(context);
            Assert.Equal(user.Id.ToString(), await ScopeAsync(context));
        }

        await using (var context = db.ForUser(user.Id))
        {
            second = await PidAsync(context);
        }

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_first_query_sent_with_the_opening_runs_under_the_users_scope()
    {
        var user = await TestData.UserAsync(database);
        var db = database.AppDb();
        await using var shared = RequestConnection.Begin();

        var scope = await shared.OpenAsync(db, user.Id, new NpgsqlBatchCommand("SELECT current_setting('app.user_id', true)"),
            async (reader, ct) => await reader.ReadAsync(ct) ? reader.GetString(0) : null, CancellationToken.None);
        await using var context = db.ForUser(user.Id);

        Assert.Equal(user.Id.ToString(), scope);
        Assert.Equal(user.Id.ToString(), await ScopeAsync(context));
    }

    [Fact]
    public async Task Parallel_work_another_user_and_the_system_scope_get_connections_of_their_own()
    {
        var (user, other) = (await TestData.UserAsync(database), await TestData.UserAsync(database));
        var db = database.AppDb();
        await using var shared = RequestConnection.Begin();
        await shared.OpenAsync(db, user.Id, CancellationToken.None);

        await using var holder = db.ForUser(user.Id);
        var held = await PidAsync(holder);
        await using var parallel = db.ForUser(user.Id);
        await using var someoneElse = db.ForUser(other.Id);
        await using var system = db.ForSystem("test: request connection");

        Assert.NotEqual(held, await PidAsync(parallel));
        Assert.Equal(user.Id.ToString(), await ScopeAsync(parallel));
        Assert.NotEqual(held, await PidAsync(someoneElse));
        Assert.Equal(other.Id.ToString(), await ScopeAsync(someoneElse));
        Assert.NotEqual(held, await PidAsync(system));
        Assert.Equal("", await ScopeAsync(system));
    }

    [Fact]
    public async Task A_borrower_that_leaves_its_transaction_open_is_rolled_back_before_the_next_one()
    {
        var user = await TestData.UserAsync(database);
        var security = await TestData.SecurityAsync(database);
        var db = database.AppDb();
        await using var shared = RequestConnection.Begin();
        await shared.OpenAsync(db, user.Id, CancellationToken.None);

        await using (var failing = db.ForUser(user.Id))
        {
            await using var tx = await failing.Database.BeginTransactionAsync();
            failing.Investments.Add(TestData.Investment(user.Id, security));
            await failing.SaveChangesAsync();
            // No commit: the unit of work ends on an exception in real code.
        }

        await using var next = db.ForUser(user.Id);
        var pid = await PidAsync(next);
        var inTransaction = await next.Database.SqlQueryRaw<bool>("SELECT txid_current_if_assigned() IS NOT NULL AS \"Value\"").SingleAsync();

        Assert.False(inTransaction);
        Assert.Equal(0, await next.Investments.CountAsync());
        Assert.True(pid > 0);
    }

    [Fact]
    public async Task The_connection_closes_at_the_end_of_the_request_even_while_lent()
    {
        var user = await TestData.UserAsync(database);
        var db = database.AppDb();
        var shared = RequestConnection.Begin();
        await shared.OpenAsync(db, user.Id, CancellationToken.None);
        var borrower = db.ForUser(user.Id);
        await PidAsync(borrower);
        var connection = borrower.Database.GetDbConnection();

        await shared.DisposeAsync();
        var whileLent = connection.State;
        Assert.Equal(1, await borrower.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync()); // the borrower's work goes on
        await borrower.DisposeAsync();

        Assert.Null(RequestConnection.Current);
        Assert.Equal(System.Data.ConnectionState.Open, whileLent);
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    [Fact]
    public async Task Inside_a_request_the_connection_stays_open_between_statements_and_outside_one_it_goes_back_to_the_pool()
    {
        var user = await TestData.UserAsync(database);
        var db = database.AppDb();
        System.Data.ConnectionState outside, inside;
        await using (var context = db.ForUser(user.Id))
        {
            await PidAsync(context);
            outside = context.Database.GetDbConnection().State;
        }

        await using (var shared = RequestConnection.Begin())
        {
            await shared.OpenAsync(db, user.Id, CancellationToken.None);
            await using var context = db.ForUser(user.Id);
            await PidAsync(context);
            inside = context.Database.GetDbConnection().State;
        }

        Assert.Equal(System.Data.ConnectionState.Closed, outside);
        Assert.Equal(System.Data.ConnectionState.Open, inside);
    }
}
