using Microsoft.EntityFrameworkCore;

namespace Spark.Data;

/// <summary>How every Spark context talks to PostgreSQL: the web app, the CLI, design-time tools and tests.</summary>
public static class SparkDatabase
{
    public const string MigrationsHistoryTable = "ef_migrations_history";

    private static readonly DataScopeInterceptor ScopeInterceptor = new();

    public static DbContextOptionsBuilder UseSpark(this DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(ScopeInterceptor);
}

/// <summary>Creates contexts bound to a <see cref="DataScope"/>; the only way services get a context.</summary>
public sealed class SparkDb(IDbContextFactory<SparkDbContext> factory)
{
    public SparkDbContext ForUser(Guid userId) => Create(DataScope.ForUser(userId));

    public SparkDbContext ForSystem(string reason) => Create(DataScope.System(reason));

    /// <summary>For tables without row-level security (securities, strategies, Identity's tables).</summary>
    public SparkDbContext Shared() => Create(DataScope.None);

    private SparkDbContext Create(DataScope scope)
    {
        var context = factory.CreateDbContext();
        context.Scope = scope;
        return context;
    }
}
