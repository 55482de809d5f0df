using Microsoft.EntityFrameworkCore;

namespace Spark.Data;

/// <summary>How every Spark context talks to PostgreSQL: the web app, the CLI, design-time tools and tests.</summary>
public static class SparkDatabase
{
    public const string MigrationsHistoryTable = "ef_migrations_history";

    private static readonly DataScopeInterceptor ScopeInterceptor = new();
    private static readonly ImpersonationAuditInterceptor ImpersonationAudit = new();

    public static DbContextOptionsBuilder UseSpark(this DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(ScopeInterceptor, ImpersonationAudit);

    /// <summary>
    /// The running app's connection defaults, where the configured string does not set them: every statement is
    /// prepared on first use (up to 64 per connection, least recently used out), so PostgreSQL parses and plans each of
    /// the app's statements once per connection instead of on every execution. Npgsql keeps prepared statements across
    /// pooled uses only while a connection has some (otherwise it resets with DISCARD ALL), and a request runs each
    /// statement about once, so "prepare after two uses" would never prepare anything. <c>Max Auto Prepare=0</c> in the
    /// configured string turns this off.
    /// </summary>
    public static string WithRuntimeDefaults(string connectionString)
    {
        // Npgsql's own builder answers ContainsKey for every keyword it knows: ask what the string itself says.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 1;
        }

        return builder.ConnectionString;
    }
}

/// <summary>Creates contexts bound to a <see cref="DataScope"/>; the only way services get a context.</summary>
public sealed class SparkDb(IDbContextFactory<SparkDbContext> factory)
{
    private string? connectionString;
    private string? readOnlyConnectionString;

    /// <summary>The connection string contexts use (for connections opened beside EF, such as <see cref="RequestConnection"/>).</summary>
    public string ConnectionString
    {
        get
        {
            if (connectionString is null)
            {
                using var context = factory.CreateDbContext();
                connectionString = context.Database.GetConnectionString()
                    ?? throw new InvalidOperationException("Spark's contexts have no connection string.");
            }

            return connectionString;
        }
    }

    /// <summary>A context that sees this user's rows; inside an API request it borrows the request's open connection when free.</summary>
    public SparkDbContext ForUser(Guid userId)
    {
        var context = Create(DataScope.ForUser(userId));
        if (Spark.Core.Accounts.Impersonation.IsReadOnlyFor(userId))
        {
            // Staff viewing this customer without consent: PostgreSQL itself refuses every write of this unit of work
            // (SQLSTATE 25006), whatever path the code takes. A pool of its own, so no connection carries the setting
            // into anyone else's work.
            context.Database.SetConnectionString(ReadOnlyConnectionString);
            return context;
        }
        if (RequestConnection.Current is { } shared && shared.TryBorrow(userId) is { } connection)
        {
            // Already open and scoped to this user: EF neither opens nor closes it, so the scope is not set again.
            context.Database.SetDbConnection(connection, contextOwnsConnection: false);
            context.Borrowed = shared;
        }

        return context;
    }

    /// <summary>
    /// <see cref="ConnectionString"/> with every transaction read-only (<c>default_transaction_read_only</c>), and an
    /// application name of its own: a distinct string is a distinct pool in Npgsql.
    /// </summary>
    public string ReadOnlyConnectionString => readOnlyConnectionString ??= new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Options = "-c default_transaction_read_only=on",
        ApplicationName = "spark-read-only",
    }.ConnectionString;

    public SparkDbContext ForSystem(string reason) => Create(DataScope.System(reason));

    /// <summary>For tables without row-level security (securities, strategies, Identity's tables).</summary>
    public SparkDbContext Shared() => Create(DataScope.None);

    private SparkDbContext Create(DataScope scope)
    {
        var context = factory.CreateDbContext();
        context.Scope = scope;
        // No savepoint around each SaveChanges inside a transaction: two extra round trips per save, and no unit of work
        // here goes on after a failed save (every one ends its transaction on the exception).
        context.Database.AutoSavepointsEnabled = false;
        return context;
    }
}
