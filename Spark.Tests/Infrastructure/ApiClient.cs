using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spark.Tests.Infrastructure;

/// <summary>Calls /api/v1 over real HTTP and keeps the bearer token of the last sign-in.</summary>
public sealed class ApiClient(HttpClient http) : IDisposable
{
    public string? AccessToken { get; set; }
    public string? RefreshToken { get; private set; }

    public Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null) =>
        SendAsync(method, path, body is null ? null : JsonContent.Create(body));

    /// <summary>Posts a CSV file as multipart form data under the field name "file".</summary>
    public Task<(HttpStatusCode Status, JsonNode? Body)> UploadAsync(string path, string csv, string fileName = "upload.csv") =>
        SendAsync(HttpMethod.Post, path, File(csv, fileName));

    public static MultipartFormDataContent File(string csv, string fileName = "upload.csv")
    {
        var file = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, "api/v1/" + path.TrimStart('/'));
        request.Content = content;
        if (AccessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length > 0 && !(response.Content.Headers.ContentType?.MediaType ?? "").Contains("json", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} answered {response.Content.Headers.ContentType}: {text[..Math.Min(200, text.Length)]}");
        }
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Posts a JSON text as it is (spacing and property order kept) with an Idempotency-Key.</summary>
    public async Task<(HttpStatusCode Status, string Text, bool Replayed)> SendWithKeyAsync(string path, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/" + path.TrimStart('/'))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(Spark.Web.Api.IdempotencyMiddleware.Header, key);
        if (AccessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Headers.Contains(Spark.Web.Api.IdempotencyMiddleware.ReplayedHeader));
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body ?? new { });

    public async Task<(HttpStatusCode Status, JsonNode? Body)> LoginAsync(string email, string password, string? code = null)
    {
        var result = await PostAsync("auth/login", new { email, password, code });
        if (result.Status == HttpStatusCode.OK) UseTokens(result.Body!);
        return result;
    }

    public void UseTokens(JsonNode tokens)
    {
        AccessToken = tokens["accessToken"]!.GetValue<string>();
        RefreshToken = tokens["refreshToken"]!.GetValue<string>();
    }

    public static string Json(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "";

    public void Dispose() => http.Dispose();
}
