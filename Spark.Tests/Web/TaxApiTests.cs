using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spark.Core.Portfolio;
using Spark.Data;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Portfolio;

namespace Spark.Tests.Web;

/// <summary>
/// GET /api/v1/tax/capital-gains and its CSV (decision 0047) over real HTTP: the statement adds up, agrees with the sell
/// estimates the ticket showed before each sale, and shows a user only their own ledger.
/// </summary>
public sealed class TaxApiTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private static decimal D(JsonNode? node) => node!.GetValue<decimal>();

    private static readonly DateOnly Today = DateOnly.FromDateTime(TestClock.DefaultStart.Date); // 27 November 2026: FY 2026-27

    private async Task<(Guid UserId, ApiClient Api)> InvestorAsync()
    {
        var user = await TestData.UserAsync(fixture.Database);
        var api = new ApiClient(fixture.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        return (user.Id, api);
    }

    /// <summary>Writes a paper-exchange trade to the ledger as a fill does (the API refuses the paper platform to hand entries).</summary>
    private async Task PaperTradeAsync(Guid userId, string symbol, TransactionType type, decimal quantity, decimal price, DateOnly date,
        decimal fees = 0m, decimal tax = 0m, decimal gst = 0m)
    {
        using var scope = fixture.App.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
        var db = scope.ServiceProvider.GetRequiredService<SparkDb>();
        await using var context = db.ForUser(userId);
        await using var tx = await context.Database.BeginTransactionAsync();
        await ledger.AppendAsync(context, userId, new TransactionDraft(symbol, type, quantity, price, null, fees, tax, gst, date, "paper"));
        await tx.CommitAsync();
        ledger.Committed(userId);
    }

    /// <summary>Previews a limit sell of 100 at <paramref name="price"/> on the paper exchange, then records it with the previewed charges.</summary>
    private async Task<JsonNode> PreviewThenSellAsync(Guid userId, ApiClient api, string symbol, decimal price)
    {
        var (status, preview) = await api.PostAsync("orders/charges-preview", new { symbol, side = "sell", type = "limit", quantity = 100, price });
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(preview)}");
        var c = preview!["charges"]!;
        // As PaperExchange writes a fill: fees = brokerage + exchange + SEBI + DP, tax = STT (+ stamp duty on buys), GST apart.
        await PaperTradeAsync(userId, symbol, TransactionType.Sell, 100m, price, Today,
            fees: D(c["brokerage"]) + D(c["exchangeCharges"]) + D(c["sebiFee"]) + D(c["dpCharges"]), tax: D(c["stt"]) + D(c["stampDuty"]), gst: D(c["gst"]));
        return preview["capitalGains"]!;
    }

    [Fact]
    public async Task The_statement_adds_up_to_its_rows_and_agrees_with_the_sell_estimates_shown_before_each_sale()
    {
        // Three sales on 27 November 2026 (FY 2026-27), each previewed on the ticket first, then recorded with the previewed
        // charges (NSE delivery: STT 0.1 %, exchange 0.00297 %, SEBI 0.0001 %, GST 18 % on those, DP ₹13 + GST = ₹15.34).
        //  1. LOSS: 100 bought 3 Aug 2026 at ₹1,000, sold at ₹900 = ₹90,000: exchange ₹2.673 → 2.67, SEBI ₹0.09,
        //     GST 18 % × 2.76 = 0.4968 → 0.50, DP 15.34: transfer expenses ₹18.60 (STT ₹90 not deducted, proviso to s. 48).
        //     Short-term: 90,000 − 1,00,000 − 18.60 = −₹10,018.60. Estimate: no tax.
        //  2. LONG1: 100 bought 15 Jan 2024 at ₹1,000, sold at ₹2,000 = ₹2,00,000: exchange 5.94, SEBI 0.20,
        //     GST 18 % × 6.14 = 1.1052 → 1.11, DP 15.34: ₹22.59. Long-term 2,00,000 − 1,00,000 − 22.59 = ₹99,977.41.
        //     Estimate: the year's short-term loss ₹10,018.60 is set off first (section 70): ₹89,958.81, inside the
        //     ₹1,25,000 exemption (section 112A): no tax.
        //  3. LONG2: 100 bought 15 Jan 2024 at ₹1,000, sold at ₹1,600 = ₹1,60,000: exchange 4.752 → 4.75, SEBI 0.16,
        //     GST 18 % × 4.91 = 0.8838 → 0.88, DP 15.34: ₹21.13. Long-term 1,60,000 − 1,00,000 − 21.13 = ₹59,978.87.
        //     Estimate: ₹89,958.81 already realised after set-off leaves ₹35,041.19 of the exemption; 59,978.87 − 35,041.19
        //     = ₹24,937.68 × 12.5 % = ₹3,117.21, × 1.04 = ₹3,241.8984 → ₹3,241.90.
        // Statement: short-term −10,018.60; long-term 99,977.41 + 59,978.87 = 1,59,956.28, less the set-off 10,018.60 =
        // 1,49,937.68, less 1,25,000 = 24,937.68 × 12.5 % = ₹3,117.21; cess 4 % = ₹124.6884 → ₹124.69; ₹3,241.90: the sum
        // of the three estimates (0 + 0 + 3,241.90).
        var (userId, api) = await InvestorAsync();
        using var _ = api;
        var loss = await TestData.NewSecurityAsync(fixture.Database);
        var long1 = await TestData.NewSecurityAsync(fixture.Database);
        var long2 = await TestData.NewSecurityAsync(fixture.Database);
        await PaperTradeAsync(userId, loss.Symbol, TransactionType.Buy, 100m, 1_000m, new DateOnly(2026, 8, 3));
        await PaperTradeAsync(userId, long1.Symbol, TransactionType.Buy, 100m, 1_000m, new DateOnly(2024, 1, 15));
        await PaperTradeAsync(userId, long2.Symbol, TransactionType.Buy, 100m, 1_000m, new DateOnly(2024, 1, 15));

        var first = await PreviewThenSellAsync(userId, api, loss.Symbol, 900m);
        var second = await PreviewThenSellAsync(userId, api, long1.Symbol, 2_000m);
        var third = await PreviewThenSellAsync(userId, api, long2.Symbol, 1_600m);
        Assert.Equal((-10_018.60m, 0m), (D(first["shortTerm"]), D(first["estimatedTax"])));
        Assert.Equal((99_977.41m, 0m), (D(second["longTerm"]), D(second["estimatedTax"])));
        Assert.Equal((59_978.87m, 89_958.81m, 35_041.19m, 3_241.90m),
            (D(third["longTerm"]), D(third["longTermRealizedThisYear"]), D(third["exemptionLeft"]), D(third["estimatedTax"])));

        var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2026-27");

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(statement)}");
        Assert.Equal(("2026-27", 3, 1, 50), (statement!["fy"]!.GetValue<string>(), statement["total"]!.GetValue<int>(), statement["page"]!.GetValue<int>(),
            statement["pageSize"]!.GetValue<int>()));
        var rows = statement["items"]!.AsArray();
        var bySymbol = rows.ToDictionary(r => r!["symbol"]!.GetValue<string>());
        Assert.Equal((-10_018.60m, "equity_short_term", "111A"), (D(bySymbol[loss.Symbol]!["gain"]), bySymbol[loss.Symbol]!["class"]!.GetValue<string>(),
            bySymbol[loss.Symbol]!["section"]!.GetValue<string>()));
        Assert.Equal((99_977.41m, 22.59m, "equity_long_term"), (D(bySymbol[long1.Symbol]!["gain"]), D(bySymbol[long1.Symbol]!["transferExpenses"]),
            bySymbol[long1.Symbol]!["class"]!.GetValue<string>()));
        Assert.Equal(59_978.87m, D(bySymbol[long2.Symbol]!["gain"]));

        var summary = statement["summary"]!;
        var totals = summary["totals"]!.AsArray();
        // The statement equals the sum of its rows: each head's net is the sum of its rows' gains.
        Assert.Equal(rows.Sum(r => D(r!["gain"])), totals.Sum(t => D(t!["net"])));
        var lt = totals.Single(t => t!["class"]!.GetValue<string>() == "equity_long_term")!;
        Assert.Equal((1_59_956.28m, 10_018.60m, 1_25_000m, 24_937.68m, 0.125m, 3_117.21m),
            (D(lt["net"]), D(lt["setOff"]), D(lt["exemption"]), D(lt["taxable"]), D(lt["rate"]), D(lt["tax"])));
        Assert.Equal((3_117.21m, 124.69m, 3_241.90m), (D(summary["taxBeforeCess"]), D(summary["cess"]), D(summary["estimatedTax"])));
        Assert.Equal(D(first["estimatedTax"]) + D(second["estimatedTax"]) + D(third["estimatedTax"]), D(summary["estimatedTax"]));
        Assert.Contains(summary["notes"]!.AsArray(), n => n!.GetValue<string>().Contains("section 74", StringComparison.Ordinal));

        // Paging: one row a page, the second page holds the second row by sale date then buy date.
        var (_, page2) = await api.GetAsync("tax/capital-gains?fy=2026-27&page=2&pageSize=1");
        Assert.Equal((2, 1, 3), (page2!["page"]!.GetValue<int>(), page2["pageSize"]!.GetValue<int>(), page2["total"]!.GetValue<int>()));
        Assert.Equal(rows[1]!["saleTransactionId"]!.GetValue<string>(), Assert.Single(page2["items"]!.AsArray())!["saleTransactionId"]!.GetValue<string>());

        // Schedule 112A: the two long-term sales in the return utility's 14 columns; Schedule CG: one line per head.
        using var http = fixture.App.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.AccessToken);
        using var csv = await http.GetAsync("api/v1/tax/capital-gains.csv?fy=2026-27&schedule=112a");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Share/Unit acquired(1a),ISIN Code(2),Name of the Share/Unit(3),No. of Shares/Units(4),Sale-price per Share/Unit(5),", lines[0], StringComparison.Ordinal);
        Assert.Equal(14, lines[0].Split(',').Length);
        Assert.Contains($"AE,INNOTAVAILAB,{long1.Name},100,2000.00,200000.00,100000.00,100000.00,,,,22.59,100022.59,99977.41", lines);
        Assert.Contains($"AE,INNOTAVAILAB,{long2.Name},100,1600.00,160000.00,100000.00,100000.00,,,,21.13,100021.13,59978.87", lines);

        using var cg = await http.GetAsync("api/v1/tax/capital-gains.csv?fy=2026-27&schedule=cg");
        var cgLines = (await cg.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("equity_long_term,112A,2026-04-01,2027-03-31,2,159956.28,0.00,159956.28,10018.60,0.00,125000.00,24937.68,12.50,3117.21", cgLines);
        Assert.Contains("estimated_tax,,,,,,,,,,,,,3241.90", cgLines);
    }

    [Fact]
    public async Task A_year_after_earlier_sales_and_a_split_starts_from_the_lots_those_sales_left()
    {
        // The statement reads only the lots still open when the year begins (decision 0047); FIFO must come out as a full
        // replay would. Manual platform: 10 bought 2 May 2024 at ₹100 with ₹3 fees (₹1,003), 10 bought 3 Jun 2024 at
        // ₹200 (₹2,000); 15 sold 2 Jun 2025 (FY 2025-26): the first lot and 5 of the second go; split 2 for 1 on
        // 1 Sep 2025: the 5 left become 10, still costing ₹1,000 and held from 3 Jun 2024. FY 2026-27: 10 sold 1 Jun 2026
        // at ₹180 = ₹1,800: long-term (728 days), gain 1,800 − 1,000 = ₹800.
        var (userId, api) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        using (var scope = fixture.App.Services.CreateScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Buy, 10m, 100m, null, 3m, 0m, 0m, new DateOnly(2024, 5, 2), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Buy, 10m, 200m, null, 0m, 0m, 0m, new DateOnly(2024, 6, 3), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Sell, 15m, 250m, null, 0m, 0m, 0m, new DateOnly(2025, 6, 2), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Split, null, null, null, 0m, 0m, 0m, new DateOnly(2025, 9, 1), "manual",
                RatioNew: 2m, RatioOld: 1m));
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Sell, 10m, 180m, null, 0m, 0m, 0m, new DateOnly(2026, 6, 1), "manual"));
        }

        var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2026-27");

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(statement)}");
        var row = Assert.Single(statement!["items"]!.AsArray())!;
        Assert.Equal(("2024-06-03", 10m, 1_800m, 1_000m, 800m, 728, "equity_long_term"),
            (row["buyDate"]!.GetValue<string>(), D(row["units"]), D(row["saleValue"]), D(row["costOfAcquisition"]), D(row["gain"]), row["holdingDays"]!.GetValue<int>(),
             row["class"]!.GetValue<string>()));
        // FY 2025-26 from the same ledger: 10 of the first lot (₹1,003) and 5 of the second (₹1,000) sold at ₹250: long-term
        // 2,500 − 1,003 = ₹1,497 (396 days) and short-term 1,250 − 1,000 = ₹250 (364 days: 3 Jun 2024 to 2 Jun 2025).
        var (_, earlier) = await api.GetAsync("tax/capital-gains?fy=2025-26");
        Assert.Equal([1_497m, 250m], earlier!["items"]!.AsArray().Select(r => D(r!["gain"])));
    }

    [Fact]
    public async Task A_kept_opening_is_what_the_next_statement_reads_and_an_earlier_change_to_the_ledger_clears_it()
    {
        // Decision 0055. Manual platform: 10 bought 2 May 2024 at ₹100 (₹1,000), 10 bought 3 Jun 2024 at ₹200 (₹2,000);
        // 15 sold 2 Jun 2025 (FY 2025-26): the first lot and 5 of the second go. FY 2026-27: 5 sold 1 Jun 2026 at ₹300 =
        // ₹1,500 against the 5 left of the second lot, ₹1,000: gain ₹500, long-term (3 Jun 2024 to 1 Jun 2026, 728 days).
        var (userId, api) = await InvestorAsync();
        using var _ = api;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        TransactionView lastSale;
        using (var scope = fixture.App.Services.CreateScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Buy, 10m, 100m, null, 0m, 0m, 0m, new DateOnly(2024, 5, 2), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Buy, 10m, 200m, null, 0m, 0m, 0m, new DateOnly(2024, 6, 3), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Sell, 15m, 250m, null, 0m, 0m, 0m, new DateOnly(2025, 6, 2), "manual"));
            lastSale = await ledger.CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Sell, 5m, 300m, null, 0m, 0m, 0m, new DateOnly(2026, 6, 1), "manual"));
        }
        async Task<(string BuyDate, decimal Cost, decimal Gain)> SaleAsync()
        {
            var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2026-27");
            Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(statement)}");
            var row = Assert.Single(statement!["items"]!.AsArray())!;
            return (row["buyDate"]!.GetValue<string>(), D(row["costOfAcquisition"]), D(row["gain"]));
        }
        Task<long> OpeningsAsync() => fixture.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM tax_year_openings o JOIN investments i ON i.id = o.investment_id WHERE i.user_id = $1 AND o.year_start = '2026-04-01'", userId);

        Assert.Equal(0, await OpeningsAsync());
        Assert.Equal(("2024-06-03", 1_000m, 500m), await SaleAsync());
        Assert.Equal(1, await OpeningsAsync());

        // The kept opening is what the next statement reads: state its lot's cost as ₹900 behind the ledger's back and
        // the gain becomes 1,500 − 900 = ₹600. (An edit by hand must also bump the year's ledger version, as every ledger
        // write's trigger does, or the statement kept in memory under those versions would be served again: decisions
        // 0065 and 0066.)
        await fixture.Database.OwnerExecuteAsync("""
            UPDATE tax_year_openings o SET lots = jsonb_set(lots, '{0,Amount}', '900')
            FROM investments i WHERE i.id = o.investment_id AND i.user_id = $1
            """, userId);
        await fixture.Database.OwnerExecuteAsync("""
            INSERT INTO ledger_year_versions AS v (user_id, year_start, version) VALUES ($1, '2026-04-01', 1)
            ON CONFLICT (user_id, year_start) DO UPDATE SET version = v.version + 1
            """, userId);
        Assert.Equal(("2024-06-03", 900m, 600m), await SaleAsync());

        // A buy dated before the year (1 Apr 2024, 10 at ₹50) clears it, and FIFO starts again from the ledger: the June
        // 2025 sale now takes the new lot and 5 of the May 2024 lot, leaving 5 at ₹100 (₹500) to the June 2026 sale:
        // gain 1,500 − 500 = ₹1,000, held from 2 May 2024.
        TransactionView backdated;
        using (var scope = fixture.App.Services.CreateScope())
        {
            backdated = await scope.ServiceProvider.GetRequiredService<LedgerService>()
                .CreateAsync(userId, new TransactionDraft(security.Symbol, TransactionType.Buy, 10m, 50m, null, 0m, 0m, 0m, new DateOnly(2024, 4, 1), "manual"));
        }
        Assert.Equal(0, await OpeningsAsync());
        Assert.Equal(("2024-05-02", 500m, 1_000m), await SaleAsync());
        Assert.Equal(1, await OpeningsAsync());

        // An edit inside the year leaves the opening alone (the sale at ₹320: 1,600 − 500 = ₹1,100)...
        using (var scope = fixture.App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<LedgerService>()
                .UpdateAsync(userId, lastSale.Id, new TransactionDraft(security.Symbol, TransactionType.Sell, 5m, 320m, null, 0m, 0m, 0m, new DateOnly(2026, 6, 1), "manual"));
        }
        Assert.Equal(1, await OpeningsAsync());
        Assert.Equal(("2024-05-02", 500m, 1_100m), await SaleAsync());

        // ...and deleting the earlier buy clears it again: back to the 5 left of the June 2024 lot, 1,600 − 1,000 = ₹600.
        using (var scope = fixture.App.Services.CreateScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<LedgerService>().DeleteAsync(userId, backdated.Id));
        }
        Assert.Equal(0, await OpeningsAsync());
        Assert.Equal(("2024-06-03", 1_000m, 600m), await SaleAsync());
    }

    [Fact]
    public async Task The_statement_of_2025_26_sets_off_a_short_term_loss_brought_forward_from_2024_25_and_says_so_in_schedule_cg()
    {
        // Decision 0064. Manual platform, no charges.
        //  FY 2024-25: LOSS, 10 bought 2 May 2024 at ₹1,000 (₹10,000), sold 2 Sep 2024 at ₹700 (₹7,000): short-term loss
        //  ₹3,000, nothing to set it off against that year: carried forward (section 74).
        //  FY 2025-26: GAIN, 10 bought 2 May 2025 at ₹1,000, sold 1 Aug 2025 at ₹1,500: short-term gain ₹5,000 (section 111A,
        //  20 %). Section 74(1)(a): 5,000 − 3,000 = ₹2,000 × 20 % = ₹400; cess ₹16; estimate ₹416.
        var (userId, api) = await InvestorAsync();
        using var _ = api;
        var loss = await TestData.NewSecurityAsync(fixture.Database);
        var gain = await TestData.NewSecurityAsync(fixture.Database);
        using (var scope = fixture.App.Services.CreateScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
            await ledger.CreateAsync(userId, new TransactionDraft(loss.Symbol, TransactionType.Buy, 10m, 1_000m, null, 0m, 0m, 0m, new DateOnly(2024, 5, 2), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(loss.Symbol, TransactionType.Sell, 10m, 700m, null, 0m, 0m, 0m, new DateOnly(2024, 9, 2), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(gain.Symbol, TransactionType.Buy, 10m, 1_000m, null, 0m, 0m, 0m, new DateOnly(2025, 5, 2), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(gain.Symbol, TransactionType.Sell, 10m, 1_500m, null, 0m, 0m, 0m, new DateOnly(2025, 8, 1), "manual"));
        }

        var (status, statement) = await api.GetAsync("tax/capital-gains?fy=2025-26");

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(statement)}");
        var summary = statement!["summary"]!;
        var bf = Assert.Single(summary["lossesBroughtForward"]!.AsArray())!;
        Assert.Equal(("2024-25", "2032-33", 3_000m, 0m, 3_000m, 0m, 0m), (bf["fy"]!.GetValue<string>(), bf["lastFy"]!.GetValue<string>(), D(bf["shortTerm"]),
            D(bf["longTerm"]), D(bf["shortTermUsed"]), D(bf["longTermUsed"]), D(bf["lapsed"])));
        var st = Assert.Single(summary["totals"]!.AsArray())!;
        Assert.Equal(("equity_short_term", 5_000m, 0m, 3_000m, 2_000m, 400m), (st["class"]!.GetValue<string>(), D(st["net"]), D(st["setOff"]),
            D(st["broughtForwardSetOff"]), D(st["taxable"]), D(st["tax"])));
        Assert.Equal((400m, 16m, 416m), (D(summary["taxBeforeCess"]), D(summary["cess"]), D(summary["estimatedTax"])));
        Assert.Contains(summary["notes"]!.AsArray(), n => n!.GetValue<string>().Contains("FY 2024-25", StringComparison.Ordinal)
            && n.GetValue<string>().Contains("section 80", StringComparison.Ordinal));

        // FY 2024-25 itself shows the loss it carries forward.
        var (_, earlier) = await api.GetAsync("tax/capital-gains?fy=2024-25");
        Assert.Equal(3_000m, D(earlier!["summary"]!["shortTermLossCarriedForward"]));
        Assert.Empty(earlier["summary"]!["lossesBroughtForward"]!.AsArray());

        // The Schedule CG summary carries the set-off in its own column and a line of its own.
        using var http = fixture.App.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.AccessToken);
        var cg = (await http.GetStringAsync("api/v1/tax/capital-gains.csv?fy=2025-26&schedule=cg")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("equity_short_term,111A,2025-04-01,2026-03-31,1,5000.00,0.00,5000.00,0.00,3000.00,0.00,2000.00,20.00,400.00", cg);
        Assert.Contains("brought_forward_loss_set_off,,,,,,,,,,,,,3000.00", cg);
    }

    [Fact]
    public async Task The_sell_estimate_sets_off_the_loss_brought_forward_from_the_year_before()
    {
        // Decision 0064. FY 2025-26 (manual platform): 100 bought 2 May 2025 at ₹1,000, sold 1 Aug 2025 at ₹900: short-term
        // loss ₹10,000, carried into FY 2026-27. Today (27 November 2026): 100 bought 3 Aug 2026 at ₹1,000 on the paper
        // exchange; the ticket previews a limit sell of 100 at ₹1,050: short-term gain 1,05,000 − 1,00,000 − the transfer
        // expenses (tens of rupees) < ₹5,000, wholly absorbed by the ₹10,000 brought forward (section 74(1)(a)): tax ₹0.
        // Without the loss it would be about 20 % × 1.04 of ₹4,980.
        var (userId, api) = await InvestorAsync();
        using var _ = api;
        var old = await TestData.NewSecurityAsync(fixture.Database);
        var now = await TestData.NewSecurityAsync(fixture.Database);
        using (var scope = fixture.App.Services.CreateScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
            await ledger.CreateAsync(userId, new TransactionDraft(old.Symbol, TransactionType.Buy, 100m, 1_000m, null, 0m, 0m, 0m, new DateOnly(2025, 5, 2), "manual"));
            await ledger.CreateAsync(userId, new TransactionDraft(old.Symbol, TransactionType.Sell, 100m, 900m, null, 0m, 0m, 0m, new DateOnly(2025, 8, 1), "manual"));
        }
        await PaperTradeAsync(userId, now.Symbol, TransactionType.Buy, 100m, 1_000m, new DateOnly(2026, 8, 3));

        var (status, preview) = await api.PostAsync("orders/charges-preview", new { symbol = now.Symbol, side = "sell", type = "limit", quantity = 100, price = 1_050m });

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {ApiClient.Json(preview)}");
        var gains = preview!["capitalGains"]!;
        Assert.InRange(D(gains["shortTerm"]), 4_900m, 5_000m);
        Assert.Equal(0m, D(gains["estimatedTax"]));
        Assert.Contains("brought forward", ApiClient.Json(gains), StringComparison.Ordinal);

        // The statement of the year so far agrees: nothing sold yet in FY 2026-27, the loss waits whole.
        var (_, statement) = await api.GetAsync("tax/capital-gains?fy=2026-27");
        var bf = Assert.Single(statement!["summary"]!["lossesBroughtForward"]!.AsArray())!;
        Assert.Equal(("2025-26", 10_000m, 0m), (bf["fy"]!.GetValue<string>(), D(bf["shortTerm"]), D(bf["shortTermUsed"])));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_field_named_and_another_users_ledger_is_never_shown()
    {
        var (ownerId, owner) = await InvestorAsync();
        using var _ = owner;
        var security = await TestData.NewSecurityAsync(fixture.Database);
        await PaperTradeAsync(ownerId, security.Symbol, TransactionType.Buy, 10m, 100m, new DateOnly(2026, 5, 4));
        await PaperTradeAsync(ownerId, security.Symbol, TransactionType.Sell, 10m, 120m, new DateOnly(2026, 6, 1));
        var (_, mine) = await owner.GetAsync("tax/capital-gains?fy=2026-27");
        Assert.Equal(1, mine!["total"]!.GetValue<int>());

        var (_, intruder) = await InvestorAsync();
        using var __ = intruder;
        var (status, theirs) = await intruder.GetAsync("tax/capital-gains?fy=2026-27");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, theirs!["total"]!.GetValue<int>());
        Assert.Empty(theirs["summary"]!["totals"]!.AsArray());

        foreach (var query in new[] { "", "?fy=", "?fy=2026", "?fy=2026-28", "?fy=26-27", "?fy=garbage" })
        {
            var (bad, problem) = await owner.GetAsync("tax/capital-gains" + query);
            Assert.True(bad == HttpStatusCode.BadRequest, $"{query}: {(int)bad}");
            Assert.Equal("Use a financial year such as 2025-26.", problem!["errors"]!["fy"]![0]!.GetValue<string>());
        }
        // Today is in FY 2026-27: FY 2027-28 has not begun.
        var (future, _) = await owner.GetAsync("tax/capital-gains?fy=2027-28");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, future);
        var (pageSize, _) = await owner.GetAsync("tax/capital-gains?fy=2026-27&pageSize=abc");
        Assert.Equal(HttpStatusCode.BadRequest, pageSize);
        var (clamped, body) = await owner.GetAsync("tax/capital-gains?fy=2026-27&page=0&pageSize=100000");
        Assert.Equal((HttpStatusCode.OK, 1, 500), (clamped, body!["page"]!.GetValue<int>(), body["pageSize"]!.GetValue<int>()));
        var (schedule, scheduleProblem) = await owner.GetAsync("tax/capital-gains.csv?fy=2026-27&schedule=12a");
        Assert.Equal(HttpStatusCode.BadRequest, schedule);
        Assert.NotNull(scheduleProblem!["errors"]!["schedule"]);
    }
}
