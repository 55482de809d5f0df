using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spark.Core.Accounts;
using Spark.Data;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Data;

/// <summary>The application role (neither owner nor superuser) sees only the rows of the user in scope.</summary>
public sealed class RowLevelSecurityTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task The_application_role_cannot_read_another_users_investments()
    {
        var (alice, bob) = (await TestData.UserAsync(database, "Alice"), await TestData.UserAsync(database, "Bob"));
        var security = await TestData.SecurityAsync(database);
        var alicesHolding = await TestData.SaveAsync(database, alice.Id, TestData.Investment(alice.Id, security));
        await TestData.SaveAsync(database, bob.Id, TestData.Investment(bob.Id, security));

        await using var asAlice = database.App(DataScope.ForUser(alice.Id));
        var visible = await asAlice.Investments.Select(i => i.Id).ToListAsync();
        var bobsByFilter = await asAlice.Investments.CountAsync(i => i.UserId == bob.Id);

        Assert.Equal([alicesHolding.Id], visible);
        Assert.Equal(0, bobsByFilter);
    }

    [Fact]
    public async Task Without_a_user_in_scope_no_user_owned_row_is_visible()
    {
        var user = await TestData.UserAsync(database);
        await TestData.SaveAsync(database, user.Id, TestData.Investment(user.Id, await TestData.SecurityAsync(database)));

        await using var unscoped = database.App(DataScope.None);

        Assert.Equal(0, await unscoped.Investments.CountAsync(i => i.UserId == user.Id));
    }

    [Fact]
    public async Task A_user_cannot_write_a_row_that_belongs_to_someone_else()
    {
        var (alice, bob) = (await TestData.UserAsync(database), await TestData.UserAsync(database));
        await using var asAlice = database.App(DataScope.ForUser(alice.Id));
        asAlice.Investments.Add(TestData.Investment(bob.Id, await TestData.SecurityAsync(database)));

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => asAlice.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the running app's defaults: statements prepared, so Npgsql resets with RESET ALL instead of DISCARD ALL
    public async Task A_pooled_connection_never_carries_the_previous_units_user(bool preparing)
    {
        var (alice, bob) = (await TestData.UserAsync(database, "Alice"), await TestData.UserAsync(database, "Bob"));
        var security = await TestData.SecurityAsync(database);
        await TestData.SaveAsync(database, alice.Id, TestData.Investment(alice.Id, security));
        await TestData.SaveAsync(database, bob.Id, TestData.Investment(bob.Id, security));
        // A pool of one (a data source of its own): every context below runs on the same server session.
        var single = new NpgsqlConnectionStringBuilder(database.AppConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        await using var pool = NpgsqlDataSource.Create(preparing ? SparkDatabase.WithRuntimeDefaults(single) : single);
        SparkDbContext On(DataScope scope)
        {
            var options = new DbContextOptionsBuilder<SparkDbContext>();
            options.UseNpgsql(pool).UseSnakeCaseNamingConvention().AddInterceptors(new DataScopeInterceptor());
            return new SparkDbContext(options.Options) { Scope = scope };
        }

        async Task<(int Pid, List<Guid> Owners, long Prepared)> ReadAsync(DataScope scope)
        {
            await using var context = On(scope);
            var pid = await context.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync();
            var prepared = await context.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM pg_prepared_statements").SingleAsync();
            return (pid, await context.Investments.Select(i => i.UserId).ToListAsync(), prepared);
        }

        var asBob = await ReadAsync(DataScope.ForUser(bob.Id));
        var asAlice = await ReadAsync(DataScope.ForUser(alice.Id));
        var nobody = await ReadAsync(DataScope.None);

        Assert.Equal(asBob.Pid, asAlice.Pid);
        Assert.Equal(asBob.Pid, nobody.Pid);
        Assert.Equal([bob.Id], asBob.Owners);
        Assert.Equal([alice.Id], asAlice.Owners);
        Assert.Empty(nobody.Owners);
        Assert.Equal(preparing, nobody.Prepared > 0);
    }

    [Fact]
    public async Task The_application_role_is_neither_superuser_nor_bypassrls_nor_the_tables_owner()
    {
        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT r.rolsuper, r.rolbypassrls, pg_get_userbyid(c.relowner) = current_user, c.relrowsecurity
            FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'investments'::regclass
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal((false, false, false, true), (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3)));
    }

    [Fact]
    public async Task System_work_sees_every_users_rows()
    {
        var (alice, bob) = (await TestData.UserAsync(database), await TestData.UserAsync(database));
        var security = await TestData.SecurityAsync(database);
        await TestData.SaveAsync(database, alice.Id, TestData.Investment(alice.Id, security));
        await TestData.SaveAsync(database, bob.Id, TestData.Investment(bob.Id, security));

        await using var system = database.App(DataScope.System("test"));

        Assert.Equal(2, await system.Investments.CountAsync(i => i.UserId == alice.Id || i.UserId == bob.Id));
    }

    [Fact]
    public async Task A_user_can_read_their_own_security_settings_but_not_anothers()
    {
        // The document revokes user_security from the application role, yet sign-in needs 2FA data (decision 0016).
        var (alice, bob) = (await TestData.UserAsync(database), await TestData.UserAsync(database));
        await TestData.SaveAsync(database, alice.Id, new UserSecurity { UserId = alice.Id });
        await TestData.SaveAsync(database, bob.Id, new UserSecurity { UserId = bob.Id });

        await using var asAlice = database.App(DataScope.ForUser(alice.Id));

        Assert.Equal([alice.Id], await asAlice.UserSecurity.Select(s => s.UserId).ToListAsync());
    }

    [Theory]
    [InlineData("SELECT count(*) FROM transactions_2024")]
    [InlineData("SELECT count(*) FROM transactions_default")]
    [InlineData("SELECT count(*) FROM mv_portfolio_summary")]
    [InlineData("UPDATE audit_logs SET action = 'tampered'")]
    [InlineData("DELETE FROM audit_logs")]
    [InlineData("CREATE TABLE sneaky (id int)")]
    public async Task The_application_role_is_refused_what_would_bypass_row_security_or_rewrite_history(string sql)
    {
        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task The_portfolio_summary_view_is_read_only_through_the_function_that_filters_by_user()
    {
        var (alice, bob) = (await TestData.UserAsync(database), await TestData.UserAsync(database));
        var security = await TestData.SecurityAsync(database);
        await TestData.SaveAsync(database, alice.Id, TestData.Investment(alice.Id, security, quantity: 2m, price: 500m));
        await TestData.SaveAsync(database, bob.Id, TestData.Investment(bob.Id, security, quantity: 3m, price: 100m));
        await using (var system = database.App(DataScope.System("refresh")))
        {
            await system.Database.ExecuteSqlRawAsync("SELECT refresh_portfolio_summary()");
        }

        await using var asAlice = database.App(DataScope.ForUser(alice.Id));
        var rows = await asAlice.Database.SqlQueryRaw<decimal>("SELECT total_invested AS \"Value\" FROM my_portfolio_summary()").ToListAsync();

        Assert.Equal([1000.00m], rows);
    }
}
