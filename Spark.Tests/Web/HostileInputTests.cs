using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>
/// Issue #12, proved in general: every operation in /openapi/v1.json gets, in every field and parameter, values no column or rule
/// can take. No answer may be a 5xx, and a refused request (400) may leave no row behind for its user.
/// </summary>
public sealed class HostileInputTests(WebAppFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<WebAppFixture>
{
    private const string Missing = "<missing>";
    private static readonly string Long = new('x', 10 * 1024);

    /// <summary>JSON texts put in place of one body field (Missing: the field left out).</summary>
    private static readonly string[] BodyValues =
    [
        "\"a\\u0000b\"", $"\"{Long}\"", "1e20", "79228162514264337593543950336", "-0", "1.1234567890123", "1e-30", "NaN",
        "\"0001-01-01\"", "\"9999-12-31\"", "99", "\"garbage\"", "{}", "null", Missing,
    ];

    /// <summary>Query and path values, already URL-encoded.</summary>
    private static readonly string[] UrlValues =
    [
        "a%00b", Long, "1e20", "-0", "NaN", "1.1234567890123", "0001-01-01", "9999-12-31", "garbage", "-1", "2147483648",
    ];

    /// <summary>Whole bodies that are not the documented shape at all.</summary>
    private static readonly string[] WholeBodies = ["null", "[]", "{}", "\"\\u0000\"", "1e20"];

    private sealed record Operation(string Method, string Path, JsonArray Parameters, JsonNode? Body, bool Multipart);

    private sealed record Caller(Guid UserId, string Token);

    [Fact]
    public async Task No_hostile_value_in_any_field_of_any_operation_answers_5xx_or_writes_anything()
    {
        using var http = fixture.App.CreateHttpClient();
        var document = JsonNode.Parse(await http.GetStringAsync("openapi/v1.json"))!;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var operations = Operations(document).ToList();
        Assert.True(operations.Count > 50, $"Only {operations.Count} operations in the OpenAPI document.");
        var undescribed = operations.Where(o => o.Method is "POST" or "PUT" && o.Body is null && !o.Multipart && !TakesNoBody(o)).ToList();
        var countSql = await CountSqlAsync();
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var withoutField = new ConcurrentBag<string>();
        var sent = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Parallel.ForEachAsync(operations, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (operation, _) =>
        {
            var caller = await CallerAsync(operation.Path.StartsWith("/api/v1/admin", StringComparison.Ordinal) ? Roles.Admin : Roles.Investor);
            using var client = fixture.App.CreateHttpClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
            var rows = await fixture.Database.OwnerScalarAsync<long>(countSql, caller.UserId);
            foreach (var (label, url, body) in Requests(document, operation, security.Symbol))
            {
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
                if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                Interlocked.Increment(ref sent);
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{operation.Method} {operation.Path} {label}: no answer ({e.Message})");
                    continue;
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    if (status >= 500)
                    {
                        var text = await response.Content.ReadAsStringAsync();
                        failures.Add($"{operation.Method} {operation.Path} {label}: {status} {text[..Math.Min(300, text.Length)]}");
                    }
                    if (status == 400 && !(await response.Content.ReadAsStringAsync()).Contains("\"errors\"", StringComparison.Ordinal))
                    {
                        withoutField.Add($"{operation.Method} {operation.Path} {label}");
                    }
                    if (operation.Method != "GET")
                    {
                        // Rows counted after each write, so a change belongs to the request just answered.
                        var after = await fixture.Database.OwnerScalarAsync<long>(countSql, caller.UserId);
                        if (status == 400 && after != rows) failures.Add($"{operation.Method} {operation.Path} {label}: 400, yet {after - rows} rows written");
                        rows = after;
                    }
                }
            }
        });

        output.WriteLine($"{sent} requests to {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s; answers: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        // Reported, not failed: a body that is not JSON at all has no field to name.
        output.WriteLine($"400s without a field error ({withoutField.Count}):\n" + string.Join("\n", withoutField.Order(StringComparer.Ordinal)));
        foreach (var o in undescribed) failures.Add($"{o.Method} {o.Path}: a write whose body the OpenAPI document does not describe");
        Assert.True(failures.IsEmpty, $"{failures.Count} failures in {sent} hostile requests to {operations.Count} operations:\n"
            + string.Join("\n", failures.Order(StringComparer.Ordinal)));
    }

    /// <summary>Writes documented as taking no body (api.md: "–"), so none is expected in the document.</summary>
    private static bool TakesNoBody(Operation o) =>
        o.Path.EndsWith("/logout", StringComparison.Ordinal) || o.Path.EndsWith("/read", StringComparison.Ordinal)
        || o.Path.EndsWith("/read-all", StringComparison.Ordinal) || o.Path.EndsWith("/2fa/setup", StringComparison.Ordinal)
        || o.Path.EndsWith("/resume", StringComparison.Ordinal) || o.Path.EndsWith("/cancel", StringComparison.Ordinal)
        || o.Path.EndsWith("/sync", StringComparison.Ordinal) || o.Path.EndsWith("/reconciliation", StringComparison.Ordinal)
        || o.Path.EndsWith("/recovery-codes", StringComparison.Ordinal) || o.Path.EndsWith("/stop", StringComparison.Ordinal)
        || o.Path.EndsWith("/consent-code", StringComparison.Ordinal)
        || o.Path.EndsWith("/email/confirmation", StringComparison.Ordinal) || o.Path == "/api/v1/goals/{id}/pause";

    private static IEnumerable<Operation> Operations(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description" || node is not JsonObject op) continue;
                var content = op["requestBody"]?["content"];
                yield return new Operation(method.ToUpperInvariant(), path, op["parameters"]?.AsArray() ?? [],
                    content?["application/json"]?["schema"], content?["multipart/form-data"] is not null);
            }
        }
    }

    /// <summary>Each hostile request of an operation: a label for the report, the URL and the JSON body.</summary>
    private static IEnumerable<(string Label, string Url, string? Body)> Requests(JsonNode document, Operation operation, string symbol)
    {
        var parameters = operation.Parameters.Select(p => p!).ToList();
        string Url(string? name, string? value)
        {
            var path = operation.Path;
            var query = new List<string>();
            foreach (var p in parameters)
            {
                var n = p["name"]!.GetValue<string>();
                var where = p["in"]!.GetValue<string>();
                var v = n == name ? value! : Uri.EscapeDataString(ValidText(Resolve(document, p["schema"]), n, symbol));
                if (where == "path") path = path.Replace("{" + n + "}", v, StringComparison.Ordinal);
                else if (where == "query" && (n == name || p["required"]?.GetValue<bool>() == true)) query.Add($"{n}={v}");
            }
            return path.TrimStart('/') + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        }

        var validBody = operation.Body is null ? null : Valid(document, operation.Body, "", symbol, 0);
        var bodyText = validBody?.ToJsonString();
        foreach (var p in parameters.Where(p => p["in"]!.GetValue<string>() is "path" or "query"))
        {
            var name = p["name"]!.GetValue<string>();
            foreach (var value in UrlValues)
            {
                yield return ($"{p["in"]} {name}={Shorten(value)}", Url(name, value), bodyText);
            }
        }

        if (validBody is null) yield break;
        foreach (var whole in WholeBodies) yield return ($"body={Shorten(whole)}", Url(null, null), whole);
        // A list body (bars): the hostile values go into its first item.
        var target = validBody is JsonArray { Count: > 0 } list ? list[0] as JsonObject : validBody as JsonObject;
        if (target is null) yield break;
        foreach (var field in target.Select(f => f.Key).ToList())
        {
            foreach (var value in BodyValues)
            {
                var copy = validBody.DeepClone();
                var item = copy is JsonArray array ? (JsonObject)array[0]! : (JsonObject)copy;
                var text = item.ToJsonString();
                if (value == Missing)
                {
                    item.Remove(field);
                    text = copy.ToJsonString();
                }
                else
                {
                    // Raw text, so that invalid JSON (NaN) and exact number spellings reach the server as written.
                    item[field] = "__HOSTILE__";
                    text = copy.ToJsonString().Replace("\"__HOSTILE__\"", value, StringComparison.Ordinal);
                }
                yield return ($"{field}={Shorten(value)}", Url(null, null), text);
            }
        }
    }

    private static string Shorten(string value) => value.Length > 40 ? $"<{value.Length} chars>" : value;

    private static JsonNode? Resolve(JsonNode document, JsonNode? schema)
    {
        for (var i = 0; i < 10 && schema?["$ref"] is { } reference; i++)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            schema = document["components"]!["schemas"]![name];
        }
        if ((schema?["oneOf"] ?? schema?["anyOf"]) is JsonArray { Count: > 0 } choices)
        {
            schema = Resolve(document, choices.FirstOrDefault(o => TypeOf(Resolve(document, o)) != "null") ?? choices[0]);
        }
        return schema;
    }

    private static string TypeOf(JsonNode? schema)
    {
        var type = schema?["type"];
        if (type is JsonArray types)
        {
            var names = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList();
            return names.FirstOrDefault(t => t is "number" or "integer") ?? names.FirstOrDefault() ?? "null";
        }
        return type?.GetValue<string>() ?? (schema?["properties"] is not null ? "object" : schema?["enum"] is not null ? "string" : "");
    }

    /// <summary>A value the schema takes, so only the field under test is hostile.</summary>
    private static JsonNode? Valid(JsonNode document, JsonNode? schema, string name, string symbol, int depth)
    {
        schema = Resolve(document, schema);
        if (schema?["enum"] is JsonArray words && words.FirstOrDefault(w => w is not null) is { } word) return word.DeepClone();
        switch (TypeOf(schema))
        {
            case "object":
                var result = new JsonObject();
                if (depth > 4) return result;
                foreach (var (property, propertySchema) in schema!["properties"]?.AsObject() ?? [])
                {
                    result[property] = Valid(document, propertySchema, property, symbol, depth + 1);
                }
                return result;
            case "array":
                return depth > 4 ? new JsonArray() : new JsonArray(Valid(document, schema!["items"], name, symbol, depth + 1));
            case "integer":
                return name.Contains("day", StringComparison.OrdinalIgnoreCase) ? 5 : 1;
            case "number":
                return name.EndsWith("Rate", StringComparison.Ordinal) ? 0.1m : 100m;
            case "boolean":
                return true;
            case "string":
                return ValidText(schema, name, symbol);
            default:
                return null;
        }
    }

    private static string ValidText(JsonNode? schema, string name, string symbol)
    {
        var format = schema?["format"]?.GetValue<string>();
        if (schema?["enum"] is JsonArray words && words.FirstOrDefault(w => w is not null) is { } word) return word.GetValue<string>();
        if (format == "uuid") return Guid.NewGuid().ToString();
        if (format == "date" || name.EndsWith("Date", StringComparison.Ordinal) || name is "from" or "to" or "date") return "2026-01-05";
        if (format == "date-time") return "2026-01-05T10:00:00+05:30";
        if (TypeOf(schema) is "integer") return name.Contains("day", StringComparison.OrdinalIgnoreCase) ? "5" : "1";
        if (TypeOf(schema) is "number") return "1";
        return name switch
        {
            "symbol" or "symbols" => symbol,
            "email" or "newEmail" => $"{Guid.NewGuid():N}@example.test",
            "timestamp" => "2026-01-05",
            "interval" => "1d",
            "format" => "generic",
            "fy" => "2025-26",
            _ => "test",
        };
    }

    private async Task<Caller> CallerAsync(string role)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return new Caller(user.Id, api.AccessToken!);
    }

    /// <summary>One statement summing the rows a user owns in every table with a user_id (partitions counted through their parent).</summary>
    private async Task<string> CountSqlAsync()
    {
        await using var context = fixture.Database.Owner();
        var connection = (Npgsql.NpgsqlConnection)Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(context.Database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND a.attname = 'user_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ORDER BY 1
            """, connection);
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        Assert.NotEmpty(tables);
        return "SELECT " + string.Join(" + ", tables.Select(t => $"(SELECT count(*) FROM \"{t}\" WHERE user_id = $1)"));
    }
}
