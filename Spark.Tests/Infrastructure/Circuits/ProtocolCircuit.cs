using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Spark.Tests.Infrastructure.Circuits;

/// <summary>
/// One Blazor Server circuit opened without a browser (script/load's protocol client, decision 0069), the way .NET 10's
/// blazor.web.js opens one for a page whose root components are interactive on the server: GET the page (the prerendered
/// HTML carries a <c>&lt;!--Blazor:{…}--&gt;</c> marker per interactive root component and the persisted state in a
/// <c>&lt;!--Blazor-Server-Component-State:…--&gt;</c> comment), connect to <c>/_blazor</c> over a WebSocket with the
/// page's cookies and the "blazorpack" protocol, <c>StartCircuit(baseUri, uri, "[]", state)</c>, then
/// <c>UpdateRootComponents</c> with one "add" operation per marker. From then on it acknowledges every render batch
/// (<c>OnRenderCompleted</c>; the server stops sending when too many are unacknowledged), answers every JS interop call
/// with success and a null result (a fake object reference when .NET asked for one), reads each batch's attributes, and
/// records the first arrival of each new <c>data-tick-at</c> value: tick → render batch received, not applied to a DOM.
/// Nothing is rendered and no JS runs, so what needs a browser's answer (element sizes, focus) gets null.
/// </summary>
public sealed partial class ProtocolCircuit : IAsyncDisposable
{
    private const int JSObjectReferenceResult = 1;
    private const int JSStreamReferenceResult = 2;

    /// <summary>
    /// What a browser answers to the calls whose .NET side reads a value (a bool or an int cannot be null): a light theme,
    /// the one popover provider of the layout, MudBlazor's script loaded, and the viewport the browser mode uses. Every
    /// other call gets null (void calls, element measurements, the page title).
    /// </summary>
    private static readonly Dictionary<string, string> BrowserAnswers = new(StringComparer.Ordinal)
    {
        ["mudThemeProvider.isDarkMode"] = "false",
        ["mudpopoverHelper.countProviders"] = "1",
        ["window.hasOwnProperty"] = "true",
        ["mudResizeListener.getBrowserWindowSize"] = """{"height":900,"width":1280}""",
    };

    private readonly Uri baseAddress;
    private readonly HttpClient http;
    private readonly HubConnection connection;
    private readonly Lock gate = new();
    private readonly List<(long TickAt, long ReceivedAt)> samples = [];
    private readonly ConcurrentDictionary<string, int> jsCalls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> jsCallArguments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> errorCounts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> errorExamples = new();
    private readonly ConcurrentDictionary<string, bool> testIds = new(StringComparer.Ordinal);
    private long lastTickAt = long.MinValue;
    private long batches;
    private long batchBytes;
    private long nextJSObjectId;
    private volatile bool interactive;
    private volatile bool closing;
    private string? circuitSecret;

