using System.Net;
using System.Text.Json.Nodes;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>GET/POST /watchlists · PUT/DELETE /watchlists/{id} over real HTTP (decision 0052), and the market list's sort and filters.</summary>
public sealed class WatchlistApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private static string[] Symbols(JsonNode? list) => [.. list!["items"]!.AsArray().Select(i => i!["symbol"]!.GetValue<string>())];

    [Fact]
    public async Task A_list_is_created_read_with_live_quotes_reordered_renamed_and_deleted()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var api = await SignedInAsync();
        var priced = await TestData.NewSecurityAsync(fixture.Database);
        var (posted, _) = await admin.PostAsync($"admin/securities/{priced.Symbol}/bars", new object[]
        {
            new { timestamp = "2026-11-24", open = 200m, high = 210m, low = 195m, close = 200m, volume = 100L },
            new { timestamp = "2026-11-25", open = 200m, high = 215m, low = 199m, close = 210.5m, volume = 150L },
        });
        Assert.Equal(HttpStatusCode.NoContent, posted);

        var (created, list) = await api.PostAsync("watchlists", new { name = "  Tech picks  ", symbols = new[] { "infy", priced.Symbol, "TCS" } });
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("Tech picks", list!["name"]!.GetValue<string>());
        Assert.Equal(["INFY", priced.Symbol, "TCS"], Symbols(list));
        var item = list["items"]![1]!;
        Assert.Equal((210.5m, 10.5m, 0.0525m), (item["lastPrice"]!.GetValue<decimal>(), item["dayChange"]!.GetValue<decimal>(),
            item["dayChangeRate"]!.GetValue<decimal>()));
        Assert.Equal("stock", item["type"]!.GetValue<string>());
        Assert.NotNull(item["asOf"]);
        Assert.Null(item["securityId"]);
        var id = list["id"]!.GetValue<Guid>();

        // Reordering is a PUT of the symbols in their new order; a dropped symbol goes, a new one joins.
        var (reordered, after) = await api.SendAsync(HttpMethod.Put, $"watchlists/{id}", new { name = "Tech", symbols = new[] { "TCS", "INFY", "WIPRO" } });
        Assert.Equal(HttpStatusCode.OK, reordered);
        Assert.Equal(["TCS", "INFY", "WIPRO"], Symbols(after));
        Assert.Equal("Tech", after!["name"]!.GetValue<string>());

        var (_, all) = await api.GetAsync("watchlists");
        Assert.Equal(["TCS", "INFY", "WIPRO"], Symbols(all!.AsArray().Single()));

        var (deleted, _) = await api.SendAsync(HttpMethod.Delete, $"watchlists/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        var (again, _) = await api.SendAsync(HttpMethod.Delete, $"watchlists/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again);
        var (_, none) = await api.GetAsync("watchlists");
        Assert.Empty(none!.AsArray());
    }

    [Fact]
    public async Task Unknown_repeated_and_blank_symbols_and_bad_names_are_422s_naming_each_field()
    {
        using var api = await SignedInAsync();

        var (status, problem) = await api.PostAsync("watchlists", new { name = "Mixed", symbols = new[] { "INFY", "NOPE1", "infy", "", "TCS", "NOPE2" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var errors = problem!["errors"]!.AsObject();
        Assert.Equal(["symbols[1]", "symbols[2]", "symbols[3]", "symbols[5]"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("NOPE1", errors["symbols[1]"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("already in the list", errors["symbols[2]"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("NOPE2", errors["symbols[5]"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var (blank, blankProblem) = await api.PostAsync("watchlists", new { name = "   ", symbols = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blank);
        Assert.NotNull(blankProblem!["errors"]!["name"]);
        var (longName, longProblem) = await api.PostAsync("watchlists", new { name = new string('x', 41) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longName);
        Assert.Contains("40", longProblem!["errors"]!["name"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var (exactly40, _) = await api.PostAsync("watchlists", new { name = new string('y', 40) });
        Assert.Equal(HttpStatusCode.Created, exactly40);

        var (first, _) = await api.PostAsync("watchlists", new { name = "Banks" });
        Assert.Equal(HttpStatusCode.Created, first);
        var (same, sameProblem) = await api.PostAsync("watchlists", new { name = "BANKS" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, same);
        Assert.NotNull(sameProblem!["errors"]!["name"]);
        var (_, lists) = await api.GetAsync("watchlists");
        Assert.Equal(2, lists!.AsArray().Count);
    }

    [Fact]
    public async Task At_most_ten_lists_and_fifty_symbols_a_list()
    {
        using var api = await SignedInAsync();
        var symbols = await fixture.Database.OwnerScalarAsync<string[]>(
            "SELECT array_agg(symbol ORDER BY symbol) FROM (SELECT symbol FROM securities WHERE is_active ORDER BY symbol LIMIT 51) s");
        Assert.Equal(51, symbols.Length);

        var (tooMany, problem) = await api.PostAsync("watchlists", new { name = "Everything", symbols });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany);
        Assert.Contains("50", problem!["errors"]!["symbols"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var (fifty, full) = await api.PostAsync("watchlists", new { name = "Fifty", symbols = symbols[..50] });
        Assert.Equal(HttpStatusCode.Created, fifty);
        Assert.Equal(50, full!["items"]!.AsArray().Count);

        for (var i = 2; i <= 10; i++)
        {
            var (ok, _) = await api.PostAsync("watchlists", new { name = $"List {i}" });
            Assert.Equal(HttpStatusCode.Created, ok);
        }

        var (eleventh, limit) = await api.PostAsync("watchlists", new { name = "List 11" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, eleventh);
        Assert.Contains("10 watchlists", limit!["errors"]!["watchlists"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_users_list_is_not_found_for_reading_changing_or_deleting_and_stays_as_it_was()
    {
        using var alice = await SignedInAsync();
        using var bob = await SignedInAsync();
        var (_, list) = await alice.PostAsync("watchlists", new { name = "Alice's", symbols = new[] { "INFY" } });
        var id = list!["id"]!.GetValue<Guid>();

        var (read, _) = await bob.GetAsync($"watchlists/{id}");
        var (changed, _) = await bob.SendAsync(HttpMethod.Put, $"watchlists/{id}", new { name = "Mine now", symbols = new[] { "TCS" } });
        var (deleted, _) = await bob.SendAsync(HttpMethod.Delete, $"watchlists/{id}");
        var (_, bobs) = await bob.GetAsync("watchlists");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (read, changed, deleted));
        Assert.Empty(bobs!.AsArray());
        var (_, still) = await alice.GetAsync($"watchlists/{id}");
        Assert.Equal("Alice's", still!["name"]!.GetValue<string>());
        Assert.Equal(["INFY"], Symbols(still));
        // Names are unique per user only: Bob may use Alice's.
        var (bobsOwn, _) = await bob.PostAsync("watchlists", new { name = "Alice's" });
        Assert.Equal(HttpStatusCode.Created, bobsOwn);
    }

    [Fact]
    public async Task The_same_idempotency_key_creates_one_list_and_answers_the_first_response_again()
    {
        using var api = await SignedInAsync();
        var key = Guid.NewGuid().ToString();

        var first = await api.SendWithKeyAsync("watchlists", """{"name": "Once", "symbols": ["INFY"]}""", key);
        var again = await api.SendWithKeyAsync("watchlists", """{ "symbols" : ["INFY"], "name" : "Once" }""", key);
        var different = await api.SendWithKeyAsync("watchlists", """{"name": "Twice", "symbols": []}""", key);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.Status, again.Status));
        Assert.Equal(first.Text, again.Text);
        Assert.True(again.Replayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.Status);
        var (_, lists) = await api.GetAsync("watchlists");
        Assert.Single(lists!.AsArray());
    }

    [Fact]
    public async Task The_market_list_sorts_by_volume_value_change_and_name_filters_by_sector_and_refuses_unknown_words()
    {
        using var admin = await SignedInAsync(Roles.Admin);
        using var api = await SignedInAsync();
        var sector = "Sector " + Guid.NewGuid().ToString("N")[..8];
        var (a, b, c) = (await TestData.NewSecurityAsync(fixture.Database, sector: sector), await TestData.NewSecurityAsync(fixture.Database, sector: sector),
            await TestData.NewSecurityAsync(fixture.Database, sector: sector));
        // (previous close, close, volume): a +10 % on 1,000 units (₹1,10,000), b −5 % on 5,000 (₹4,75,000), c +1 % on 2,000 (₹20,20,000).
        foreach (var (s, previous, close, volume) in new[] { (a, 100m, 110m, 1_000L), (b, 100m, 95m, 5_000L), (c, 1_000m, 1_010m, 2_000L) })
        {
            var (posted, _) = await admin.PostAsync($"admin/securities/{s.Symbol}/bars", new object[]
            {
                new { timestamp = "2026-11-25", open = previous, high = previous, low = previous, close = previous, volume = 10L },
                new { timestamp = "2026-11-26", open = close, high = close, low = close, close, volume },
            });
            Assert.Equal(HttpStatusCode.NoContent, posted);
        }

        async Task<string[]> OrderAsync(string query)
        {
            var (status, page) = await api.GetAsync($"securities?sector={Uri.EscapeDataString(sector)}&{query}");
            Assert.Equal(HttpStatusCode.OK, status);
            return [.. page!["items"]!.AsArray().Select(i => i!["symbol"]!.GetValue<string>())];
        }

        Assert.Equal([a.Symbol, c.Symbol, b.Symbol], await OrderAsync("sort=dayChangeRate&dir=desc"));
        Assert.Equal([b.Symbol, c.Symbol, a.Symbol], await OrderAsync("sort=dayChangeRate&dir=asc"));
        Assert.Equal([b.Symbol, c.Symbol, a.Symbol], await OrderAsync("sort=volume"));
        Assert.Equal([c.Symbol, b.Symbol, a.Symbol], await OrderAsync("sort=tradedValue&dir=desc"));
        Assert.Equal([a.Symbol, b.Symbol, c.Symbol], await OrderAsync("sort=tradedValue&dir=asc"));
        var byName = new[] { a, b, c }.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(s => s.Symbol).ToArray();
        Assert.Equal(byName, await OrderAsync("sort=name"));
        Assert.Equal(byName.Reverse(), await OrderAsync("sort=name&dir=desc"));

        var (_, one) = await api.GetAsync($"securities?sector={Uri.EscapeDataString(sector)}&sort=tradedValue&dir=desc&pageSize=1");
        var top = one!["items"]![0]!;
        Assert.Equal((2_000L, 20_20_000m, "2026-11-26"), (top["volume"]!.GetValue<long>(), top["tradedValue"]!.GetValue<decimal>(), top["session"]!.GetValue<string>()));
        Assert.Equal(3, one["total"]!.GetValue<int>());

        var (badSort, problem) = await api.GetAsync("securities?sort=popularity");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badSort);
        Assert.NotNull(problem!["errors"]!["sort"]);
        var (badDir, dirProblem) = await api.GetAsync("securities?sort=volume&dir=up");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badDir);
        Assert.NotNull(dirProblem!["errors"]!["dir"]);
        var (_, noSector) = await api.GetAsync("securities?sector=No%20such%20sector");
        Assert.Equal(0, noSector!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_movers_answer_names_its_session_and_refuses_a_count_out_of_range()
    {
        using var api = await SignedInAsync();

        var (status, movers) = await api.GetAsync("market/movers?count=3");
        var (bad, _) = await api.GetAsync("market/movers?count=0");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(movers!["gainers"]!.AsArray().Count <= 3 && movers["losers"]!.AsArray().Count <= 3);
        Assert.All(movers["gainers"]!.AsArray(), g => Assert.True(g!["dayChangeRate"]!.GetValue<decimal>() > 0m));
        Assert.All(movers["losers"]!.AsArray(), l => Assert.True(l!["dayChangeRate"]!.GetValue<decimal>() < 0m));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad);
    }
}
