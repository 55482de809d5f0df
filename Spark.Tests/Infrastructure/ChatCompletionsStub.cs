using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Spark.Tests.Infrastructure;

/// <summary>
/// A local OpenAI-compatible endpoint for the narrative's tests (decision 0063): Kestrel on a free loopback port answering
/// POST /v1/chat/completions with a non-streaming chat.completion body (id, object, created, model, choices[0].message,
/// finish_reason, usage), as OpenAI's API reference gives it. <see cref="Reply"/> decides each answer from the request's
/// messages; it can also fail with a status or answer late.
/// </summary>
public sealed class ChatCompletionsStub : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private ChatCompletionsStub(WebApplication app) => this.app = app;

    /// <summary>The base URL Spark is configured with (…/v1).</summary>
    public string BaseUrl { get; private set; } = "";

    public int Requests => Volatile.Read(ref requests);

    /// <summary>The last request's JSON body.</summary>
    public JsonNode? LastRequest { get; private set; }

    /// <summary>The last request's Authorization header.</summary>
    public string? LastAuthorization { get; private set; }

    /// <summary>The answer's text from the request's user message (the prompt); by default a fixed sentence without numbers.</summary>
    public Func<string, string> Reply { get; set; } = _ => "The figures describe a steady security.";

    /// <summary>When set, the stub answers with this status and an OpenAI-shaped error body instead.</summary>
    public int? FailWith { get; set; }

    /// <summary>How long the stub waits before answering.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public static async Task<ChatCompletionsStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var stub = new ChatCompletionsStub(app);
        app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)stub.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        stub.BaseUrl = address.TrimEnd('/') + "/v1";
        return stub;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref requests, 0);
        Reply = _ => "The figures describe a steady security.";
        FailWith = null;
        Delay = TimeSpan.Zero;
        LastRequest = null;
    }

    private async Task<IResult> AnswerAsync(HttpContext http)
    {
        Interlocked.Increment(ref requests);
        var body = await JsonNode.ParseAsync(http.Request.Body);
        LastRequest = body;
        LastAuthorization = http.Request.Headers.Authorization;
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, http.RequestAborted);
        if (FailWith is { } status)
        {
            return Results.Json(new { error = new { message = "The stub was told to fail.", type = "server_error", code = (string?)null } }, statusCode: status);
        }

        var prompt = body?["messages"]?.AsArray().LastOrDefault(m => m?["role"]?.GetValue<string>() == "user")?["content"]?.ToString() ?? "";
        var model = body?["model"]?.GetValue<string>() ?? "stub";
        var answer = new JsonObject
        {
            ["id"] = "chatcmpl-stub",
            ["object"] = "chat.completion",
            ["created"] = 1_764_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Reply(prompt) },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 30, ["total_tokens"] = 130 },
        };
        return Results.Text(answer.ToJsonString(), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
