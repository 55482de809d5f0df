using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Spark.Data.Identity;
using Spark.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

/// <summary>The back office's users screens in a browser: search, open, suspend with a reason; what support may not do.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AdminUserJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_admin_searches_a_user_opens_them_and_suspends_them_with_a_reason_and_their_open_page_signs_out()
    {
        var admin = await TestData.UserAsync(browser.Web.Database, "Meera Admin", Roles.Admin);
        var target = await TestData.UserAsync(browser.Web.Database, "Rohan Suspect");
        // The customer has Spark open while this happens.
        var customer = await browser.NewPageAsync();
        await Pages.SignInAsync(customer, target.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(customer);
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, admin.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("admin/users");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Email, name, phone or PAN").FillAsync(target.Email![..16]);
        var link = page.GetByTestId("admin-user-link");
        await Expect(link).ToHaveCountAsync(1);
        await Expect(link).ToHaveTextAsync("Rohan Suspect");
        await Pages.SnapshotAsync(page, "admin-users");
        await link.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rohan Suspect" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("admin-user-status")).ToHaveTextAsync("Active");
        await page.GetByTestId("admin-user-suspend").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Suspend Rohan Suspect?");
        await dialog.GetByTestId("admin-reason-confirm").ClickAsync();
        await Expect(dialog).ToContainTextAsync("Give a reason.");
        await dialog.GetByLabel("Reason (kept in the audit trail)").FillAsync("Card fraud reported by the bank");
        await dialog.GetByTestId("admin-reason-confirm").ClickAsync();

        await Expect(page.GetByTestId("admin-user-status")).ToHaveTextAsync("Suspended");
        await Expect(page.GetByTestId("admin-user-reactivate")).ToBeEnabledAsync();
        await Expect(page.GetByTestId("admin-user-audit")).ToContainTextAsync("user_suspended");
        // No navigation by the test: the customer's circuit revalidates its session and sends the page to sign-in.
        await Expect(customer).ToHaveURLAsync(new Regex("/Account/Login"), new() { Timeout = 15_000 });
        Assert.Equal("suspended", await browser.Web.Database.OwnerScalarAsync<string>("SELECT status FROM users WHERE id = $1", target.Id));
        // The list was opened by a page request (prerendered, then interactive) and the account by a click inside the
        // circuit: one recorded view each.
        Assert.Equal(1, await ViewsAsync(admin.Id, "/admin/users"));
        Assert.Equal(1, await ViewsAsync(admin.Id, $"/admin/users/{target.Id}"));
    }

    [Fact]
    public async Task Support_sees_why_suspending_is_not_theirs_on_a_phone_width_screen()
    {
        var support = await TestData.UserAsync(browser.Web.Database, "Sana Support", Roles.Support);
        var target = await TestData.UserAsync(browser.Web.Database, "Kabir Customer");
        // The widest kind of address: one long word, which must wrap rather than widen the screen.
        var wide = $"{new string('w', 40)}{Guid.NewGuid():N}"[..48] + "@example.test";
        await browser.Web.Database.OwnerExecuteAsync("UPDATE users SET email = $1, normalized_email = upper($1) WHERE id = $2", wide, target.Id);
        var page = await browser.NewPageAsync(width: 375, height: 800);
        await Pages.SignInAsync(page, support.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);

        await page.GotoAsync("admin/users");
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Email, name, phone or PAN").FillAsync("no account has this text " + Guid.NewGuid().ToString("N"));
        await Expect(page.GetByTestId("admin-users-empty")).ToBeVisibleAsync();
        await Pages.ExpectFitsWidthAsync(page, "the users screen scrolls sideways at 375 px");

        await page.GotoAsync($"admin/users/{target.Id}");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("admin-user-suspend")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("admin-user-save-roles")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("admin-user-why")).ToContainTextAsync("Support may force a sign-out");
        await Pages.ExpectFitsWidthAsync(page, "the account screen scrolls sideways at 375 px");
        await Pages.SnapshotAsync(page, "admin-user-support-phone");
    }

    private Task<long> ViewsAsync(Guid userId, string path) => browser.Web.Database.OwnerScalarAsync<long>(
        "SELECT count(*) FROM audit_logs WHERE user_id = $1 AND action = 'admin_access' AND changes->>'path' = $2", userId, path);
}
