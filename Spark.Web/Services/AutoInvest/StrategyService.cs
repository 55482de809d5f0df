using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Spark.Core;
using Spark.Core.AutoInvest;
using Spark.Core.Formatting;
using Spark.Data;
using Spark.Web.Accounts;
using Spark.Web.Security;
using Spark.Web.Services.Market;

namespace Spark.Web.Services.AutoInvest;

/// <summary>The audit_logs actions of the strategy back office.</summary>
public static class StrategyAuditActions
{
    public const string Created = "strategy_created";
    public const string Updated = "strategy_updated";
    public const string Deactivated = "strategy_deactivated";
}

/// <summary>
/// The auto-invest strategies: the catalog investors subscribe from (with each strategy's subscriber count and stored
/// backtest) and the admin's create, update and deactivate, validated and audited.
/// </summary>
public sealed class StrategyService(SparkDb db, StrategyBacktester backtester, AuditTrail audit, IOptions<AutoInvestOptions> options,
    SecurityCatalog securities, Admin.StaffAccess staff, ILogger<StrategyService> log)
{
    public const decimal MaxMinInvestment = 99_999_999.99m;
    public const int MaxNameLength = 255;
    public const int MaxDescriptionLength = 2000;

    /// <summary>The strategies investors may subscribe to (or, for the back office, every strategy), by risk then name.</summary>
    public async Task<IReadOnlyList<StrategyView>> ListAsync(bool includeInactive = false, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var strategies = await context.Strategies.AsNoTracking().Where(s => includeInactive || s.IsActive).ToListAsync(cancellationToken);
        var subscribers = await SubscribersAsync(null, cancellationToken);
        return [.. strategies
            .OrderBy(s => s.IsActive ? 0 : 1).ThenBy(s => RiskOrder(s.RiskLevel)).ThenBy(s => s.Name, StringComparer.CurrentCultureIgnoreCase)
            .Select(s => View(s, subscribers.GetValueOrDefault(s.Id)))];
    }

    /// <summary>A strategy, active or not (a plan may still be on a deactivated one); null when there is none.</summary>
    public async Task<StrategyView?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var strategy = await context.Strategies.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (strategy is null) return null;
        var subscribers = await SubscribersAsync(id, cancellationToken);
        return View(strategy, subscribers.GetValueOrDefault(id));
    }

    /// <summary>
    /// The stored backtest of a strategy, "pending" until it has been computed ("preparing" while the price history is
    /// still being written); null when there is no such strategy.
    /// </summary>
    public async Task<BacktestView?> BacktestAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var context = db.Shared();
        var strategy = await context.Strategies.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (strategy is null) return null;
        return StoredBacktest.Read(strategy.BacktestingData).View
            ?? (backtester.HistoryComplete ? BacktestView.Pending(id, strategy.RebalancingFrequency) : BacktestView.Preparing(id, strategy.RebalancingFrequency));
    }

    /// <summary>The instruments behind each class of a strategy's allocation, as the configured baskets name them.</summary>
    public async Task<IReadOnlyList<BasketLine>> BasketAsync(StrategyView strategy, BacktestView? backtest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var held = (backtest?.Instruments ?? []).Select(i => i.Symbol).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lines = new List<BasketLine>();
        foreach (var (assetClass, fraction) in strategy.Allocation)
        {
            var basket = options.Value.BasketFor(assetClass).Where(i => i.Weight > 0m).ToList();
            var total = basket.Sum(i => i.Weight);
            foreach (var item in basket)
            {
                var security = await securities.FindAsync(item.Symbol, cancellationToken);
                lines.Add(new BasketLine(assetClass, item.Symbol, security?.Name, Spark.Core.Money.Rate(item.Weight / total),
                    Spark.Core.Money.Rate(fraction * item.Weight / total), held.Contains(item.Symbol)));
            }
        }
        return lines;
    }

    /// <summary>The asset classes an allocation may name: those with a basket of instruments to buy.</summary>
    public IReadOnlyList<string> AssetClassesWithBaskets() =>
        [.. AutoInvestOptions.DefaultBaskets.Keys.Concat(options.Value.Baskets.Keys)
            .Select(k => k.ToLowerInvariant()).Distinct()
            .Where(k => options.Value.BasketFor(k).Count > 0)
            .OrderBy(k => Array.IndexOf(KnownOrder, k) is var i and >= 0 ? i : int.MaxValue).ThenBy(k => k, StringComparer.Ordinal)];

    /// <exception cref="FieldValidationException">A field is missing or invalid, or the name is taken.</exception>
    /// <exception cref="Admin.StaffForbiddenException">The actor is not an admin in the database.</exception>
    public async Task<StrategyView> CreateAsync(StrategyInput input, Guid adminId, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await staff.RequireAdminAsync(adminId, "create a strategy", cancellationToken);
        var valid = Validate(input);
        await using var context = db.Shared();
        await EnsureNameFreeAsync(context, valid.Name, null, cancellationToken);
        var strategy = new AutoInvestStrategy { Name = valid.Name };
        Apply(strategy, valid);
        context.Strategies.Add(strategy);
        await SaveAsync(context, cancellationToken);
        await audit.RecordAsync(StrategyAuditActions.Created, adminId, client, entityType: "strategy", entityId: strategy.Id,
            details: new { after = Snapshot(strategy) }, cancellationToken: cancellationToken);
        await RefreshBacktestAsync(strategy, cancellationToken);
        return (await GetAsync(strategy.Id, cancellationToken))!;
    }

    /// <summary>Null when there is no such strategy.</summary>
    /// <exception cref="FieldValidationException">A field is missing or invalid, or the name is taken.</exception>
    public async Task<StrategyView?> UpdateAsync(Guid id, StrategyInput input, Guid adminId, ClientInfo? client = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await staff.RequireAdminAsync(adminId, "edit a strategy", cancellationToken);
        await using var context = db.Shared();
        var strategy = await context.Strategies.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (strategy is null) return null;
        var valid = Validate(input);
        await EnsureNameFreeAsync(context, valid.Name, id, cancellationToken);
        var (before, wasActive) = (Snapshot(strategy), strategy.IsActive);
        Apply(strategy, valid);
        await SaveAsync(context, cancellationToken);
        var after = Snapshot(strategy);
        await audit.RecordAsync(wasActive && !strategy.IsActive ? StrategyAuditActions.Deactivated : StrategyAuditActions.Updated, adminId, client,
            entityType: "strategy", entityId: id, details: new { before, after }, cancellationToken: cancellationToken);
        await RefreshBacktestAsync(strategy, cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    /// <summary>Takes a strategy out of the catalog; plans already on it are not touched. Null when there is no such strategy.</summary>
    public async Task<StrategyView?> DeactivateAsync(Guid id, Guid adminId, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        await staff.RequireAdminAsync(adminId, "deactivate a strategy", cancellationToken);
        await using var context = db.Shared();
        var strategy = await context.Strategies.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (strategy is null) return null;
        if (strategy.IsActive)
        {
            strategy.IsActive = false;
            await context.SaveChangesAsync(cancellationToken);
            await audit.RecordAsync(StrategyAuditActions.Deactivated, adminId, client, entityType: "strategy", entityId: id,
                details: new { strategy.Name, subscribers = (await SubscribersAsync(id, cancellationToken)).GetValueOrDefault(id) },
                cancellationToken: cancellationToken);
        }
        return await GetAsync(id, cancellationToken);
    }

    private static readonly string[] KnownOrder = [AssetClasses.Stocks, AssetClasses.MutualFunds, AssetClasses.Etfs, AssetClasses.Debt, AssetClasses.Crypto];

    private sealed record ValidInput(string Name, string? Description, StrategyRiskLevel RiskLevel, decimal? ExpectedReturnRate, decimal MinInvestment,
        Dictionary<string, decimal> Allocation, RebalancingFrequency RebalancingFrequency, bool IsActive);

    private ValidInput Validate(StrategyInput input)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field) ?? [], message];

        var name = input.Name?.Trim() ?? "";
        if (name.Length == 0) Error("name", "Give the strategy a name.");
        else if (name.Length > MaxNameLength) Error("name", $"Keep the name to {MaxNameLength} characters.");
        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (description?.Length > MaxDescriptionLength) Error("description", $"Keep the description to {MaxDescriptionLength} characters.");
        if (input.RiskLevel is null) Error("riskLevel", "Choose a risk level: very_high, high, medium or low.");
        if (input.RebalancingFrequency is null) Error("rebalancingFrequency", "Choose how often to rebalance: monthly, quarterly or yearly.");
        if (input.ExpectedReturnRate is { } rate)
        {
            if (rate is < 0m or > 1m) Error("expectedReturnRate", "Give an expected return between 0 and 1 (0.12 is 12 % a year).");
            else if (decimal.Round(rate, 4) != rate) Error("expectedReturnRate", "Use at most two decimals of a percent (0.1225 is 12.25 %).");
        }
        if (input.MinInvestment <= 0m) Error("minInvestment", "Enter a minimum investment above zero.");
        else if (input.MinInvestment > MaxMinInvestment) Error("minInvestment", $"Enter at most {IndianFormat.Money(MaxMinInvestment)}.");
        else if (decimal.Round(input.MinInvestment, 2) != input.MinInvestment) Error("minInvestment", "Use at most two decimals (paise).");

        var allocation = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var known = AssetClassesWithBaskets();
        foreach (var (rawKey, fraction) in input.Allocation ?? new Dictionary<string, decimal>())
        {
            var key = rawKey.Trim().ToLowerInvariant();
            var field = $"allocation.{key}";
            if (!known.Contains(key)) Error(field, $"Spark has no basket of instruments for \"{rawKey}\". Use {string.Join(", ", known)}.");
            else if (allocation.ContainsKey(key)) Error(field, $"{AssetClasses.Label(key)} is given twice.");
            else if (fraction is <= 0m or > 1m) Error(field, "Give a share above 0 and at most 1 (0.25 is 25 %).");
            else if (decimal.Round(fraction, 4) != fraction) Error(field, "Use at most two decimals of a percent (0.3333 is 33.33 %).");
            else allocation[key] = fraction;
        }
        if (allocation.Count == 0 && !errors.Keys.Any(k => k.StartsWith("allocation", StringComparison.Ordinal)))
        {
            Error("allocation", "Give at least one asset class a share.");
        }
        else if (allocation.Count > 0 && !errors.Keys.Any(k => k.StartsWith("allocation", StringComparison.Ordinal)) && allocation.Values.Sum() != 1m)
        {
            Error("allocation", $"The shares add up to {IndianFormat.Percent(allocation.Values.Sum())}; they must add up to 100 %.");
        }

        if (errors.Count > 0) throw new FieldValidationException(errors);
        return new ValidInput(name, description, input.RiskLevel!.Value, input.ExpectedReturnRate, input.MinInvestment, allocation,
            input.RebalancingFrequency!.Value, input.IsActive);
    }

    private static void Apply(AutoInvestStrategy strategy, ValidInput valid)
    {
        strategy.Name = valid.Name;
        strategy.Description = valid.Description;
        strategy.RiskLevel = valid.RiskLevel;
        strategy.ExpectedReturnRate = valid.ExpectedReturnRate;
        strategy.MinInvestment = valid.MinInvestment;
        strategy.Allocation = valid.Allocation;
        strategy.RebalancingFrequency = valid.RebalancingFrequency;
        strategy.IsActive = valid.IsActive;
    }

    private static async Task EnsureNameFreeAsync(SparkDbContext context, string name, Guid? except, CancellationToken cancellationToken)
    {
        var lower = name.ToLower(System.Globalization.CultureInfo.InvariantCulture);
        if (await context.Strategies.AnyAsync(s => s.Name.ToLower() == lower && s.Id != except, cancellationToken)) throw NameTaken();
    }

    private static async Task SaveAsync(SparkDbContext context, CancellationToken cancellationToken)
    {
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another admin took the name between the check and the save.
            throw NameTaken();
        }
    }

    private static FieldValidationException NameTaken() =>
        new(new Dictionary<string, string[]> { ["name"] = ["Another strategy already has this name."] });

    /// <summary>A new or edited strategy gets its backtest at once; if that fails, the job computes it later.</summary>
    private async Task RefreshBacktestAsync(AutoInvestStrategy strategy, CancellationToken cancellationToken)
    {
        try
        {
            await backtester.RefreshAsync(onlyStale: true, strategy.Id, cancellationToken);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            log.LogWarning(e, "The backtest of strategy {StrategyId} could not be computed now; the job will", strategy.Id);
        }
    }

    /// <summary>Active and paused plans per strategy: every investor's plans, so counted as system work.</summary>
    private async Task<Dictionary<Guid, int>> SubscribersAsync(Guid? strategyId, CancellationToken cancellationToken)
    {
        await using var context = db.ForSystem("strategy subscriber counts");
        return await context.Plans
            .Where(p => (p.Status == PlanStatus.Active || p.Status == PlanStatus.Paused) && (strategyId == null || p.StrategyId == strategyId))
            .GroupBy(p => p.StrategyId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
    }

    private StrategyView View(AutoInvestStrategy s, int subscribers) =>
        new(s.Id, s.Name, s.Description, s.RiskLevel, s.ExpectedReturnRate, s.MinInvestment,
            s.Allocation.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
            s.RebalancingFrequency, s.IsActive, subscribers, StoredBacktest.Read(s.BacktestingData).View?.Summary
                ?? (backtester.HistoryComplete ? BacktestSummary.Pending : BacktestSummary.Preparing), s.UpdatedAt);

    private static int RiskOrder(StrategyRiskLevel level) => level switch
    {
        StrategyRiskLevel.Low => 0,
        StrategyRiskLevel.Medium => 1,
        StrategyRiskLevel.High => 2,
        _ => 3,
    };

    /// <summary>A strategy as the audit log records it: the API's field names and words.</summary>
    private static object Snapshot(AutoInvestStrategy s) => new
    {
        name = s.Name, description = s.Description, riskLevel = Word(s.RiskLevel), expectedReturnRate = s.ExpectedReturnRate,
        minInvestment = s.MinInvestment, allocation = new Dictionary<string, decimal>(s.Allocation),
        rebalancingFrequency = Word(s.RebalancingFrequency), isActive = s.IsActive,
    };

    private static string Word<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
