using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Spark.Tests.Infrastructure;
using Spark.Web.Services.Notifications;
using static Microsoft.Playwright.Assertions;

namespace Spark.Tests.E2E;

[Collection(BrowserCollection.Name)]
[Trait("Category", "E2E")]
public sealed class NotificationJourneyTests(BrowserFixture browser)
{
    private NotificationService Notifications => browser.Web.App.Services.GetRequiredService<NotificationService>();

    [Fact]
    public async Task A_new_notification_raises_the_bells_count_live_and_mark_all_read_clears_it()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Kavya Menon");
        var page = await browser.NewPageAsync();
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        var bell = page.GetByTestId("notification-bell");
        await Expect(bell).ToHaveAttributeAsync("data-unread", "0");

        var orderId = Guid.NewGuid();
        await Notifications.NotifyAsync(user.Id, NotificationKinds.OrderExecuted, "Order executed", "Bought 10 TCS at ₹3,600.00.", $"/orders/{orderId}");

        await Expect(bell).ToHaveAttributeAsync("data-unread", "1");
        await Expect(page.GetByLabel("Notifications, 1 unread")).ToBeVisibleAsync();
        await Expect(page.Locator(".mud-snackbar").GetByText("Order executed: Bought 10 TCS at ₹3,600.00.")).ToBeVisibleAsync();
        await page.GetByLabel("Notifications, 1 unread").ClickAsync();
        var menu = page.GetByTestId("notification-menu");
        await Expect(menu.GetByTestId("bell-item")).ToHaveCountAsync(1);
        await Expect(menu.GetByTestId("bell-item")).ToContainTextAsync("Order executed");
        await Expect(menu.GetByTestId("bell-item")).ToContainTextAsync("just now");
        await Pages.SnapshotAsync(page, "notifications-bell-menu");

        await menu.GetByTestId("bell-mark-all-read").ClickAsync();

        await Expect(bell).ToHaveAttributeAsync("data-unread", "0");
        await Expect(menu).ToContainTextAsync("You're all caught up");
    }

    [Fact]
    public async Task The_notifications_page_on_a_phone_lists_them_live_links_each_to_its_order_and_marks_them_read()
    {
        var user = await TestData.UserAsync(browser.Web.Database, "Rohan Gupta");
        var page = await browser.NewPageAsync(width: 360, height: 780);
        await Pages.SignInAsync(page, user.Email!, TestData.Password);
        await Pages.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("notifications");
        await Pages.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("notifications-empty")).ToContainTextAsync("No notifications yet");

        var orderId = Guid.NewGuid();
        await Notifications.NotifyAsync(user.Id, NotificationKinds.OrderPlaced, "Order placed", "Limit buy of 5 INFY at ₹1,500.00.", $"/orders/{orderId}");
        await Notifications.NotifyAsync(user.Id, NotificationKinds.OrderRejected, "Order rejected", "Not enough cash for 100 RELIANCE.", null);

        var rows = page.GetByTestId("notification");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToContainTextAsync("Order rejected");
        await Expect(page.GetByTestId("unread-count")).ToHaveTextAsync("2 unread");
        await Expect(page.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "2");
        await Expect(rows.Nth(1).GetByRole(AriaRole.Link, new() { Name = "Order placed" })).ToHaveAttributeAsync("href", $"orders/{orderId}");
        await Pages.ExpectFitsWidthAsync(page, "The page scrolls sideways at 360px.");
        await Pages.SnapshotAsync(page, "notifications-page-phone");

        await rows.First.GetByTestId("mark-read").ClickAsync();
        await Expect(rows.First).ToHaveAttributeAsync("data-read", "true");
        await Expect(page.GetByTestId("unread-count")).ToHaveTextAsync("1 unread");
        await Expect(page.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "1");

        await page.GetByTestId("mark-all-read").ClickAsync();
        await Expect(page.GetByTestId("unread-count")).ToHaveTextAsync("0 unread");
        await Expect(page.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "0");
        await Expect(page.GetByTestId("mark-read")).ToHaveCountAsync(0);
    }
}
