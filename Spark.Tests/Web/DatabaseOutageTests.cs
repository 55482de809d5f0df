using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Spark.Web.Endpoints;
using Spark.Web.Hosting;

namespace Spark.Tests.Web;

/// <summary>What counts as a passing database fault, the web page's answer to one, and the loops' backoff.</summary>
public sealed class DatabaseOutageTests
{
    public static TheoryData<Exception, bool> Faults => new()
    {
        { new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { new NpgsqlException("Exception while reading from stream", new IOException("reset")), true },
        { new InvalidOperationException("wrapped", new NpgsqlException("cut", new TimeoutException())), true },
        { new TimeoutException("opening a connection"), true },
        { new InvalidOperationException("a bug"), false },
        { new NpgsqlException("a bad query"), false },
        { new Spark.Core.DomainException("not enough cash"), false },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Connection_faults_and_timeouts_are_transient_and_bugs_and_rule_breaks_are_not(Exception error, bool transient) =>
        Assert.Equal(transient, BackgroundLoops.IsTransient(error));

    [Fact]
    public async Task A_page_that_meets_a_database_outage_answers_a_friendly_503_with_retry_after()
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        var page = new DatabaseOutagePage(_ => throw new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)));

        await page.InvokeAsync(http);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal(DatabaseOutageHandler.RetryAfterSeconds, http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        Assert.Contains("temporarily unavailable", await new StreamReader(http.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_that_meets_a_bug_still_fails_as_before()
    {
        var page = new DatabaseOutagePage(_ => throw new InvalidOperationException("a bug"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => page.InvokeAsync(new DefaultHttpContext()));
    }

    [Fact]
    public void Backoff_grows_from_a_quarter_second_to_at_most_five_seconds_with_jitter()
    {
        var backoff = new BackgroundLoops.Backoff();
        var delays = Enumerable.Range(0, 12).Select(_ => backoff.Next()).ToArray();

        Assert.InRange(delays[0], TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(250));
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, BackgroundLoops.MaxDelay));
        Assert.InRange(delays[^1], BackgroundLoops.MaxDelay / 2, BackgroundLoops.MaxDelay);
        backoff.Reset();
        Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task A_loop_that_throws_is_restarted_after_a_backoff_and_reported_until_it_succeeds()
    {
        var clock = new FakeTimeProvider();
        var loops = new BackgroundLoops(clock, NullLogger<BackgroundLoops>.Instance);
        var attempts = 0;
        var done = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();

        var running = loops.RunAsync("test-loop", _ =>
        {
            if (++attempts < 3) throw new NpgsqlException("cut", new IOException("reset"));
            loops.Healthy("test-loop");
            done.SetResult();
            return Task.CompletedTask;
        }, stop.Token);

        Assert.False(loops.States["test-loop"].IsHealthy);
        while (!done.Task.IsCompleted)
        {
            clock.Advance(BackgroundLoops.MaxDelay);
            await Task.Yield();
        }

        await running;
        Assert.Equal(3, attempts);
        Assert.True(loops.States["test-loop"].IsHealthy);
    }
}

/// <summary>The container's health check: `Spark.Web health URL` exits 0 only on a 200.</summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData(System.Net.HttpStatusCode.OK, 0)]
    [InlineData(System.Net.HttpStatusCode.ServiceUnavailable, 1)]
    public async Task The_probe_exits_zero_only_when_the_endpoint_answers_200(System.Net.HttpStatusCode status, int exit)
    {
        using var handler = new Answering(_ => new HttpResponseMessage(status));

        Assert.Equal(exit, await Spark.Web.Cli.HealthProbe.RunAsync(["health", "http://spark.test/health/live"], handler));
    }

    [Fact]
    public async Task The_probe_exits_one_when_nothing_answers()
    {
        using var handler = new Answering(_ => throw new HttpRequestException("Connection refused"));

        Assert.Equal(1, await Spark.Web.Cli.HealthProbe.RunAsync(["health", "http://spark.test/health/live"], handler));
    }

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
