using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>The back office's jobs page in a browser, on a host whose scheduler runs: an admin pauses and resumes a job with a reason; support reads, with the buttons off.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AdminJobsJourneyTests(BrowserFixture browser)
{
    private const string Job = "housekeeping/job-run-retention";

    private static async Task<IPage> PageAsync(IBrowser chromium, SparkAppFactory app, int width)
    {
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = 900 }, Locale = "en-IN", TimezoneId = "Asia/Kolkata", ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(BrowserFixture.Patience);
        return await context.NewPageAsync();
    }

    [Fact]
    public async Task An_admin_pauses_and_resumes_a_job_with_a_reason_and_support_sees_the_buttons_off_with_why_on_a_phone()
    {
        // A second host on the browser tests' database with Quartz on: the shared host keeps its scheduler off.
        await using var app = new SparkAppFactory(browser.Web.Database, new Dictionary<string, string?> { ["Spark:Jobs:Enabled"] = "true" }, browser.Web.Clock);
        var admin = await TestData.UserAsync(browser.Web.Database, "Jaya Jobs Admin", Roles.Admin);
        var support = await TestData.UserAsync(browser.Web.Database, "Sohan Jobs Support", Roles.Support);

        var page = await PageAsync(browser.Browser, app, 1280);
        await Pages.SignInAsync(page, admin.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("admin/jobs");
        await Pages.WaitUntilInteractiveAsync(page);
        var row = page.Locator("tr", new() { Has = page.Locator($"[data-job='{Job}']") });
        await Expect(row.GetByTestId("job-state")).ToHaveTextAsync("normal");
        await row.GetByTestId("job-pause").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Pause job-run-retention?");
        await dialog.GetByLabel("Reason (kept in the audit trail)").FillAsync("Disk maintenance tonight");
        await dialog.GetByTestId("admin-reason-confirm").ClickAsync();
        await Expect(row.GetByTestId("job-state")).ToHaveTextAsync("paused");
        await Expect(row).ToContainTextAsync("Disk maintenance tonight");
        await row.GetByTestId("job-resume").ClickAsync();
        await dialog.GetByLabel("Reason (kept in the audit trail)").FillAsync("Maintenance done");
        await dialog.GetByTestId("admin-reason-confirm").ClickAsync();
        await Expect(row.GetByTestId("job-state")).ToHaveTextAsync("normal");
        Assert.Equal(2, await browser.Web.Database.OwnerScalarAsync<long>(
            "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action IN ('job_paused', 'job_resumed')", admin.Id));

        var phone = await PageAsync(browser.Browser, app, 375);
        await Pages.SignInAsync(phone, support.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(phone);
        await phone.GotoAsync("admin/jobs");
        await Pages.WaitUntilInteractiveAsync(phone);
        await Expect(phone.GetByTestId("jobs-read-only")).ToContainTextAsync("only an admin may run, pause or resume");
        var first = phone.GetByTestId("job-run").First;
        await Expect(first).ToBeDisabledAsync();
        await Expect(phone.GetByTestId("job-pause").First).ToBeDisabledAsync();
        await Pages.SnapshotAsync(phone, "admin-jobs-support-phone");
        await Pages.ExpectFitsWidthAsync(phone, "the jobs page scrolls sideways at 375 px");
        await page.Context.CloseAsync();
        await phone.Context.CloseAsync();
    }
}
