using Microsoft.AspNetCore.Http.HttpResults;
using Spark.Web.Services.Notifications;
using Spark.Web.Shell;

namespace Spark.Web.Endpoints;

public static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications").WithTags("Notifications");
        notifications.MapGet("", ListAsync);
        notifications.MapPost("/{id:guid}/read", MarkReadAsync).Owns("notification");
        notifications.MapPost("/read-all", MarkAllReadAsync);
        return api;
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<Ok<NotificationList>> ListAsync(HttpContext http, NotificationService notifications, int page = 1, int pageSize = 20,
        bool unreadOnly = false, CancellationToken cancellationToken = default) =>
        TypedResults.Ok(await notifications.ListAsync(Me(http), page, pageSize, unreadOnly, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(Guid id, HttpContext http, NotificationService notifications,
        CancellationToken cancellationToken) =>
        await notifications.MarkReadAsync(Me(http), id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound();

    private static async Task<NoContent> MarkAllReadAsync(HttpContext http, NotificationService notifications, CancellationToken cancellationToken)
    {
        await notifications.MarkAllReadAsync(Me(http), cancellationToken);
        return TypedResults.NoContent();
    }
}
