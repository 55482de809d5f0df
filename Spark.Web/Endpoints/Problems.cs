using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Spark.Core;

namespace Spark.Web.Endpoints;

/// <summary>RFC 9457 answers with the status codes api.md assigns, built in one place.</summary>
public static class Problems
{
    public static ProblemHttpResult Unauthorized(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in", extensions: extensions);

    public static ProblemHttpResult NotFound(string detail = "There is nothing here, or it is not yours.") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");

    public static ProblemHttpResult Rule(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not allowed");

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Identity's errors, keyed by the field they are about.</summary>
    public static ValidationProblem Invalid(IEnumerable<IdentityError> errors) =>
        TypedResults.ValidationProblem(errors
            .GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password"
                : e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? "email" : "")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()));
}

/// <summary>
/// Errors below an endpoint, answered in one place as api.md assigns them: an unreadable request 400, field errors
/// 400 with the <c>errors</c> map, conflicts 409, any other broken rule 422 with the rule's own words.
/// </summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ProblemDetails details = exception switch
        {
            FieldValidationException v => new HttpValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = 400, Title = "One or more validation errors occurred.",
            },
            ConflictException => new ProblemDetails { Status = 409, Title = "Conflict", Detail = exception.Message },
            // A body that is not JSON of the endpoint's shape, or a query value that does not bind, is the caller's error.
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode, Title = "Bad request",
                Detail = "The request could not be read: send JSON of the documented shape and query values of the documented types.",
            },
            DomainException => new ProblemDetails { Status = 422, Title = "Not allowed", Detail = exception.Message },
            _ => null!,
        };
        if (details is null) return false;
        httpContext.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = details });
    }
}
