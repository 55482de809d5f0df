using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Core.AutoInvest;
using Spark.Web.Accounts;
using Spark.Web.Services.AutoInvest;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

/// <summary>
/// An admin's strategy. Rates are fractions (<c>expectedReturnRate</c> 0.12, <c>allocation</c> { "stocks": 0.5 });
/// <c>riskLevel</c> is very_high|high|medium|low and <c>rebalancingFrequency</c> monthly|quarterly|yearly.
/// </summary>
public sealed record StrategyRequest(
    [property: System.ComponentModel.DataAnnotations.StringLength(255)] string? Name,
    string? Description,
    string? RiskLevel,
    [property: Spark.Web.Api.Input.Numeric(5, 2, percentColumn: true)] decimal? ExpectedReturnRate,
    [property: Spark.Web.Api.Input.Numeric(10, 2)] decimal? MinInvestment,
    Dictionary<string, decimal>? Allocation,
    string? RebalancingFrequency,
    bool? IsActive)
{
    internal StrategyInput ToInput() => new(Name, Description,
        RiskLevel is not null && EnumWords.TryParse<StrategyRiskLevel>(RiskLevel, out var risk) ? risk : null,
        ExpectedReturnRate, MinInvestment ?? 0m, Allocation,
        RebalancingFrequency is not null && EnumWords.TryParse<RebalancingFrequency>(RebalancingFrequency, out var frequency) ? frequency : null,
        IsActive ?? true);
}

public static class StrategyEndpoints
{
    public static RouteGroupBuilder MapStrategyEndpoints(this RouteGroupBuilder api)
    {
        // Strategies are reference data every investor may read: their ids belong to no one.
        var strategies = api.MapGroup("/strategies").WithTags("Auto-invest");
        strategies.MapGet("", ListAsync);
        strategies.MapGet("/{id:guid}", GetAsync).Shared("strategy");
        strategies.MapGet("/{id:guid}/backtest", BacktestAsync).Shared("strategy");

        // Back-office staff; StrategyService refuses writes to anyone but an admin (403, decision 0043).
        var admin = api.MapGroup("/admin/strategies").WithTags("Admin").RequireAuthorization(ApiEndpoints.ApiBackOffice).ProducesValidationProblem();
        admin.MapPost("", CreateAsync);
        admin.MapPut("/{id:guid}", UpdateAsync);
        return api;
    }

    private static async Task<Ok<Paged<StrategyView>>> ListAsync(StrategyService strategies, int page = 1, int pageSize = 20,
        CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, Paging.MaxPageSize);
        var all = await strategies.ListAsync(cancellationToken: cancellationToken);
        return TypedResults.Ok(new Paged<StrategyView>([.. all.Skip((page - 1) * pageSize).Take(pageSize)], page, pageSize, all.Count));
    }

    private static async Task<Results<Ok<StrategyView>, ProblemHttpResult>> GetAsync(Guid id, StrategyService strategies, CancellationToken cancellationToken) =>
        await strategies.GetAsync(id, cancellationToken) is { } view ? TypedResults.Ok(view) : Problems.NotFound("There is no such strategy.");

    private static async Task<Results<Ok<BacktestView>, ProblemHttpResult>> BacktestAsync(Guid id, StrategyService strategies,
        CancellationToken cancellationToken) =>
        await strategies.BacktestAsync(id, cancellationToken) is { } view ? TypedResults.Ok(view) : Problems.NotFound("There is no such strategy.");

    private static async Task<Created<StrategyView>> CreateAsync(StrategyRequest request, HttpContext http, StrategyService strategies,
        CancellationToken cancellationToken)
    {
        var view = await strategies.CreateAsync(request.ToInput(), http.User.UserId()!.Value, ClientInfo.From(http), cancellationToken);
        return TypedResults.Created($"/api/v1/strategies/{view.Id}", view);
    }

    private static async Task<Results<Ok<StrategyView>, ProblemHttpResult>> UpdateAsync(Guid id, StrategyRequest request, HttpContext http,
        StrategyService strategies, CancellationToken cancellationToken) =>
        await strategies.UpdateAsync(id, request.ToInput(), http.User.UserId()!.Value, ClientInfo.From(http), cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound("There is no such strategy.");
}
