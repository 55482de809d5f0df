using System.Globalization;
using System.Text;
using Spark.Core;
using Spark.Core.Tax;
using Spark.Core.Time;
using Spark.Web.Security;
using Spark.Web.Shell;
using Spark.Web.Services.Admin;
using Spark.Web.Services.Tax;

namespace Spark.Web.Endpoints;

/// <summary>
/// /api/v1/tax/capital-gains (the statement of a financial year: summary, rows paged) and /api/v1/tax/capital-gains.csv
/// (Schedule 112A in the income-tax return utility's columns, or a Schedule CG summary). Decision 0047.
/// </summary>
public static class TaxEndpoints
{
    public const string FyMessage = "Use a financial year such as 2025-26.";

    public static RouteGroupBuilder MapTaxEndpoints(this RouteGroupBuilder api)
    {
        var tax = api.MapGroup("/tax").WithTags("Tax").ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tax.MapGet("/capital-gains", StatementAsync);
        tax.MapGet("/capital-gains.csv", CsvAsync).Produces(StatusCodes.Status200OK, contentType: "text/csv");
        return api;
    }

    /// <summary>The statement as the API shows it: the summary, then one page of rows with the list's usual paging fields.</summary>
    public sealed record CapitalGainsResponse(
        string Fy,
        DateOnly From,
        DateOnly To,
        CapitalGainsSummary Summary,
        IReadOnlyList<CapitalGainRow> Items,
        int Page,
        int PageSize,
        int Total);

    public sealed record CapitalGainsSummary(
        IReadOnlyList<GainClassTotal> Totals,
        decimal TaxBeforeCess,
        decimal Cess,
        decimal EstimatedTax,
        decimal TdsCredit,
        IReadOnlyList<DividendRow> Dividends,
        decimal DividendTotal,
        decimal ShortTermLossCarriedForward,
        decimal LongTermLossCarriedForward,
        IReadOnlyList<string> Notes)
    {
        /// <summary>Earlier years' losses brought into the year (section 74, decision 0064), oldest first.</summary>
        public IReadOnlyList<BroughtForwardItem> LossesBroughtForward { get; init; } = [];

        /// <summary>Brought-forward losses still usable in the year after the statement's set-off.</summary>
        public decimal ShortTermLossBroughtForwardLeft { get; init; }

        public decimal LongTermLossBroughtForwardLeft { get; init; }
    }

    /// <summary>One earlier year's loss as the year used it: <c>fy</c> it arose in, <c>lastFy</c> it may be set off in (section 74(2)).</summary>
    public sealed record BroughtForwardItem(string Fy, string LastFy, decimal ShortTerm, decimal LongTerm, decimal ShortTermUsed, decimal LongTermUsed,
        decimal Lapsed)
    {
        public static BroughtForwardItem Of(BroughtForwardLoss l)
        {
            ArgumentNullException.ThrowIfNull(l);
            return new(l.Origin.Label, l.LastYear.Label, l.ShortTerm, l.LongTerm, l.ShortTermUsed, l.LongTermUsed, l.Lapsed);
        }
    }

    private static Guid Me(HttpContext http) => http.User.UserId()!.Value;

    private static async Task<IResult> StatementAsync(HttpContext http, ICapitalGainsStatements statements, TimeProvider clock, string? fy = null,
        int page = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        var year = Year(fy, clock, out var refusal);
        if (refusal is not null) return refusal;
        var s = await statements.GetAsync(Me(http), year, page, pageSize, cancellationToken);
        return TypedResults.Ok(new CapitalGainsResponse(s.Year.Label, s.Year.From, s.Year.To,
            new CapitalGainsSummary(s.Totals, s.TaxBeforeCess, s.Cess, s.EstimatedTax, s.TdsCredit, s.Dividends, s.DividendTotal,
                s.ShortTermLossCarriedForward, s.LongTermLossCarriedForward, s.Notes)
            {
                LossesBroughtForward = [.. s.LossesBroughtForward.Select(BroughtForwardItem.Of)],
                ShortTermLossBroughtForwardLeft = s.ShortTermLossBroughtForwardLeft,
                LongTermLossBroughtForwardLeft = s.LongTermLossBroughtForwardLeft,
            },
            s.Rows, s.Page, s.PageSize, s.RowCount));
    }

