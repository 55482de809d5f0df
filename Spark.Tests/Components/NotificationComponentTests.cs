using Bunit;
using MudBlazor.Services;
using Spark.Core.Accounts;
using Spark.Web.Components.Pages.Notifications.Parts;
using Spark.Web.Services.Accounts;
using Spark.Web.Services.Notifications;

namespace Spark.Tests.Components;

/// <summary>A notification row and the way its time is told, in the user's own time zone.</summary>
public sealed class NotificationComponentTests : BunitContext, IAsyncLifetime
{
    // 26 Nov 2026 21:40 in India.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 16, 10, 0, TimeSpan.Zero);

    public NotificationComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private static DisplayPreferences Zone(string timezone) => DisplayPreferences.From(new UserPreferences { Timezone = timezone });

    [Fact]
    public void An_unread_row_links_to_its_order_and_offers_mark_read()
    {
        NotificationView? marked = null;
        var n = Note(isRead: false, link: "/orders/42", at: Now.AddMinutes(-12));

        var row = Render<NotificationRow>(p => p.Add(r => r.Notification, n).Add(r => r.Now, Now).Add(r => r.Display, Zone("Asia/Kolkata"))
            .Add(r => r.OnMarkRead, (NotificationView v) => marked = v));

        Assert.Equal("false", row.Find("[data-testid=notification]").GetAttribute("data-read"));
        Assert.Contains("note-unread", row.Find("li").ClassList);
        Assert.Equal("orders/42", row.Find("a.note-title").GetAttribute("href"));
        Assert.Equal("Order executed", row.Find("a.note-title").TextContent);
        Assert.Equal("12 min ago", row.Find(".note-time").TextContent);
        Assert.Equal("26/11/2026 21:28", row.Find(".note-time").GetAttribute("title"));
        row.Find("[data-testid=mark-read]").Click();
        Assert.Equal(n, marked);
    }

    [Fact]
    public void A_read_row_without_a_link_has_no_link_and_no_mark_read()
    {
        var row = Render<NotificationRow>(p => p.Add(r => r.Notification, Note(isRead: true, link: null, at: Now.AddSeconds(-5))).Add(r => r.Now, Now));

        Assert.Empty(row.FindAll("a"));
        Assert.Empty(row.FindAll("[data-testid=mark-read]"));
        Assert.Equal("just now", row.Find(".note-time").TextContent);
    }

    [Theory]
    [InlineData("Asia/Kolkata", -3 * 60, "today 18:40")]
    [InlineData("Asia/Kolkata", -22 * 60, "yesterday 23:40")]
    [InlineData("Asia/Kolkata", -17 * 60, "today 04:40")]
    [InlineData("Europe/London", -17 * 60, "yesterday 23:10")]
    [InlineData("Asia/Kolkata", -3 * 24 * 60, "23/11/2026 21:40")]
    public void Older_times_are_told_as_today_yesterday_or_a_date_in_the_users_zone(string timezone, int minutes, string expected) =>
        Assert.Equal(expected, NotificationTime.Relative(Now.AddMinutes(minutes), Now, Zone(timezone)));

    private static NotificationView Note(bool isRead, string? link, DateTimeOffset at) =>
        new(Guid.NewGuid(), NotificationKinds.OrderExecuted, "Order executed", "Bought 10 TCS at ₹3,600.00.", link, isRead, at, isRead ? at : null);

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
