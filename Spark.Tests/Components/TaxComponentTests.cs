using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using Spark.Core.Tax;
using Spark.Data;
using Spark.Web.Components.Pages.Portfolio;
using Spark.Web.Components.Pages.Portfolio.TaxParts;
using Spark.Web.Services.Tax;
using Spark.Web.Shell;

namespace Spark.Tests.Components;

/// <summary>
/// Portfolio → Tax rendered against a hand-built statement service (no database): the year's totals, the lots, the
/// caution badge, the empty states and the year picker. The figures are the stub's; the page must show them as given,
/// in Indian format, and add nothing of its own but the sums stated in the comments.
/// </summary>
public sealed class TaxComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly Guid UserId = Guid.Parse("5b0c8f4e-2d1a-4c7e-9a55-0f3e1d2c4b6a");
    private static readonly FinancialYear Fy2425 = new(2024);
    private static readonly FinancialYear Fy2526 = new(2025);
    private static readonly FinancialYear Fy2627 = new(2026);

    private readonly StubStatements statements = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));

    public TaxComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(clock);
        Services.AddSingleton<ICapitalGainsStatements>(statements);
        Services.AddSingleton<IDbContextFactory<SparkDbContext>, UnusedDatabase>();
        Services.AddSingleton<SparkDb>();
        Services.AddScoped<ThemeState>();
        AddAuthorization().SetAuthorized("Aarav Sharma").SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId.ToString()));
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void The_newest_year_with_data_is_shown_when_the_current_one_has_none_with_its_totals_in_indian_format()
    {
        statements.Years = [Fy2526, Fy2425];
        statements.Add(Fy2526With());
        statements.Add(Fy2425With());

        var page = Render<Tax>();

        // 6 December 2026 in India is in FY 2026-27, which has nothing: the newest year with data, 2025-26, is shown.
        page.WaitForAssertion(() => Assert.Contains("Lots sold in FY 2025-26", page.Markup));
        Assert.Equal([(UserId, Fy2526, 1)], statements.Calls.Select(c => (c.UserId, c.Year, c.Page)).ToArray());
        // Net of every head: −1,030 + 4,980 + 349 + 25,000 = 29,299.
        Assert.Contains("+₹29,299.00", Text(page, "tax-net"));
        Assert.Contains("₹7,845.38", Text(page, "tax-estimate"));
        Assert.Contains("₹7,543.63 + ₹301.75 cess", Text(page, "tax-estimate"));
        Assert.Contains("₹450.00", Text(page, "tax-tds"));
        // Estimated tax less the TDS credit: 7,845.38 − 450 = 7,395.38.
        Assert.Contains("₹7,395.38 left after the credit", Text(page, "tax-tds"));
        Assert.Contains("₹1,353.50", Text(page, "tax-dividends-total"));

        var heads = page.Find("[data-testid='tax-heads']");
        Assert.Contains("Long-term equity", heads.TextContent);
        Assert.Contains("Sec. 112A", heads.TextContent);
        Assert.Contains("₹3,950.00", heads.TextContent);
        Assert.Contains("12.5 %", Normalise(heads.TextContent));
        Assert.Contains("₹25,000.00", Text(page, "tax-taxable-VirtualDigitalAsset"));
        Assert.Contains("30 %", Normalise(heads.TextContent));
        Assert.Contains("₹7,500.00", Text(page, "tax-tax-VirtualDigitalAsset"));
        Assert.Contains("₹43.63", Text(page, "tax-tax-OtherLongTerm"));
        Assert.Contains("at your slab rate", Text(page, "tax-tax-OtherShortTerm"));
        Assert.Contains("Rates follow the sale date.", Text(page, "tax-notes"));
        Assert.Contains("not tax advice", Text(page, "tax-notes"));
        Assert.Equal("downloads/tax/capital-gains?fy=2025-26&schedule=112a", page.Find("[data-testid='tax-download-112a']").GetAttribute("href"));
        Assert.Equal("downloads/tax/capital-gains?fy=2025-26&schedule=cg", page.Find("[data-testid='tax-download-cg']").GetAttribute("href"));
        Assert.Equal("portfolio/tax/print?fy=2025-26", page.Find("[data-testid='tax-print-link']").GetAttribute("href"));
    }

    [Fact]
    public void Each_lot_shows_its_dates_holding_period_figures_coloured_gain_head_and_a_caution_where_spark_is_unsure()
    {
        statements.Years = [Fy2526];
        statements.Add(Fy2526With());

        var page = Render<Tax>();

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid='tax-lot-symbol']").Count));
        var rows = page.FindAll("[data-testid='tax-lots'] tbody tr.mud-table-row");
        var tcs = rows.Single(r => r.TextContent.Contains("TCS", StringComparison.Ordinal));
        Assert.Contains("05/04/2021 → 16/06/2025", tcs.TextContent);
        // 5 April 2021 to 16 June 2025: 50 whole months, i.e. 4 years 2 months (days are left out beyond a year).
        Assert.Equal("4 years 2 months", tcs.QuerySelector("[data-testid='tax-lot-held']")!.TextContent.Trim());
        Assert.Contains("₹20,000.00", tcs.TextContent);
        Assert.Contains("Equity LTCG", tcs.TextContent);
        var gain = tcs.QuerySelector("[data-testid='tax-lot-gain'] .spark-num")!;
        Assert.Contains("spark-gain", gain.ClassList);
        Assert.Contains("+₹4,980.00", gain.TextContent);

        var maruti = rows.Single(r => r.TextContent.Contains("MARUTI", StringComparison.Ordinal));
        // 12 May to 13 October 2025: 5 months and a day.
        Assert.Equal("5 months 1 day", maruti.QuerySelector("[data-testid='tax-lot-held']")!.TextContent.Trim());
        var loss = maruti.QuerySelector("[data-testid='tax-lot-gain'] .spark-num")!;
        Assert.Contains("spark-loss", loss.ClassList);
        Assert.Contains("−₹1,030.00", loss.TextContent);

        var btc = rows.Single(r => r.TextContent.Contains("BTCINR", StringComparison.Ordinal));
        Assert.Contains("0.005", btc.TextContent);
        Assert.Contains("Crypto", btc.TextContent);

        var reliance = rows.Single(r => r.TextContent.Contains("RELIANCE", StringComparison.Ordinal));
        Assert.Contains("FMV 31 Jan 2018 ₹1,150.00", Normalise(reliance.QuerySelector("[data-testid='tax-lot-fmv']")!.TextContent));
        Assert.Contains("paid ₹900.00", reliance.TextContent);

        var cautions = page.FindAll("[data-testid='tax-lot-caution']");
        var caution = Assert.Single(cautions);
        Assert.Contains("GOLDBEES", rows.Single(r => r.QuerySelector("[data-testid='tax-lot-caution']") is not null).TextContent);
        Assert.Contains("Check with your tax adviser: a gold ETF", caution.GetAttribute("aria-label"));
    }

    [Fact]
    public void The_current_financial_year_is_the_default_when_it_has_data_and_its_dividends_are_listed_with_their_total()
    {
        statements.Years = [Fy2627, Fy2526];
        statements.Add(Empty(Fy2627) with
        {
            Dividends = [new DividendRow(Guid.NewGuid(), new DateOnly(2026, 6, 3), Guid.NewGuid(), "ITC", "ITC Ltd", "zerodha", 1_23_456.5m)],
            DividendTotal = 1_23_456.5m,
        });
        statements.Add(Fy2526With());

        var page = Render<Tax>();

        page.WaitForAssertion(() => Assert.Contains("Dividends in FY 2026-27", page.Markup));
        Assert.Equal(Fy2627, Assert.Single(statements.Calls).Year);
        Assert.Equal("₹1,23,456.50", Text(page, "tax-dividend-amount"));
        Assert.Equal("₹1,23,456.50", Text(page, "tax-dividend-total"));
        Assert.Empty(page.FindAll("[data-testid='tax-lots']"));
        Assert.Empty(page.FindAll("[data-testid='tax-download-112a']"));
    }

    [Fact]
    public void A_new_investor_is_told_what_will_appear_here()
    {
        statements.Years = [];

        var page = Render<Tax>();

        page.WaitForAssertion(() => Assert.Contains("No capital gains yet", page.Markup));
        Assert.Contains("Schedule 112A", Text(page, "tax-empty"));
        Assert.Equal("portfolio/transactions", page.Find("[data-testid='tax-empty-transactions']").GetAttribute("href"));
        Assert.Empty(statements.Calls);
        Assert.Empty(page.FindAll("[data-testid='tax-year']"));
    }

    [Fact]
    public void A_year_asked_for_in_the_link_with_nothing_in_it_says_so_and_stays_in_the_picker()
    {
        statements.Years = [Fy2526];
        statements.Add(Fy2526With());

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("fy", "2019-20"));

        var page = Render<Tax>();

        page.WaitForAssertion(() => Assert.Contains("Nothing to report for FY 2019-20", Text(page, "tax-empty")));
        Assert.Equal(new FinancialYear(2019), Assert.Single(statements.Calls).Year);
        Assert.Contains("2019-20", page.FindComponent<MudSelect<string>>().Markup);
    }

    [Fact]
    public async Task Choosing_another_year_shows_its_statement_and_puts_it_in_the_address()
    {
        statements.Years = [Fy2526, Fy2425];
        statements.Add(Fy2526With());
        statements.Add(Fy2425With());
        var page = Render<Tax>();
        page.WaitForAssertion(() => Assert.Contains("+₹29,299.00", Text(page, "tax-net")));

        var picker = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync("2024-25"));

        page.WaitForAssertion(() => Assert.Contains("Lots sold in FY 2024-25", page.Markup));
        Assert.Contains("+₹23,400.00", Text(page, "tax-net"));
        // 1,23,456.78 sale − 1,00,000 cost − 56.78 expenses = 23,400; 20 % = 4,680; cess 187.20; 4,867.20 in all.
        Assert.Contains("₹4,867.20", Text(page, "tax-estimate"));
        Assert.Contains("No crypto TDS this year", Text(page, "tax-tds"));
        Assert.Contains("₹2,500.00", Text(page, "tax-ltcl-forward"));
        Assert.Empty(page.FindAll("[data-testid='tax-stcl-forward']"));
        Assert.Contains("No dividends were credited this year.", Text(page, "tax-dividends"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid='tax-lot-symbol']")));
        Assert.Equal("WIPRO", page.Find("[data-testid='tax-lot-symbol']").TextContent.Trim());
        Assert.EndsWith("?fy=2024-25", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        Assert.Equal([Fy2526, Fy2425], statements.Calls.Select(c => c.Year).ToArray());
    }

    [Fact]
    public async Task The_lots_are_read_from_the_server_a_page_at_a_time()
    {
        statements.Years = [Fy2526];
        statements.Add(Fy2526With());

        var page = Render<Tax>();
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid='tax-lot-symbol']").Count));

        // The first read asks for page 1 of the display's 20 rows; the grid reuses it rather than reading it again.
        Assert.Equal([(1, 20)], statements.Calls.Select(c => (c.Page, c.PageSize)).ToArray());
        var grid = page.FindComponent<MudDataGrid<CapitalGainRow>>();
        await page.InvokeAsync(() => grid.Instance.SetRowsPerPageAsync(2));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid='tax-lot-symbol']").Count));
        await page.InvokeAsync(() => grid.Instance.NavigateTo(Page.Next));
        page.WaitForAssertion(() => Assert.Contains((2, 2), statements.Calls.Select(c => (c.Page, c.PageSize))));
        page.WaitForAssertion(() => Assert.Equal(["BTCINR", "GOLDBEES"], page.FindAll("[data-testid='tax-lot-symbol']").Select(e => e.TextContent.Trim()).ToArray()));
    }

    [Fact]
    public void Losses_brought_forward_are_listed_by_year_of_origin_with_what_the_year_used_and_what_lapses()
    {
        // FY 2025-26 (decision 0064): ₹3,000 short-term of FY 2024-25 all used against the 111A head (5,000 − 3,000 = 2,000
        // taxable); ₹1,000 long-term of FY 2017-18 unused, in its eighth and last year, so it lapses; ₹500 short-term of
        // FY 2016-17 arrived already lapsed.
        var statement = new CapitalGainsStatement(Fy2526,
            [new GainClassTotal(GainClass.EquityShortTerm, "111A", 1, 5_000m, 0m, 5_000m, 0m, 0m, 2_000m, 0.20m, 400m) { BroughtForwardSetOff = 3_000m }],
            400m, 16m, 416m, 0m, [], 0m, 1, 1, 1,
            [Row("GAIN", "2025-05-02", "2025-08-01", 10m, 15_000m, 10_000m, 0m, GainClass.EquityShortTerm, "111A")], ["Rates follow the sale date."])
        {
            LossesBroughtForward =
            [
                new BroughtForwardLoss(new FinancialYear(2016), 500m, 0m, 0m, 0m, 500m),
                new BroughtForwardLoss(new FinancialYear(2017), 0m, 1_000m, 0m, 0m, 1_000m),
                new BroughtForwardLoss(Fy2425, 3_000m, 0m, 3_000m, 0m, 0m),
            ],
        };

        var card = Render<TaxBroughtForward>(p => p.Add(c => c.Statement, statement));

        Assert.Equal(["FY 2016-17 lapsed after FY 2024-25", "FY 2017-18 usable until FY 2025-26", "FY 2024-25 usable until FY 2032-33"],
            card.FindAll("[data-testid='tax-bf-year']").Select(e => string.Join(' ', e.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToArray());
        Assert.Equal(["₹0.00", "₹0.00", "₹3,000.00"], card.FindAll("[data-testid='tax-bf-used']").Select(e => Normalise(e.TextContent).Trim()).ToArray());
        var left = card.FindAll("[data-testid='tax-bf-left']").Select(e => Normalise(e.TextContent)).ToArray();
        Assert.Contains("₹500.00", left[0]);
        Assert.Contains("lapses", left[1]);
        Assert.Contains("₹0.00", left[2]);

        var totals = Render<TaxTotals>(p => p.Add(c => c.Statement, statement));
        Assert.Contains("₹3,000.00 brought forward", Normalise(totals.Find("[data-testid='tax-head-bf']").TextContent));

        // Nothing brought forward: no card at all.
        Assert.Empty(Render<TaxBroughtForward>(p => p.Add(c => c.Statement, Empty(Fy2526))).FindAll("[data-testid='tax-brought-forward']"));
    }

    [Theory]
    [InlineData("2024-05-06", "2024-12-09", "7 months 3 days")]
    // A month from the 31st or from 29 February ends on the month's last day, as DateOnly.AddMonths counts it.
    [InlineData("2024-02-29", "2025-02-28", "1 year")]
    [InlineData("2024-02-29", "2025-02-27", "11 months 29 days")]
    [InlineData("2025-01-31", "2025-02-28", "1 month")]
    [InlineData("2025-01-31", "2025-02-27", "27 days")]
    [InlineData("2025-03-10", "2025-03-10", "same day")]
    [InlineData("2021-01-04", "2025-11-10", "4 years 10 months")]
    public void Holding_periods_read_in_calendar_years_months_and_days(string bought, string sold, string expected) =>
        Assert.Equal(expected, TaxText.HoldingPeriod(DateOnly.Parse(bought, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(sold, System.Globalization.CultureInfo.InvariantCulture)));

    private static string Text(IRenderedComponent<IComponent> page, string testId) => Normalise(page.Find($"[data-testid='{testId}']").TextContent);

    // IndianFormat separates a figure from its % sign with a narrow no-break space.
    private static string Normalise(string text) => text.Replace('\u202F', ' ').Replace('\u00A0', ' ');

    private static CapitalGainRow Row(string symbol, string bought, string sold, decimal units, decimal sale, decimal cost, decimal expenses,
        GainClass head, string section, decimal tds = 0m, string? caution = null, decimal? fmv = null, decimal? actual = null)
    {
        var buy = DateOnly.Parse(bought, System.Globalization.CultureInfo.InvariantCulture);
        var sell = DateOnly.Parse(sold, System.Globalization.CultureInfo.InvariantCulture);
        return new CapitalGainRow(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), symbol, $"{symbol} Ltd", "INE000000000", "zerodha", buy, sell,
            sell.DayNumber - buy.DayNumber, units, sale, actual ?? cost, fmv, cost, expenses, sale - cost - expenses, head, section, tds, caution);
    }

    private static CapitalGainsStatement Empty(FinancialYear year) =>
        new(year, [], 0m, 0m, 0m, 0m, [], 0m, 0, 1, 20, [], ["Rates follow the sale date."]);

    /// <summary>
    /// FY 2025-26. Equity STCG (111A): −1,030 set off against equity LTCG (112A) 4,980, leaving 3,950, all inside the
    /// ₹1.25 lakh exemption; other LTCG (112) 349 at 12.5 % = 43.625 → 43.63; crypto (115BBH) 25,000 at 30 % = 7,500;
    /// tax 7,543.63, cess 4 % = 301.7452 → 301.75, estimate 7,845.38; TDS 1 % of 45,000 = 450.
    /// </summary>
    private static CapitalGainsStatement Fy2526With()
    {
        CapitalGainRow[] rows =
        [
            Row("TCS", "2021-04-05", "2025-06-16", 5m, 20_000m, 15_000m, 20m, GainClass.EquityLongTerm, "112A"),
            Row("RELIANCE", "2017-06-01", "2025-07-01", 1m, 1_200m, 1_150m, 1m, GainClass.EquityLongTerm, "112A", fmv: 1_150m, actual: 900m),
            Row("BTCINR", "2021-03-10", "2025-09-15", 0.005m, 45_000m, 20_000m, 0m, GainClass.VirtualDigitalAsset, "115BBH", tds: 450m),
            Row("GOLDBEES", "2022-03-07", "2025-11-10", 10m, 800m, 450m, 1m, GainClass.OtherLongTerm, "112",
                caution: "a gold ETF's units bought before 1 April 2023 may be specified mutual fund units (section 50AA)"),
            Row("MARUTI", "2025-05-12", "2025-10-13", 2m, 25_000m, 26_000m, 30m, GainClass.EquityShortTerm, "111A"),
        ];
        // The RELIANCE row is grandfathered at its fair market value and gains 49; it is left out of the hand totals
        // below on purpose: the page shows the totals it is given, it does not add the rows up.
        return new CapitalGainsStatement(Fy2526,
            [
                new GainClassTotal(GainClass.EquityShortTerm, "111A", 1, 0m, 1_030m, -1_030m, 0m, 0m, 0m, 0.20m, 0m),
                new GainClassTotal(GainClass.EquityLongTerm, "112A", 2, 4_980m, 0m, 4_980m, 1_030m, 3_950m, 0m, 0.125m, 0m),
                new GainClassTotal(GainClass.OtherShortTerm, "50AA", 0, 0m, 0m, 0m, 0m, 0m, 0m, null, 0m),
                new GainClassTotal(GainClass.OtherLongTerm, "112", 1, 349m, 0m, 349m, 0m, 0m, 349m, 0.125m, 43.63m),
                new GainClassTotal(GainClass.VirtualDigitalAsset, "115BBH", 1, 25_000m, 0m, 25_000m, 0m, 0m, 25_000m, 0.30m, 7_500m),
            ],
            7_543.63m, 301.75m, 7_845.38m, 450m,
            [
                new DividendRow(Guid.NewGuid(), new DateOnly(2025, 5, 28), Guid.NewGuid(), "ITC", "ITC Ltd", "zerodha", 1_177.5m),
                new DividendRow(Guid.NewGuid(), new DateOnly(2025, 8, 14), Guid.NewGuid(), "RELIANCE", "Reliance Industries Ltd", "zerodha", 176m),
            ],
            1_353.5m, rows.Length, 1, rows.Length, rows, ["Rates follow the sale date."]);
    }

    /// <summary>FY 2024-25: one short-term sale after 23 July 2024, 23,400 at 20 % (section 111A) = 4,680, cess 187.20.</summary>
    private static CapitalGainsStatement Fy2425With()
    {
        CapitalGainRow[] rows = [Row("WIPRO", "2024-05-06", "2024-12-09", 40m, 1_23_456.78m, 1_00_000m, 56.78m, GainClass.EquityShortTerm, "111A")];
        return new CapitalGainsStatement(Fy2425,
            [new GainClassTotal(GainClass.EquityShortTerm, "111A", 1, 23_400m, 0m, 23_400m, 0m, 0m, 23_400m, 0.20m, 4_680m)],
            4_680m, 187.20m, 4_867.20m, 0m, [], 0m, 1, 1, 1, rows, ["Rates follow the sale date."]) { LongTermLossCarriedForward = 2_500m };
    }

    /// <summary>Answers from whole statements given to it, paging their rows as the service contract says.</summary>
    private sealed class StubStatements : ICapitalGainsStatements
    {
        private readonly Dictionary<FinancialYear, CapitalGainsStatement> byYear = [];

        public IReadOnlyList<FinancialYear> Years { get; set; } = [];

        public List<(Guid UserId, FinancialYear Year, int Page, int PageSize)> Calls { get; } = [];

        public void Add(CapitalGainsStatement statement) => byYear[statement.Year] = statement;

        public Task<CapitalGainsStatement> GetAsync(Guid userId, FinancialYear year, int page, int pageSize, CancellationToken cancellationToken = default)
        {
            Calls.Add((userId, year, page, pageSize));
            var all = byYear.TryGetValue(year, out var s) ? s : Empty(year);
            var rows = all.Rows.Skip((page - 1) * pageSize).Take(pageSize).ToArray();
            return Task.FromResult(all with { Page = page, PageSize = pageSize, Rows = rows });
        }

        public Task<CapitalGainsStatement> GetAllAsync(Guid userId, FinancialYear year, CancellationToken cancellationToken = default) =>
            Task.FromResult(byYear.TryGetValue(year, out var s) ? s : Empty(year));

        public Task<IReadOnlyList<FinancialYear>> YearsAsync(Guid userId, CancellationToken cancellationToken = default) => Task.FromResult(Years);
    }

    private sealed class UnusedDatabase : IDbContextFactory<SparkDbContext>
    {
        public SparkDbContext CreateDbContext() => throw new InvalidOperationException("The tax page must not query the database while rendered.");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
