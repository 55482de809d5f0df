using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Spark.Data;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class TransactionsJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Add_a_buy_and_see_the_holding_and_the_dashboard_update()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Kavya Menon");
        var page = await SignedInAsync(user);

        await OpenTransactionsAsync(page);
        await Expect(page.GetByTestId("transactions-empty")).ToBeVisibleAsync();
        await page.GetByTestId("add-transaction").ClickAsync();
        await ChooseSecurityAsync(page, "TCS");
        await page.GetByLabel("Quantity").FillAsync("10");
        await page.GetByLabel("Price per unit").FillAsync("3500");
        await Expect(page.GetByTestId("tx-net")).ToContainTextAsync("₹35,000.00");
        await Pages.SnapshotAsync(page, "transactions-add-dialog");
        await page.GetByTestId("tx-save").ClickAsync();

        var row = Rows(page).Filter(new() { HasText = "TCS" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("tx-type")).ToHaveTextAsync("Buy");
        await Expect(row.GetByTestId("tx-net-amount")).ToHaveTextAsync("₹35,000.00");
        await Pages.SnapshotAsync(page, "transactions-list");

        await page.GotoAsync("portfolio");
        await Pages.WaitUntilInteractiveAsync(page);
        var holding = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "TCS" });
        await Expect(holding.GetByRole(AriaRole.Cell, new() { Name = "10", Exact = true })).ToBeVisibleAsync();

        await page.GotoAsync("dashboard");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByText("₹35,000.00").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Import_a_csv_with_one_bad_row_the_good_rows_land_and_the_bad_one_is_reported()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Rohan Pillai");
        var page = await SignedInAsync(user);
        const string csv = """
            date,symbol,type,quantity,price,fees
            2024-03-01,INFY,buy,5,1500,10
            2024-03-02,TCS,buy,-2,3500,0
            2024-03-04,HDFCBANK,buy,3,1600,5
            2024-03-05,INFY,sell,2,1550,5
            """;

        await OpenTransactionsAsync(page);
        await ImportAsync(page, csv);
        await Expect(page.GetByTestId("preview-ready")).ToHaveTextAsync("3 rows ready");
        await Expect(page.GetByTestId("preview-row")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("import-error")).ToHaveTextAsync([new Regex("^3\\s*quantity must be a positive number")]);
        await Pages.SnapshotAsync(page, "transactions-import-preview");
        await page.GetByTestId("import-run").ClickAsync();

        await Expect(page.GetByTestId("report-imported")).ToHaveTextAsync("3 transactions imported");
        await Expect(page.GetByTestId("import-report").GetByTestId("import-error")).ToHaveTextAsync([new Regex("^3\\s*quantity must be a positive number")]);
        await Pages.SnapshotAsync(page, "transactions-import-report");
        await page.GetByTestId("import-close").ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(3);
        await Expect(Rows(page).GetByTestId("tx-type")).ToHaveTextAsync(["Sell", "Buy", "Buy"]);

        // The same file again: every good row is recognised, nothing is added.
        await ImportAsync(page, csv);
        await page.GetByTestId("import-run").ClickAsync();
        await Expect(page.GetByTestId("report-imported")).ToHaveTextAsync("0 transactions imported");
        await Expect(page.GetByTestId("report-skipped")).ToHaveTextAsync("3 already in your ledger (skipped)");
        await page.GetByTestId("import-close").ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(3);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-transactions").ClickAsync());
        var exported = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.Equal(["INFY", "HDFCBANK", "INFY"], exported[1..].Select(l => l.Split(',')[1]));

        // A holding's "all transactions" link arrives filtered to its symbol.
        await page.GotoAsync("portfolio/transactions?symbol=INFY");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(Rows(page)).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("export-transactions")).ToHaveAttributeAsync("href", "downloads/transactions?symbol=INFY");
    }

    [Fact]
    public async Task Fields_are_checked_as_you_type_and_a_sell_of_more_than_is_held_changes_nothing()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Ishaan Bose");
        await BuyViaApiAsync(user, "TCS", 5, 3400);
        var page = await SignedInAsync(user);

        await OpenTransactionsAsync(page);
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await page.GetByTestId("add-transaction").ClickAsync();
        await ChooseSecurityAsync(page, "TCS");
        await ChooseTypeAsync(page, "Sell");
        await page.GetByLabel("Quantity").FillAsync("0");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByText("Enter a quantity above zero.")).ToBeVisibleAsync();
        await page.GetByLabel("Price per unit").FillAsync("3600");
        await page.GetByTestId("tx-save").ClickAsync();
        await Expect(dialog.GetByText("Enter a quantity above zero.")).ToBeVisibleAsync();

        await page.GetByLabel("Quantity").FillAsync("10");
        await Expect(dialog.GetByText("Enter a quantity above zero.")).ToHaveCountAsync(0);
        await page.GetByTestId("tx-save").ClickAsync();
        await Expect(page.GetByTestId("tx-alert")).ToContainTextAsync(new Regex(@"Cannot sell 10 units on \d{4}-\d{2}-\d{2}: only 5 are held\. Nothing was changed\."));
        await Pages.SnapshotAsync(page, "transactions-sell-too-many");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(Rows(page)).ToHaveCountAsync(1);
        await using var context = browser.Web.Database.App(DataScope.ForUser(user.Id));
        Assert.Equal(1, await context.Transactions.CountAsync());
    }

    [Fact]
    public async Task A_transaction_is_edited_and_deleted_after_a_confirmation_that_names_it()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Neha Kulkarni");
        await BuyViaApiAsync(user, "INFY", 4, 1500);
        var page = await SignedInAsync(user);

        await OpenTransactionsAsync(page);
        await Rows(page).GetByTestId("tx-edit").ClickAsync();
        await page.GetByLabel("Quantity").FillAsync("6");
        await page.GetByTestId("tx-save").ClickAsync();
        await Expect(Rows(page).GetByTestId("tx-net-amount")).ToHaveTextAsync("₹9,000.00");

        await Rows(page).GetByTestId("tx-delete").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("the buy of 6 INFY on 02/01/2024");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("transactions-empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_split_and_a_dividend_take_their_own_fields()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Arjun Nair");
        await BuyViaApiAsync(user, "INFY", 4, 1500);
        var page = await SignedInAsync(user);
        await OpenTransactionsAsync(page);

        await page.GetByTestId("add-transaction").ClickAsync();
        await ChooseSecurityAsync(page, "INFY");
        await ChooseTypeAsync(page, "Split");
        await Expect(page.GetByLabel("Quantity")).ToHaveCountAsync(0);
        await page.GetByLabel("New shares").FillAsync("2");
        await page.GetByLabel("For every (old shares)").FillAsync("1");
        await page.GetByTestId("tx-save").ClickAsync();
        await Expect(Rows(page).First.GetByTestId("tx-type")).ToHaveTextAsync("Split");
        await Expect(Rows(page).First).ToContainTextAsync("2:1");

        await page.GetByTestId("add-transaction").ClickAsync();
        await ChooseSecurityAsync(page, "INFY");
        await ChooseTypeAsync(page, "Dividend");
        await page.GetByLabel("Amount received").FillAsync("100");
        await page.GetByLabel("Tax deducted (TDS)").FillAsync("10");
        await Expect(page.GetByTestId("tx-net")).ToContainTextAsync("You receive ₹90.00");
        await page.GetByTestId("tx-save").ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(3);
        await Expect(Rows(page).Filter(new() { HasText = "Dividend" }).GetByTestId("tx-net-amount")).ToHaveTextAsync("₹90.00");

        await page.GetByTestId("filter-type").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Buy", Exact = true }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("export-transactions")).ToHaveAttributeAsync("href", "downloads/transactions?type=buy");
    }

    [Fact]
    public async Task The_page_and_its_dialog_fit_a_360px_phone_and_the_dashboard_link_opens_the_import()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Zoya Khan");
        await BuyViaApiAsync(user, "RELIANCE", 2, 2900);
        var page = await browser.NewPageAsync(width: 360, height: 740);
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("portfolio/transactions?import=1");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Import transactions from CSV");
        Assert.True(await FitsAsync(page));
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portfolio/transactions$"));

        await Expect(Rows(page)).ToHaveCountAsync(1);
        Assert.True(await FitsAsync(page));
        await Pages.SnapshotAsync(page, "transactions-phone");
        await page.GetByTestId("add-transaction").ClickAsync();
        await Expect(page.GetByTestId("tx-save")).ToBeVisibleAsync();
        Assert.True(await FitsAsync(page));
        await Pages.SnapshotAsync(page, "transactions-phone-dialog");
    }

    private static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth");

    private static ILocator Rows(IPage page) => page.GetByTestId("transactions-table").Locator("tbody tr").Filter(new() { Has = page.GetByTestId("tx-type") });

    private async Task<IPage> SignedInAsync(SparkUser user)
    {
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        return page;
    }

    private static async Task OpenTransactionsAsync(IPage page)
    {
        await page.GotoAsync("portfolio/transactions");
        await Pages.WaitUntilInteractiveAsync(page);
    }

    private static async Task ChooseSecurityAsync(IPage page, string symbol)
    {
        var field = page.GetByLabel("Security");
        var option = page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex($"^{symbol}\\b") }).First;
        await field.ClickAsync();
        await field.FillAsync(symbol);
        if (!await AppearsAsync(option))
        {
            // Text typed while the just-opened dialog was still wiring up its input can be missed: type it again.
            await field.FillAsync("");
            await field.FillAsync(symbol);
        }
        await option.ClickAsync();
        await Expect(field).ToHaveValueAsync(new Regex($"^{symbol} · "));
    }

    private static async Task ChooseTypeAsync(IPage page, string type)
    {
        await page.GetByTestId("tx-type-select").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = type, Exact = true }).ClickAsync();
    }

    private static async Task<bool> AppearsAsync(ILocator locator)
    {
        try
        {
            await Expect(locator).ToBeVisibleAsync(new() { Timeout = 5_000 });
            return true;
        }
        catch (PlaywrightException)
        {
            return false;
        }
    }

    private static async Task ImportAsync(IPage page, string csv)
    {
        await page.GetByTestId("import-transactions").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "trades.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv),
        });
        await Expect(page.GetByTestId("import-file-name")).ToContainTextAsync("trades.csv");
        await page.GetByTestId("import-preview").ClickAsync();
    }

    private async Task BuyViaApiAsync(SparkUser user, string symbol, decimal quantity, decimal price)
    {
        using var api = new ApiClient(browser.Web.App.CreateHttpClient());
        await api.LoginAsync(user.Email!, TestData.Password);
        var (status, _) = await api.PostAsync("transactions", new { symbol, type = "buy", quantity, price, transactionDate = "2024-01-02" });
        Assert.Equal(HttpStatusCode.Created, status);
    }
}
