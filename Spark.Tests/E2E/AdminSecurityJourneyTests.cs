using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Spark.Core.Portfolio;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Portfolio;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>The securities master and corporate actions in a browser: an admin records a split; support reads only.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AdminSecurityJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_previews_a_1_to_5_split_sees_who_it_affects_and_records_it_for_every_holder()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Farah Admin", Roles.Admin);
        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        using (var scope = browser.Web.App.Services.CreateScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<LedgerService>();
            foreach (var name in new[] { "Aarav Holder", "Diya Holder" })
            {
                var holder = await TestData.UserAsync(browser.Web.Database, name);
                await ledger.CreateAsync(holder.Id, new TransactionDraft(security.Symbol, TransactionType.Buy, 10m, 1000m, null, 0m, 0m, 0m, new DateOnly(2024, 1, 10), "manual"));
            }
        }
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, admin.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("admin/corporate-actions");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Symbol", new() { Exact = true }).FillAsync(security.Symbol);
        await page.GetByLabel("Ex-date").FillAsync("2024-06-03");
        await page.GetByLabel("Ex-date").PressAsync("Tab");
        await page.GetByLabel("New shares").FillAsync("5");
        await page.GetByLabel("For every … held").FillAsync("1");
        await page.GetByTestId("ca-preview").ClickAsync();

        await Expect(page.GetByTestId("ca-preview-holders")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("ca-holder")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("ca-holder").First).ToContainTextAsync("Aarav Holder");
        await Expect(page.GetByTestId("ca-holder").First).ToContainTextAsync("50");
        await Pages.SnapshotAsync(page, "admin-corporate-action-preview");
        await page.GetByTestId("ca-record").ClickAsync();

        await Expect(page.GetByTestId("ca-outcome-holders")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("ca-link").Filter(new() { HasText = security.Symbol })).ToHaveCountAsync(1);
        Assert.Equal(2, await browser.Web.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM transactions WHERE security_id = $1 AND type = 'split'", security.Id));
        Assert.Equal(100m, await browser.Web.Database.OwnerScalarAsync<decimal>(
            "SELECT sum(quantity) FROM investments WHERE security_id = $1", security.Id));
    }

    [Fact]
    public async Task Support_reads_the_securities_master_on_a_phone_and_is_told_why_the_buttons_are_off()
    {
        var support = await TestData.UserAsync(browser.Web.Database, "Ishaan Support", Roles.Support);
        var security = await TestData.NewSecurityAsync(browser.Web.Database);
        var page = await browser.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(page, support.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("admin/securities");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Symbol, name or ISIN").FillAsync(security.Symbol);
        await Expect(page.GetByTestId("security-open")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("security-open")).ToHaveTextAsync(security.Symbol);

        await Expect(page.GetByTestId("securities-readonly")).ToContainTextAsync("Support reads the securities master");
        await Expect(page.GetByTestId("security-new")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("security-import")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("security-toggle")).ToBeDisabledAsync();
        await Pages.ExpectFitsWidthAsync(page, "the securities screen scrolls sideways at 375 px");
        await page.GetByTestId("security-open").ClickAsync();
        await Expect(page.GetByTestId("security-readonly")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("security-save")).ToHaveCountAsync(0);

        await page.GotoAsync("admin/corporate-actions");
        await Expect(page.GetByTestId("ca-form")).ToHaveCountAsync(0);
    }
}
