using System.Net.Http.Json;
using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Endpoints;

namespace Spark.Tests.Web;

/// <summary>
/// Generated from the app's endpoint data source, so every endpoint added later is covered without anyone
/// listing it: everything but the public routes demands sign-in, and another user's resources look absent.
/// </summary>
public sealed class AuthorizationMatrixTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    /// <summary>Routes anyone may open. Adding a route here is a decision: say why in the review.</summary>
    private static readonly HashSet<string> PublicRoutes =
    [
        "/", "/not-found", "/Error", "/health", "/health/live", "/health/ready", // supervisors ask without credentials
        "/openapi/{documentName}.json", "/scalar/{documentName?}",
        "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh",
        "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ForgotPasswordConfirmation",
        "/Account/ResetPassword", "/Account/ResetPasswordConfirmation", "/Account/InvalidPasswordReset",
        "/Account/Lockout", "/Account/AccessDenied", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode",
        "/Account/Logout", "/Account/ConfirmEmail", "/Account/ConfirmEmailChange",
        "/dev/mailbox", // shows nothing outside Development
        "/{**path:file}", // static files (the fallback that serves wwwroot in Development)
    ];

    /// <summary>How to create, for a given user, each kind of resource that endpoints take an id of.</summary>
    private readonly Dictionary<string, Func<SparkUser, Task<Guid>>> resourceFactories = new()
    {
        ["session"] = async owner =>
        {
            using var api = new ApiClient(fixture.App.CreateHttpClient());
            await api.LoginAsync(owner.Email!, TestData.Password);
            return (await api.GetAsync("me/sessions")).Body!.AsArray().Single()!["id"]!.GetValue<Guid>();
        },
        ["transaction"] = async owner => (await BuyAsync(fixture, owner))["id"]!.GetValue<Guid>(),
        ["investment"] = async owner => (await BuyAsync(fixture, owner))["investmentId"]!.GetValue<Guid>(),
        ["notification"] = async owner => (await fixture.App.Services.GetRequiredService<Spark.Web.Services.Notifications.NotificationService>()
            .NotifyAsync(owner.Id, "security_notice", "A notification", "Owned by someone else.", null))!.Id,
        ["connection"] = async owner => (await TestData.SaveAsync(fixture.Database, owner.Id, new Spark.Core.Platforms.PlatformConnection
        {
            // Disconnected, so that one owner may have one per endpoint (a live connection is unique per broker).
            UserId = owner.Id, Platform = Spark.Core.Platforms.PlatformNames.Upstox, ApiKey = "", ApiSecret = "",
            Status = Spark.Core.Platforms.ConnectionStatus.Disconnected, DisconnectedAt = fixture.Clock.GetUtcNow(),
            CreatedAt = fixture.Clock.GetUtcNow(), UpdatedAt = fixture.Clock.GetUtcNow(),
        })).Id,
        ["goal"] = async owner =>
        {
            // Through the service: the order factory turns the owner's 2FA on, so signing in again would need a code.
            await using var scope = fixture.App.Services.CreateAsyncScope();
            var today = fixture.Clock.Today;
            return (await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Goals.GoalService>().CreateAsync(owner.Id,
                new Spark.Web.Services.Goals.GoalRequest($"Goal {Guid.NewGuid():N}", "custom", 1_00_000m, today, today.AddYears(3)))).Id;
        },
        ["order"] = async owner =>
        {
            await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", owner.Id);
            var security = await TestData.NewSecurityAsync(fixture.Database);
            await using var scope = fixture.App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Cash.CashService>().DepositAsync(owner.Id, 1000m);
            return (await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Orders.OrderService>().PlaceAsync(owner.Id,
                new Spark.Web.Services.Orders.OrderRequest(security.Symbol, Spark.Core.Orders.OrderSide.Buy, Spark.Core.Orders.OrderType.Limit, 1m, 10m,
                    null, null, Spark.Core.Orders.OrderValidity.Gtc, null))).Id;
        },
        ["plan"] = async owner =>
        {
            await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", owner.Id);
            var strategy = await fixture.Database.OwnerScalarAsync<Guid>("SELECT id FROM auto_invest_strategies ORDER BY name LIMIT 1");
            await using var scope = fixture.App.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.AutoInvest.PlanService>().SubscribeAsync(owner.Id,
                new Spark.Web.Services.AutoInvest.PlanRequest(strategy, 50_000m, 5, true, null, null))).Id;
        },
        ["watchlist"] = async owner =>
        {
            await using var scope = fixture.App.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<Spark.Web.Services.Watchlists.WatchlistService>().CreateAsync(owner.Id,
                new Spark.Web.Services.Watchlists.WatchlistRequest($"List {Guid.NewGuid():N}"[..30], ["INFY"]))).Id;
        },
    };

    private static readonly Dictionary<string, object> ValidBodies = new()
    {
        ["transaction"] = new { symbol = "TCS", type = "buy", quantity = 2, price = 3600, transactionDate = "2024-01-03" },
        ["watchlist"] = new { name = "Taken over", symbols = new[] { "TCS" } },
    };

    private static async Task<System.Text.Json.Nodes.JsonNode> BuyAsync(WebAppFixture fixture, SparkUser owner)
    {
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(owner.Email!, TestData.Password);
        var (status, body) = await api.PostAsync("transactions",
            new { symbol = "TCS", type = "buy", quantity = 1, price = 3500, transactionDate = "2024-01-02" });
        Assert.Equal(HttpStatusCode.Created, status);
        return body!;
    }

    private IReadOnlyList<RouteEndpoint> Endpoints =>
        [.. fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/_", StringComparison.Ordinal) && !Path.HasExtension(raw))];

    [Fact]
    public void Every_route_but_the_public_ones_demands_sign_in()
    {
        var open = Endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetMetadata<IAuthorizeData>() is null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .ToHashSet();

        Assert.Empty(open.Except(PublicRoutes));
    }

    [Fact]
    public async Task Signed_out_callers_are_refused_by_every_protected_route()
    {
        using var http = fixture.App.CreateHttpClient();
        var leaks = new List<string>();
        foreach (var endpoint in Endpoints.Where(e => !PublicRoutes.Contains("/" + e.RoutePattern.RawText!.TrimStart('/'))))
        {
            foreach (var method in Methods(endpoint))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(endpoint, Guid.NewGuid()));
                if (method is "POST" or "PUT") request.Content = Body(endpoint);
                var response = await http.SendAsync(request);
                var refused = endpoint.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal)
                    || endpoint.RoutePattern.RawText!.StartsWith("/hubs", StringComparison.Ordinal)
                    || BearerOnly(endpoint) // /metrics: a scraper's bearer token, no sign-in page (decision 0058)
                    ? response.StatusCode == HttpStatusCode.Unauthorized
                    : response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.PathAndQuery.StartsWith("/Account/Login", StringComparison.Ordinal);
                if (!refused) leaks.Add($"{method} {endpoint.RoutePattern.RawText} answered {(int)response.StatusCode}");
            }
        }
        Assert.Empty(leaks);
    }

    [Fact]
    public async Task Another_users_resource_is_not_found_on_every_endpoint_that_takes_its_id()
    {
        var (owner, intruder) = (await TestData.UserAsync(fixture.Database), await TestData.UserAsync(fixture.Database));
        using var asIntruder = new ApiClient(fixture.App.CreateHttpClient());
        await asIntruder.LoginAsync(intruder.Email!, TestData.Password);
        var withIds = Endpoints.Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal)
            && e.RoutePattern.Parameters.Count > 0 && !RoleProtected(e) && e.Metadata.GetMetadata<SharedResource>() is null).ToList();
        var unclassified = withIds.Where(e => e.Metadata.GetMetadata<OwnedResource>() is null).Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(unclassified.Count == 0, "Say which resource these ids name (.Owns(kind)) and add a factory here: " + string.Join(", ", unclassified));

        var answers = new List<string>();
        foreach (var endpoint in withIds)
        {
            var kind = endpoint.Metadata.GetMetadata<OwnedResource>()!.Kind;
            Assert.True(resourceFactories.ContainsKey(kind), $"No factory for resource kind '{kind}'");
            var ownersId = await resourceFactories[kind](owner);
            foreach (var method in Methods(endpoint))
            {
                // A valid body, so the answer is about whose resource it is, not about the body.
                var body = method is "POST" or "PUT" or "PATCH"
                    ? ValidBodies.TryGetValue(kind, out var valid) ? JsonContent.Create(valid) : Body(endpoint)
                    : null;
                var (status, _) = await asIntruder.SendAsync(new HttpMethod(method), Concrete(endpoint, ownersId)["/api/v1/".Length..], body);
                if (status != HttpStatusCode.NotFound) answers.Add($"{method} {endpoint.RoutePattern.RawText} answered {(int)status}");
            }
        }
        Assert.NotEmpty(withIds);
        Assert.Empty(answers);
    }

    [Fact]
    public async Task An_investor_is_forbidden_every_role_protected_endpoint()
    {
        var investor = await TestData.UserAsync(fixture.Database);
        using var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(investor.Email!, TestData.Password);
        var protectedByRole = Endpoints.Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal) && RoleProtected(e)).ToList();

        var answers = new List<string>();
        foreach (var endpoint in protectedByRole)
        {
            foreach (var method in Methods(endpoint))
            {
                var (status, _) = await api.SendAsync(new HttpMethod(method), Concrete(endpoint, Guid.NewGuid())["/api/v1/".Length..],
                    method is "POST" or "PUT" ? Body(endpoint) : null);
                if (status != HttpStatusCode.Forbidden) answers.Add($"{method} {endpoint.RoutePattern.RawText} answered {(int)status}");
            }
        }
        Assert.NotEmpty(protectedByRole);
        Assert.Empty(answers);
    }

    /// <summary>A body of the kind the endpoint accepts (routing answers 415 to any other before authorization runs).</summary>
    private static HttpContent Body(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true
            ? ApiClient.File("a,b\n1,2\n")
            : new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

    private static bool BearerOnly(RouteEndpoint endpoint) =>
        endpoint.Metadata.OfType<AuthorizationPolicy>().Any(p => p.AuthenticationSchemes.SequenceEqual(["Bearer"]));

    private static bool RoleProtected(RouteEndpoint endpoint) =>
        endpoint.Metadata.OfType<AuthorizationPolicy>().Any(p => p.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().Any())
        || endpoint.Metadata.OfType<IAuthorizeData>().Any(a => a.Roles is not null || a.Policy is not null);

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    private static string Concrete(RouteEndpoint endpoint, Guid id) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => id.ToString(),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
}
