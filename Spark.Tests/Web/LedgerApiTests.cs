using System.Net;
using System.Text.Json.Nodes;
using Spark.Core.Market;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>The transactions ledger through the API over real HTTP: FIFO, rules, imports, concurrency, reference numbers.</summary>
public sealed class LedgerApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> InvestorAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private async Task<ApiClient> AdminAsync()
    {
        var user = await TestData.UserAsync(fixture.Database, role: Roles.Admin);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private static async Task<JsonNode> CreatedAsync(ApiClient api, object body)
    {
        var (status, json) = await api.PostAsync("transactions", body);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {ApiClient.Json(json)}");
        return json!;
    }

    private static object Trade(string symbol, string type, decimal quantity, decimal? price = null, string date = "2024-01-02",
        decimal? amount = null, decimal? fees = null, string? platform = null, string? externalId = null) =>
        new { symbol, type, quantity, price, amount, fees, transactionDate = date, platform, externalId };

    private static async Task<JsonNode> HoldingAsync(ApiClient api, string symbol, string status = "all")
    {
        var (_, body) = await api.GetAsync($"investments?status={status}");
        return body!["items"]!.AsArray().Single(i => i!["symbol"]!.GetValue<string>() == symbol)!;
    }

    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    [Fact]
    public async Task Fifo_cost_and_realized_gain_match_portfolio_performances_cost_calculation_case()
    {
        // Portfolio Performance, CostCalculationTest.testFifoBuySellTransactions: buy 109 for 3,149.20, sell 15 for
        // 531.50, buy 52 for 1,684.92 and 32 for 959.30 → FIFO cost of the remaining 178 units is 5,360.04; the
        // realized gain is 531.50 − 3,149.20 × 15/109 = 98.12.
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await CreatedAsync(api, Trade(s.Symbol, "buy", 109, amount: 3149.20m, date: "2010-01-01"));
        await CreatedAsync(api, Trade(s.Symbol, "sell", 15, amount: 531.50m, date: "2010-02-01"));
        await CreatedAsync(api, Trade(s.Symbol, "buy", 52, amount: 1684.92m, date: "2010-03-01"));
        await CreatedAsync(api, Trade(s.Symbol, "buy", 32, amount: 959.30m, date: "2010-03-01"));

        var holding = await HoldingAsync(api, s.Symbol);
        Assert.Equal(178m, D(holding["quantity"]));
        Assert.Equal(5360.04m, D(holding["investedAmount"]));
        Assert.Equal(98.12m, D(holding["realizedPnl"]));
        var (_, detail) = await api.GetAsync($"investments/{holding["id"]}");
        Assert.Equal([32m, 52m, 94m], detail!["lots"]!.AsArray().Select(l => D(l!["remainingQuantity"])).Order());
    }

    [Fact]
    public async Task Portfolio_xirr_matches_excels_documentation_example()
    {
        // Microsoft Excel XIRR documentation: −10,000 on 2008-01-01, then 2,750 / 4,250 / 3,250 / 2,750 on 2008-03-01,
        // 2008-10-30, 2009-02-15, 2009-04-01 → 0.373362535. Here the first is a buy, three are dividends and the last
        // sells everything, so no holding is left to value at today's price.
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await CreatedAsync(api, Trade(s.Symbol, "buy", 100, 100m, "2008-01-01"));
        foreach (var (date, amount) in new[] { ("2008-03-01", 2750m), ("2008-10-30", 4250m), ("2009-02-15", 3250m) })
        {
            await CreatedAsync(api, new { symbol = s.Symbol, type = "dividend", amount, transactionDate = date });
        }
        await CreatedAsync(api, Trade(s.Symbol, "sell", 100, 27.50m, "2009-04-01"));

        var (_, summary) = await api.GetAsync("portfolio/summary");
        Assert.Equal(0.373362535, (double)D(summary!["xirr"]), 6);
        var holding = await HoldingAsync(api, s.Symbol, "sold");
        Assert.Equal(0.373362535, (double)D(holding["xirr"]), 6);
        Assert.Equal("sold", holding["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_buy_answers_201_with_its_net_amount_and_prices_value_the_holding()
    {
        using var api = await InvestorAsync();
        using var admin = await AdminAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var created = await CreatedAsync(api, Trade(s.Symbol, "buy", 10, 3500m, "2024-03-04", fees: 15.93m));
        Assert.Equal(35_015.93m, D(created["netAmount"]));
        Assert.Equal(35_000m, D(created["amount"]));

        var (posted, _) = await admin.PostAsync($"admin/securities/{s.Symbol}/bars", new[]
        {
            new { timestamp = "2026-11-19", open = 3600m, high = 3650m, low = 3580m, close = 3620m, volume = 1000L },
            new { timestamp = "2026-11-20", open = 3620m, high = 3700m, low = 3600m, close = 3690.50m, volume = 1200L },
        });
        Assert.Equal(HttpStatusCode.NoContent, posted);

        var holding = await HoldingAsync(api, s.Symbol);
        Assert.Equal(3690.50m, D(holding["currentPrice"]));
        Assert.Equal(36_905.00m, D(holding["currentValue"]));
        Assert.Equal(36_905.00m - 35_015.93m, D(holding["unrealizedPnl"]));
        Assert.Equal(10 * (3690.50m - 3620m), D(holding["dayChange"]));
        var (_, summary) = await api.GetAsync("portfolio/summary");
        Assert.Equal(35_015.93m, D(summary!["totalInvested"]));
        Assert.Equal(36_905.00m, D(summary["currentValue"]));
    }

    [Fact]
    public async Task Selling_more_than_held_is_a_422_and_changes_nothing()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await CreatedAsync(api, Trade(s.Symbol, "buy", 5, 100m, "2024-01-02"));

        var (status, problem) = await api.PostAsync("transactions", Trade(s.Symbol, "sell", 6, 110m, "2024-02-01"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("only 5 are held", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, list) = await api.GetAsync($"transactions?symbol={s.Symbol}");
        Assert.Equal(1, list!["total"]!.GetValue<int>());
        Assert.Equal(5m, D((await HoldingAsync(api, s.Symbol))["quantity"]));
    }

    [Fact]
    public async Task An_edit_or_delete_that_would_make_a_past_position_negative_is_refused()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var buy = await CreatedAsync(api, Trade(s.Symbol, "buy", 10, 100m, "2024-01-02"));
        var sell = await CreatedAsync(api, Trade(s.Symbol, "sell", 8, 120m, "2024-03-01"));

        var (edit, _) = await api.SendAsync(HttpMethod.Put, $"transactions/{buy["id"]}", Trade(s.Symbol, "buy", 7, 100m, "2024-01-02"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, edit);
        var (delete, _) = await api.SendAsync(HttpMethod.Delete, $"transactions/{buy["id"]}");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, delete);
        // Moving the sell before the buy would sell what was not yet bought.
        var (backdate, _) = await api.SendAsync(HttpMethod.Put, $"transactions/{sell["id"]}", Trade(s.Symbol, "sell", 8, 120m, "2023-12-01"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backdate);

        var holding = await HoldingAsync(api, s.Symbol);
        Assert.Equal(2m, D(holding["quantity"]));
        Assert.Equal(200m, D(holding["investedAmount"]));

        // A valid backdated edit recomputes: buying 12 leaves 4 after the sell, and the realized gain follows.
        var (ok, edited) = await api.SendAsync(HttpMethod.Put, $"transactions/{buy["id"]}", Trade(s.Symbol, "buy", 12, 90m, "2023-11-15"));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("2023-11-15", edited!["transactionDate"]!.GetValue<string>());
        holding = await HoldingAsync(api, s.Symbol);
        Assert.Equal(4m, D(holding["quantity"]));
        Assert.Equal(360m, D(holding["investedAmount"]));
        Assert.Equal(8 * (120m - 90m), D(holding["realizedPnl"]));
    }

    [Fact]
    public async Task Two_simultaneous_sells_of_the_last_shares_let_exactly_one_through()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await CreatedAsync(api, Trade(s.Symbol, "buy", 10, 100m, "2024-01-02"));

        var sells = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => api.PostAsync("transactions", Trade(s.Symbol, "sell", 10, 105m, "2024-02-01"))));

        Assert.Single(sells, r => r.Status == HttpStatusCode.Created);
        Assert.Single(sells, r => r.Status == HttpStatusCode.UnprocessableEntity);
        var holding = await HoldingAsync(api, s.Symbol);
        Assert.Equal(0m, D(holding["quantity"]));
        Assert.Equal("sold", holding["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_sold_out_holding_stays_in_history_and_a_rebuy_reactivates_the_same_row()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await CreatedAsync(api, Trade(s.Symbol, "buy", 3, 100m, "2024-01-02"));
        await CreatedAsync(api, Trade(s.Symbol, "sell", 3, 150m, "2024-02-01"));
        var sold = await HoldingAsync(api, s.Symbol, "sold");
        Assert.Equal(150m, D(sold["realizedPnl"]));
        var (_, active) = await api.GetAsync("investments?status=active");
        Assert.DoesNotContain(active!["items"]!.AsArray(), i => i!["symbol"]!.GetValue<string>() == s.Symbol);

        await CreatedAsync(api, Trade(s.Symbol, "buy", 2, 160m, "2024-03-01"));
        var again = await HoldingAsync(api, s.Symbol, "active");
        Assert.Equal(sold["id"]!.GetValue<Guid>(), again["id"]!.GetValue<Guid>());
        Assert.Equal(2m, D(again["quantity"]));
        Assert.Equal(150m, D(again["realizedPnl"]));
    }

    [Fact]
    public async Task A_split_and_a_bonus_change_units_but_not_cost_and_are_not_gains()
    {
        // A 2-for-1 split doubles units at half the unit cost; a 1:1 bonus adds a zero-cost lot dated the allotment
        // (Indian tax treatment), halving the average price. Neither is income or a realized gain.
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await CreatedAsync(api, Trade(s.Symbol, "buy", 10, 1000m, "2023-01-02"));
        await CreatedAsync(api, new { symbol = s.Symbol, type = "split", ratioNew = 2, ratioOld = 1, transactionDate = "2023-06-01" });
        var afterSplit = await HoldingAsync(api, s.Symbol);
        Assert.Equal((20m, 10_000m, 500m), (D(afterSplit["quantity"]), D(afterSplit["investedAmount"]), D(afterSplit["averageBuyPrice"])));

        await CreatedAsync(api, new { symbol = s.Symbol, type = "bonus", ratioNew = 1, ratioOld = 1, transactionDate = "2024-01-10" });
        var afterBonus = await HoldingAsync(api, s.Symbol);
        Assert.Equal((40m, 10_000m, 250m, 0m, 0m), (D(afterBonus["quantity"]), D(afterBonus["investedAmount"]),
            D(afterBonus["averageBuyPrice"]), D(afterBonus["realizedPnl"]), D(afterBonus["dividendIncome"])));
        var (_, detail) = await api.GetAsync($"investments/{afterBonus["id"]}");
        var bonusLot = detail!["lots"]!.AsArray().Single(l => l!["transactionDate"]!.GetValue<string>() == "2024-01-10")!;
        Assert.Equal((20m, 0m), (D(bonusLot["quantity"]), D(bonusLot["amount"])));
    }

    [Fact]
    public async Task Bad_input_gets_field_errors_and_units_follow_the_asset_type()
    {
        using var api = await InvestorAsync();
        var stock = await TestData.NewSecurityAsync(fixture.Database);
        var fund = await TestData.NewSecurityAsync(fixture.Database, SecurityType.MutualFund);
        var coin = await TestData.NewSecurityAsync(fixture.Database, SecurityType.Crypto);

        var (unknown, p1) = await api.PostAsync("transactions", Trade("NOSUCHTHING", "buy", 1, 10m));
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.NotNull(p1!["errors"]!["symbol"]);
        var (fraction, p2) = await api.PostAsync("transactions", Trade(stock.Symbol, "buy", 1.5m, 10m));
        Assert.Equal(HttpStatusCode.BadRequest, fraction);
        Assert.NotNull(p2!["errors"]!["quantity"]);
        var (future, p3) = await api.PostAsync("transactions", Trade(stock.Symbol, "buy", 1, 10m, "2099-01-01"));
        Assert.Equal(HttpStatusCode.BadRequest, future);
        Assert.NotNull(p3!["errors"]!["transactionDate"]);
        var (missing, _) = await api.PostAsync("transactions", new { type = "buy", quantity = 1, price = 10 });
        Assert.Equal(HttpStatusCode.BadRequest, missing);

        var units = await CreatedAsync(api, Trade(fund.Symbol, "sip", 12.345m, 81.2345m, amount: 1002.84m));
        Assert.Equal(12.345m, D(units["quantity"]));
        var (tooFine, _) = await api.PostAsync("transactions", Trade(fund.Symbol, "sip", 1.2345m, 81m));
        Assert.Equal(HttpStatusCode.BadRequest, tooFine);
        var satoshis = await CreatedAsync(api, Trade(coin.Symbol, "buy", 0.00012345m, 5_000_000m, amount: 617.25m));
        Assert.Equal(0.00012345m, D(satoshis["quantity"]));
        Assert.Equal(0.00012345m, D((await HoldingAsync(api, coin.Symbol))["quantity"]));
    }

    [Fact]
    public async Task An_import_keeps_the_good_rows_reports_the_bad_ones_and_the_same_file_twice_adds_nothing()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var csv = $"""
            date,symbol,type,quantity,price,fees
            2024-01-02,{s.Symbol},buy,10,100,5
            2024-01-03,{s.Symbol},buy,10,100,5
            2024-01-03,{s.Symbol},buy,10,100,5
            2024-01-04,NOSUCHTHING,buy,1,1,0
            2024-02-01,{s.Symbol},sell,50,120,0
            2024-02-02,{s.Symbol},sell,5,120,0
            """;

        var (status, report) = await api.UploadAsync("transactions/import?format=generic&platform=groww", csv);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4, report!["imported"]!.GetValue<int>());
        Assert.Equal([5, 6], report["errors"]!.AsArray().Select(e => e!["row"]!.GetValue<int>()));
        Assert.Contains("only 30 are held", report["errors"]![1]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (_, again) = await api.UploadAsync("transactions/import?format=generic&platform=groww", csv);
        Assert.Equal(0, again!["imported"]!.GetValue<int>());
        Assert.Equal(4, again["skippedDuplicates"]!.GetValue<int>());
        var holding = await HoldingAsync(api, s.Symbol);
        Assert.Equal((25m, "groww"), (D(holding["quantity"]), holding["platform"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_zerodha_tradebook_keeps_repeated_fills_with_distinct_trade_ids_and_reimports_nothing()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        var csv = $"""
            symbol,isin,trade_date,exchange,segment,series,trade_type,auction,quantity,price,trade_id,order_id,order_execution_time
            {s.Symbol},,2024-05-06,NSE,EQ,EQ,buy,false,5.000000,101.000000,1001,9001,2024-05-06T09:20:01
            {s.Symbol},,2024-05-06,NSE,EQ,EQ,buy,false,5.000000,101.000000,1002,9001,2024-05-06T09:20:01
            {s.Symbol},,2024-05-07,NSE,EQ,EQ,sell,false,4.000000,110.000000,1003,9002,2024-05-07T10:00:00
            """;

        var (_, first) = await api.UploadAsync("transactions/import?format=zerodha", csv);
        Assert.Equal(3, first!["imported"]!.GetValue<int>());
        var (_, second) = await api.UploadAsync("transactions/import?format=zerodha", csv);
        Assert.Equal((0, 3), (second!["imported"]!.GetValue<int>(), second["skippedDuplicates"]!.GetValue<int>()));
        var holding = await HoldingAsync(api, s.Symbol);
        Assert.Equal((6m, "zerodha"), (D(holding["quantity"]), holding["platform"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Transactions_are_listed_newest_first_in_pages_with_filters()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        for (var day = 1; day <= 5; day++)
        {
            await CreatedAsync(api, Trade(s.Symbol, "buy", 1, 100m + day, $"2024-04-0{day}"));
        }
        await CreatedAsync(api, new { symbol = s.Symbol, type = "dividend", amount = 12.5m, transactionDate = "2024-04-08" });

        var (_, page) = await api.GetAsync($"transactions?symbol={s.Symbol}&page=2&pageSize=2");
        Assert.Equal((2, 2, 6), (page!["page"]!.GetValue<int>(), page["pageSize"]!.GetValue<int>(), page["total"]!.GetValue<int>()));
        Assert.Equal(["2024-04-04", "2024-04-03"], page["items"]!.AsArray().Select(i => i!["transactionDate"]!.GetValue<string>()));
        var (_, dividends) = await api.GetAsync($"transactions?symbol={s.Symbol}&type=dividend");
        Assert.Equal(1, dividends!["total"]!.GetValue<int>());
        var (_, april) = await api.GetAsync($"transactions?symbol={s.Symbol}&from=2024-04-02&to=2024-04-03");
        Assert.Equal(2, april!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_performance_series_carries_value_and_invested_and_a_time_weighted_return()
    {
        using var api = await InvestorAsync();
        using var admin = await AdminAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await admin.PostAsync($"admin/securities/{s.Symbol}/bars", new[]
        {
            new { timestamp = "2024-01-01", open = 100m, high = 100m, low = 100m, close = 100m, volume = 1L },
            new { timestamp = "2024-01-02", open = 110m, high = 110m, low = 110m, close = 110m, volume = 1L },
            new { timestamp = "2024-01-03", open = 121m, high = 121m, low = 121m, close = 121m, volume = 1L },
        });
        await CreatedAsync(api, Trade(s.Symbol, "buy", 10, 100m, "2024-01-01"));
        await CreatedAsync(api, Trade(s.Symbol, "buy", 10, 110m, "2024-01-02"));

        var (_, performance) = await api.GetAsync("portfolio/performance?from=2024-01-01&to=2024-01-03");
        var series = performance!["series"]!.AsArray();
        Assert.Equal([1000m, 2200m, 2420m], series.Select(p => D(p!["value"])));
        Assert.Equal([1000m, 2100m, 2100m], series.Select(p => D(p!["invested"])));
        // Day 1: bought at the close, 0 %; day 2: (2,200)/(1,000 + 1,100) = +4.76 %; day 3: 2,420/2,200 = +10 %.
        Assert.Equal(0.15238095m, D(performance["twr"]));
    }

    [Fact]
    public async Task The_api_exports_the_ledger_as_csv_that_imports_back_as_duplicates()
    {
        using var api = await InvestorAsync();
        var s = await TestData.NewSecurityAsync(fixture.Database);
        await CreatedAsync(api, Trade(s.Symbol, "buy", 3, 101.5m, "2024-06-03"));
        await CreatedAsync(api, new { symbol = s.Symbol, type = "split", ratioNew = 2, ratioOld = 1, transactionDate = "2024-07-01" });

        using var http = fixture.App.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/transactions/export?symbol={s.Symbol}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.AccessToken);
        using var response = await http.SendAsync(request);
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("2:1", csv, StringComparison.Ordinal);
        Assert.Equal(3, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var (_, again) = await api.UploadAsync("transactions/import?format=generic", csv);
        Assert.True((0, 2) == (again!["imported"]!.GetValue<int>(), again["skippedDuplicates"]!.GetValue<int>()), ApiClient.Json(again) + csv);
    }
}
