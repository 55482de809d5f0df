using Microsoft.EntityFrameworkCore;
using Spark.Core.Accounts;
using Spark.Core.Notifications;
using Spark.Core.Time;
using Spark.Data;

namespace Spark.Web.Accounts;

/// <summary>
/// When an account signs in from a device it has not used before (same browser family, system and device
/// type), the user gets an in-app notification and an email, unless they turned login alerts off.
/// </summary>
public sealed class SignInAlerts(SparkDb db, IMailTransport mail, TimeProvider clock)
{
    public async Task NotifyIfNewDeviceAsync(Guid userId, string email, string name, UserSession session, CancellationToken cancellationToken = default)
    {
        await using var context = db.ForUser(userId);
        var enabled = await context.UserSecurity.Where(s => s.UserId == userId).Select(s => (bool?)s.LoginAlertsEnabled).SingleOrDefaultAsync(cancellationToken) ?? true;
        if (!enabled) return;
        var previous = await context.UserSessions.Where(s => s.UserId == userId && s.Id != session.Id)
            .Select(s => new { s.Browser, s.Os, s.DeviceType }).ToListAsync(cancellationToken);
        if (previous.Count == 0 || previous.Any(p => Family(p.Browser) == Family(session.Browser) && p.Os == session.Os && p.DeviceType == session.DeviceType))
        {
            return; // a first sign-in (registration) or a device seen before
        }
        var device = new ClientDevice(session.DeviceType, session.Browser, session.Os, session.DeviceName).Describe();
        var where = session.IpAddress?.ToString() ?? "an unknown address";
        context.Notifications.Add(new UserNotification
        {
            UserId = userId,
            Type = "security_sign_in",
            Title = "New sign-in",
            Message = $"Your account signed in from {device} ({where}). Not you? Change your password and sign out other sessions.",
            Icon = "security",
            Link = "/settings/security",
            Priority = NotificationPriority.High,
        });
        await context.SaveChangesAsync(cancellationToken);
        var when = IndiaTime.ToIst(clock.GetUtcNow()).ToString("dd MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        await mail.SendAsync(AccountMails.NewSignIn(email, name, device, where, when), cancellationToken);
    }

    private static string? Family(string? browser) => browser?.Split(' ') is { Length: > 1 } parts ? string.Join(' ', parts[..^1]) : browser;
}
