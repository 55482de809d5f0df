using System.Text.Json;
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

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

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
public sealed partial class DomainExceptionHandler(IProblemDetailsService problems, ILogger<DomainExceptionHandler> log) : IExceptionHandler
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
            // A service that checks the actor's roles in the database refused (decisions 0041, 0043): the reason is the answer.
            Services.Admin.StaffForbiddenException => new ProblemDetails { Status = 403, Title = "Forbidden", Detail = exception.Message },
            // A JSON value no field can hold names its field (the path STJ records, "$.fees" → "fees").
            BadHttpRequestException { InnerException: JsonException { Path: { Length: > 1 } path } json } => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [FieldOf(path)] = [Message(json)] })
            {
                Status = 400, Title = "One or more validation errors occurred.",
            },
            // A query or route value that does not bind: the framework's message names the parameter ("int page").
            BadHttpRequestException bad when Unbound().Match(bad.Message) is { Success: true } m => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [m.Groups["name"].Value] = [$"Use a value of type {m.Groups["type"].Value}."] })
            {
                Status = 400, Title = "One or more validation errors occurred.",
            },
            // A body that is not JSON of the endpoint's shape is the caller's error.
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode, Title = "Bad request",
                Detail = "The request could not be read: send JSON of the documented shape and query values of the documented types.",
            },
            // Staff viewing a customer's account asked for a write they may not make (decision 0045).
            Spark.Core.Accounts.ImpersonationForbiddenException => new ProblemDetails { Status = 403, Title = "Forbidden", Detail = exception.Message },
            DomainException => new ProblemDetails { Status = 422, Title = "Not allowed", Detail = exception.Message },
            // The database's own refusal of a write in a read-only impersonation (SparkDb opens the customer's data read-only).
            _ when IsReadOnlyRefusal(exception) => new ProblemDetails
            {
                Status = 403, Title = "Forbidden",
                Detail = "You are viewing this account read-only: nothing was changed. Acting for the customer needs their one-time consent code.",
            },
            // The last line behind the input checks (decision 0037): a value PostgreSQL's types refuse (SQLSTATE class 22: NUL,
            // overflow, a date out of range, text too long) or arithmetic it overflows came from the request, not from us.
            _ when IsDataError(exception) => new ProblemDetails
            {
                Status = 400, Title = "Bad request", Detail = "A value in the request is outside what Spark can hold: check sizes, digits and dates.",
            },
            // Two writes raced for one unique key (e.g. the same trade id written while an import of it runs): nothing of
            // the losing request was kept, and trying again settles it.
            _ when IsUniqueViolation(exception) => new ProblemDetails
            {
                Status = 409, Title = "Conflict", Detail = "Another change to the same data landed first; nothing of this request was saved. Try again.",
            },
            _ => null!,
        };
        if (details is null) return false;
        // The safety nets answer the caller, but a check that should have caught the value first is missing: say so.
        if (details.Status is 400 or 409 && IsSafetyNet(exception)) LogSafetyNet(log, exception, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = details });
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?<type>[^ \"]+) (?<name>[^ \"]+)\" from")]
    private static partial System.Text.RegularExpressions.Regex Unbound();

    private static string FieldOf(string path) => path.TrimStart('$').TrimStart('.');

    /// <summary>Our converters' own words; the serializer's messages name .NET types and positions, which mean nothing to a caller.</summary>
    private static string Message(JsonException json) =>
        json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) || json.Message.Contains("Path:", StringComparison.Ordinal)
            ? "This value is not of the documented type, or not one of the documented words."
            : json.Message;

    private static bool IsSafetyNet(Exception exception) => IsDataError(exception) || IsUniqueViolation(exception);

    /// <summary>SQLSTATE 25006 (read_only_sql_transaction): a write inside a read-only impersonation's unit of work.</summary>
    public static bool IsReadOnlyRefusal(Exception exception) => exception switch
    {
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.ReadOnlySqlTransaction } => true,
        { InnerException: { } inner } => IsReadOnlyRefusal(inner),
        _ => false,
    };

    private static bool IsUniqueViolation(Exception exception) => exception switch
    {
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } => true,
        { InnerException: { } inner } => IsUniqueViolation(inner),
        _ => false,
    };

    [LoggerMessage(LogLevel.Warning, "{Method} {Path} reached the database with a value or key no check caught first; answered by the safety net")]
    private static partial void LogSafetyNet(ILogger logger, Exception exception, string method, string path);

    private static bool IsDataError(Exception exception) => exception switch
    {
        OverflowException => true,
        Npgsql.PostgresException { SqlState: { } state } => state.StartsWith("22", StringComparison.Ordinal),
        { InnerException: { } inner } => IsDataError(inner),
        _ => false,
    };
}
