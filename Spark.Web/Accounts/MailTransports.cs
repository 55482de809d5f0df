using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Spark.Data.Identity;
using Spark.Web.Hosting;

namespace Spark.Web.Accounts;

/// <summary>
/// The development transport: each email becomes an HTML file under {StateDirectory}/mail, readable at
/// /dev/mailbox, so every account flow works offline and tests can read what was sent.
/// </summary>
public sealed partial class MailboxTransport(IOptions<SparkOptions> options, TimeProvider clock, ILogger<MailboxTransport> log) : IMailTransport
{
    public string MailDirectory => Path.Combine(options.Value.StateDirectory, "mail");

    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(MailDirectory);
        var stamp = clock.GetUtcNow().ToString("yyyyMMddTHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var file = Path.Combine(MailDirectory, $"{stamp}-{Guid.NewGuid():N}.html");
        var subject = System.Net.WebUtility.HtmlEncode(message.Subject);
        var html = $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{subject}</title></head>" +
                   $"<body><p>To: <span id=\"to\">{System.Net.WebUtility.HtmlEncode(message.To)}</span></p><h1>{subject}</h1>{message.Html}</body></html>";
        await File.WriteAllTextAsync(file, html, cancellationToken);
        LogWritten(log, message.Subject, file);
    }

    [LoggerMessage(LogLevel.Information, "Mail \"{Subject}\" written to {File}")]
    private static partial void LogWritten(ILogger logger, string subject, string file);
}

/// <summary>SMTP through MailKit (STARTTLS by default), used whenever Spark:Smtp:Host is set.</summary>
public sealed class SmtpTransport(IOptions<SmtpOptions> options) : IMailTransport
{
    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var mime = new MimeKit.MimeMessage { Subject = message.Subject };
        mime.From.Add(MimeKit.MailboxAddress.Parse(settings.From));
        mime.To.Add(MimeKit.MailboxAddress.Parse(message.To));
        mime.Body = new MimeKit.BodyBuilder { HtmlBody = message.Html }.ToMessageBody();

        using var client = new MailKit.Net.Smtp.SmtpClient();
        await client.ConnectAsync(settings.Host ?? throw new InvalidOperationException("Spark:Smtp:Host is not set."), settings.Port,
            settings.UseStartTls ? MailKit.Security.SecureSocketOptions.StartTls : MailKit.Security.SecureSocketOptions.None, cancellationToken);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
        }
        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

/// <summary>Identity's email hooks, through whichever transport is configured.</summary>
public sealed class AccountEmailSender(IMailTransport transport) : IEmailSender<SparkUser>
{
    public Task SendConfirmationLinkAsync(SparkUser user, string email, string confirmationLink) =>
        transport.SendAsync(AccountMails.ConfirmEmail(email, user.Name, confirmationLink));

    public Task SendPasswordResetLinkAsync(SparkUser user, string email, string resetLink) =>
        transport.SendAsync(AccountMails.ResetPassword(email, user.Name, resetLink));

    public Task SendPasswordResetCodeAsync(SparkUser user, string email, string resetCode) =>
        transport.SendAsync(AccountMails.ResetCode(email, resetCode));
}
