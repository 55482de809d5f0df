using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Quartz;
using Spark.Data;
using Spark.Data.Seed;
using Spark.Web.Hosting;

namespace Spark.Web.Cli;

/// <summary>
/// `Spark.Web db migrate [--seed reference|demo]`: everything that needs the owner role, run by the set-up
/// scripts (and the container's entry point) before the app starts as the application role.
/// 1. EF migrations; 2. Quartz's tables; 3. the application role's grants; 4. partitions; 5. seed data.
/// </summary>
public static partial class DatabaseCommand
{
    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == "db";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var seed = SeedLevel(args);
        if (args.Length < 2 || args[1] != "migrate" || seed is null)
        {
            await Console.Error.WriteLineAsync("usage: Spark.Web db migrate [--seed none|reference|demo]");
            return 2;
        }
        if (seed == "demo" && app.Environment.IsProduction())
        {
            await Console.Error.WriteLineAsync("Demo accounts are never created in Production.");
            return 2;
        }

        var configuration = app.Configuration;
        var ownerConnection = configuration.GetConnectionString("SparkOwner")
            ?? throw new InvalidOperationException("ConnectionStrings:SparkOwner (the owner role, for migrations) is not set.");
        var appRole = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Spark")).Username
            ?? throw new InvalidOperationException("ConnectionStrings:Spark names no user.");
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Spark.Database");

        await MigrateAsync(ownerConnection);
        await ProvisionSchedulerTablesAsync(ownerConnection);
        await GrantApplicationRoleAsync(ownerConnection, appRole);
        LogMigrated(log, appRole);

        if (seed is "reference" or "demo")
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync();
            if (seed == "demo")
            {
                await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
                await WriteDemoLoginsAsync(app);
            }
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Jobs.PartitionMaintenanceJob>().RunAsync();
        }
        return 0;
    }

    private static string? SeedLevel(string[] args)
    {
        var index = Array.IndexOf(args, "--seed");
        if (index < 0) return "none";
        var value = index + 1 < args.Length ? args[index + 1] : null;
        return value is "none" or "reference" or "demo" ? value : null;
    }

    private static async Task MigrateAsync(string ownerConnection)
    {
        var options = new DbContextOptionsBuilder<SparkDbContext>();
        options.UseSpark(ownerConnection);
        await using var context = new SparkDbContext(options.Options);
        await context.Database.MigrateAsync();
    }

    /// <summary>Quartz creates its qrtz_* tables when a scheduler with ProvisionSchema starts: do that once, as the owner.</summary>
    private static async Task ProvisionSchedulerTablesAsync(string ownerConnection)
    {
        var scheduler = await QuartzSchedulerBuilder.Create(q =>
            {
                q.ConfigureScheduler(o => o.InstanceName = "SparkSchemaProvisioning");
                q.UsePersistentStore(store =>
                {
                    store.UsePostgres(ownerConnection);
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                });
            })
            .BuildScheduler();
        await scheduler.Start();
        await scheduler.Shutdown(waitForJobsToComplete: false);
    }

    /// <summary>
    /// The application role reads and writes the tables, never their partitions directly (which would skip
    /// the parent's row-level security) and never the materialized view; audit rows are append-only for it.
    /// </summary>
    private static async Task GrantApplicationRoleAsync(string ownerConnection, string appRole)
    {
        if (!RoleName().IsMatch(appRole)) throw new InvalidOperationException($"'{appRole}' is not a plain role name.");
        var sql = $$"""
            DO $$
            DECLARE r record;
            BEGIN
              GRANT USAGE ON SCHEMA public TO {{appRole}};
              FOR r IN
                SELECT c.relname, c.relispartition, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v')
              LOOP
                IF r.relkind = 'v' THEN
                  -- Views read under the reader's own row-level security (security_invoker), and only read.
                  EXECUTE format('REVOKE ALL ON %I FROM {{appRole}}', r.relname);
                  EXECUTE format('GRANT SELECT ON %I TO {{appRole}}', r.relname);
                ELSIF r.relispartition OR r.relname = '{{SparkDatabase.MigrationsHistoryTable}}' THEN
                  EXECUTE format('REVOKE ALL ON %I FROM {{appRole}}', r.relname);
                ELSIF r.relname = 'audit_logs' THEN
                  EXECUTE format('REVOKE ALL ON %I FROM {{appRole}}', r.relname);
                  EXECUTE format('GRANT SELECT, INSERT ON %I TO {{appRole}}', r.relname);
                ELSE
                  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO {{appRole}}', r.relname);
                END IF;
              END LOOP;
              GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {{appRole}};
              GRANT EXECUTE ON FUNCTION maintain_partitions(integer), my_portfolio_summary(), refresh_portfolio_summary(), portfolio_totals() TO {{appRole}};
              -- Retention (decision 0058): the owner-only partition steps of the audit and market data rules.
              GRANT EXECUTE ON FUNCTION spark_archive_audit_partitions(date), spark_drop_market_partition(text, date) TO {{appRole}};
            END
            $$;
            """;
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task WriteDemoLoginsAsync(WebApplication app)
    {
        var state = app.Configuration.GetSection(SparkOptions.Section).Get<SparkOptions>()?.StateDirectory ?? ".spark";
        Directory.CreateDirectory(state);
        var lines = new List<string> { "Demo logins (development only):" };
        lines.AddRange(DemoDataSeeder.Logins.Select(l => $"  {l.Role,-9} {l.Email,-22} {l.Password}"));
        lines.Add("  Everyone signs in with two-factor codes: add their key to an authenticator app (or run: oathtool --totp -b KEY).");
        lines.AddRange(DemoDataSeeder.Logins.Where(l => l.AuthenticatorKey is not null)
            .Select(l => $"  {l.Role,-9} {Accounts.AuthenticatorCodes.FormatForDisplay(l.AuthenticatorKey!)}  ({l.AuthenticatorKey})"));
        await File.WriteAllLinesAsync(Path.Combine(state, "demo-logins.txt"), lines);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();

    [LoggerMessage(LogLevel.Information, "Database migrated; application role {Role} granted")]
    private static partial void LogMigrated(ILogger logger, string role);
}
