using System.Net;

namespace Spark.Web.Accounts;

/// <summary>One email Spark sends: plain words, one link at most, HTML-encoded values.</summary>
public sealed record MailMessage(string To, string Subject, string Html);

/// <summary>Where account emails go: SMTP when configured, otherwise the local mailbox folder.</summary>
public interface IMailTransport
{
    Task SendAsync(MailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>The "Spark:Smtp" section. Without a host, mail is written to {StateDirectory}/mail instead.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Spark:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool UseStartTls { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Spark <no-reply@spark.local>";
}

/// <summary>The texts of Spark's account emails, in one place.</summary>
public static class AccountMails
{
    public static MailMessage ConfirmEmail(string to, string name, string link) => new(to, "Confirm your email for Spark",
        $"<p>Hello {Encode(name)},</p><p><a id=\"action-link\" href=\"{link}\">Confirm this email address</a> to finish setting up Spark.</p>");

    public static MailMessage ConfirmEmailChange(string to, string name, string link) => new(to, "Confirm your new Spark email",
        $"<p>Hello {Encode(name)},</p><p>You asked to sign in to Spark with this address. <a id=\"action-link\" href=\"{link}\">Confirm the change</a>.</p>" +
        "<p>If it was not you, ignore this email; nothing changes.</p>");

    public static MailMessage ResetPassword(string to, string name, string link) => new(to, "Reset your Spark password",
        $"<p>Hello {Encode(name)},</p><p><a id=\"reset-link\" href=\"{link}\">Choose a new password</a>. The link works once.</p>" +
        "<p>If you did not ask for this, ignore this email: your password stays as it is.</p>");

    public static MailMessage ResetCode(string to, string code) => new(to, "Your Spark password reset code",
        $"<p>Your code: <strong>{Encode(code)}</strong></p>");

    public static MailMessage NewSignIn(string to, string name, string device, string where, string when) => new(to, "New sign-in to your Spark account",
        $"<p>Hello {Encode(name)},</p><p>Your account was just used to sign in from <strong>{Encode(device)}</strong> ({Encode(where)}) at {Encode(when)} IST.</p>" +
        "<p>If this was you, nothing to do. If not, change your password now and sign out other sessions under Settings → Security.</p>");

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
