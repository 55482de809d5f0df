using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>The audit log screen in a browser (decision 0044): an admin filters by account and reads the row; support sees "Your actions".</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AdminAuditJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_filters_the_audit_log_by_account_and_reads_who_did_what_with_the_reason()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Meera Admin", Roles.Admin);
        var target = await TestData.UserAsync(browser.Web.Database, "Rohan Audited");
        await browser.Web.Database.OwnerExecuteAsync("""
            INSERT INTO audit_logs (user_id, actor_id, action, entity_type, entity_id, changes)
            VALUES ($1, $2, 'user_suspended', 'user', $1, jsonb_build_object('by', $2::text, 'reason', 'Card fraud reported by the bank', 'sessionsRevoked', 2))
            """, target.Id, admin.Id);
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, admin.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("admin/audit");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
        await page.GetByLabel("Account (email or id)").FillAsync(target.Email!);

        var summary = page.GetByTestId("audit-summary");
        await Expect(summary).ToHaveCountAsync(1);
        await Expect(summary).ToHaveTextAsync("Meera Admin (admin) on Rohan Audited's account: user suspended");
        await Expect(page.GetByTestId("audit-changes")).ToContainTextAsync("reason: Card fraud reported by the bank");
        await Expect(page.GetByTestId("audit-changes")).ToContainTextAsync("sessions revoked: 2");
        await Expect(page.GetByTestId("audit-export")).ToHaveAttributeAsync("href", $"downloads/admin-audit?account={target.Email}");
        await Pages.SnapshotAsync(page, "admin-audit");
    }

    [Fact]
    public async Task Support_opens_their_own_actions_on_a_phone_width_screen()
    {
        var support = await TestData.UserAsync(browser.Web.Database, "Sana Support", Roles.Support);
        var page = await browser.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(page, support.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("admin/audit");
        await Pages.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your actions" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Actor (email or id)")).ToHaveCountAsync(0);
        // Their own sign-in is their first action.
        await Expect(page.GetByTestId("audit-summary").First).ToContainTextAsync("Sana Support (support)");
        await Pages.ExpectFitsWidthAsync(page, "the audit screen scrolls sideways at 375 px");
    }
}
