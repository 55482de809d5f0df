namespace Spark.Web.Cli;

/// <summary>
/// `Spark.Web health [url]`: asks a running Spark's health endpoint and exits 0 when it answers 200, 1 otherwise.
/// The container's health check runs it, since the ASP.NET Core runtime image has neither curl nor wget; it starts
/// no host, so it costs a process start and one request.
/// </summary>
public static class HealthProbe
{
    public const string DefaultUrl = "http://127.0.0.1:8080/health/live";

    public static bool IsInvocation(string[] args) => args is ["health", ..];

    public static async Task<int> RunAsync(string[] args, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = args.Length > 1 ? args[1] : DefaultUrl;
        using var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.Timeout = TimeSpan.FromSeconds(3);
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            await Console.Out.WriteLineAsync($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Out.WriteLineAsync($"{url}: {e.Message}");
            return 1;
        }
    }
}
