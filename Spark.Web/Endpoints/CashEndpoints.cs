using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Web.Api;
using Spark.Web.Api.Input;
using Spark.Web.Services.Cash;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public sealed record CashAmountRequest([property: Numeric(15, 2)] decimal Amount);

public static class CashEndpoints
{
    public static RouteGroupBuilder MapCashEndpoints(this RouteGroupBuilder api)
    {
        var cash = api.MapGroup("/cash").WithTags("Cash").ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        cash.MapGet("", GetAsync);
        cash.MapGet("/ledger", LedgerAsync);
        cash.MapGet("/blocked", BlockedAsync);
        cash.MapGet("/settlements", SettlementsAsync);
        cash.MapPost("/deposit", DepositAsync).Idempotent();
        cash.MapPost("/withdraw", WithdrawAsync).Idempotent();
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<Ok<CashView>> GetAsync(HttpContext http, CashService cash, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cash.GetAsync(Me(http), cancellationToken));

    private static async Task<Ok<Paged<CashEntryView>>> LedgerAsync(HttpContext http, CashService cash, int page = 1, int pageSize = 20,
        CancellationToken cancellationToken = default) =>
        TypedResults.Ok(await cash.LedgerAsync(Me(http), page, pageSize, cancellationToken));

    /// <summary>The open orders blocking cash (decision 0053): their blocked amounts add up to GET /cash's blocked.</summary>
    private static async Task<Ok<IReadOnlyList<BlockingOrderView>>> BlockedAsync(HttpContext http, CashService cash, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cash.BlockingOrdersAsync(Me(http), cancellationToken));

    /// <summary>Unsettled sale proceeds by settlement day (T+1): available − their sum is GET /cash's withdrawable (never below zero).</summary>
    private static async Task<Ok<IReadOnlyList<PendingSettlementView>>> SettlementsAsync(HttpContext http, CashService cash, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cash.SettlementsAsync(Me(http), cancellationToken));

    private static async Task<Ok<CashView>> DepositAsync(CashAmountRequest request, HttpContext http, CashService cash,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await cash.DepositAsync(Me(http), request.Amount, cancellationToken));

    private static async Task<Ok<CashView>> WithdrawAsync(CashAmountRequest request, HttpContext http, CashService cash,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await cash.WithdrawAsync(Me(http), request.Amount, cancellationToken));
}
