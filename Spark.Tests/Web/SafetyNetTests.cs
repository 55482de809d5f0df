using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Spark.Web.Endpoints;

namespace Spark.Tests.Web;

/// <summary>
/// The problem answers behind the input checks (decision 0037): what PostgreSQL refuses reaches the caller as a
/// 400 or 409 problem, never a 500, and anything else is left to the next handler.
/// </summary>
public sealed class SafetyNetTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation, 409)]        // two writes raced for one key: try again
    [InlineData(PostgresErrorCodes.CharacterNotInRepertoire, 400)] // 22021: a NUL byte no check caught
    [InlineData(PostgresErrorCodes.NumericValueOutOfRange, 400)]   // 22003
    public async Task A_database_refusal_below_an_endpoint_is_answered_as_a_problem(string sqlState, int status)
    {
        var (handled, answer, body) = await HandleAsync(new InvalidOperationException("wrapped", new PostgresException("refused", "ERROR", "ERROR", sqlState)));

        Assert.True(handled);
        Assert.Equal(status, answer);
        Assert.Equal(status, body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Any_other_database_error_is_left_to_the_next_handler()
    {
        var (handled, _, _) = await HandleAsync(new PostgresException("deadlock", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected));

        Assert.False(handled);
    }

    private static async Task<(bool Handled, int Status, JsonNode? Body)> HandleAsync(Exception exception)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        var handler = new DomainExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<DomainExceptionHandler>.Instance);

        var handled = await handler.TryHandleAsync(http, exception, CancellationToken.None);

        http.Response.Body.Position = 0;
        var text = await new StreamReader(http.Response.Body).ReadToEndAsync();
        return (handled, http.Response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }
}