    private static async Task<IResult> CsvAsync(HttpContext http, ICapitalGainsStatements statements, TimeProvider clock, string? fy = null,
        string? schedule = null, CancellationToken cancellationToken = default)
    {
        var year = Year(fy, clock, out var refusal);
        if (refusal is not null) return refusal;
        var kind = (schedule ?? "112a").Trim().ToLowerInvariant();
        if (kind is not ("112a" or "cg"))
        {
            return Problems.Invalid("schedule", "Use 112a (Schedule 112A) or cg (the Schedule CG summary).");
        }

        var statement = await statements.GetAllAsync(Me(http), year, cancellationToken);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"spark-schedule-{kind}-fy{year.Label}.csv\"";
        http.Response.Headers.CacheControl = "no-store";
        var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await using (writer)
        {
            if (kind == "112a") await WriteSchedule112AAsync(statement, writer, cancellationToken);
            else await WriteScheduleCgAsync(statement, writer, cancellationToken);
            await writer.FlushAsync(cancellationToken);
        }
        return TypedResults.Empty;
    }

    /// <summary>The year asked for: 400 when it is missing or malformed, 422 when it has not begun (India's date).</summary>
    private static FinancialYear Year(string? fy, TimeProvider clock, out IResult? refusal)
    {
        refusal = null;
        if (FinancialYear.TryParse(fy?.Trim()) is not { } year)
        {
            refusal = Problems.Invalid("fy", FyMessage);
            return default;
        }
        if (year.From > IndiaTime.Today(clock))
        {
            refusal = Problems.Rule($"FY {year.Label} has not begun: it starts on 1 April {year.StartYear}.");
        }
        return year;
    }

    /// <summary>
    /// The columns of Schedule 112A's CSV upload in the ITR-2 and ITR-3 utilities (AY 2025-26 onward; the same 14 as
    /// since AY 2020-21): one row per lot of a section 112A sale. Column 1a is BE (acquired on or before 31 January
    /// 2018) or AE (after); columns 9 to 11 apply only to BE rows and are left empty otherwise.
    /// </summary>
    public static readonly string[] Schedule112AColumns =
    [
        "Share/Unit acquired(1a)", "ISIN Code(2)", "Name of the Share/Unit(3)", "No. of Shares/Units(4)", "Sale-price per Share/Unit(5)",
        "Full Value of Consideration(Total Sale Value)(6) = 4 * 5", "Cost of acquisition without indexation(7)", "Cost of acquisition(8)",
        "If the long term capital asset was acquired before 01.02.2018(9)", "Fair Market Value per share/unit as on 31st January 2018(10)",
        "Total Fair Market Value of capital asset as per section 55(2)(ac)(11) = 4 * 10",
        "Expenditure wholly and exclusively in connection with transfer(12)", "Total deductions(13) = 7 + 12", "Balance(14) = 6 - 13",
    ];

