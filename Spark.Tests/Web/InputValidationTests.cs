using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;

namespace Spark.Tests.Web;

/// <summary>Issue #12: each input that once answered 500, or was quietly rounded or ignored, is now a 400 with a field error.</summary>
public sealed partial class InputValidationTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private async Task<ApiClient> SignedInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return api;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A transaction body that is valid but for the one field a test replaces (JSON text, so a test may send any token).</summary>
    private static string Transaction(string symbol, string field, string value)
    {
        var fields = new Dictionary<string, string>
        {
            ["symbol"] = $"\"{symbol}\"", ["type"] = "\"buy\"", ["quantity"] = "2", ["price"] = "100", ["fees"] = "1.5",
            ["transactionDate"] = "\"2026-01-05\"", ["description"] = "\"first buy\"",
        };
        fields[field] = value;
        return "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
    }

    private async Task<long> TransactionCountAsync(ApiClient api)
    {
        var (_, list) = await api.GetAsync("transactions");
        return list!["total"]!.GetValue<long>();
    }

    private static void AssertFieldError(HttpStatusCode status, JsonNode? problem, string field, string? words = null)
    {
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var messages = problem?["errors"]?[field]?.AsArray();
        Assert.True(messages is { Count: > 0 }, $"No error for '{field}' in {ApiClient.Json(problem)}");
        if (words is not null) Assert.Contains(words, messages![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nul_byte_in_a_text_field_is_a_field_error_and_nothing_is_written()
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await api.SendAsync(HttpMethod.Post, "transactions", Json(Transaction(security.Symbol, "description", "\"a\\u0000b\"")));

        AssertFieldError(status, problem, "description", "NUL");
        Assert.Equal(0, await TransactionCountAsync(api));
    }

    [Fact]
    public async Task A_nul_byte_in_a_query_value_is_a_field_error()
    {
        using var api = await SignedInAsync();

        var (status, problem) = await api.GetAsync("transactions?symbol=IT%00C");

        AssertFieldError(status, problem, "symbol", "NUL");
    }

    [Theory]
    [InlineData("quantity", "1e20")]
    [InlineData("price", "79228162514264337593543950335")]
    [InlineData("price", "79228162514264337593543950336")]
    public async Task A_number_beyond_what_its_column_holds_is_a_field_error(string field, string value)
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await api.SendAsync(HttpMethod.Post, "transactions", Json(Transaction(security.Symbol, field, value)));

        AssertFieldError(status, problem, field);
        Assert.Equal(0, await TransactionCountAsync(api));
    }

    [Theory]
    [InlineData("1.1234567890123", "at most 2 decimal places")]
    [InlineData("1e-30", "decimal places")]
    [InlineData("1.001", "at most 2 decimal places")]
    public async Task Fees_with_more_decimals_than_paise_are_refused_not_rounded(string fees, string words)
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await api.SendAsync(HttpMethod.Post, "transactions", Json(Transaction(security.Symbol, "fees", fees)));

        AssertFieldError(status, problem, "fees", words);
        Assert.Equal(0, await TransactionCountAsync(api));
    }

    [Fact]
    public async Task Fees_with_trailing_zeros_beyond_paise_are_still_paise()
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, created) = await api.SendAsync(HttpMethod.Post, "transactions", Json(Transaction(security.Symbol, "fees", "1.2500000")));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1.25m, created!["fees"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData("99")]
    [InlineData("\"garbage\"")]
    public async Task A_transaction_type_that_is_not_one_of_the_words_is_a_field_error(string type)
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await api.SendAsync(HttpMethod.Post, "transactions", Json(Transaction(security.Symbol, "type", type)));

        AssertFieldError(status, problem, "type");
        Assert.Equal(0, await TransactionCountAsync(api));
    }

    [Theory]
    [InlineData("\"0001-01-01\"")]
    [InlineData("\"9999-12-31\"")]
    public async Task A_transaction_date_outside_1900_to_2100_is_a_field_error(string date)
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await api.SendAsync(HttpMethod.Post, "transactions", Json(Transaction(security.Symbol, "transactionDate", date)));

        AssertFieldError(status, problem, "transactionDate", "1900-01-01 to 2100-12-31");
    }

    [Theory]
    [InlineData("from=0001-01-01", "from")]
    [InlineData("to=9999-12-31", "to")]
    public async Task Bars_asked_from_year_one_or_to_year_9999_are_a_field_error(string query, string field)
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await api.GetAsync($"securities/{security.Symbol}/bars?{query}");

        AssertFieldError(status, problem, field);
    }

    [Fact]
    public async Task A_query_date_outside_1900_to_2100_is_a_field_error()
    {
        using var api = await SignedInAsync();

        var (status, problem) = await api.GetAsync("transactions?from=0001-01-01");

        AssertFieldError(status, problem, "from", "1900-01-01 to 2100-12-31");
    }

    [Fact]
    public async Task An_unknown_order_status_filter_is_a_field_error_not_every_order()
    {
        using var api = await SignedInAsync();

        var (status, problem) = await api.GetAsync("orders?status=garbage");

        AssertFieldError(status, problem, "status");
    }

    [Fact]
    public async Task An_unknown_investment_status_filter_is_a_field_error()
    {
        using var api = await SignedInAsync();

        var (status, problem) = await api.GetAsync("investments?status=garbage");

        AssertFieldError(status, problem, "status");
    }

    [Fact]
    public async Task A_charges_preview_for_more_units_than_an_order_holds_is_a_field_error()
    {
        using var api = await SignedInAsync();
        var security = await TestData.NewSecurityAsync(fixture.Database);

        var (status, problem) = await api.SendAsync(HttpMethod.Post, "orders/charges-preview",
            Json($"{{\"symbol\":\"{security.Symbol}\",\"side\":\"buy\",\"type\":\"limit\",\"quantity\":1e20,\"price\":100}}"));

        AssertFieldError(status, problem, "quantity", "too large");
    }

    [Fact]
    public async Task Raising_an_open_sell_above_the_holding_is_refused_when_modified()
    {
        var (api, id) = await OpenSellOfFourAgainstTenHeldAsync();
        using var _api = api;

        var (status, problem) = await api.SendAsync(HttpMethod.Put, $"orders/{id}", new { quantity = 11 });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("sell up to 10", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, after) = await api.GetAsync($"orders/{id}");
        Assert.Equal(4m, after!["quantity"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Lowering_or_keeping_an_open_sell_within_the_holding_is_still_allowed()
    {
        var (api, id) = await OpenSellOfFourAgainstTenHeldAsync();
        using var _api = api;

        var (status, changed) = await api.SendAsync(HttpMethod.Put, $"orders/{id}", new { quantity = 10 });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10m, changed!["quantity"]!.GetValue<decimal>());
    }

    /// <summary>A verified investor holding 10 paper shares, with an open sell of 4 that no price will fill.</summary>
    private async Task<(ApiClient Api, string OrderId)> OpenSellOfFourAgainstTenHeldAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        await fixture.Database.OwnerExecuteAsync("UPDATE users SET kyc_status = 'verified', two_factor_enabled = true WHERE id = $1", user.Id);
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var holding = TestData.Investment(user.Id, security, quantity: 10m);
        holding.Platform = "paper";
        await TestData.SaveAsync(fixture.Database, user.Id, holding);
        // A limit far above any price: nothing fills it while the test runs (no price is ever posted for this security).
        var (placed, order) = await api.PostAsync("orders", new { symbol = security.Symbol, side = "sell", type = "limit", quantity = 4, price = 5000m, validity = "gtc" });
        Assert.Equal(HttpStatusCode.Created, placed);
        return (api, order!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    public async Task A_foreign_return_url_after_a_correct_password_is_ignored(string returnUrl)
    {
        var user = await TestData.UserAsync(fixture.Database);
        using var browser = fixture.App.CreateHttpClient();
        var path = "Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        var form = await browser.GetStringAsync(path);

        var response = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = WebForms.AntiforgeryToken(form),
            ["Input.Email"] = user.Email!, ["Input.Password"] = TestData.Password,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(fixture.App.BaseAddress, location);
        Assert.Equal(fixture.App.BaseAddress.Authority, target.Authority);
        Assert.DoesNotContain("evil.example", location.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nul_byte_in_a_posted_form_is_refused_before_it_reaches_the_database()
    {
        using var browser = fixture.App.CreateHttpClient();
        var form = await browser.GetStringAsync("Account/Login");

        var response = await browser.PostAsync("Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = WebForms.AntiforgeryToken(form),
            ["Input.Email"] = "someone\0@example.test", ["Input.Password"] = TestData.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
