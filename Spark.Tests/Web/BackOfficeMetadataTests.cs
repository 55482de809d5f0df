using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Security;

namespace Spark.Tests.Web;

/// <summary>
/// The back office's rules checked on every endpoint the app maps, found from its endpoint metadata (issue #14): a new
/// endpoint is covered without anyone remembering to list it. Each answer is checked before any handler could act.
/// </summary>
public sealed partial class BackOfficeMetadataTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    /// <summary>Back-office writes the table in issue #14 gives support too; every other back-office write is admins' only.</summary>
    private static readonly string[] SupportMayWrite =
    [
        "POST /api/v1/admin/users/{id}/sign-out",
        "POST /api/v1/admin/users/{id}/resend-confirmation",
        "POST /api/v1/admin/impersonations",
        "POST /api/v1/admin/impersonations/{id}/stop",
    ];

    private sealed record Operation(string Method, string Route, bool Anonymous, bool ReadOnly, bool Multipart)
    {
        /// <summary>"POST /api/v1/admin/users/{id}/sign-out": the route without constraints or a trailing slash.</summary>
        public string Key => $"{Method} {Parameter().Replace(Route, m => "{" + m.Groups["name"].Value + "}").TrimEnd('/')}";
        public bool IsWrite => Method is not ("GET" or "HEAD" or "OPTIONS");
        public bool IsBackOffice => Route.StartsWith("/api/v1/admin", StringComparison.Ordinal);
    }

    private List<Operation> Operations()
    {
        var sources = fixture.App.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return [.. sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new Operation(m, e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null, e.Metadata.GetMetadata<ReadOnlyOperationAttribute>() is not null,
                e.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().Any(a => a.ContentTypes.Any(t => t.StartsWith("multipart/", StringComparison.Ordinal))))))
            .DistinctBy(o => o.Key)];
    }

    /// <summary>A concrete URL for a route: every parameter gets a value of its constraint's kind (an id nobody has).</summary>
    private static string Url(string route) => Parameter().Replace(route, m => m.Groups["constraint"].Value switch
    {
        "guid" => Guid.NewGuid().ToString(),
        "int" or "long" => "1",
        _ => "x",
    });

    [GeneratedRegex(@"\{(?<name>[^}:]+)(:(?<constraint>[^}]+))?\}")]
    private static partial Regex Parameter();

    private async Task<(Guid Id, string Token)> TokenAsync(string role)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        var (status, _) = await api.LoginAsync(user.Email!, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, status);
        return (user.Id, api.AccessToken!);
    }

    private async Task<HttpStatusCode> SendAsync(string token, Operation operation, string body = "{}")
    {
        using var client = fixture.App.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), Url(operation.Route).TrimStart('/'));
        // An upload is sent as one (a JSON body would be refused for its type before anyone looked at the caller).
        if (operation.Multipart) request.Content = ApiClient.File("date,symbol,type,quantity,price\n");
        else if (operation.IsWrite) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Every_write_refuses_a_caller_viewing_a_customer_without_consent_and_nothing_is_written()
    {
        var (_, support) = await TokenAsync(Roles.Support);
        var customer = await TestData.UserAsync(fixture.Database);
        using var staff = new ApiClient(fixture.App.CreateHttpClient()) { AccessToken = support };
        var (started, answer) = await staff.PostAsync("admin/impersonations", new { userId = customer.Id, reason = "Metadata sweep" });
        Assert.Equal(HttpStatusCode.Created, started);
        var token = answer!["accessToken"]!.GetValue<string>();

        var writes = Operations().Where(o => o.IsWrite && !o.Anonymous && !o.ReadOnly).ToList();
        Assert.True(writes.Count > 50, $"only {writes.Count} writes found: is the API mapped?");
        var wrong = new List<string>();
        foreach (var operation in writes)
        {
            var status = await SendAsync(token, operation, """{"reason":"sweep","amount":100,"symbol":"TCS","type":"buy","quantity":1,"price":1}""");
            if (status != HttpStatusCode.Forbidden) wrong.Add($"{operation.Key}: {(int)status}");
        }
        Assert.Empty(wrong);
        // Refused before any handler (the back office's by its role policy, the rest by the impersonation's rules, which
        // record each refusal): the customer's account holds no new row of any kind.
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>(
            "SELECT (SELECT count(*) FROM transactions WHERE user_id = $1) + (SELECT count(*) FROM trading_orders WHERE user_id = $1) + (SELECT count(*) FROM goals WHERE user_id = $1) + (SELECT count(*) FROM cash_ledger WHERE user_id = $1)",
            customer.Id));
        Assert.True(await fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'impersonation_refused'", customer.Id) >= writes.Count(w => !w.IsBackOffice));
    }

    [Fact]
    public async Task Every_back_office_endpoint_refuses_investors()
    {
        var (_, investor) = await TokenAsync(Roles.Investor);
        var backOffice = Operations().Where(o => o.IsBackOffice).ToList();
        Assert.True(backOffice.Count > 15, $"only {backOffice.Count} back-office operations found");
        var wrong = new List<string>();
        foreach (var operation in backOffice)
        {
            var status = await SendAsync(investor, operation);
            if (status != HttpStatusCode.Forbidden) wrong.Add($"{operation.Key}: {(int)status}");
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task Support_is_refused_every_back_office_write_the_table_gives_admins_only()
    {
        var (_, support) = await TokenAsync(Roles.Support);
        var customer = await TestData.UserAsync(fixture.Database);
        var adminOnly = Operations().Where(o => o.IsBackOffice && o.IsWrite && !SupportMayWrite.Contains(o.Key)).ToList();
        Assert.True(adminOnly.Count > 8, $"only {adminOnly.Count} admin-only writes found");
        var wrong = new List<string>();
        foreach (var operation in adminOnly)
        {
            // A real account where a route names one, so a 404 cannot hide a missing role check.
            var status = await SendAsync(support, operation with { Route = operation.Route.Replace("{id:guid}", customer.Id.ToString(), StringComparison.Ordinal) },
                """{"reason":"sweep","roles":["investor"]}""");
            if (status != HttpStatusCode.Forbidden) wrong.Add($"{operation.Key}: {(int)status}");
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task Staff_without_two_factor_sign_in_are_refused_the_whole_back_office()
    {
        await using var strict = new SparkAppFactory(fixture.Database, new Dictionary<string, string?> { ["Spark:Security:RequireTwoFactorForStaff"] = "true" }, fixture.Clock);
        var backOffice = Operations().Where(o => o.IsBackOffice).ToList();
        foreach (var role in new[] { Roles.Admin, Roles.Support })
        {
            var user = await TestData.UserAsync(fixture.Database, role: role);
            using var api = new ApiClient(strict.CreateHttpClient());
            Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(user.Email!, TestData.Password)).Status);
            var wrong = new List<string>();
            foreach (var operation in backOffice)
            {
                var path = Url(operation.Route).Replace("/api/v1/", "", StringComparison.Ordinal);
                var (status, problem) = operation.Multipart
                    ? await api.UploadAsync(path, "date,symbol,type,quantity,price\n")
                    : await api.SendAsync(new HttpMethod(operation.Method), path, operation.IsWrite ? new { reason = "sweep" } : null);
                if (status != HttpStatusCode.Forbidden || problem?["detail"]?.GetValue<string>().Contains("two-factor", StringComparison.OrdinalIgnoreCase) != true)
                {
                    wrong.Add($"{role} {operation.Key}: {(int)status}");
                }
            }
            Assert.Empty(wrong);
        }
    }
}