    public static async Task WriteSchedule112AAsync(CapitalGainsStatement statement, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(AuditLogService.CsvLine(Schedule112AColumns, numbersAsIs: true));
        var count = 0;
        foreach (var r in statement.Rows.Where(r => r.Class == GainClass.EquityLongTerm && r.Section == "112A"))
        {
            var before = r.BuyDate <= CapitalGainsEngine.GrandfatheringDate;
            decimal? fmvPerUnit = before && r.FairMarketValue is { } fmv && r.Units > 0m ? Money.UnitPrice(fmv / r.Units) : null;
            // Column 9: the lower of the sale value (6) and the total fair market value (11), for lots acquired before 1 February 2018.
            decimal? lower = before && r.FairMarketValue is { } total ? Math.Min(r.SaleValue, total) : null;
            await writer.WriteAsync(AuditLogService.CsvLine([
                before ? "BE" : "AE", r.Isin ?? "INNOTAVAILAB", r.Name, Units(r.Units), Number(r.Units > 0m ? Money.UnitPrice(r.SaleValue / r.Units) : 0m),
                Number(r.SaleValue), Number(r.CostOfAcquisition), Number(r.ActualCost), Number(lower), Number(fmvPerUnit), Number(r.FairMarketValue),
                Number(r.TransferExpenses), Number(r.CostOfAcquisition + r.TransferExpenses), Number(r.Gain),
            ], numbersAsIs: true));
            if (++count % 500 == 0) await writer.FlushAsync(cancellationToken);
        }
    }

    public static readonly string[] ScheduleCgColumns =
    [
        "head", "section", "sales_from", "sales_to", "rows", "gains", "losses", "net", "set_off", "brought_forward_set_off", "exemption", "taxable",
        "rate_percent", "tax",
    ];

    /// <summary>
    /// One line per head (and rate period, and for section 112 before 23 July 2024 per rate chosen), with the year's own
    /// set-off (section 70) and the earlier years' losses set off (section 74) apart; then the brought-forward losses used,
    /// the tax, cess, estimate and TDS credit. Schedule CFL (the losses carried to later years) is not written.
    /// </summary>
    public static async Task WriteScheduleCgAsync(CapitalGainsStatement statement, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(AuditLogService.CsvLine(ScheduleCgColumns, numbersAsIs: true));
        foreach (var t in statement.Totals)
        {
            await writer.WriteAsync(AuditLogService.CsvLine([
                Head(t.Class), t.Section, Date(t.SalesFrom), Date(t.SalesTo), t.Rows.ToString(CultureInfo.InvariantCulture), Number(t.Gains),
                Number(t.Losses), Number(t.Net), Number(t.SetOff), Number(t.BroughtForwardSetOff), Number(t.Exemption), Number(t.Taxable),
                t.Rate is { } rate ? Number(rate * 100m) : "slab", Number(t.Tax),
            ], numbersAsIs: true));
        }
        string?[] Line(string head, decimal amount) => [head, "", "", "", "", "", "", "", "", "", "", "", "", Number(amount)];
        if (statement.LossesBroughtForward.Count > 0)
        {
            await writer.WriteAsync(AuditLogService.CsvLine(Line("brought_forward_loss_set_off",
                statement.LossesBroughtForward.Sum(l => l.ShortTermUsed + l.LongTermUsed)), numbersAsIs: true));
        }
        await writer.WriteAsync(AuditLogService.CsvLine(Line("tax_before_cess", statement.TaxBeforeCess), numbersAsIs: true));
        await writer.WriteAsync(AuditLogService.CsvLine(Line("cess", statement.Cess), numbersAsIs: true));
        await writer.WriteAsync(AuditLogService.CsvLine(Line("estimated_tax", statement.EstimatedTax), numbersAsIs: true));
        await writer.WriteAsync(AuditLogService.CsvLine(Line("tds_credit", statement.TdsCredit), numbersAsIs: true));
        await writer.WriteAsync(AuditLogService.CsvLine(Line("dividends", statement.DividendTotal), numbersAsIs: true));
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Units as the ledger holds them: whole shares without decimals, fund units and crypto with theirs.</summary>
    private static string Units(decimal units) => units.ToString("0.########", CultureInfo.InvariantCulture);

    private static string Head(GainClass cls) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(cls.ToString());

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A plain number: invariant digits, no ₹, no grouping, no trailing zeros beyond the paisa.</summary>
    private static string Number(decimal? value) => value is { } v
        ? (decimal.Round(v, 2) == v ? v.ToString("0.00", CultureInfo.InvariantCulture) : v.ToString("0.##########", CultureInfo.InvariantCulture))
        : "";
}
