using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Spark.Data.Identity;
using Spark.Web.Hosting;

namespace Spark.Web.Accounts;

/// <summary>
/// Writes account emails as HTML files under {StateDirectory}/mail, so password resets work offline and in
/// tests. SMTP delivery replaces it when a mail server is configured.
/// </summary>
public sealed partial class MailboxEmailSender(IOptions<SparkOptions> options, TimeProvider clock, ILogger<MailboxEmailSender> log)
    : IEmailSender<SparkUser>
{
    public string MailDirectory => Path.Combine(options.Value.StateDirectory, "mail");

    public Task SendConfirmationLinkAsync(SparkUser user, string email, string confirmationLink) =>
        WriteAsync(email, "Confirm your email", $"<p>Hello {Encode(user.Name)},</p><p><a href=\"{confirmationLink}\">Confirm your email address</a>.</p>");

    public Task SendPasswordResetLinkAsync(SparkUser user, string email, string resetLink) =>
        WriteAsync(email, "Reset your Spark password",
            $"<p>Hello {Encode(user.Name)},</p><p><a id=\"reset-link\" href=\"{resetLink}\">Choose a new password</a>. The link works once.</p>" +
            "<p>If you did not ask for this, ignore this email: your password stays as it is.</p>");

    public Task SendPasswordResetCodeAsync(SparkUser user, string email, string resetCode) =>
        WriteAsync(email, "Your Spark password reset code", $"<p>Your code: <strong>{Encode(resetCode)}</strong></p>");

    private async Task WriteAsync(string to, string subject, string body)
    {
        Directory.CreateDirectory(MailDirectory);
        var stamp = clock.GetUtcNow().ToString("yyyyMMddTHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var file = Path.Combine(MailDirectory, $"{stamp}-{Guid.NewGuid():N}.html");
        var html = $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{Encode(subject)}</title></head>" +
                   $"<body><p>To: <span id=\"to\">{Encode(to)}</span></p><h1>{Encode(subject)}</h1>{body}</body></html>";
        await File.WriteAllTextAsync(file, html);
        LogWritten(log, subject, file);
    }

    private static string Encode(string value) => System.Net.WebUtility.HtmlEncode(value);

    [LoggerMessage(LogLevel.Information, "Mail \"{Subject}\" written to {File}")]
    private static partial void LogWritten(ILogger logger, string subject, string file);
}
