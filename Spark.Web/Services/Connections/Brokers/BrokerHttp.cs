using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Spark.Core.Platforms.Brokers;

namespace Spark.Web.Services.Connections.Brokers;

/// <summary>
/// The HTTP client of each broker adapter: one named client per broker with its own resilience pipeline (a token
/// bucket at the broker's rate, retries with jittered backoff for 5xx, timeouts and short 429s, and a per-attempt
/// timeout), built from <see cref="BrokerOptions"/>.
/// </summary>
public static class BrokerHttp
{
    /// <summary>Registers <typeparamref name="TAdapter"/> as the <see cref="IBrokerAdapter"/> of <paramref name="platform"/>, with its typed client.</summary>
    public static IServiceCollection AddBrokerAdapter<TAdapter>(this IServiceCollection services, string platform)
        where TAdapter : class, IBrokerAdapter
    {
        services.AddHttpClient<TAdapter>((sp, http) =>
            {
                var endpoint = sp.GetRequiredService<IOptions<BrokerOptions>>().Value.For(platform);
                http.BaseAddress = endpoint.BaseUrl;
                // The pipeline times each attempt; this only bounds a whole call with its retries.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler($"broker-{platform}", (pipeline, context) =>
            {
                var endpoint = context.ServiceProvider.GetRequiredService<IOptions<BrokerOptions>>().Value.For(platform);
                // Retries outermost, so each attempt waits for its own token and has its own time limit.
                var retry = new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = endpoint.RetryAttempts,
                    Delay = endpoint.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, endpoint.MaxRetryAfter)),
                };
                // A POST is not retried: Kite's and Upstox's token exchanges spend a one-time code, and a retry after a
                // timeout the broker did act on would be told the code is invalid (found by the Kite adapter's tests).
                retry.DisableForUnsafeHttpMethods();
                pipeline.AddRetry(retry);
                pipeline.AddRateLimiter(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, endpoint.RequestsPerSecond),
                    TokensPerPeriod = Math.Max(1, endpoint.RequestsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 10_000,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                }));
                pipeline.AddTimeout(endpoint.AttemptTimeout);
            });
        services.AddTransient<IBrokerAdapter>(sp => sp.GetRequiredService<TAdapter>());
        return services;
    }

    /// <summary>Transient faults are retried; a 429 only when the broker asks for a short wait; a 418 (Binance's ban) never.</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter)
    {
        if (outcome.Exception is OperationCanceledException) return false;
        if (!HttpClientResiliencePredicates.IsTransient(outcome)) return false;
        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } response)
        {
            return RetryAfter(response) is not { } wait || wait <= maxRetryAfter;
        }

        return true;
    }

    /// <summary>
    /// Sends one call through the broker's pipeline and reads the whole answer, turning what the transport and the
    /// pipeline throw into failures the investor can read: a timeout or a refused connection is Unavailable, a
    /// rate-limiter rejection or a 429 is RateLimited (with the broker's Retry-After). Cancellation still throws.
    /// </summary>
    /// <param name="broker">The broker's name as messages say it ("Kite").</param>
    public static async Task<BrokerExchange> ExchangeAsync(HttpClient http, HttpRequestMessage request, string broker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        HttpStatusCode status;
        TimeSpan? retryAfter;
        string body;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            retryAfter = RetryAfter(response);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            return BrokerExchange.Failed(new BrokerFailure(BrokerFailureKind.Unavailable, $"{broker} did not answer in time."));
        }
        catch (Polly.RateLimiting.RateLimiterRejectedException ex)
        {
            return BrokerExchange.Failed(new BrokerFailure(BrokerFailureKind.RateLimited, $"Too many calls to {broker} from Spark; try again shortly.", ex.RetryAfter));
        }
        catch (HttpRequestException)
        {
            return BrokerExchange.Failed(new BrokerFailure(BrokerFailureKind.Unavailable, $"{broker} could not be reached."));
        }
        catch (OperationCanceledException)
        {
            return BrokerExchange.Failed(new BrokerFailure(BrokerFailureKind.Unavailable, $"{broker} did not answer in time."));
        }

        if (status == HttpStatusCode.TooManyRequests)
        {
            return BrokerExchange.Failed(new BrokerFailure(BrokerFailureKind.RateLimited, $"{broker} asks Spark to slow down (too many requests).", retryAfter));
        }

        return new BrokerExchange(status, retryAfter, body, null);
    }

    /// <summary>The response's Retry-After as a wait (seconds or a date), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date && response.Headers.Date is { } now) return date - now;
        return null;
    }
}

/// <summary>One answered broker call: its status, Retry-After and body, or the failure that stood for an answer.</summary>
public sealed record BrokerExchange(HttpStatusCode Status, TimeSpan? RetryAfter, string Body, BrokerFailure? Failure)
{
    public static BrokerExchange Failed(BrokerFailure failure) => new(default, null, "", failure);
}
