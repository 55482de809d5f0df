using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spark.Tests.Infrastructure;
using Spark.Web.Jobs;

namespace Spark.Tests.Web;

/// <summary>Paper cash and the Idempotency-Key semantics of api.md, over real HTTP.</summary>
public sealed class CashApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<(ApiClient Api, Guid UserId)> InvestorAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return (api, user.Id);
    }

    [Fact]
    public async Task Deposits_and_withdrawals_move_the_balance_and_the_ledger_and_too_much_is_a_422()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var (status, cash) = await api.PostAsync("cash/deposit", new { amount = 25_000.50m });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((25_000.50m, 25_000.50m), (cash!["balance"]!.GetValue<decimal>(), cash["withdrawable"]!.GetValue<decimal>()));

        var (withdrawn, after) = await api.PostAsync("cash/withdraw", new { amount = 5_000m });
        Assert.Equal(HttpStatusCode.OK, withdrawn);
        Assert.Equal(20_000.50m, after!["balance"]!.GetValue<decimal>());
        var (tooMuch, problem) = await api.PostAsync("cash/withdraw", new { amount = 20_000.51m });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch);
        Assert.Contains("₹20,000.50", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var (bad, invalid) = await api.PostAsync("cash/deposit", new { amount = 10.005m });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.NotNull(invalid!["errors"]!["amount"]);

        var (_, ledger) = await api.GetAsync("cash/ledger");
        Assert.Equal([-5_000m, 25_000.50m], ledger!["items"]!.AsArray().Select(e => e!["amount"]!.GetValue<decimal>()));
        Assert.Equal([20_000.50m, 25_000.50m], ledger["items"]!.AsArray().Select(e => e!["balanceAfter"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task The_same_key_and_body_answer_the_first_response_again_and_move_money_once()
    {
        var (api, _) = await InvestorAsync();
        using var _api = api;
        var key = Guid.NewGuid().ToString();

        var first = await api.SendWithKeyAsync("cash/deposit", """{"amount": 1000}""", key);
        // The same request with its properties spaced and ordered differently is the same request.
        var again = await api.SendWithKeyAsync("cash/deposit", """{ "amount" : 1000 }""", key);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, again.Status));
        Assert.Equal(first.Text, again.Text);
        Assert.True(again.Replayed);
        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal(1000m, cash!["balance"]!.GetValue<decimal>());

        var different = await api.SendWithKeyAsync("cash/deposit", """{"amount": 2000}""", key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.Status);
        // Keys are scoped to the route: the same key on another route is another request.
        var withdraw = await api.SendWithKeyAsync("cash/withdraw", """{"amount": 100}""", key);
        Assert.Equal(HttpStatusCode.OK, withdraw.Status);
    }

    [Fact]
    public async Task A_key_still_in_progress_is_a_409_and_one_left_by_a_crash_is_taken_over()
    {
        var (api, userId) = await InvestorAsync();
        using var _api = api;
        var running = Guid.NewGuid().ToString();
        var crashed = Guid.NewGuid().ToString();
        const string Body = """{"amount": 500}""";
        var running1 = await api.SendWithKeyAsync("cash/deposit", Body, running);
        Assert.Equal(HttpStatusCode.OK, running1.Status);

        // Arrange the two states a concurrent or crashed first request leaves: in progress with a live lease, and
        // in progress with a lease that ran out.
        await fixture.Database.OwnerExecuteAsync(
            "UPDATE idempotency_keys SET state = 'in_progress', locked_until = $3 WHERE user_id = $1 AND key = $2", userId, running, fixture.Clock.GetUtcNow().AddMinutes(1));
        await fixture.Database.OwnerExecuteAsync(
            "INSERT INTO idempotency_keys (user_id, route, key, request_hash, state, locked_until, created_at) SELECT user_id, route, $2, request_hash, 'in_progress', $4, $5 FROM idempotency_keys WHERE user_id = $1 AND key = $3",
            userId, crashed, running, fixture.Clock.GetUtcNow().AddSeconds(-1), fixture.Clock.GetUtcNow());

        var busy = await api.SendWithKeyAsync("cash/deposit", Body, running);
        Assert.Equal(HttpStatusCode.Conflict, busy.Status);
        var recovered = await api.SendWithKeyAsync("cash/deposit", Body, crashed);
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
        var (_, cash) = await api.GetAsync("cash");
        Assert.Equal(1000m, cash!["balance"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Keys_are_forgotten_after_48_hours_but_not_before()
    {
        var (api, userId) = await InvestorAsync();
        using var _api = api;
        var key = Guid.NewGuid().ToString();
        await api.SendWithKeyAsync("cash/deposit", """{"amount": 1}""", key);
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow().AddHours(47));
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var job = ActivatorUtilities.CreateInstance<IdempotencyCleanupJob>(scope.ServiceProvider, (TimeProvider)clock);

        await job.RunAsync();
        Assert.Equal(1L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE user_id = $1", userId));
        clock.Advance(TimeSpan.FromHours(2));
        await job.RunAsync();
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE user_id = $1", userId));
    }
}