    private ProtocolCircuit(Uri baseAddress, CookieContainer cookies)
    {
        this.baseAddress = baseAddress;
        http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
        };
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "_blazor"), HttpTransportType.WebSockets, o => o.Cookies = cookies)
            .ConfigureLogging(l => l.AddProvider(new ErrorLog(this)));
        // The builder registers the JSON protocol first; the connection takes the last IHubProtocol registered.
        builder.Services.AddSingleton<IHubProtocol>(BlazorPackProtocol.Instance);
        connection = builder.Build();
        connection.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        // asyncHandle, identifier, argsJson, resultType, targetInstanceId, callType: the arguments .NET 10 sends and
        // blazor.web.js's dispatcher takes (beginInvokeJSFromDotNet).
        connection.On<long, string, string?, int, long, int>("JS.BeginInvokeJS", OnBeginInvokeJSAsync);
        connection.On<string>("JS.Error", e => Note("JS.Error", e));
        // Sent after the root components were added and when a .NET call from JS ends; nothing to do for either here.
        connection.On<long>("JS.EndUpdateRootComponents", _ => { });
        connection.On<string>("JS.EndInvokeDotNet", _ => { });
        // The server attaching a root component (component id, the page's ssrComponentId): nothing to attach it to here.
        connection.On<int, string>("JS.AttachComponent", (_, _) => { });
        connection.Closed += e =>
        {
            if (!closing) Note("closed", "the circuit's connection closed: " + (e?.Message ?? "by the server"));
            return Task.CompletedTask;
        };
    }

    /// <summary>Render batches received so far and their bytes (the batch payloads, not the WebSocket frames around them).</summary>
    public long Batches => Interlocked.Read(ref batches);

    public long BatchBytes => Interlocked.Read(ref batchBytes);

    /// <summary>True once a render batch set <c>data-interactive="true"</c> (Spark's ThemeRoot renders it when interactive).</summary>
    public bool IsInteractive => interactive;

    /// <summary>The newest <c>data-tick-at</c> seen (Unix ms), if any.</summary>
    public long? LastTickAt
    {
        get
        {
            lock (gate) return lastTickAt == long.MinValue ? null : lastTickAt;
        }
    }

    /// <summary>JS interop calls the server made, by identifier.</summary>
    public IReadOnlyDictionary<string, int> JSCalls => jsCalls;

    /// <summary>The arguments (JSON) of the first call of each identifier.</summary>
    public IReadOnlyDictionary<string, string> JSCallArguments => jsCallArguments;

    /// <summary>Errors by kind: "JS.Error", "closed", "batch", "interop", "client" (the SignalR client's warnings and errors).</summary>
    public IReadOnlyDictionary<string, int> Errors => errorCounts;

    public IEnumerable<string> ErrorExamples => errorExamples;

    /// <summary>Whether any render batch so far carried an element with this <c>data-testid</c>.</summary>
    public bool Saw(string testId) => testIds.ContainsKey(testId);

    /// <summary>
    /// Opens a circuit on <paramref name="path"/> with <paramref name="cookies"/> (the signed-in user's) and returns once the
    /// circuit rendered interactively and, when <paramref name="readyTestId"/> is given, an element with that test id.
    /// </summary>
    public static async Task<ProtocolCircuit> OpenAsync(Uri baseAddress, string path, CookieContainer cookies, string? readyTestId,
        TimeSpan patience, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(path);
        var circuit = new ProtocolCircuit(baseAddress, cookies);
        try
        {
            await circuit.StartAsync(path, readyTestId, patience, cancellationToken);
            return circuit;
        }
        catch
        {
            await circuit.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(string path, string? readyTestId, TimeSpan patience, CancellationToken cancellationToken)
    {
        var page = new Uri(baseAddress, path.TrimStart('/'));
        string html;
        using (var response = await http.GetAsync(page, cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {page.PathAndQuery} answered {(int)response.StatusCode} {response.Headers.Location} (signed out?).");
            }

            html = await response.Content.ReadAsStringAsync(cancellationToken);
        }

        var markers = ServerMarkers(html);
        if (markers.Count == 0) throw new InvalidOperationException($"GET {page.PathAndQuery} has no interactive server component markers.");
        var state = StateComment().Match(html) is { Success: true } m ? m.Groups["state"].Value : "";

        await connection.StartAsync(cancellationToken);
        circuitSecret = await connection.InvokeAsync<string?>("StartCircuit", baseAddress.ToString(), page.ToString(), "[]", state, cancellationToken);
        if (string.IsNullOrEmpty(circuitSecret)) throw new InvalidOperationException("StartCircuit returned no circuit id: the server refused the circuit.");

        // blazor.web.js's WebRootComponentManager: one batch of "add" operations, each marker as it was in the page
        // (its descriptor is data-protected by the server and names the component, its parameters and its sequence).
        var operations = new JsonArray();
        for (var i = 0; i < markers.Count; i++)
        {
            operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = i + 1, ["marker"] = markers[i] });
        }

        var batch = new JsonObject { ["batchId"] = 1, ["operations"] = operations };
        await connection.SendAsync("UpdateRootComponents", batch.ToJsonString(), state, cancellationToken);

        if (!await WaitUntilAsync(c => c.IsInteractive && (readyTestId is null || c.Saw(readyTestId)), patience, cancellationToken))
        {
            throw new TimeoutException($"The circuit on {page.PathAndQuery} did not render {(IsInteractive ? readyTestId : "interactively")} within {patience.TotalSeconds:0} s"
                + (errorExamples.TryPeek(out var first) ? ": " + first : "."));
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public async Task<bool> WaitUntilAsync(Func<ProtocolCircuit, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition(this))
        {
            // A circuit whose connection closed will not render again: no point waiting out the timeout.
            if (waited.Elapsed >= timeout || errorCounts.ContainsKey("closed")) return condition(this);
            await Task.Delay(25, cancellationToken);
        }

        return true;
    }

    /// <summary>Takes (and clears) the (tick time, arrival time) pairs, both Unix ms on this machine's clock.</summary>
    public List<(long TickAt, long ReceivedAt)> TakeSamples()
    {
        lock (gate)
        {
            var taken = samples.ToList();
            samples.Clear();
            return taken;
        }
    }

    private async Task OnRenderBatchAsync(long batchId, byte[] data)
    {
        // The machine's clock on purpose: data-tick-at is the server's tick time on the same machine's clock (script/load).
        var received = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref batchBytes, data.Length);
        try
        {
            foreach (var (name, value) in RenderBatchReader.Attributes(data))
            {
                switch (name)
                {
                    case "data-tick-at" when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var tickAt):
                        lock (gate)
                        {
                            if (tickAt == lastTickAt) break;
                            lastTickAt = tickAt;
                            samples.Add((tickAt, received));
                        }

                        break;
                    case "data-interactive" when value == "true":
                        interactive = true;
                        break;
                    case "data-testid" when value is not null:
                        testIds.TryAdd(value, true);
                        break;
                }
            }
        }
        catch (InvalidDataException e)
        {
            Note("batch", $"render batch {batchId} ({data.Length} bytes) could not be read: {e.Message}");
        }

        // Acknowledged whether or not it was readable: a browser that fails to apply a batch reports the error instead,
        // but this client applies nothing, and an unacknowledged batch would hold the circuit's later ones back.
        try
        {
            await connection.SendAsync("OnRenderCompleted", batchId, null);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            if (!closing) Note("batch", $"render batch {batchId} could not be acknowledged: {e.Message}");
        }
    }

    private async Task OnBeginInvokeJSAsync(long asyncHandle, string identifier, string? argsJson, int resultType, long targetInstanceId, int callType)
    {
        jsCalls.AddOrUpdate(identifier, 1, (_, n) => n + 1);
        jsCallArguments.TryAdd(identifier, argsJson ?? "");
        // Handle 0: .NET does not wait for this call (InvokeVoid without a result); a browser sends nothing back either.
        if (asyncHandle == 0) return;
        string answer;
        if (resultType == JSStreamReferenceResult)
        {
            Note("interop", $"'{identifier}' asked for a JS stream, which this client does not provide.");
            answer = string.Create(CultureInfo.InvariantCulture, $"[{asyncHandle},false,\"No JS streams in a protocol-level client.\"]");
        }
        else
        {
            // A JS object reference is {"__jsObjectId": n} as blazor.web.js serialises it; later calls on it carry n as
            // their target and get a null result like everything else.
            var result = resultType == JSObjectReferenceResult
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"__jsObjectId\":{Interlocked.Increment(ref nextJSObjectId)}}}")
                : BrowserAnswers.GetValueOrDefault(identifier, "null");
            answer = string.Create(CultureInfo.InvariantCulture, $"[{asyncHandle},true,{result}]");
        }

        try
        {
            await connection.SendAsync("EndInvokeJSFromDotNet", asyncHandle, resultType != JSStreamReferenceResult, answer);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            if (!closing) Note("interop", $"'{identifier}' could not be answered: {e.Message}");
        }
    }

    private void Note(string kind, string what)
    {
        errorCounts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (errorExamples.Count < 5) errorExamples.Enqueue($"{kind}: {(what.Length > 300 ? what[..300] : what)}");
    }

    /// <summary>Closes the connection, then ends the circuit on the server at once, as blazor.web.js does when a page unloads.</summary>
    public async ValueTask DisposeAsync()
    {
        closing = true;
        try
        {
            await connection.DisposeAsync();
            if (circuitSecret is not null)
            {
                using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("circuitId", circuitSecret)]);
                using var _ = await http.PostAsync("_blazor/disconnect", form);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            http.Dispose();
        }
    }

    /// <summary>The start markers of the page's interactive server root components, in document order.</summary>
    private static List<JsonObject> ServerMarkers(string html)
    {
        var markers = new List<JsonObject>();
        foreach (Match match in ComponentComment().Matches(html))
        {
            if (JsonNode.Parse(match.Groups["json"].Value) is JsonObject marker && marker["type"]?.GetValue<string>() == "server") markers.Add(marker);
        }

        return markers;
    }

    [GeneratedRegex(@"<!--Blazor:(?<json>\{.*?\})-->")]
    private static partial Regex ComponentComment();

    [GeneratedRegex(@"<!--\s*Blazor-Server-Component-State:(?<state>[A-Za-z0-9+/=]+)\s*-->")]
    private static partial Regex StateComment();

    /// <summary>The SignalR client's own warnings and errors (a message it could not bind, a failed handler) count as errors.</summary>
    private sealed class ErrorLog(ProtocolCircuit circuit) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || circuit.closing) return;
            circuit.Note("client", formatter(state, exception) + (exception is null ? "" : " " + exception.Message));
        }

        public void Dispose()
        {
        }
    }
}
