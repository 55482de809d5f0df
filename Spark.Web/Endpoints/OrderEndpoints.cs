using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Core.Orders;
using Spark.Web.Api;
using Spark.Web.Security;
using Spark.Web.Services.Orders;
using Spark.Web.Services.Portfolio;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public static class OrderEndpoints
{
    public static RouteGroupBuilder MapOrderEndpoints(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        orders.MapPost("/charges-preview", PreviewAsync).ReadOnlyOperation();
        orders.MapPost("", PlaceAsync).Idempotent().AllowedWithConsent();
        orders.MapGet("", ListAsync);
        orders.MapGet("/trades/export", ExportAsync);
        orders.MapGet("/{id:guid}", GetAsync).Owns("order");
        orders.MapPut("/{id:guid}", ModifyAsync).Owns("order").AllowedWithConsent();
        orders.MapDelete("/{id:guid}", CancelAsync).Owns("order").AllowedWithConsent();
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<Ok<ChargesPreview>> PreviewAsync(OrderRequest request, HttpContext http, OrderService orders,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await orders.PreviewAsync(Me(http), request with { Type = request.Type ?? OrderType.Market }, cancellationToken));

    private static async Task<Created<OrderView>> PlaceAsync(OrderRequest request, HttpContext http, OrderService orders,
        CancellationToken cancellationToken)
    {
        var order = await orders.PlaceAsync(Me(http), request, cancellationToken);
        return TypedResults.Created($"/api/v1/orders/{order.Id}", order);
    }

    private static async Task ExportAsync(HttpContext http, OrderService orders, CancellationToken cancellationToken) =>
        await TradesExport.SendAsync(http, await orders.TradesAsync(Me(http), cancellationToken), cancellationToken);

    private static async Task<Ok<Paged<OrderView>>> ListAsync(HttpContext http, OrderService orders, string? status = null, int page = 1,
        int pageSize = 20, CancellationToken cancellationToken = default) =>
        TypedResults.Ok(await orders.ListAsync(Me(http), status, page, pageSize, cancellationToken));

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, OrderService orders,
        CancellationToken cancellationToken) =>
        await orders.GetAsync(Me(http), id, cancellationToken) is { } order ? TypedResults.Ok(order) : Problems.NotFound();

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> ModifyAsync(Guid id, OrderChange change, HttpContext http,
        OrderService orders, CancellationToken cancellationToken) =>
        await orders.ModifyAsync(Me(http), id, change, cancellationToken) is { } order ? TypedResults.Ok(order) : Problems.NotFound();

    private static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(Guid id, HttpContext http, OrderService orders,
        CancellationToken cancellationToken) =>
        await orders.CancelAsync(Me(http), id, cancellationToken) is null ? Problems.NotFound() : TypedResults.NoContent();
}
