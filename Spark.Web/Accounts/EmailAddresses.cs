using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Spark.Data.Identity;
using Spark.Web.Security;

namespace Spark.Web.Accounts;

/// <summary>Confirming an email address, and moving an account to a new one (after re-entering the password).</summary>
public sealed class EmailAddresses(UserManager<SparkUser> users, IMailTransport mail, SessionService sessions, AuditTrail audit,
    Microsoft.Extensions.Options.IOptions<Hosting.SparkOptions> options)
{
    public async Task SendConfirmationAsync(SparkUser user)
    {
        var code = Encode(await users.GenerateEmailConfirmationTokenAsync(user));
        var link = new Uri(options.Value.PublicBaseUri, $"Account/ConfirmEmail?userId={user.Id}&code={code}");
        await mail.SendAsync(AccountMails.ConfirmEmail(user.Email!, user.Name, link.AbsoluteUri));
    }

    public async Task<bool> ConfirmAsync(Guid userId, string code)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        return user is not null && (await users.ConfirmEmailAsync(user, Decode(code))).Succeeded;
    }

    /// <summary>Sends a confirmation link to the new address; nothing changes until it is followed.</summary>
    public async Task<EmailChangeResult> RequestChangeAsync(SparkUser user, string password, string newEmail)
    {
        newEmail = newEmail.Trim();
        if (!await users.CheckPasswordAsync(user, password)) return EmailChangeResult.WrongPassword;
        if (string.Equals(newEmail, user.Email, StringComparison.OrdinalIgnoreCase)) return EmailChangeResult.Unchanged;
        if (await users.FindByEmailAsync(newEmail) is not null) return EmailChangeResult.Taken;
        var code = Encode(await users.GenerateChangeEmailTokenAsync(user, newEmail));
        var link = new Uri(options.Value.PublicBaseUri, $"Account/ConfirmEmailChange?userId={user.Id}&email={Uri.EscapeDataString(newEmail)}&code={code}");
        await mail.SendAsync(AccountMails.ConfirmEmailChange(newEmail, user.Name, link.AbsoluteUri));
        return EmailChangeResult.LinkSent;
    }

    /// <summary>Completes a change: the sign-in name follows the email, and every session must sign in again.</summary>
    public async Task<bool> ConfirmChangeAsync(Guid userId, string newEmail, string code, ClientInfo? client = null)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null) return false;
        var previous = user.Email;
        var result = await users.ChangeEmailAsync(user, newEmail, Decode(code));
        if (!result.Succeeded) return false;
        await users.SetUserNameAsync(user, newEmail);
        await sessions.RevokeAllAsync(user.Id);
        await audit.RecordAsync(AuditActions.EmailChanged, user.Id, client, details: new { from = previous, to = newEmail });
        return true;
    }

    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    private static string Decode(string code)
    {
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return "";
        }
    }
}

public enum EmailChangeResult { LinkSent, WrongPassword, Taken, Unchanged }
