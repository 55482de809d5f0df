using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using Spark.Core.Analysis;
using Spark.Web.Hosting;

namespace Spark.Web.Services.Analysis;

/// <summary>The "Spark:Analysis:Narrative" configuration section (decision 0063): what is not the admin's to set.</summary>
public sealed class NarrativeOptions
{
    public const string Section = "Spark:Analysis:Narrative";

    /// <summary>
    /// The endpoint's API key (environment variable Spark__Analysis__Narrative__ApiKey). A secret: never stored in the
    /// database, never shown; unset for endpoints that need none (a local model server).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one request may take before Spark gives up and shows no narrative.</summary>
    public int TimeoutSeconds { get; set; } = 8;

    /// <summary>After a failed request (timeout, error), how long before the same analysis asks again.</summary>
    public int RetryFailedAfterMinutes { get; set; } = 15;

    /// <summary>The reply's length limit in tokens: a short paragraph.</summary>
    public int MaxOutputTokens { get; set; } = 300;
}

/// <summary>What came of asking: the accepted text, or why there is none.</summary>
public sealed record NarrativeOutcome(NarrativeStatus Status, string? Text, IReadOnlyList<string> Unmatched)
{
    public static NarrativeOutcome Failed { get; } = new(NarrativeStatus.Failed, null, []);
}

public enum NarrativeStatus { Accepted, Rejected, Failed }

/// <summary>
/// Asks the admin's OpenAI-compatible endpoint (Microsoft.Extensions.AI's <see cref="IChatClient"/> over the OpenAI client)
/// for a short narrative of Spark's figures and checks its every number (<see cref="NarrativeCheck"/>). A reply that cites a
/// number Spark did not give is discarded (logged, counted); a timeout or an error is a failure. Nothing here throws to the
/// caller except its own cancellation.
/// </summary>
public sealed partial class NarrativeModel(IOptions<NarrativeOptions> options, IMeterFactory meters, TimeProvider clock, ILogger<NarrativeModel> log)
{
    private readonly ConcurrentDictionary<(string Endpoint, string Model), IChatClient> clients = new();
    private readonly Counter<long> outcomes = meters.Create(SparkTelemetry.MeterName)
        .CreateCounter<long>("spark.analysis.narratives", "{narrative}", "Language-model narratives asked for, by outcome (accepted, rejected, failed, timeout).");

    /// <summary>The instructions: facts only, no sums of its own, no advice, plain and short.</summary>
    public const string Instructions = """
        You write a short plain-English summary for a retail investor of figures that Spark, an investment app, computed.
        Rules:
        - Use only the figures listed. Write each number with digits exactly as listed, or rounded to fewer decimals.
        - Do not compute anything new: no differences, sums, averages, ratios or percentages of your own.
        - Write no other numbers at all: no dates, years, counts or list numbering.
        - Give no advice and no forecast: do not say buy, sell, hold, invest or avoid, and do not predict prices.
        - Plain prose, three or four sentences, under 90 words, no headings, no lists.
        """;

    /// <summary>The user message: the subject and one line per fact, nothing else.</summary>
    public static string Prompt(string subject, IReadOnlyList<NarrativeFact> facts) =>
        $"Subject: {subject}\nFigures:\n" + string.Join('\n', facts.Select(f => "- " + f.Line));

    public async Task<NarrativeOutcome> AskAsync(NarrativeSettings settings, string subject, IReadOnlyList<NarrativeFact> facts,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(facts);
        if (settings is not { Enabled: true, Endpoint: { } endpoint, Model: { } model } || facts.Count == 0) return NarrativeOutcome.Failed;
        var timeout = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds));
        using var timer = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        string reply;
        try
        {
            var client = clients.GetOrAdd((endpoint, model), key => Create(key.Endpoint, key.Model));
            var response = await client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, Prompt(subject, facts))],
                new ChatOptions { Temperature = 0.2f, MaxOutputTokens = options.Value.MaxOutputTokens }, linked.Token);
            reply = response.Text.Trim();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "timeout"));
            LogTimeout(log, subject, timeout.TotalSeconds);
            return NarrativeOutcome.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the endpoint or its client throws (an HTTP error, a body that is not the expected JSON), the page goes on without.
            outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            LogFailed(log, subject, e.GetType().Name, e.Message);
            return NarrativeOutcome.Failed;
        }

        if (reply.Length == 0)
        {
            outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            LogFailed(log, subject, "empty", "The endpoint answered with no text.");
            return NarrativeOutcome.Failed;
        }

        var verdict = NarrativeCheck.Check(reply, subject, facts);
        if (!verdict.Accepted)
        {
            outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
            LogRejected(log, subject, string.Join(", ", verdict.Unmatched));
            return new NarrativeOutcome(NarrativeStatus.Rejected, null, verdict.Unmatched);
        }

        outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"));
        return new NarrativeOutcome(NarrativeStatus.Accepted, reply, []);
    }

    private IChatClient Create(string endpoint, string model)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(endpoint),
            // One try within our own timeout: a narrative is optional, and retries would only keep a reader waiting.
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds)),
        };
        // The OpenAI client wants a key; endpoints without one (a local model server) ignore the header.
        var key = string.IsNullOrWhiteSpace(options.Value.ApiKey) ? "no-key" : options.Value.ApiKey;
        return new OpenAIClient(new ApiKeyCredential(key), clientOptions).GetChatClient(model).AsIChatClient();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Narrative for {Subject} discarded: it cites numbers Spark did not give it ({Numbers}).")]
    private static partial void LogRejected(ILogger logger, string subject, string numbers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Narrative for {Subject} not written: no answer within {Seconds} s.")]
    private static partial void LogTimeout(ILogger logger, string subject, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Narrative for {Subject} not written: {Kind}: {Message}")]
    private static partial void LogFailed(ILogger logger, string subject, string kind, string message);
}
