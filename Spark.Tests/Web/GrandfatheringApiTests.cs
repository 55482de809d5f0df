using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Market;
using Spark.Core.Portfolio;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>
/// Section 55(2)(ac) of the Income-tax Act 1961 through the API (issue #15 item 3, decision 0048): the cost of an equity
/// share bought before 1 February 2018 and sold long-term is the higher of its actual cost and the lower of its fair
/// market value on 31 January 2018 (the day's highest quoted price, the Explanation's clause (a)) and the sale value.
/// Every case: a lot of 100 shares bought at ₹100 on 1 June 2017 by a ledger transaction as an import writes it (actual cost ₹10,000), a sell
/// estimate of 100 at ₹200 on the test clock's day in FY 2026-27 (sale value ₹20,000, long-term). Its transfer
/// expenses (section 48(i); STT is not one): exchange 0.00297 % × 20,000 = ₹0.594 → ₹0.59, SEBI ₹10 a crore = ₹0.02,
/// GST 18 % × 0.61 = ₹0.1098 → ₹0.11, DP ₹15.34; brokerage ₹0 on delivery: ₹16.06.
/// </summary>
public sealed class GrandfatheringApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string MissingNote = "Spark has no 31 January 2018 price";
    private const decimal TransferExpenses = 16.06m;

    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    /// <summary>A fresh ISIN with its ISO 6166 check digit (Luhn over the letters as numbers, A=10 … Z=35).</summary>
    private static string NewIsin()
    {
        var body = "INE" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var digits = string.Concat(body.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
        var sum = 0;
        var doubled = true;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled && (d *= 2) > 9) d -= 9;
            sum += d;
            doubled = !doubled;
        }
        var isin = body + ((10 - sum % 10) % 10).ToString(CultureInfo.InvariantCulture);
        Assert.True(Isin.IsValid(isin), isin);
        return isin;
    }

    private async Task<ApiClient> SignInAsync(string role = Roles.Investor)
    {
        var user = await TestData.UserAsync(fixture.Database, role: role);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        Assert.Equal(HttpStatusCode.OK, (await api.LoginAsync(user.Email!, TestData.Password)).Status);
        return api;
    }

    /// <summary>A listed share with an ISIN, and an investor holding 100 of it bought at ₹100 on 1 June 2017 on the paper account.</summary>
    private async Task<(Security Security, string Isin, ApiClient Investor)> HolderAsync()
    {
        var security = await TestData.NewSecurityAsync(fixture.Database);
        var isin = NewIsin();
        await fixture.Database.OwnerExecuteAsync("UPDATE securities SET isin = $2 WHERE id = $1", security.Id, isin);
        var user = await TestData.UserAsync(fixture.Database);
        var investor = new ApiClient(fixture.App.CreateHttpClient());
        Assert.Equal(HttpStatusCode.OK, (await investor.LoginAsync(user.Email!, TestData.Password)).Status);
        // The ticket sells holdings of the paper account, and the transactions API keeps that platform for orders' fills,
        // so the 2017 buy is written as an import writes it: through the ledger's own write path (lots, totals, replay).
        using var scope = fixture.App.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
        await using (var context = scope.ServiceProvider.GetRequiredService<SparkDb>().ForUser(user.Id))
        {
            await using var tx = await context.Database.BeginTransactionAsync();
            await ledger.AppendAsync(context, user.Id,
                new TransactionDraft(security.Symbol, TransactionType.Buy, 100m, 100m, null, 0m, 0m, 0m, new DateOnly(2017, 6, 1), "paper"));
            await tx.CommitAsync();
        }
        ledger.Committed(user.Id);
        return (security, isin, investor);
    }

    private async Task BarAsync(ApiClient admin, string symbol, decimal high, string day = "2018-01-31")
    {
        var (status, body) = await admin.PostAsync($"admin/securities/{symbol}/bars",
            new[] { new { timestamp = day, open = high - 5m, high, low = high - 10m, close = high - 2m, volume = 1000L } });
        Assert.True(status == HttpStatusCode.NoContent, $"{(int)status}: {ApiClient.Json(body)}");
    }

    private static async Task<JsonNode> EstimateAsync(ApiClient investor, string symbol, int quantity = 100, decimal price = 200m)
    {
        var (status, preview) = await investor.PostAsync("orders/charges-preview",
            new { symbol, side = "sell", type = "limit", quantity, price });
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(preview)}");
        return preview!["capitalGains"]!;
    }

    private static decimal LotCost(JsonNode gains) => D(gains["lots"]!.AsArray().Single()!["cost"]);

    private static string Note(JsonNode gains) => gains["note"]?.GetValue<string>() ?? "";

    [Fact]
    public async Task A_31_January_2018_high_above_the_actual_cost_raises_the_cost_to_it()
    {
        // High ₹150: cost = max(10,000, min(150 × 100 = 15,000, 20,000)) = ₹15,000.
        // Long-term gain 20,000 − 16.06 − 15,000 = ₹4,983.94 (₹9,983.94 with the actual cost); within the ₹1,25,000
        // section 112A exemption, so no tax.
        var (security, _, investor) = await HolderAsync();
        using var admin = await SignInAsync(Roles.Admin);
        var before = await EstimateAsync(investor, security.Symbol);
        await BarAsync(admin, security.Symbol, 150m);

        var gains = await EstimateAsync(investor, security.Symbol);

        Assert.Contains(MissingNote, Note(before), StringComparison.Ordinal);
        Assert.Equal(10_000m, LotCost(before));
        Assert.Equal((15_000m, 4_983.94m, 0m), (LotCost(gains), D(gains["longTerm"]), D(gains["estimatedTax"])));
        Assert.DoesNotContain(MissingNote, Note(gains), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_31_January_2018_high_below_the_actual_cost_keeps_the_actual_cost()
    {
        // High ₹80: cost = max(10,000, min(8,000, 20,000)) = ₹10,000. Gain 20,000 − 16.06 − 10,000 = ₹9,983.94.
        var (security, _, investor) = await HolderAsync();
        using var admin = await SignInAsync(Roles.Admin);
        await BarAsync(admin, security.Symbol, 80m);

        var gains = await EstimateAsync(investor, security.Symbol);

        Assert.Equal((10_000m, 9_983.94m), (LotCost(gains), D(gains["longTerm"])));
        Assert.DoesNotContain(MissingNote, Note(gains), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_31_January_2018_high_above_the_sale_price_makes_the_cost_the_sale_value_so_no_loss_comes_of_it()
    {
        // High ₹250: cost = max(10,000, min(25,000, 20,000)) = ₹20,000, the sale value: the gain before expenses is nil,
        // not the loss of 20,000 − 25,000 = −₹5,000 that the 2018 value alone would make. What remains is the section
        // 48(i) transfer expenses: 20,000 − 16.06 − 20,000 = −₹16.06 (as the return's Schedule 112A computes it).
        var (security, _, investor) = await HolderAsync();
        using var admin = await SignInAsync(Roles.Admin);
        await BarAsync(admin, security.Symbol, 250m);

        var gains = await EstimateAsync(investor, security.Symbol);

        Assert.Equal((20_000m, -TransferExpenses, 0m), (LotCost(gains), D(gains["longTerm"]), D(gains["estimatedTax"])));
    }

    [Fact]
    public async Task An_admin_value_stands_in_for_a_missing_bar_and_a_bar_of_another_day_is_not_used()
    {
        // Only a bar of 30 January 2018 (high ₹170): the Explanation's 31 January is not that day, so Spark says it has no
        // value (the note) and keeps the actual cost ₹10,000. The admin enters ₹150 for the ISIN: cost ₹15,000, gain
        // ₹4,983.94 as in the first case; the note is gone.
        var (security, isin, investor) = await HolderAsync();
        using var admin = await SignInAsync(Roles.Admin);
        await BarAsync(admin, security.Symbol, 170m, "2018-01-30");
        var (getStatus, missing) = await admin.GetAsync($"admin/securities/{security.Id}/grandfathering");
        var before = await EstimateAsync(investor, security.Symbol);

        var (status, set) = await admin.SendAsync(HttpMethod.Put, $"admin/grandfathered-values/{isin.ToLowerInvariant()}",
            new { value = 150m, source = "NSE bhavcopy 31-JAN-2018", reason = "No bar stored for that day" });
        var gains = await EstimateAsync(investor, security.Symbol);

        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal("missing", missing!["source"]!.GetValue<string>());
        Assert.Null(missing["value"]);
        Assert.Contains(MissingNote, Note(before), StringComparison.Ordinal);
        Assert.Equal(10_000m, LotCost(before));
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(set)}");
        Assert.Equal(("admin", 150m, isin), (set!["source"]!.GetValue<string>(), D(set["value"]), set["isin"]!.GetValue<string>()));
        Assert.Equal((15_000m, 4_983.94m), (LotCost(gains), D(gains["longTerm"])));
        Assert.DoesNotContain(MissingNote, Note(gains), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_split_after_2018_divides_the_value_into_todays_units()
    {
        // A 2-for-1 split on 3 June 2024 (decision 0042) makes the lot 200 shares at ₹50 (cost still ₹10,000, dated 1 June
        // 2017), and the 31 January 2018 high of ₹150 is ₹150 ÷ 2 = ₹75 a share today. Selling the 200 at ₹100 (sale
        // value ₹20,000, the same ₹16.06 of transfer expenses): cost = max(10,000, min(75 × 200 = 15,000, 20,000)) =
        // ₹15,000; gain ₹4,983.94. Undivided, 150 × 200 = 30,000 would have made the cost the sale value, ₹20,000.
        var (security, _, investor) = await HolderAsync();
        using var admin = await SignInAsync(Roles.Admin);
        await BarAsync(admin, security.Symbol, 150m);
        var (recorded, outcome) = await admin.PostAsync("admin/corporate-actions",
            new { symbol = security.Symbol, type = "split", exDate = "2024-06-03", ratioNew = 2, ratioOld = 1 });
        Assert.True(recorded == HttpStatusCode.Created, $"{(int)recorded}: {ApiClient.Json(outcome)}");

        var gains = await EstimateAsync(investor, security.Symbol, quantity: 200, price: 100m);
        var (_, status) = await admin.GetAsync($"admin/securities/{security.Id}/grandfathering");

        Assert.Equal((15_000m, 4_983.94m), (LotCost(gains), D(gains["longTerm"])));
        Assert.Equal(("bar", 150m, "high", 2m, 75m),
            (status!["source"]!.GetValue<string>(), D(status["barValue"]), status["barField"]!.GetValue<string>(), D(status["unitFactor"]), D(status["value"])));
    }

    [Fact]
    public async Task The_admin_api_validates_refuses_support_writes_and_audits_old_and_new_with_the_reason()
    {
        var (security, isin, _) = await HolderAsync();
        using var admin = await SignInAsync(Roles.Admin);
        using var support = await SignInAsync(Roles.Support);
        using var investor = await SignInAsync();
        var path = $"admin/grandfathered-values/{isin}";
        // The ISIN with its last digit changed fails the ISO 6166 check digit.
        var wrongDigit = isin[..11] + (char)('0' + ((isin[11] - '0' + 1) % 10));

        var badIsin = await admin.SendAsync(HttpMethod.Put, $"admin/grandfathered-values/{wrongDigit}", new { value = 10m, reason = "x" });
        var zero = await admin.SendAsync(HttpMethod.Put, path, new { value = 0m, reason = "x" });
        var fiveDecimals = await admin.SendAsync(HttpMethod.Put, path, new { value = 123.45678m, reason = "x" });
        var noReason = await admin.SendAsync(HttpMethod.Put, path, new { value = 123.4567m });
        var unknownIsin = await admin.SendAsync(HttpMethod.Put, $"admin/grandfathered-values/{NewIsin()}", new { value = 10m, reason = "x" });
        var unknownSecurity = await admin.SendAsync(HttpMethod.Put, $"admin/securities/{Guid.NewGuid()}/grandfathering", new { value = 10m, reason = "x" });
        var supportWrite = await support.SendAsync(HttpMethod.Put, path, new { value = 10m, reason = "x" });
        var supportClear = await support.SendAsync(HttpMethod.Delete, $"admin/securities/{security.Id}/grandfathering?reason=x");
        var investorRead = await investor.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, badIsin.Status);
        Assert.NotNull(badIsin.Body!["errors"]!["isin"]);
        Assert.Equal(HttpStatusCode.BadRequest, zero.Status);
        Assert.NotNull(zero.Body!["errors"]!["value"]);
        Assert.Equal(HttpStatusCode.BadRequest, fiveDecimals.Status);
        Assert.NotNull(fiveDecimals.Body!["errors"]!["value"]);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.NotNull(noReason.Body!["errors"]!["reason"]);
        Assert.Equal(HttpStatusCode.NotFound, unknownIsin.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknownSecurity.Status);
        Assert.Equal(HttpStatusCode.Forbidden, supportWrite.Status);
        Assert.Equal(HttpStatusCode.Forbidden, supportClear.Status);
        Assert.Equal(HttpStatusCode.Forbidden, investorRead.Status);
        Assert.Equal(0L, await fixture.Database.OwnerScalarAsync<long>("SELECT count(*) FROM grandfathered_values WHERE isin = $1", isin));

        // Set, change, read by support, clear: each write audited with old → new and the reason.
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(HttpMethod.Put, path, new { value = 1_234.5m, reason = "From the exchange's bhavcopy" })).Status);
        var (changed, body) = await admin.SendAsync(HttpMethod.Put, $"admin/securities/{security.Id}/grandfathering",
            new { value = 1_234.55m, note = "Corrected", reason = "Typo in the first entry" });
        var (supportRead, seen) = await support.GetAsync(path);
        var (listed, list) = await support.GetAsync("admin/grandfathered-values?pageSize=100");
        var (cleared, after) = await admin.SendAsync(HttpMethod.Delete, $"{path}?reason=Entered%20for%20the%20wrong%20ISIN");
        var (clearedAgain, _) = await admin.SendAsync(HttpMethod.Delete, $"{path}?reason=again");
        var audits = await fixture.Database.OwnerScalarAsync<string[]>(
            "SELECT array_agg(action || ' ' || (changes->>'reason') || ' ' || (changes->'changes'->'value')::text ORDER BY created_at, id) FROM audit_logs WHERE entity_id = $1 AND action LIKE 'grandfathered_value_%'",
            security.Id);

        Assert.Equal(HttpStatusCode.OK, changed);
        Assert.Equal((1_234.55m, "Corrected"), (D(body!["entry"]!["value"]), body["entry"]!["note"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, supportRead);
        Assert.Equal(1_234.55m, D(seen!["value"]));
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Contains(list!["items"]!.AsArray(), i => i!["entry"]!["isin"]!.GetValue<string>() == isin && i["symbol"]!.GetValue<string>() == security.Symbol);
        Assert.Equal(HttpStatusCode.OK, cleared);
        Assert.Equal("missing", after!["source"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, clearedAgain);
        Assert.Equal(3, audits.Length);
        Assert.StartsWith("grandfathered_value_set From the exchange's bhavcopy ", audits[0], StringComparison.Ordinal);
        Assert.Contains("1234.5", audits[0], StringComparison.Ordinal);
        Assert.Contains("null", audits[0], StringComparison.Ordinal);
        Assert.Contains("Typo in the first entry", audits[1], StringComparison.Ordinal);
        Assert.Contains("1234.5", audits[1], StringComparison.Ordinal);
        Assert.Contains("1234.55", audits[1], StringComparison.Ordinal);
        Assert.StartsWith("grandfathered_value_cleared Entered for the wrong ISIN", audits[2], StringComparison.Ordinal);
        Assert.Contains("1234.55", audits[2], StringComparison.Ordinal);
    }
}
