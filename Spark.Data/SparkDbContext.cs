using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Spark.Core.Accounts;
using Spark.Core.Analysis;
using Spark.Core.Audit;
using Spark.Core.AutoInvest;
using Spark.Core.Cash;
using Spark.Core.Goals;
using Spark.Core.Market;
using Spark.Core.Notifications;
using Spark.Core.Orders;
using Spark.Core.Platforms;
using Spark.Core.Portfolio;
using Spark.Data.Conversions;
using Spark.Data.Identity;

namespace Spark.Data;

/// <summary>
/// Identity and every table of the schema in one context. Components and services never hold one for
/// long: they create one per unit of work through IDbContextFactory.
/// </summary>
public class SparkDbContext(DbContextOptions<SparkDbContext> options, TimeProvider? clock = null)
    : IdentityDbContext<SparkUser, SparkRole, Guid>(options), IDataProtectionKeyContext
{
    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>Whose rows this unit of work may see under row-level security; see <see cref="SparkDb"/>.</summary>
    public DataScope Scope { get; set; } = DataScope.None;

    /// <summary>The request's shared connection this context borrowed (see <see cref="RequestConnection"/>), returned on dispose.</summary>
    internal RequestConnection? Borrowed { get; set; }

    public override void Dispose()
    {
        base.Dispose();
        ReturnBorrowed();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        ReturnBorrowed();
    }

    private void ReturnBorrowed()
    {
        Borrowed?.Return();
        Borrowed = null;
    }

    public DbSet<UserSecurity> UserSecurity => Set<UserSecurity>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<ImpersonationSession> Impersonations => Set<ImpersonationSession>();
    public DbSet<ImpersonationConsent> ImpersonationConsents => Set<ImpersonationConsent>();
    public DbSet<UserPreferences> UserPreferences => Set<UserPreferences>();
    public DbSet<PlatformConnection> PlatformConnections => Set<PlatformConnection>();
    public DbSet<SyncLog> SyncLogs => Set<SyncLog>();
    public DbSet<Security> Securities => Set<Security>();
    public DbSet<MarketBar> MarketData => Set<MarketBar>();
    public DbSet<DailyBar> DailyBars => Set<DailyBar>();
    public DbSet<Investment> Investments => Set<Investment>();
    public DbSet<InvestmentLot> InvestmentLots => Set<InvestmentLot>();
    public DbSet<LedgerTransaction> Transactions => Set<LedgerTransaction>();
    public DbSet<Goal> Goals => Set<Goal>();
    public DbSet<GoalContribution> GoalContributions => Set<GoalContribution>();
    public DbSet<AutoInvestStrategy> Strategies => Set<AutoInvestStrategy>();
    public DbSet<AutoInvestPlan> Plans => Set<AutoInvestPlan>();
    public DbSet<PlanExecution> PlanExecutions => Set<PlanExecution>();
    public DbSet<TradingOrder> Orders => Set<TradingOrder>();
    public DbSet<OrderExecution> OrderExecutions => Set<OrderExecution>();
    public DbSet<CashAccount> CashAccounts => Set<CashAccount>();
    public DbSet<CashLedgerEntry> CashLedger => Set<CashLedgerEntry>();
    public DbSet<AiAnalysis> AiAnalyses => Set<AiAnalysis>();
    public DbSet<AuditLog> AuditLogs => Set<AuditLog>();
    public DbSet<UserNotification> Notifications => Set<UserNotification>();
    public DbSet<NotificationOutboxEntry> NotificationOutbox => Set<NotificationOutboxEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Idempotency.IdempotencyRecord> IdempotencyKeys => Set<Idempotency.IdempotencyRecord>();

    /// <summary>
    /// Switches the scope inside the open transaction (set_config(..., true) ends with it), for a unit of
    /// work that learns its user midway, such as a registration.
    /// </summary>
    public async Task EnterScopeForTransactionAsync(DataScope scope, CancellationToken cancellationToken = default)
    {
        if (Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("EnterScopeForTransactionAsync needs an open transaction.");
        }
        Scope = scope;
        var userId = scope.UserId?.ToString() ?? "";
        var bypass = scope.BypassesRowSecurity ? "on" : "off";
        await Database.ExecuteSqlAsync(
            $"SELECT set_config('app.user_id', {userId}, true), set_config('app.rls_bypass', {bypass}, true)", cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        IdentityTables.Configure(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(SparkDbContext).Assembly);
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        ApplySchemaConventions(builder);
    }

    /// <summary>
    /// Rules every table follows, written once: enums are snake_case words guarded by a CHECK constraint
    /// named ck_{table}_{column}; named indexes keep their names; database defaults stay in the schema for raw SQL, but EF always sends the
    /// C# value (whose initialiser mirrors the default) so that, e.g., an explicit false is never replaced by
    /// a default of true.
    /// </summary>
    private static void ApplySchemaConventions(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            var excluded = entity.IsTableExcludedFromMigrations();
            // A named index keeps its name in the database (the naming convention would rename it ix_...).
            foreach (var index in entity.GetDeclaredIndexes())
            {
                if (index.Name is { } name) index.SetDatabaseName(name);
            }
            foreach (var property in entity.GetProperties())
            {
                var enumType = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                if (enumType.IsEnum)
                {
                    property.SetValueConverter(
                        (ValueConverter)Activator.CreateInstance(typeof(SnakeCaseEnumConverter<>).MakeGenericType(enumType))!);
                    if (property.GetMaxLength() is null) property.SetMaxLength(20);
                    if (table is not null && !excluded)
                    {
                        var column = property.GetColumnName();
                        var values = string.Join(", ", SnakeCaseEnum.StoredValues(enumType).Select(v => $"'{v}'"));
                        entity.AddCheckConstraint($"ck_{table}_{column}", $"{column} IN ({values})");
                    }
                }

                if (property.GetDefaultValue() is not null || property.GetDefaultValueSql() is not null)
                {
                    property.ValueGenerated = ValueGenerated.Never;
                }
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTimes();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTimes();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Mirrors the schema's DEFAULT CURRENT_TIMESTAMP from the injected clock (EF always sends values, see
    /// ApplySchemaConventions), and keeps updated_at current on every change.
    /// </summary>
    private void StampTimes()
    {
        var now = clock.GetUtcNow();
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Added)
            {
                foreach (var property in entry.Properties)
                {
                    if (property.Metadata.GetDefaultValueSql() == "CURRENT_TIMESTAMP"
                        && property.CurrentValue is DateTimeOffset value && value == default)
                    {
                        property.CurrentValue = now;
                    }
                }
            }
            else if (entry.State == EntityState.Modified && entry.Metadata.FindProperty("UpdatedAt") is not null)
            {
                entry.Property("UpdatedAt").CurrentValue = now;
            }
        }
    }
}
